//! Crate versions, ordered by SemVer 2.0 precedence with Cargo's own
//! parser (the `semver` crate Cargo uses): build metadata does not count,
//! as advisories' ranges (RustSec, OSV's `SEMVER` type) mean it.

use std::cmp::Ordering;

/// A crate version.
#[derive(Debug, Clone)]
pub struct Version(semver::Version);

/// Cargo refuses the version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid crate version {text:?}: {reason}")]
pub struct Error {
    /// The version as given.
    pub text: String,
    /// Cargo's reason.
    pub reason: String,
}

impl Version {
    /// Parses as Cargo does (strict SemVer: three parts, no `v`).
    pub fn parse(s: &str) -> Result<Self, Error> {
        semver::Version::parse(s).map(Self).map_err(|e| Error {
            text: s.to_string(),
            reason: e.to_string(),
        })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp_precedence(&other.0)
    }
}

crate::version::order_by_cmp!(Version);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn semver_spec_precedence() {
        // SemVer 2.0.0 §11's example, ascending.
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for w in ordered.windows(2) {
            assert!(
                Version::parse(w[0]).unwrap() < Version::parse(w[1]).unwrap(),
                "{} < {}",
                w[0],
                w[1]
            );
        }
        assert_eq!(
            Version::parse("1.0.0+build.1").unwrap(),
            Version::parse("1.0.0").unwrap()
        );
        assert!(Version::parse("1.0").is_err());
        assert!(Version::parse("v1.0.0").is_err());
    }
}
