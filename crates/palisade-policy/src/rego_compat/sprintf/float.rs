//! Floats as Go's strconv and fmt write them (`%e %f %g %x %b`, `#`).

use super::{Arg, Spec, bad_verb, pad, push_n};
use std::fmt::Write as _;

/// More decimal digits than any f64's exact expansion has (1074 after
/// the point at most).
const EXACT_DIGITS: usize = 1100;

/// Significant decimal digits (no trailing zeros) and the decimal point
/// position, as Go's `strconv` decimal: value = 0.d1d2… × 10^dp.
struct Decimal {
    d: Vec<u8>,
    dp: i32,
}

/// The shortest digits that read back as `x` (x ≥ 0), or the digits
/// rounded to `sig` significant ones.
fn decimal(x: f64, sig: Option<usize>) -> Decimal {
    let e = match sig {
        None => format!("{x:e}"),
        // A float's exact decimal expansion has fewer than 800
        // significant digits; past that Go writes zeros, which the
        // trimming below drops anyway (and Rust caps precisions at 65535).
        Some(n) => format!("{:.*e}", n.saturating_sub(1).min(EXACT_DIGITS), x),
    };
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    if d.is_empty() {
        return Decimal { d, dp: 0 };
    }
    Decimal { d, dp: exp + 1 }
}

fn fmt_e(d: &Decimal, prec: usize, e: char) -> String {
    let mut out = String::new();
    out.push(char::from(*d.d.first().unwrap_or(&b'0')));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(char::from(*d.d.get(i).unwrap_or(&b'0')));
        }
    }
    out.push(e);
    let exp = if d.d.is_empty() { 0 } else { d.dp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    let _ = write!(out, "{a}");
    out
}

fn fmt_f(d: &Decimal, prec: usize) -> String {
    let mut out = String::new();
    if d.dp > 0 {
        for i in 0..d.dp as usize {
            out.push(char::from(*d.d.get(i).unwrap_or(&b'0')));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec as i64 {
            let j = i64::from(d.dp) + i - 1;
            let c = usize::try_from(j).ok().and_then(|j| d.d.get(j)).copied();
            out.push(char::from(c.unwrap_or(b'0')));
        }
    }
    out
}

/// Go's `strconv.FormatFloat(|x|, verb, prec, 64)` for e, E, f, F, g, G.
fn format_float_abs(x: f64, verb: char, prec: Option<usize>) -> String {
    match verb {
        'e' | 'E' => {
            let d = match prec {
                Some(p) => decimal(x, Some(p + 1)),
                None => decimal(x, None),
            };
            let p = prec.unwrap_or(d.d.len().saturating_sub(1));
            fmt_e(&d, p, verb)
        }
        'f' | 'F' => match prec {
            Some(p) => {
                // Digits past the exact expansion are zeros.
                let exact = p.min(EXACT_DIGITS);
                let mut t = format!("{x:.exact$}");
                push_n(&mut t, '0', p - exact);
                t
            }
            None => {
                let d = decimal(x, None);
                let p = (d.d.len() as i64 - i64::from(d.dp)).max(0) as usize;
                fmt_f(&d, p)
            }
        },
        _ => {
            // g, G
            let shortest = prec.is_none();
            let mut p = prec.map(|p| p.max(1));
            let d = decimal(x, p);
            let nd = d.d.len();
            if shortest {
                p = Some(nd);
            }
            let mut prec = p.unwrap_or(nd);
            let mut eprec = prec as i64;
            if eprec > nd as i64 && nd as i64 >= i64::from(d.dp) {
                eprec = nd as i64;
            }
            if shortest {
                eprec = 6;
            }
            let exp = i64::from(d.dp) - 1;
            let e = if verb == 'G' { 'E' } else { 'e' };
            if !d.d.is_empty() && (exp < -4 || exp >= eprec) {
                if prec > nd {
                    prec = nd;
                }
                return fmt_e(&d, prec.saturating_sub(1), e);
            }
            if d.d.is_empty() {
                return "0".into();
            }
            if prec as i64 > i64::from(d.dp) {
                prec = nd;
            }
            fmt_f(&d, (prec as i64 - i64::from(d.dp)).max(0) as usize)
        }
    }
}

/// Go's `strconv.AppendFloat(x, verb, prec, 64)`, sign included.
fn strconv_float(x: f64, verb: char, prec: Option<usize>) -> String {
    let neg = x.is_sign_negative();
    let body = if x.is_infinite() {
        return if neg { "-Inf".into() } else { "+Inf".into() };
    } else if x.is_nan() {
        return "NaN".into();
    } else {
        match verb {
            'x' | 'X' => hex_float(x.abs(), verb, prec),
            'b' => binary_float(x.abs()),
            _ => format_float_abs(x.abs(), verb, prec),
        }
    };
    if neg { format!("-{body}") } else { body }
}

/// The 53-bit mantissa (implicit bit included) and binary exponent of a
/// finite x ≥ 0: x = mant × 2^(exp − 52).
fn mantissa_exponent(x: f64) -> (u64, i64) {
    let bits = x.to_bits();
    let mut exp = ((bits >> 52) & 0x7FF) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1u64 << 52;
    }
    (mant, exp - 1023)
}

