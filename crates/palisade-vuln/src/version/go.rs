//! Go module versions, ordered as `golang.org/x/mod/semver` orders them:
//! SemVer 2.0 with a required `v`, the shorthands `v1` and `v1.2`
//! (`v1.0.0`, `v1.2.0`), build metadata ignored, and every invalid
//! version equal to every other and below every valid one. Pseudo-versions
//! (`v0.0.0-20191109021931-daa7c04131f5`) are pre-releases and order by
//! their timestamp.

use super::cmp_digits;
use std::cmp::Ordering;

/// A valid Go semantic version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    major: String,
    minor: String,
    patch: String,
    /// With its leading `-`, or empty.
    prerelease: String,
    /// With its leading `+`, or empty.
    build: String,
}

fn parse_int(v: &str) -> Option<(&str, &str)> {
    let b = v.as_bytes();
    if !b.first()?.is_ascii_digit() {
        return None;
    }
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if b.first() == Some(&b'0') && n != 1 {
        return None;
    }
    Some((v.get(..n)?, v.get(n..)?))
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

fn is_bad_num(v: &str) -> bool {
    v.len() > 1 && v.bytes().all(|c| c.is_ascii_digit()) && v.starts_with('0')
}

fn is_num(v: &str) -> bool {
    v.bytes().all(|c| c.is_ascii_digit())
}

/// `-ident(.ident)*` up to a `+` or the end.
fn parse_prerelease(v: &str) -> Option<(&str, &str)> {
    let end = v.find('+').unwrap_or(v.len());
    let body = v.get(1..end)?;
    if !v.starts_with('-')
        || body
            .split('.')
            .any(|id| id.is_empty() || is_bad_num(id) || !id.bytes().all(is_ident_char))
    {
        return None;
    }
    Some((v.get(..end)?, v.get(end..)?))
}

/// `+ident(.ident)*` to the end.
fn parse_build(v: &str) -> Option<&str> {
    let body = v.strip_prefix('+')?;
    body.split('.')
        .all(|id| !id.is_empty() && id.bytes().all(is_ident_char))
        .then_some(v)
}

impl Version {
    /// Parses as `semver.IsValid` accepts; `None` for anything else.
    pub fn parse(v: &str) -> Option<Self> {
        let (major, rest) = parse_int(v.strip_prefix('v')?)?;
        let zero = || "0".to_string();
        if rest.is_empty() {
            return Some(Self {
                major: major.into(),
                minor: zero(),
                patch: zero(),
                prerelease: String::new(),
                build: String::new(),
            });
        }
        let (minor, rest) = parse_int(rest.strip_prefix('.')?)?;
        if rest.is_empty() {
            return Some(Self {
                major: major.into(),
                minor: minor.into(),
                patch: zero(),
                prerelease: String::new(),
                build: String::new(),
            });
        }
        let (patch, mut rest) = parse_int(rest.strip_prefix('.')?)?;
        let mut prerelease = "";
        if rest.starts_with('-') {
            (prerelease, rest) = parse_prerelease(rest)?;
        }
        let mut build = "";
        if rest.starts_with('+') {
            build = parse_build(rest)?;
            rest = "";
        }
        if !rest.is_empty() {
            return None;
        }
        Some(Self {
            major: major.into(),
            minor: minor.into(),
            patch: patch.into(),
            prerelease: prerelease.into(),
            build: build.into(),
        })
    }
}

fn compare_prerelease(x: &str, y: &str) -> Ordering {
    if x == y {
        return Ordering::Equal;
    }
    if x.is_empty() {
        return Ordering::Greater;
    }
    if y.is_empty() {
        return Ordering::Less;
    }
    let mut xs = x.get(1..).unwrap_or("").split('.');
    let mut ys = y.get(1..).unwrap_or("").split('.');
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(dx), Some(dy)) if dx == dy => {}
            (Some(dx), Some(dy)) => {
                return match (is_num(dx), is_num(dy)) {
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (true, true) => cmp_digits(dx, dy),
                    (false, false) => dx.cmp(dy),
                };
            }
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_digits(&self.major, &other.major)
            .then_with(|| cmp_digits(&self.minor, &other.minor))
            .then_with(|| cmp_digits(&self.patch, &other.patch))
            .then_with(|| compare_prerelease(&self.prerelease, &other.prerelease))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `semver.Compare`: invalid versions are equal to each other and below
/// every valid one.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (Version::parse(a), Version::parse(b)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(&y),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn semver_spec_order_and_go_shorthands() {
        let ordered = [
            "v1.0.0-alpha",
            "v1.0.0-alpha.1",
            "v1.0.0-alpha.beta",
            "v1.0.0-beta",
            "v1.0.0-beta.2",
            "v1.0.0-beta.11",
            "v1.0.0-rc.1",
            "v1.0.0",
            "v1.2",
            "v1.2.1",
            "v2",
        ];
        for w in ordered.windows(2) {
            assert_eq!(compare(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
        }
        assert_eq!(compare("v1.2.0+incompatible", "v1.2.0"), Ordering::Equal);
        assert_eq!(
            compare(
                "v0.0.0-20191109021931-daa7c04131f5",
                "v0.0.0-20200101000000-aaaaaaaaaaaa"
            ),
            Ordering::Less
        );
        assert_eq!(compare("1.0.0", "v0.0.1"), Ordering::Less, "no v: invalid");
        assert_eq!(compare("v01.0.0", "bad"), Ordering::Equal);
    }
}
