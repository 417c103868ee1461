//! Python package versions (PEP 440), parsed and ordered as the
//! `packaging` library's `Version` does: epoch, release (trailing zeros
//! not significant), pre-release, post-release, dev-release, local.

use regex::Regex;
use std::cmp::Ordering;
use std::sync::OnceLock;

use super::Digits as Num;

/// One segment of a local version: numbers sort after strings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Local {
    Str(String),
    Num(Num),
}

/// A PEP 440 version.
#[derive(Debug, Clone)]
pub struct Version {
    epoch: Num,
    release: Vec<Num>,
    /// `a`, `b` or `rc`, and its number.
    pre: Option<(String, Num)>,
    post: Option<Num>,
    dev: Option<Num>,
    local: Vec<Local>,
}

/// Not a PEP 440 version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid version: {0:?}")]
pub struct Error(pub String);

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // PEP 440's appendix B pattern, as `packaging` uses it.
        #[allow(clippy::expect_used)]
        Regex::new(
            r"(?ix)^\s*
            v?
            (?:
                (?:(?P<epoch>[0-9]+)!)?
                (?P<release>[0-9]+(?:\.[0-9]+)*)
                (?P<pre>
                    [-_\.]?
                    (?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)
                    [-_\.]?
                    (?P<pre_n>[0-9]+)?
                )?
                (?P<post>
                    (?:-(?P<post_n1>[0-9]+))
                    |
                    (?:
                        [-_\.]?
                        (?P<post_l>post|rev|r)
                        [-_\.]?
                        (?P<post_n2>[0-9]+)?
                    )
                )?
                (?P<dev>
                    [-_\.]?
                    (?P<dev_l>dev)
                    [-_\.]?
                    (?P<dev_n>[0-9]+)?
                )?
            )
            (?:\+(?P<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?
            \s*$",
        )
        .expect("PEP 440 pattern")
    })
}

impl Version {
    /// Parses a version as `packaging.version.Version` does.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let c = pattern().captures(s).ok_or_else(|| Error(s.to_string()))?;
        let num = |name: &str| c.name(name).map(|m| Num::new(m.as_str()));
        let release = c
            .name("release")
            .map(|m| m.as_str().split('.').map(Num::new).collect())
            .unwrap_or_default();
        let pre = c.name("pre_l").map(|l| {
            let l = l.as_str().to_ascii_lowercase();
            let l = match l.as_str() {
                "alpha" => "a",
                "beta" => "b",
                "c" | "pre" | "preview" => "rc",
                other => other,
            }
            .to_string();
            (l, num("pre_n").unwrap_or_else(|| Num::new("0")))
        });
        let post = if c.name("post").is_some() {
            Some(
                num("post_n1")
                    .or_else(|| num("post_n2"))
                    .unwrap_or_else(|| Num::new("0")),
            )
        } else {
            None
        };
        let dev = c
            .name("dev")
            .map(|_| num("dev_n").unwrap_or_else(|| Num::new("0")));
        let local = c
            .name("local")
            .map(|m| {
                m.as_str()
                    .split(['-', '_', '.'])
                    .map(|p| {
                        if p.bytes().all(|b| b.is_ascii_digit()) {
                            Local::Num(Num::new(p))
                        } else {
                            Local::Str(p.to_ascii_lowercase())
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            epoch: num("epoch").unwrap_or_else(|| Num::new("0")),
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    /// Whether it is a pre-release or a dev release.
    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    fn release_key(&self) -> &[Num] {
        let mut r: &[Num] = &self.release;
        while let [rest @ .., last] = r {
            if !last.is_zero() {
                break;
            }
            r = rest;
        }
        r
    }
}

/// `packaging`'s sort key for the pre-release: a dev release with
/// neither pre nor post sorts before every pre-release; no pre-release
/// sorts after them all.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum PreKey<'a> {
    Before,
    Pre(&'a str, &'a Num),
    After,
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        fn pre(v: &Version) -> PreKey<'_> {
            match (&v.pre, &v.post, &v.dev) {
                (None, None, Some(_)) => PreKey::Before,
                (None, _, _) => PreKey::After,
                (Some((l, n)), _, _) => PreKey::Pre(l, n),
            }
        }
        // A missing post-release is before every post; a missing dev
        // release after every dev; a missing local before every local.
        fn post(v: &Version) -> (u8, Option<&Num>) {
            v.post.as_ref().map_or((0, None), |n| (1, Some(n)))
        }
        fn dev(v: &Version) -> (u8, Option<&Num>) {
            v.dev.as_ref().map_or((1, None), |n| (0, Some(n)))
        }
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| self.release_key().cmp(other.release_key()))
            .then_with(|| pre(self).cmp(&pre(other)))
            .then_with(|| post(self).cmp(&post(other)))
            .then_with(|| dev(self).cmp(&dev(other)))
            .then_with(|| match (self.local.is_empty(), other.local.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => self.local.cmp(&other.local),
            })
    }
}

crate::version::order_by_cmp!(Version);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn pep440_ordering_examples() {
        // PEP 440's own ordering example, ascending.
        let ordered = [
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
        ];
        for w in ordered.windows(2) {
            let (a, b) = (Version::parse(w[0]).unwrap(), Version::parse(w[1]).unwrap());
            assert_eq!(a.cmp(&b), Ordering::Less, "{} < {}", w[0], w[1]);
        }
        assert_eq!(
            Version::parse("1.0").unwrap(),
            Version::parse("1.0.0.0").unwrap()
        );
        assert_eq!(
            Version::parse("v1.0-1").unwrap(),
            Version::parse("1.0.post1").unwrap()
        );
        assert!(Version::parse("1.0-").is_err());
        assert!(Version::parse("latest").is_err());
    }
}
