//! RubyGems versions, parsed and ordered as `Gem::Version` (RubyGems
//! 3.3) does: segments of digits or letters, `-` read as `.pre.`, a
//! letter segment making a pre-release, trailing zeros of the release and
//! of the pre-release part not significant.

use super::Digits;
use regex::Regex;
use std::cmp::Ordering;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Num(Digits),
    Str(String),
}

/// A RubyGems version.
#[derive(Debug, Clone)]
pub struct Version {
    /// The normalised text (`-` replaced by `.pre.`).
    text: String,
    canonical: Vec<Segment>,
}

/// `Gem::Version` refuses the string ("Malformed version number string").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Malformed version number string {0}")]
pub struct Error(pub String);

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // `ANCHORED_VERSION_PATTERN` (its atomic group changes nothing:
        // what follows it cannot start inside it); `\s` is Ruby's.
        #[allow(clippy::expect_used)]
        Regex::new(
            r"\A[ \t\r\n\f\v]*([0-9]+(?:\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?[ \t\r\n\f\v]*\z",
        )
        .expect("RubyGems pattern")
    })
}

fn is_zero(s: &Segment) -> bool {
    matches!(s, Segment::Num(n) if n.is_zero())
}

fn drop_trailing_zeros(mut v: Vec<Segment>) -> Vec<Segment> {
    while v.last().is_some_and(is_zero) {
        v.pop();
    }
    v
}

impl Version {
    /// Parses as `Gem::Version.new` does; a blank string is `0`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        if !pattern().is_match(s) {
            return Err(Error(s.to_string()));
        }
        let trimmed = s.trim_matches([' ', '\t', '\r', '\n', '\u{c}', '\u{b}']);
        let text = if trimmed.is_empty() {
            "0".to_string()
        } else {
            trimmed.replace('-', ".pre.")
        };
        let mut segments = Vec::new();
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let start = i;
            let digits = b.get(i).is_some_and(u8::is_ascii_digit);
            let letters = b.get(i).is_some_and(u8::is_ascii_alphabetic);
            if !digits && !letters {
                i += 1;
                continue;
            }
            while b.get(i).is_some_and(|c| {
                if digits {
                    c.is_ascii_digit()
                } else {
                    c.is_ascii_alphabetic()
                }
            }) {
                i += 1;
            }
            let part = text.get(start..i).unwrap_or("");
            segments.push(if digits {
                Segment::Num(Digits::new(part))
            } else {
                Segment::Str(part.to_string())
            });
        }
        // Trailing zeros go from the release part and from the
        // pre-release part separately.
        let split = segments
            .iter()
            .position(|s| matches!(s, Segment::Str(_)))
            .unwrap_or(segments.len());
        let pre = segments.split_off(split);
        let mut canonical = drop_trailing_zeros(segments);
        canonical.extend(drop_trailing_zeros(pre));
        Ok(Self { text, canonical })
    }

    /// Whether a letter makes it a pre-release (`1.0.a`, `1.0-rc1`).
    pub fn is_prerelease(&self) -> bool {
        self.text.bytes().any(|c| c.is_ascii_alphabetic())
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        if self.text == other.text || self.canonical == other.canonical {
            return Ordering::Equal;
        }
        let zero = Segment::Num(Digits::new("0"));
        for i in 0..self.canonical.len().max(other.canonical.len()) {
            let l = self.canonical.get(i).unwrap_or(&zero);
            let r = other.canonical.get(i).unwrap_or(&zero);
            match (l, r) {
                _ if l == r => {}
                (Segment::Str(_), Segment::Num(_)) => return Ordering::Less,
                (Segment::Num(_), Segment::Str(_)) => return Ordering::Greater,
                (Segment::Num(a), Segment::Num(b)) => return a.cmp(b),
                (Segment::Str(a), Segment::Str(b)) => return a.cmp(b),
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
    fn rubygems_order() {
        let ordered = [
            "1.0.a", "1.0.b1", "1.0.rc", "1.0", "1.0.1", "1.1", "2-1", "2",
        ];
        for w in ordered.windows(2) {
            assert_eq!(
                Version::parse(w[0])
                    .unwrap()
                    .cmp(&Version::parse(w[1]).unwrap()),
                Ordering::Less,
                "{} < {}",
                w[0],
                w[1]
            );
        }
        assert_eq!(
            Version::parse("1.0.0").unwrap(),
            Version::parse("1").unwrap()
        );
        assert_eq!(Version::parse("  ").unwrap(), Version::parse("0").unwrap());
        assert!(Version::parse("1..0").is_err());
        assert!(Version::parse("junk").is_err());
    }
}
