//! npm package versions, parsed and ordered as npm's `semver` package
//! (v7, strict mode) does: SemVer 2.0 with an optional leading `v`,
//! surrounding white space trimmed, at most 256 characters, components
//! up to 2^53 − 1, build metadata ignored. Numeric pre-release
//! identifiers are compared as JavaScript numbers, so very long ones lose
//! precision exactly as they do in npm.

use regex::Regex;
use std::cmp::Ordering;
use std::sync::OnceLock;

/// JavaScript's `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
/// npm's `MAX_LENGTH`.
const MAX_LENGTH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
enum Ident {
    /// A numeric identifier below 2^53 − 1, which npm holds as a number.
    Num(u64),
    /// Anything else, numeric or not, kept as text.
    Str(String),
}

/// An npm semantic version.
#[derive(Debug, Clone)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    prerelease: Vec<Ident>,
}

/// npm refuses the version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid Version: {0}")]
pub struct Error(pub String);

fn full() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let num = "0|[1-9][0-9]*";
        let nonnum = "[0-9]*[a-zA-Z-][a-zA-Z0-9-]*";
        let pre = format!("(?:{nonnum}|{num})");
        #[allow(clippy::expect_used)]
        Regex::new(&format!(
            r"^v?({num})\.({num})\.({num})(?:-({pre}(?:\.{pre})*))?(?:\+([a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*))?$"
        ))
        .expect("npm semver pattern")
    })
}

/// JavaScript's `String.prototype.trim` white space.
fn js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

impl Version {
    /// Parses as `new SemVer(version)` does.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let bad = || Error(s.to_string());
        if s.encode_utf16().count() > MAX_LENGTH {
            return Err(bad());
        }
        let c = full().captures(s.trim_matches(js_space)).ok_or_else(bad)?;
        let component = |i: usize| -> Result<u64, Error> {
            let d = c.get(i).map_or("", |m| m.as_str());
            match d.parse::<u64>() {
                Ok(n) if n <= MAX_SAFE_INTEGER => Ok(n),
                _ => Err(bad()),
            }
        };
        let prerelease = c
            .get(4)
            .map(|m| {
                m.as_str()
                    .split('.')
                    .map(|id| match id.parse::<u64>() {
                        Ok(n) if id.bytes().all(|b| b.is_ascii_digit()) && n < MAX_SAFE_INTEGER => {
                            Ident::Num(n)
                        }
                        _ => Ident::Str(id.to_string()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            major: component(1)?,
            minor: component(2)?,
            patch: component(3)?,
            prerelease,
        })
    }
}

/// The number JavaScript's unary `+` makes of a string of digits.
fn js_number(digits: &str) -> f64 {
    digits.parse::<f64>().unwrap_or(f64::INFINITY)
}

/// npm's `compareIdentifiers`.
fn compare_identifiers(a: &Ident, b: &Ident) -> Ordering {
    let numeric = |i: &Ident| match i {
        Ident::Num(n) => Some(*n as f64),
        Ident::Str(s) if !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) => {
            Some(js_number(s))
        }
        Ident::Str(_) => None,
    };
    match (numeric(a), numeric(b)) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => match (a, b) {
            (Ident::Str(x), Ident::Str(y)) => x.cmp(y),
            _ => Ordering::Equal,
        },
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let main =
            (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch));
        if main != Ordering::Equal {
            return main;
        }
        match (self.prerelease.is_empty(), other.prerelease.is_empty()) {
            (true, true) => return Ordering::Equal,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (false, false) => {}
        }
        let mut i = 0;
        loop {
            match (self.prerelease.get(i), other.prerelease.get(i)) {
                (None, None) => return Ordering::Equal,
                (Some(_), None) => return Ordering::Greater,
                (None, Some(_)) => return Ordering::Less,
                (Some(a), Some(b)) if a == b => {}
                (Some(a), Some(b)) => return compare_identifiers(a, b),
            }
            i += 1;
        }
    }
}

crate::version::order_by_cmp!(Version);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        Version::parse(a).unwrap().cmp(&Version::parse(b).unwrap())
    }

    #[test]
    fn npm_semver_examples() {
        assert_eq!(cmp("1.0.0-alpha", "1.0.0-alpha.1"), Ordering::Less);
        assert_eq!(cmp("1.0.0-beta.11", "1.0.0-beta.2"), Ordering::Greater);
        assert_eq!(cmp("v1.2.3", " 1.2.3+build "), Ordering::Equal);
        assert_eq!(cmp("1.0.0-1", "1.0.0-a"), Ordering::Less);
        // Past 2^53 the identifiers are compared as JavaScript numbers.
        assert_eq!(
            cmp("1.0.0-99999999999999999999", "1.0.0-99999999999999999998"),
            Ordering::Equal
        );
        assert!(Version::parse("1.0").is_err());
        assert!(Version::parse("01.0.0").is_err());
        assert!(Version::parse("9007199254740992.0.0").is_err());
        assert!(
            Version::parse("=1.0.0").is_err(),
            "only loose mode takes `=`"
        );
    }
}
