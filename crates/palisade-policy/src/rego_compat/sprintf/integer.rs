//! Integers as Go's fmt writes them (`fmt.fmtInteger`, `%c`, `%q`, `%U`).

use super::text::{is_print, push_escaped};
use super::{Arg, Spec, bad_verb, pad, push_n};
use std::fmt::Write as _;

pub(super) fn fmt_integer(out: &mut String, n: i64, a: &Arg, verb: char, s: &Spec) {
    let (neg, u) = (n < 0, n.unsigned_abs());
    match verb {
        'v' | 'd' => fmt_digits(out, neg, &u.to_string(), 10, verb, s),
        'b' => fmt_digits(out, neg, &format!("{u:b}"), 2, verb, s),
        'o' | 'O' => fmt_digits(out, neg, &format!("{u:o}"), 8, verb, s),
        'x' => fmt_digits(out, neg, &format!("{u:x}"), 16, verb, s),
        'X' => fmt_digits(out, neg, &format!("{u:X}"), 16, verb, s),
        'c' => {
            let c = if neg {
                None
            } else {
                u32::try_from(u).ok().and_then(char::from_u32)
            };
            pad(out, &c.unwrap_or('\u{FFFD}').to_string(), s);
        }
        'q' => {
            let c = if neg {
                None
            } else {
                u32::try_from(u).ok().and_then(char::from_u32)
            };
            let c = c.unwrap_or('\u{FFFD}');
            let mut q = String::from("'");
            push_escaped(&mut q, c, '\'', s.plus);
            q.push('\'');
            pad(out, &q, s);
        }
        'U' => {
            // Go formats the two's-complement bits of a negative int.
            let bits = if neg { u.wrapping_neg() } else { u };
            let hex = format!("{bits:X}");
            let prec = s.prec.filter(|p| *p > 4).unwrap_or(4);
            let mut t = String::from("U+");
            push_n(&mut t, '0', prec.saturating_sub(hex.len()));
            t.push_str(&hex);
            if s.sharp
                && let Some(c) = u32::try_from(bits).ok().and_then(char::from_u32)
                && is_print(c)
            {
                let _ = write!(t, " '{c}'");
            }
            let mut s2 = *s;
            s2.zero = false;
            pad(out, &t, &s2);
        }
        _ => bad_verb(out, a, verb, s),
    }
}

/// Go's `fmt.fmtInteger` given the digits in the base.
pub(super) fn fmt_digits(
    out: &mut String,
    neg: bool,
    digits: &str,
    base: u32,
    verb: char,
    s: &Spec,
) {
    let is_zero = digits.bytes().all(|b| b == b'0');
    let mut prec = 0usize;
    if let Some(p) = s.prec {
        prec = p;
        if p == 0 && is_zero {
            let mut s2 = *s;
            s2.zero = false;
            pad(out, "", &s2);
            return;
        }
    } else if s.zero && !s.minus && s.wid.is_some() {
        prec = s.wid.unwrap_or(0);
        if neg || s.plus || s.space {
            prec = prec.saturating_sub(1);
        }
    }
    let mut body = String::new();
    push_n(&mut body, '0', prec.saturating_sub(digits.len()));
    body.push_str(digits);
    let mut prefix = String::new();
    if s.sharp {
        match base {
            2 => prefix.push_str("0b"),
            8 if !body.starts_with('0') => prefix.push('0'),
            16 => prefix.push_str(if verb == 'X' { "0X" } else { "0x" }),
            _ => {}
        }
    }
    if verb == 'O' {
        prefix.insert_str(0, "0o");
    }
    let sign = if neg {
        "-"
    } else if s.plus {
        "+"
    } else if s.space {
        " "
    } else {
        ""
    };
    let text = format!("{sign}{prefix}{body}");
    let mut s2 = *s;
    s2.zero = false;
    pad(out, &text, &s2);
}

/// Decimal digits of a non-negative integer in another base.
pub(super) fn convert_base(decimal: &str, base: u32, upper: bool) -> String {
    // Repeated division of the decimal digit string.
    let mut num: Vec<u32> = decimal.bytes().map(|b| u32::from(b - b'0')).collect();
    let mut out = Vec::new();
    while num.iter().any(|&d| d != 0) {
        let mut rem = 0u32;
        for d in num.iter_mut() {
            let cur = rem * 10 + *d;
            *d = cur / base;
            rem = cur % base;
        }
        out.push(char::from_digit(rem, base).unwrap_or('0'));
        while num.first() == Some(&0) && num.len() > 1 {
            num.remove(0);
        }
    }
    if out.is_empty() {
        out.push('0');
    }
    let s: String = out.into_iter().rev().collect();
    if upper { s.to_ascii_uppercase() } else { s }
}
