//! Version ordering per ecosystem, as each package manager orders
//! versions. An advisory's range (`introduced`, `fixed`) only means
//! something under its ecosystem's order: `1.0~rc1` is before `1.0` to
//! dpkg, `1.0rc1` before `1.0` to pip, and `1.0^git1` after `1.0` to rpm.
//!
//! [`Ecosystem`] names them as OSV does; [`compare`] orders two versions
//! under one.

/// `PartialOrd`, `PartialEq` and `Eq` from a type's `Ord`: versions are
/// equal when their order says so (`1.0` and `1.0.0` to Maven), not when
/// their fields are.
macro_rules! order_by_cmp {
    ($t:ty) => {
        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.cmp(other) == std::cmp::Ordering::Equal
            }
        }

        impl Eq for $t {}
    };
}
pub(crate) use order_by_cmp;

/// A non-negative integer of any size, kept as its digits without leading
/// zeros, ordered numerically: the version numbers every ecosystem here
/// compares (`007` = `7`, `10` > `9`, and no overflow).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Digits(String);

impl Digits {
    /// From ASCII digits (leading zeros dropped; empty is zero).
    pub(crate) fn new(digits: &str) -> Self {
        let d = digits.trim_start_matches('0');
        Digits(if d.is_empty() { "0".into() } else { d.into() })
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.0 == "0"
    }
}

/// Orders two digit strings that have no leading zeros numerically.
pub(crate) fn cmp_digits(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Ord for Digits {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_digits(&self.0, &other.0)
    }
}

impl PartialOrd for Digits {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub mod apk;
pub mod cargo;
pub mod dpkg;
pub mod go;
pub mod maven;
pub mod npm;
pub mod nuget;
pub mod pep440;
pub mod rpm;
pub mod rubygems;

use std::cmp::Ordering;

/// A package ecosystem whose versions have their own order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    /// Debian and Ubuntu packages (dpkg).
    Dpkg,
    /// Alpine packages (apk).
    Apk,
    /// Red Hat, AlmaLinux, Rocky, SUSE packages (rpm).
    Rpm,
    /// PyPI (PEP 440).
    PyPI,
    /// npm.
    Npm,
    /// Go modules.
    Go,
    /// crates.io.
    CratesIo,
    /// Maven.
    Maven,
    /// RubyGems.
    RubyGems,
    /// NuGet.
    NuGet,
}

impl Ecosystem {
    /// The ecosystem of an OSV `affected[].package.ecosystem` value
    /// (`Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`, `PyPI`, …);
    /// `None` for ecosystems without an order here.
    pub fn from_osv(name: &str) -> Option<Self> {
        let base = name.split(':').next().unwrap_or(name);
        Some(match base {
            "Debian" | "Ubuntu" => Self::Dpkg,
            "Alpine" | "Wolfi" | "Chainguard" => Self::Apk,
            "Red Hat" | "AlmaLinux" | "Rocky Linux" | "SUSE" | "openSUSE" | "Mageia"
            | "openEuler" => Self::Rpm,
            "PyPI" => Self::PyPI,
            "npm" => Self::Npm,
            "Go" => Self::Go,
            "crates.io" => Self::CratesIo,
            "Maven" => Self::Maven,
            "RubyGems" => Self::RubyGems,
            "NuGet" => Self::NuGet,
            _ => return None,
        })
    }
}

/// A version its ecosystem's package manager would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{ecosystem:?} version {version:?} is invalid")]
pub struct Error {
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// The version as given.
    pub version: String,
}

/// Orders `a` and `b` as `ecosystem`'s package manager does. Go versions
/// may be written with or without their `v` (OSV writes them without).
pub fn compare(ecosystem: Ecosystem, a: &str, b: &str) -> Result<Ordering, Error> {
    let bad = |v: &str| Error {
        ecosystem,
        version: v.to_string(),
    };
    Ok(match ecosystem {
        Ecosystem::Dpkg => dpkg::Version::parse(a)
            .map_err(|_| bad(a))?
            .cmp(&dpkg::Version::parse(b).map_err(|_| bad(b))?),
        Ecosystem::Apk => apk::compare(a, b),
        Ecosystem::Rpm => rpm::Version::parse(a)
            .map_err(|_| bad(a))?
            .cmp(&rpm::Version::parse(b).map_err(|_| bad(b))?),
        Ecosystem::PyPI => pep440::Version::parse(a)
            .map_err(|_| bad(a))?
            .cmp(&pep440::Version::parse(b).map_err(|_| bad(b))?),
        Ecosystem::Npm => npm::Version::parse(a)
            .map_err(|_| bad(a))?
            .cmp(&npm::Version::parse(b).map_err(|_| bad(b))?),
        Ecosystem::Go => {
            let with_v = |v: &str| {
                if v.starts_with('v') {
                    v.to_string()
                } else {
                    format!("v{v}")
                }
            };
            let (x, y) = (with_v(a), with_v(b));
            let x = go::Version::parse(&x).ok_or_else(|| bad(a))?;
            let y = go::Version::parse(&y).ok_or_else(|| bad(b))?;
            x.cmp(&y)
        }
        Ecosystem::CratesIo => cargo::Version::parse(a)
            .map_err(|_| bad(a))?
            .cmp(&cargo::Version::parse(b).map_err(|_| bad(b))?),
        Ecosystem::Maven => maven::Version::parse(a).cmp(&maven::Version::parse(b)),
        Ecosystem::RubyGems => rubygems::Version::parse(a)
            .map_err(|_| bad(a))?
            .cmp(&rubygems::Version::parse(b).map_err(|_| bad(b))?),
        Ecosystem::NuGet => nuget::Version::parse(a)
            .map_err(|_| bad(a))?
            .cmp(&nuget::Version::parse(b).map_err(|_| bad(b))?),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn one_pair_orders_differently_per_ecosystem() {
        let e = |n| Ecosystem::from_osv(n).unwrap();
        assert_eq!(
            compare(e("Debian:12"), "1.0~rc1", "1.0").unwrap(),
            Ordering::Less
        );
        assert_eq!(compare(e("PyPI"), "1.0rc1", "1.0").unwrap(), Ordering::Less);
        assert_eq!(
            compare(e("Red Hat"), "1.0^git1", "1.0").unwrap(),
            Ordering::Greater
        );
        assert_eq!(
            compare(e("Go"), "1.2.0", "v1.10.0").unwrap(),
            Ordering::Less
        );
        assert_eq!(
            compare(e("Maven"), "1.0-SNAPSHOT", "1.0").unwrap(),
            Ordering::Less
        );
        assert_eq!(
            compare(e("Alpine:v3.20"), "1.0_p1", "1.0").unwrap(),
            Ordering::Greater
        );
        assert!(compare(e("npm"), "1.0", "1.0.0").is_err());
        assert_eq!(Ecosystem::from_osv("Hackage"), None);
    }
}
