//! NuGet package versions, ordered as NuGet's `VersionComparer.Default`
//! orders them (NuGet docs, "Package versioning"): up to four numeric
//! parts, missing ones zero (`1.0` = `1.0.0` = `1.0.0.0`); a release
//! label sorts before the release; labels compared part by part, numbers
//! numerically and before text, text case-insensitively; build metadata
//! ignored.

use super::Digits;
use std::cmp::Ordering;

#[derive(Debug, Clone)]
enum Label {
    Num(Digits),
    /// Text, lowercased.
    Text(String),
}

/// A NuGet version.
#[derive(Debug, Clone)]
pub struct Version {
    /// Major, minor, patch and revision.
    numbers: [Digits; 4],
    release: Vec<Label>,
}

/// Not a NuGet version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid NuGet version: {0:?}")]
pub struct Error(pub String);

fn digits(s: &str) -> Option<Digits> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // NuGet's parts are Int32.
    let d = Digits::new(s);
    (d <= Digits::new("2147483647")).then_some(d)
}

impl Version {
    /// Parses `1`, `1.2`, `1.2.3`, `1.2.3.4`, each with an optional
    /// `-label.parts` and `+metadata`; white space around is allowed.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let bad = || Error(s.to_string());
        let t = s.trim();
        let (t, _metadata) = match t.split_once('+') {
            Some((v, m)) if !m.is_empty() && m.split('.').all(valid_ident) => (v, Some(m)),
            Some(_) => return Err(bad()),
            None => (t, None),
        };
        let (numbers, label) = match t.split_once('-') {
            Some((n, l)) => (n, Some(l)),
            None => (t, None),
        };
        let parts: Vec<&str> = numbers.split('.').collect();
        if parts.is_empty() || parts.len() > 4 {
            return Err(bad());
        }
        let mut nums: [Digits; 4] = std::array::from_fn(|_| Digits::new("0"));
        for (slot, part) in nums
            .iter_mut()
            .zip(parts.iter().copied().chain(std::iter::repeat("0")))
        {
            *slot = digits(part).ok_or_else(bad)?;
        }
        let release = match label {
            None => Vec::new(),
            Some(l) if !l.is_empty() && l.split('.').all(valid_ident) => l
                .split('.')
                .map(|p| match digits(p) {
                    Some(d) if p.bytes().all(|b| b.is_ascii_digit()) => Label::Num(d),
                    _ => Label::Text(p.to_ascii_lowercase()),
                })
                .collect(),
            Some(_) => return Err(bad()),
        };
        Ok(Self {
            numbers: nums,
            release,
        })
    }

    /// Whether it carries a release label.
    pub fn is_prerelease(&self) -> bool {
        !self.release.is_empty()
    }
}

fn valid_ident(p: &str) -> bool {
    !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.numbers.iter().zip(&other.numbers) {
            match a.cmp(b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        match (self.release.is_empty(), other.release.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            (false, false) => {}
        }
        for i in 0..self.release.len().max(other.release.len()) {
            let o = match (self.release.get(i), other.release.get(i)) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(Label::Num(a)), Some(Label::Num(b))) => a.cmp(b),
                (Some(Label::Num(_)), Some(Label::Text(_))) => Ordering::Less,
                (Some(Label::Text(_)), Some(Label::Num(_))) => Ordering::Greater,
                (Some(Label::Text(a)), Some(Label::Text(b))) => a.cmp(b),
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

crate::version::order_by_cmp!(Version);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn nuget_documented_order() {
        // The NuGet docs' pre-release example, ascending, then releases.
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.0.1",
            "1.0.1",
            "1.1",
        ];
        for w in ordered.windows(2) {
            assert!(
                Version::parse(w[0]).unwrap() < Version::parse(w[1]).unwrap(),
                "{} < {}",
                w[0],
                w[1]
            );
        }
        for (a, b) in [
            ("1.0", "1.0.0.0"),
            ("1.0.0-BETA", "1.0.0-beta"),
            ("1.0.0+abc", "1.0.0"),
            ("01.2", "1.2"),
        ] {
            assert_eq!(
                Version::parse(a).unwrap(),
                Version::parse(b).unwrap(),
                "{a} = {b}"
            );
        }
        for bad in ["", "1.2.3.4.5", "1.a", "1.0-", "1.0-a..b", "1.0+", "v1.0"] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
    }
}