/// `%b`: decimal mantissa, `p`, binary exponent.
fn binary_float(x: f64) -> String {
    let (mant, exp) = mantissa_exponent(x);
    let e = exp - 52;
    if e >= 0 {
        format!("{mant}p+{e}")
    } else {
        format!("{mant}p{e}")
    }
}

/// `%x`: `0x1.8p+00`, rounded to `prec` hex digits when given.
fn hex_float(x: f64, verb: char, prec: Option<usize>) -> String {
    let (mut mant, mut exp) = mantissa_exponent(x);
    if mant == 0 {
        exp = 0;
    }
    mant <<= 60 - 52;
    while mant != 0 && mant & (1u64 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if let Some(p) = prec.filter(|p| *p < 15) {
        let shift = (p * 4) as u32;
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1u64 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1u64 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let digits: &[u8; 16] = if verb == 'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut out = String::from("0");
    out.push(verb);
    out.push(if (mant >> 60) & 1 == 1 { '1' } else { '0' });
    mant <<= 4;
    let hex = |m: u64| char::from(*digits.get(((m >> 60) & 15) as usize).unwrap_or(&b'0'));
    match prec {
        None if mant != 0 => {
            out.push('.');
            while mant != 0 {
                out.push(hex(mant));
                mant <<= 4;
            }
        }
        Some(p) if p > 0 => {
            out.push('.');
            for _ in 0..p {
                out.push(hex(mant));
                mant <<= 4;
            }
        }
        _ => {}
    }
    out.push(if verb == 'X' { 'P' } else { 'p' });
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    let _ = write!(out, "{e}");
    out
}

/// Go's `fmt.fmtFloat`.
pub(super) fn fmt_float_verb(out: &mut String, x: f64, a: &Arg, verb: char, s: &Spec) {
    let (verb, default_prec) = match verb {
        'v' => ('g', None),
        'b' | 'g' | 'G' | 'x' | 'X' => (verb, None),
        'f' | 'F' => ('f', Some(6)),
        'e' | 'E' => (verb, Some(6)),
        _ => return bad_verb(out, a, verb, s),
    };
    let prec = if s.prec.is_some() {
        s.prec
    } else {
        default_prec
    };
    let mut num = strconv_float(x, verb, prec);
    if !num.starts_with(['-', '+']) {
        num.insert(0, '+');
    }
    if s.space && num.starts_with('+') && !s.plus {
        num.replace_range(..1, " ");
    }
    if num[1..].starts_with(['I', 'N']) {
        if num[1..].starts_with('N') && !s.space && !s.plus {
            num.remove(0);
        }
        let mut s2 = *s;
        s2.zero = false;
        pad(out, &num, &s2);
        return;
    }
    if s.sharp && verb != 'b' {
        num = sharp_float(&num, verb, prec);
    }
    if s.plus || !num.starts_with('+') {
        if s.zero
            && !s.minus
            && let Some(w) = s.wid
            && w > num.len()
        {
            out.push_str(&num[..1]);
            push_n(out, '0', w - num.len());
            out.push_str(&num[1..]);
            return;
        }
        pad(out, &num, s);
        return;
    }
    pad(out, &num[1..], s);
}

/// The `#` flag on a float (`num` starts with its sign): always a decimal
/// point, and `%g` keeps its trailing zeros. Mirrors Go digit by digit,
/// including its counting of the `x` of a hex prefix.
fn sharp_float(num: &str, verb: char, prec: Option<usize>) -> String {
    let mut digits: i64 = match verb {
        'g' | 'G' | 'x' => prec.map_or(6, |p| p as i64),
        _ => 0,
    };
    let bytes = num.as_bytes();
    let mut body_end = bytes.len();
    let mut has_point = false;
    let mut saw_nonzero = false;
    for (i, &c) in bytes.iter().enumerate().skip(1) {
        match c {
            b'.' => has_point = true,
            b'p' | b'P' => {
                body_end = i;
                break;
            }
            b'e' | b'E' if verb != 'x' && verb != 'X' => {
                body_end = i;
                break;
            }
            _ => {
                if c != b'0' {
                    saw_nonzero = true;
                }
                if saw_nonzero {
                    digits -= 1;
                }
            }
        }
    }
    let (body, tail) = num.split_at(body_end);
    let mut body = body.to_string();
    if !has_point {
        if body.len() == 2 && body.ends_with('0') {
            digits -= 1;
        }
        body.push('.');
    }
    while digits > 0 {
        body.push('0');
        digits -= 1;
    }
    body + tail
}
