//! RPM versions (`[epoch:]version[-release]`), ordered as rpm's
//! `rpmvercmp` orders each part and as its Python binding's
//! `labelCompare` orders the triple (epoch first, a missing epoch being
//! `0`; a missing release before any release).

use std::cmp::Ordering;

/// rpm refuses an empty version string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid version: empty")]
pub struct Error;

/// A parsed RPM `epoch:version-release`.
#[derive(Debug, Clone)]
pub struct Version {
    epoch: String,
    version: String,
    release: Option<String>,
}

impl Version {
    /// Splits `[epoch:]version[-release]` as rpm's `parseEVR` does: the
    /// epoch is the leading digits when a `:` follows them (`0` when
    /// there are none), the release what follows the last `-`. Only the
    /// empty string is refused; rpm orders any other.
    pub fn parse(s: &str) -> Result<Self, Error> {
        if s.is_empty() {
            return Err(Error);
        }
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let (epoch, rest) = match s.get(digits..).and_then(|r| r.strip_prefix(':')) {
            Some(rest) if digits == 0 => ("0".to_string(), rest),
            Some(rest) => (s.get(..digits).unwrap_or("0").to_string(), rest),
            None => ("0".to_string(), s),
        };
        let (version, release) = match rest.rsplit_once('-') {
            Some((v, r)) => (v.to_string(), Some(r.to_string())),
            None => (rest.to_string(), None),
        };
        Ok(Self {
            epoch,
            version,
            release,
        })
    }

    /// From the three parts, as rpm headers hold them.
    pub fn from_parts(epoch: Option<&str>, version: &str, release: Option<&str>) -> Self {
        Self {
            epoch: epoch.unwrap_or("0").to_string(),
            version: version.to_string(),
            release: release.map(str::to_string),
        }
    }
}

/// rpm's `rpmvercmp`: alphanumeric segments compared in turn, numbers
/// numerically and above letters, `~` before everything (even the end),
/// `^` after the end but before anything else.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0usize, 0usize);
    let at = |s: &[u8], k: usize| s.get(k).copied().unwrap_or(0);
    let sep = |c: u8| c != 0 && !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    while i < a.len() || j < b.len() {
        while sep(at(a, i)) {
            i += 1;
        }
        while sep(at(b, j)) {
            j += 1;
        }
        let (x, y) = (at(a, i), at(b, j));
        if x == b'~' || y == b'~' {
            if x != b'~' {
                return Ordering::Greater;
            }
            if y != b'~' {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if x == b'^' || y == b'^' {
            if x == 0 {
                return Ordering::Less;
            }
            if y == 0 {
                return Ordering::Greater;
            }
            if x != b'^' {
                return Ordering::Greater;
            }
            if y != b'^' {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if x == 0 || y == 0 {
            break;
        }
        let numeric = x.is_ascii_digit();
        let seg = |s: &[u8], k: usize| -> usize {
            let mut e = k;
            while s.get(e).is_some_and(|c| {
                if numeric {
                    c.is_ascii_digit()
                } else {
                    c.is_ascii_alphabetic()
                }
            }) {
                e += 1;
            }
            e
        };
        let (ie, je) = (seg(a, i), seg(b, j));
        if je == j {
            // Numeric segments are newer than alphabetic ones.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (mut s1, mut s2) = (a.get(i..ie).unwrap_or(&[]), b.get(j..je).unwrap_or(&[]));
        if numeric {
            while let [b'0', rest @ ..] = s1 {
                s1 = rest;
            }
            while let [b'0', rest @ ..] = s2 {
                s2 = rest;
            }
            match s1.len().cmp(&s2.len()) {
                Ordering::Equal => {}
                other => return other,
            }
        }
        match s1.cmp(s2) {
            Ordering::Equal => {}
            other => return other,
        }
        i = ie;
        j = je;
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

/// rpm's `compare_values`: a missing part sorts before a present one.
fn compare_values(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (Some(a), Some(b)) => rpmvercmp(a, b),
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        rpmvercmp(&self.epoch, &other.epoch)
            .then_with(|| rpmvercmp(&self.version, &other.version))
            .then_with(|| compare_values(self.release.as_deref(), other.release.as_deref()))
    }
}

crate::version::order_by_cmp!(Version);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn rpm_test_suite_examples() {
        // From rpm's own rpmvercmp tests.
        for (a, b, want) in [
            ("1.0", "1.0", Ordering::Equal),
            ("1.0", "2.0", Ordering::Less),
            ("2.0.1", "2.0", Ordering::Greater),
            ("5.5p1", "5.5p10", Ordering::Less),
            ("10xyz", "10.1xyz", Ordering::Less),
            ("xyz10", "xyz10.1", Ordering::Less),
            ("1.0~rc1", "1.0", Ordering::Less),
            ("1.0~rc1", "1.0~rc1~git123", Ordering::Greater),
            ("1.0^", "1.0", Ordering::Greater),
            ("1.0^git1", "1.0.1", Ordering::Less),
            ("1.0^git1~pre", "1.0^git1", Ordering::Less),
            ("a", "1", Ordering::Less),
            ("1.0a", "1.0.a", Ordering::Equal),
            ("", "~", Ordering::Greater),
        ] {
            assert_eq!(rpmvercmp(a, b), want, "{a} vs {b}");
        }
    }

    #[test]
    fn epoch_version_release_split_as_parse_evr() {
        let v = Version::parse("1:2.0-3.el9").unwrap();
        assert_eq!(
            (v.epoch.as_str(), v.version.as_str(), v.release.as_deref()),
            ("1", "2.0", Some("3.el9"))
        );
        let v = Version::parse(":1.0").unwrap();
        assert_eq!((v.epoch.as_str(), v.version.as_str()), ("0", "1.0"));
        let v = Version::parse("a:1-2-3").unwrap();
        assert_eq!(
            (v.version.as_str(), v.release.as_deref()),
            ("a:1-2", Some("3"))
        );
        assert!(Version::parse("").is_err());
        assert_eq!(
            Version::parse("1.0").unwrap(),
            Version::parse("0:1.0").unwrap()
        );
        assert!(Version::parse("1.0-1").unwrap() > Version::parse("1.0").unwrap());
    }
}
