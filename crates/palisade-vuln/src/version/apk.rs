//! Alpine package versions, ordered as apk-tools 2 orders them
//! (`apk_version_compare`): `1.2.3`, an optional letter, `_suffix` and
//! number (`alpha`, `beta`, `pre`, `rc` before the release; `cvs`, `svn`,
//! `git`, `hg`, `p` after it), and `-rN`. A number after a `.` that has
//! leading zeros compares as a fraction (`1.01 < 1.1`). Versions apk
//! calls invalid still order as apk orders them.

use std::cmp::Ordering;

/// The token kinds, in apk's order: a token of a higher kind may only
/// follow a lower one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Token {
    Invalid,
    DigitOrZero,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    RevisionNo,
    End,
}

const PRE_SUFFIXES: [&str; 4] = ["alpha", "beta", "pre", "rc"];
const POST_SUFFIXES: [&str; 5] = ["cvs", "svn", "git", "hg", "p"];

/// apk's `next_token`: the kind of what starts at `s[*i]`, given the
/// previous kind, consuming a separator.
fn next_token(kind: Token, s: &[u8], i: &mut usize) -> Token {
    let c = s.get(*i).copied();
    let mut n = Token::Invalid;
    match c {
        None | Some(0) => n = Token::End,
        Some(c) if matches!(kind, Token::Digit | Token::DigitOrZero) && c.is_ascii_lowercase() => {
            n = Token::Letter;
        }
        Some(c) if kind == Token::Letter && c.is_ascii_digit() => n = Token::Digit,
        Some(c) if kind == Token::Suffix && c.is_ascii_digit() => n = Token::SuffixNo,
        Some(c) => {
            match c {
                b'.' => n = Token::DigitOrZero,
                b'_' => n = Token::Suffix,
                b'-' if s.get(*i + 1) == Some(&b'r') => {
                    n = Token::RevisionNo;
                    *i += 1;
                }
                _ => {}
            }
            *i += 1;
        }
    }
    if n < kind
        && !((n == Token::DigitOrZero && kind == Token::Digit)
            || (n == Token::Suffix && kind == Token::SuffixNo)
            || (n == Token::Digit && kind == Token::Letter))
    {
        n = Token::Invalid;
    }
    n
}

/// apk's `get_token`: the value of the token of `kind` at `s[*i]`, and
/// the kind that follows. Numbers saturate instead of overflowing C's int.
fn get_token(kind: &mut Token, s: &[u8], i: &mut usize) -> i64 {
    if *i >= s.len() {
        *kind = Token::End;
        return 0;
    }
    let mut v: i64 = 0;
    let mut len = 0usize;
    let mut next = None;
    let rest = s.get(*i..).unwrap_or(&[]);
    let digits = |rest: &[u8], v: &mut i64, len: &mut usize| {
        while rest.get(*len).is_some_and(u8::is_ascii_digit) {
            *v = v
                .saturating_mul(10)
                .saturating_add(i64::from(rest.get(*len).copied().unwrap_or(b'0') - b'0'));
            *len += 1;
        }
    };
    match *kind {
        Token::DigitOrZero if rest.first() == Some(&b'0') => {
            // Leading zeros: the more of them, the smaller.
            while rest.get(len) == Some(&b'0') {
                len += 1;
            }
            next = Some(Token::Digit);
            v = -(len as i64);
        }
        Token::DigitOrZero | Token::Digit | Token::SuffixNo | Token::RevisionNo => {
            digits(rest, &mut v, &mut len);
        }
        Token::Letter => {
            v = i64::from(rest.first().copied().unwrap_or(0));
            len = 1;
        }
        Token::Suffix => {
            if let Some(k) = PRE_SUFFIXES
                .iter()
                .position(|p| rest.starts_with(p.as_bytes()))
            {
                len = PRE_SUFFIXES.get(k).map_or(0, |p| p.len());
                v = k as i64 - PRE_SUFFIXES.len() as i64;
            } else if let Some(k) = POST_SUFFIXES
                .iter()
                .position(|p| rest.starts_with(p.as_bytes()))
            {
                len = POST_SUFFIXES.get(k).map_or(0, |p| p.len());
                v = k as i64;
            } else {
                *kind = Token::Invalid;
                return -1;
            }
        }
        _ => {
            *kind = Token::Invalid;
            return -1;
        }
    }
    *i += len;
    if *i >= s.len() {
        *kind = Token::End;
    } else if let Some(n) = next {
        *kind = n;
    } else {
        *kind = next_token(*kind, s, i);
    }
    v
}

/// apk's ordering of two version strings.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut ai, mut bi) = (0usize, 0usize);
    let (mut at, mut bt) = (Token::Digit, Token::Digit);
    let (mut av, mut bv) = (0i64, 0i64);
    while at == bt && at != Token::End && at != Token::Invalid && av == bv {
        av = get_token(&mut at, a, &mut ai);
        bv = get_token(&mut bt, b, &mut bi);
    }
    match av.cmp(&bv) {
        Ordering::Equal => {}
        other => return other,
    }
    if at == bt {
        return Ordering::Equal;
    }
    // The common part is equal: the longer version is newer, unless what
    // it goes on with is a pre-release suffix.
    let mut t = at;
    if at == Token::Suffix && get_token(&mut t, a, &mut ai.clone()) < 0 {
        return Ordering::Less;
    }
    let mut t = bt;
    if bt == Token::Suffix && get_token(&mut t, b, &mut bi.clone()) < 0 {
        return Ordering::Greater;
    }
    bt.cmp(&at)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn apk_orders() {
        use Ordering::{Equal, Greater, Less};
        for (a, b, want) in [
            ("2.34", "0.1.0_alpha", Greater),
            ("0.1.0_alpha", "0.1.0_alpha", Equal),
            ("0.1.0_alpha2", "0.1.0_alpha", Greater),
            ("1.1", "1.1_alpha1", Greater),
            ("1.3_alpha", "1.3_alpha2", Less),
            ("2.2.39-r1", "1.0.4-r3", Greater),
            ("1.0.4-r3", "1.0.4-r4", Less),
            ("1.2.1", "1.2", Greater),
            ("3.1_p16", "3.1_p17", Less),
            ("1.06-r6", "006", Less),
            ("1.2.2-r1", "1.2.2", Greater),
            ("1.0", "0.99.3.20040818", Greater),
            ("2.5.1-r8", "2.5.1a-r1", Less),
            ("2.0.0_rc3-r1", "1.5", Greater),
            ("0.1.0_alpha_pre2", "0.1.0_alpha", Less),
            ("1.0_p10-r0", "1.0_p9-r0", Greater),
            ("1.3_pre1-r1", "1.3.2", Less),
            ("1.01", "1.1", Less),
            ("4.5_p1-r1", "4.5_p1", Greater),
            (
                "1.0.0_pre20191002222144-r0",
                "1.0.0_pre20210530193627-r0",
                Less,
            ),
            ("1.0", "1.0bc", Less),
        ] {
            assert_eq!(compare(a, b), want, "{a} vs {b}");
            assert_eq!(compare(b, a), want.reverse(), "{b} vs {a}");
        }
    }
}
