//! Debian package versions (`[epoch:]upstream[-revision]`), parsed and
//! ordered exactly as dpkg does (`lib/dpkg/parsehelp.c` `parseversion`,
//! `lib/dpkg/version.c` `verrevcmp`; Debian Policy §5.6.12).

use std::cmp::Ordering;

/// A parsed Debian version. Ordering is dpkg's; equality is dpkg's too
/// (`1.0` equals `1.0-0` and `0:1.0`), so it is not structural.
#[derive(Debug, Clone)]
pub struct Version {
    epoch: u32,
    upstream: String,
    revision: String,
}

/// Why dpkg refuses a version string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Nothing but blanks.
    #[error("version string is empty")]
    Empty,
    /// A blank inside the version.
    #[error("version string has embedded spaces")]
    EmbeddedSpaces,
    /// `:1.0`.
    #[error("epoch in version is empty")]
    EmptyEpoch,
    /// `a:1.0`, `1a:1.0`.
    #[error("epoch in version is not number")]
    EpochNotNumber,
    /// `-1:1.0`.
    #[error("epoch in version is negative")]
    NegativeEpoch,
    /// Past `INT_MAX`.
    #[error("epoch in version is too big")]
    EpochTooBig,
    /// `1:`.
    #[error("nothing after colon in version number")]
    NothingAfterColon,
    /// `1.0-`.
    #[error("revision number is empty")]
    EmptyRevision,
    /// `-1`, `1:-1`.
    #[error("version number is empty")]
    EmptyUpstream,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

impl Version {
    /// Parses as dpkg does. Versions dpkg only warns about (not starting
    /// with a digit, unusual characters) are accepted, as `dpkg
    /// --compare-versions` accepts them.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let s = s.trim_start_matches([' ', '\t']);
        if s.is_empty() {
            return Err(Error::Empty);
        }
        let end = s.bytes().position(is_blank).unwrap_or(s.len());
        if s.bytes().skip(end).any(|b| !is_blank(b)) {
            return Err(Error::EmbeddedSpaces);
        }
        let s = &s[..end];
        let (epoch, rest) = match s.find(':') {
            Some(colon) => (parse_epoch(&s[..colon])?, &s[colon + 1..]),
            None => (0, s),
        };
        if s.contains(':') && rest.is_empty() {
            return Err(Error::NothingAfterColon);
        }
        let (upstream, revision) = match rest.rfind('-') {
            Some(h) => {
                if h + 1 == rest.len() {
                    return Err(Error::EmptyRevision);
                }
                (&rest[..h], &rest[h + 1..])
            }
            None => (rest, ""),
        };
        if upstream.is_empty() {
            return Err(Error::EmptyUpstream);
        }
        Ok(Self {
            epoch,
            upstream: upstream.to_string(),
            revision: revision.to_string(),
        })
    }

    /// The epoch (0 when not written).
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The upstream part.
    pub fn upstream(&self) -> &str {
        &self.upstream
    }

    /// The Debian revision ("" when not written).
    pub fn revision(&self) -> &str {
        &self.revision
    }
}

/// C's `strtol(s, &end, 10)` over the whole epoch text, with dpkg's checks.
fn parse_epoch(s: &str) -> Result<u32, Error> {
    let b = s.as_bytes();
    // strtol skips leading white space (none is left here but in the
    // epoch text itself: `1: 2` is refused earlier as embedded spaces).
    let mut i = 0;
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    let neg = match b.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i == digits_start {
        return Err(Error::EmptyEpoch);
    }
    if i != b.len() {
        return Err(Error::EpochNotNumber);
    }
    let digits = s[digits_start..i].trim_start_matches('0');
    // Anything past i64 is ERANGE to strtol; past INT_MAX is too big.
    let value: u64 = if digits.len() > 19 {
        u64::MAX
    } else {
        digits
            .parse()
            .unwrap_or(if digits.is_empty() { 0 } else { u64::MAX })
    };
    if neg && value != 0 {
        // strtol of a huge negative saturates at LONG_MIN: still negative.
        return Err(Error::NegativeEpoch);
    }
    u32::try_from(value)
        .ok()
        .filter(|v| *v <= i32::MAX as u32)
        .ok_or(Error::EpochTooBig)
}

/// dpkg's `order()`: digits 0, letters themselves, `~` before all, other
/// characters after letters; bytes as C's signed `char`.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(c) => i32::from(c as i8) + 256,
    }
}

/// dpkg's `verrevcmp`.
fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0usize, 0usize);
    let digit = |s: &[u8], k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    while i < a.len() || j < b.len() {
        let mut first_diff = 0i32;
        while (i < a.len() && !digit(a, i)) || (j < b.len() && !digit(b, j)) {
            let ac = order(a.get(i).copied());
            let bc = order(b.get(j).copied());
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        while digit(a, i) && digit(b, j) {
            if first_diff == 0 {
                first_diff = i32::from(a.get(i).copied().unwrap_or(0))
                    - i32::from(b.get(j).copied().unwrap_or(0));
            }
            i += 1;
            j += 1;
        }
        if digit(a, i) {
            return Ordering::Greater;
        }
        if digit(b, j) {
            return Ordering::Less;
        }
        if first_diff != 0 {
            return first_diff.cmp(&0);
        }
    }
    Ordering::Equal
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream.as_bytes(), other.upstream.as_bytes()))
            .then_with(|| verrevcmp(self.revision.as_bytes(), other.revision.as_bytes()))
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
    fn policy_examples() {
        assert_eq!(cmp("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0", "1.0-0"), Ordering::Equal);
        assert_eq!(cmp("1:0.1", "2.0"), Ordering::Greater);
        assert_eq!(cmp("1.0a", "1.0+"), Ordering::Less);
        assert_eq!(cmp("1.0~~", "1.0~~a"), Ordering::Less);
        assert_eq!(cmp("1.01", "1.1"), Ordering::Equal);
        assert_eq!(cmp("2.30-1+deb12u1", "2.30-1"), Ordering::Greater);
    }

    #[test]
    fn refusals_as_dpkg_words_them() {
        for (s, e) in [
            ("", Error::Empty),
            ("1 2", Error::EmbeddedSpaces),
            (":1", Error::EmptyEpoch),
            ("a:1", Error::EmptyEpoch),
            ("1a:1", Error::EpochNotNumber),
            ("-1:1", Error::NegativeEpoch),
            ("99999999999:1", Error::EpochTooBig),
            ("1:", Error::NothingAfterColon),
            ("1.0-", Error::EmptyRevision),
            ("-1", Error::EmptyUpstream),
        ] {
            assert_eq!(Version::parse(s).unwrap_err(), e, "{s:?}");
        }
        assert!(Version::parse(" 1.0 ").is_ok());
        assert!(Version::parse("\t1.0\t").is_ok());
        assert_eq!(Version::parse("1.0\t2").unwrap_err(), Error::EmbeddedSpaces);
        assert!(
            Version::parse("abc").is_ok(),
            "a warning to dpkg, not an error"
        );
    }
}
