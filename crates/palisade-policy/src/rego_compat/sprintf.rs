//! `sprintf` as OPA runs it: Go's `fmt.Sprintf` over the arguments OPA
//! passes it.
//!
//! OPA (v1.20) hands Go an `int64` for an integral number that fits, a
//! `*big.Int` for a larger integer, a `float64` for a fraction, the
//! string itself for a string, and the Rego text of anything else
//! (`true`, `null`, `["a", 1]`, `{"k": "v"}`). Go then formats with its
//! own rules, which policies' messages rely on: `%!d(MISSING)` and
//! `%!(EXTRA string=x)` instead of errors, `%!d(string=x)` for a verb
//! that does not fit, flags, widths, precisions, `%[n]` indexes, `*`.
//! regorus errs on missing or extra arguments and ignores flags, so this
//! implementation replaces its builtin.

use regorus::Value;
use std::fmt::Write as _;

/// One argument, as OPA converts it for Go.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `int64`.
    Int(i64),
    /// `*big.Int`: decimal digits, with a leading `-` when negative.
    Big(String),
    /// `float64`.
    Float(f64),
    /// `string`.
    Str(String),
}

impl Arg {
    fn type_name(&self) -> &'static str {
        match self {
            Arg::Int(_) => "int64",
            Arg::Big(_) => "*big.Int",
            Arg::Float(_) => "float64",
            Arg::Str(_) => "string",
        }
    }

    /// The argument OPA passes for `v`.
    pub fn from_value(v: &Value) -> Self {
        match v {
            Value::String(s) => Arg::Str(s.to_string()),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Arg::Int(i)
                } else if let (false, Some(f)) = (n.is_integer(), n.as_f64()) {
                    Arg::Float(f)
                } else if let Some(f) = n.as_f64() {
                    Arg::Float(f)
                } else {
                    Arg::Big(n.format_decimal())
                }
            }
            other => Arg::Str(rego_text(other)),
        }
    }
}

/// A value as Rego prints it (OPA's `Term.String()`): strings quoted,
/// `, ` and `: ` separators, sets in braces, `set()` when empty.
pub fn rego_text(v: &Value) -> String {
    let mut out = String::new();
    write_rego(v, &mut out);
    out
}

fn write_rego(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(_) => out.push_str(&v.to_json_str().unwrap_or_default()),
        Value::String(s) => out.push_str(&quote(s, false)),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_rego(x, out);
            }
            out.push(']');
        }
        Value::Set(s) if s.is_empty() => out.push_str("set()"),
        Value::Set(s) => {
            out.push('{');
            for (i, x) in s.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_rego(x, out);
            }
            out.push('}');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_rego(k, out);
                out.push_str(": ");
                write_rego(x, out);
            }
            out.push('}');
        }
        Value::Undefined => out.push_str("undefined"),
    }
}

/// Go's `strconv.Quote` (or `QuoteToASCII` when `ascii`).
fn quote(s: &str, ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"', ascii);
    }
    out.push('"');
    out
}

fn push_escaped(out: &mut String, c: char, q: char, ascii: bool) {
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        '\\' => out.push_str("\\\\"),
        c if c == q => {
            out.push('\\');
            out.push(c);
        }
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if (ascii && !c.is_ascii()) || !is_print(c) => {
            if (c as u32) < 0x10000 {
                let _ = write!(out, "\\u{:04x}", c as u32);
            } else {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
        c => out.push(c),
    }
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation,
/// symbols and the ASCII space.
fn is_print(c: char) -> bool {
    use unicode_general_category::{GeneralCategory as G, get_general_category};
    c == ' '
        || matches!(
            get_general_category(c),
            G::UppercaseLetter
                | G::LowercaseLetter
                | G::TitlecaseLetter
                | G::ModifierLetter
                | G::OtherLetter
                | G::NonspacingMark
                | G::SpacingMark
                | G::EnclosingMark
                | G::DecimalNumber
                | G::LetterNumber
                | G::OtherNumber
                | G::ConnectorPunctuation
                | G::DashPunctuation
                | G::OpenPunctuation
                | G::ClosePunctuation
                | G::InitialPunctuation
                | G::FinalPunctuation
                | G::OtherPunctuation
                | G::MathSymbol
                | G::CurrencySymbol
                | G::ModifierSymbol
                | G::OtherSymbol
        )
}

/// The flags, width and precision of one verb.
#[derive(Debug, Clone, Copy, Default)]
struct Spec {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    /// `%#v` and `%+v`.
    sharp_v: bool,
    plus_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

/// Go's limit on widths and precisions.
const TOO_LARGE: usize = 1_000_000;

/// `fmt.Sprintf(format, args...)`.
pub fn go_sprintf(format: &str, args: &[Arg]) -> String {
    let f = format.as_bytes();
    let end = f.len();
    let mut out = String::with_capacity(format.len() + 16);
    let mut arg_num = 0usize;
    let mut reordered = false;
    let mut i = 0usize;
    while i < end {
        let last = i;
        while i < end && f.get(i) != Some(&b'%') {
            i += 1;
        }
        out.push_str(format.get(last..i).unwrap_or(""));
        if i >= end {
            break;
        }
        i += 1; // the '%'
        let mut s = Spec::default();
        let mut good_arg_num = true;
        // Flags.
        while let Some(&c) = f.get(i) {
            match c {
                b'#' => s.sharp = true,
                b'0' => s.zero = !s.minus,
                b'+' => s.plus = true,
                b'-' => {
                    s.minus = true;
                    s.zero = false;
                }
                b' ' => s.space = true,
                _ => break,
            }
            i += 1;
        }
        // Argument index, width.
        let mut after_index;
        (arg_num, i, after_index, good_arg_num) =
            arg_number(arg_num, f, i, args.len(), good_arg_num, &mut reordered);
        if f.get(i) == Some(&b'*') {
            i += 1;
            let (n, ok, next) = int_from_arg(args, arg_num);
            arg_num = next;
            if !ok {
                out.push_str("%!(BADWIDTH)");
            } else if n < 0 {
                s.minus = true;
                s.zero = false;
                s.wid = Some(n.unsigned_abs() as usize);
            } else {
                s.wid = Some(n as usize);
            }
            after_index = false;
        } else {
            let (n, is_num, next) = parse_num(f, i, end);
            i = next;
            if is_num {
                s.wid = Some(n);
                if after_index {
                    good_arg_num = false;
                }
            }
        }
        // Precision.
        if i + 1 < end && f.get(i) == Some(&b'.') {
            i += 1;
            if after_index {
                good_arg_num = false;
            }
            (arg_num, i, after_index, good_arg_num) =
                arg_number(arg_num, f, i, args.len(), good_arg_num, &mut reordered);
            if f.get(i) == Some(&b'*') {
                i += 1;
                let (n, ok, next) = int_from_arg(args, arg_num);
                arg_num = next;
                if ok && n >= 0 {
                    s.prec = Some(n as usize);
                } else {
                    // Negative precisions make no sense to Go either.
                    s.prec = None;
                    out.push_str("%!(BADPREC)");
                }
                after_index = false;
            } else {
                let (n, is_num, next) = parse_num(f, i, end);
                i = next;
                s.prec = Some(if is_num { n } else { 0 });
            }
        }
        if !after_index {
            (arg_num, i, _, good_arg_num) =
                arg_number(arg_num, f, i, args.len(), good_arg_num, &mut reordered);
        }
        if i >= end {
            out.push_str("%!(NOVERB)");
            break;
        }
        let Some(verb) = format.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        i += verb.len_utf8();
        match verb {
            '%' => out.push('%'),
            _ if !good_arg_num => {
                let _ = write!(out, "%!{verb}(BADINDEX)");
            }
            _ => match args.get(arg_num) {
                None => {
                    let _ = write!(out, "%!{verb}(MISSING)");
                }
                Some(a) => {
                    if verb == 'v' {
                        s.sharp_v = s.sharp;
                        s.sharp = false;
                        s.plus_v = s.plus;
                        s.plus = false;
                    }
                    print_arg(&mut out, a, verb, &s);
                    arg_num += 1;
                }
            },
        }
    }
    if !reordered && arg_num < args.len() {
        out.push_str("%!(EXTRA ");
        for (k, a) in args.iter().skip(arg_num).enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            out.push_str(a.type_name());
            out.push('=');
            print_arg(&mut out, a, 'v', &Spec::default());
        }
        out.push(')');
    }
    out
}

fn parse_num(f: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut n = 0usize;
    let mut is_num = false;
    let mut i = start;
    while i < end
        && let Some(c) = f.get(i).filter(|c| c.is_ascii_digit())
    {
        if n > TOO_LARGE {
            return (0, false, end);
        }
        n = n * 10 + usize::from(c - b'0');
        is_num = true;
        i += 1;
    }
    (n, is_num, i)
}

/// `[n]` at `i`: (argument, next index, found, argument index good).
fn arg_number(
    arg_num: usize,
    f: &[u8],
    i: usize,
    nargs: usize,
    good: bool,
    reordered: &mut bool,
) -> (usize, usize, bool, bool) {
    if f.get(i) != Some(&b'[') {
        return (arg_num, i, false, good);
    }
    *reordered = true;
    let rest = f.get(i..).unwrap_or(&[]);
    let (index, wid, ok) = parse_arg_number(rest);
    if ok && index < nargs {
        return (index, i + wid, true, good);
    }
    (arg_num, i + wid, ok, false)
}

/// `[n]`: (zero-based index, bytes used, well formed).
fn parse_arg_number(f: &[u8]) -> (usize, usize, bool) {
    if f.len() < 3 {
        return (0, 1, false);
    }
    for (i, &c) in f.iter().enumerate().skip(1) {
        if c == b']' {
            let (n, ok, next) = parse_num(f, 1, i);
            if !ok || next != i || n == 0 {
                // Go reads "[0]" as index -1: well formed but bad.
                return (usize::MAX, i + 1, ok && next == i);
            }
            return (n - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

fn int_from_arg(args: &[Arg], arg_num: usize) -> (i64, bool, usize) {
    match args.get(arg_num) {
        None => (0, false, arg_num),
        Some(Arg::Int(n)) if n.unsigned_abs() <= TOO_LARGE as u64 => (*n, true, arg_num + 1),
        Some(_) => (0, false, arg_num + 1),
    }
}

fn print_arg(out: &mut String, a: &Arg, verb: char, s: &Spec) {
    match verb {
        'T' => {
            pad(out, truncate(a.type_name(), s.prec), s);
            return;
        }
        'p' => {
            bad_verb(out, a, verb, s);
            return;
        }
        _ => {}
    }
    match a {
        Arg::Int(n) => fmt_integer(
            out,
            *n < 0,
            n.unsigned_abs().to_string(),
            n.unsigned_abs(),
            a,
            verb,
            s,
        ),
        Arg::Big(d) => {
            let neg = d.starts_with('-');
            let digits = d.trim_start_matches('-').to_string();
            match verb {
                'v' | 'd' | 's' => fmt_digits(out, neg, &digits, 10, verb, s),
                'b' | 'o' | 'O' | 'x' | 'X' => {
                    let base = match verb {
                        'b' => 2,
                        'x' | 'X' => 16,
                        _ => 8,
                    };
                    let converted = convert_base(&digits, base, verb == 'X');
                    fmt_digits(out, neg, &converted, base, verb, s);
                }
                _ => bad_verb(out, a, verb, s),
            }
        }
        Arg::Float(x) => fmt_float_verb(out, *x, a, verb, s),
        Arg::Str(text) => match verb {
            'v' if s.sharp_v => fmt_q(out, text, s),
            'v' | 's' => pad(out, truncate(text, s.prec), s),
            'x' | 'X' => fmt_sx(out, text, verb == 'X', s),
            'q' => fmt_q(out, text, s),
            _ => bad_verb(out, a, verb, s),
        },
    }
}

fn bad_verb(out: &mut String, a: &Arg, verb: char, s: &Spec) {
    let _ = write!(out, "%!{verb}({}=", a.type_name());
    let mut inner = *s;
    inner.sharp_v = false;
    inner.plus_v = false;
    print_arg(out, a, 'v', &inner);
    out.push(')');
}

fn truncate(s: &str, prec: Option<usize>) -> &str {
    match prec {
        Some(p) => s
            .char_indices()
            .nth(p)
            .map_or(s, |(i, _)| s.get(..i).unwrap_or(s)),
        None => s,
    }
}

/// Pads `text` to the width, with spaces (or zeros to the left, with the
/// `0` flag), counting characters.
fn pad(out: &mut String, text: &str, s: &Spec) {
    let n = text.chars().count();
    let fill = s.wid.unwrap_or(0).saturating_sub(n);
    if s.minus {
        out.push_str(text);
        push_n(out, ' ', fill);
    } else {
        push_n(out, if s.zero { '0' } else { ' ' }, fill);
        out.push_str(text);
    }
}

fn push_n(out: &mut String, c: char, n: usize) {
    out.extend(std::iter::repeat_n(c, n));
}

#[allow(clippy::too_many_arguments)]
fn fmt_integer(out: &mut String, neg: bool, dec: String, u: u64, a: &Arg, verb: char, s: &Spec) {
    match verb {
        'v' | 'd' => fmt_digits(out, neg, &dec, 10, verb, s),
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
fn fmt_digits(out: &mut String, neg: bool, digits: &str, base: u32, verb: char, s: &Spec) {
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
fn convert_base(decimal: &str, base: u32, upper: bool) -> String {
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

fn fmt_sx(out: &mut String, text: &str, upper: bool, s: &Spec) {
    let bytes = text.as_bytes();
    let length = s.prec.map_or(bytes.len(), |p| p.min(bytes.len()));
    let mut width = 2 * length;
    if width > 0 {
        if s.space {
            if s.sharp {
                width *= 2;
            }
            width += length - 1;
        } else if s.sharp {
            width += 2;
        }
    } else {
        if let Some(w) = s.wid {
            push_n(out, if s.zero && !s.minus { '0' } else { ' ' }, w);
        }
        return;
    }
    let padc = if s.zero && !s.minus { '0' } else { ' ' };
    if let Some(w) = s.wid
        && w > width
        && !s.minus
    {
        push_n(out, padc, w - width);
    }
    let x = if upper { "0X" } else { "0x" };
    if s.sharp {
        out.push_str(x);
    }
    for (i, b) in bytes.iter().take(length).enumerate() {
        if s.space && i > 0 {
            out.push(' ');
            if s.sharp {
                out.push_str(x);
            }
        }
        if upper {
            let _ = write!(out, "{b:02X}");
        } else {
            let _ = write!(out, "{b:02x}");
        }
    }
    if let Some(w) = s.wid
        && w > width
        && s.minus
    {
        push_n(out, ' ', w - width);
    }
}

fn fmt_q(out: &mut String, text: &str, s: &Spec) {
    let text = truncate(text, s.prec);
    if s.sharp && can_backquote(text) {
        pad(out, &format!("`{text}`"), s);
        return;
    }
    pad(out, &quote(text, s.plus), s);
}

fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !(c < ' ' || c == '\u{7f}')))
}

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
    let hex = |m: u64| char::from(digits[((m >> 60) & 15) as usize]);
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
fn fmt_float_verb(out: &mut String, x: f64, a: &Arg, verb: char, s: &Spec) {
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

/// Replaces regorus's `sprintf`.
pub(crate) fn install(engine: &mut regorus::Engine) -> Result<(), String> {
    engine
        .add_extension(
            "sprintf".into(),
            2,
            Box::new(|args: Vec<Value>| {
                let (Some(Value::String(format)), Some(list)) = (args.first(), args.get(1)) else {
                    anyhow::bail!("sprintf: operand 1 must be string");
                };
                let items: Vec<Arg> = match list {
                    Value::Array(a) => a.iter().map(Arg::from_value).collect(),
                    _ => anyhow::bail!("sprintf: operand 2 must be array"),
                };
                Ok(Value::from(go_sprintf(format, &items)))
            }),
        )
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Arg {
        Arg::Str(x.into())
    }

    #[test]
    fn missing_extra_and_bad_verbs_read_as_go_writes_them() {
        assert_eq!(go_sprintf("%v %d", &[Arg::Int(1)]), "1 %!d(MISSING)");
        assert_eq!(
            go_sprintf("%v", &[Arg::Int(1), s("a"), s("[1]")]),
            "1%!(EXTRA string=a, string=[1])"
        );
        assert_eq!(
            go_sprintf("%d %t %s", &[s("true"), s("true"), Arg::Int(1)]),
            "%!d(string=true) %!t(string=true) %!s(int64=1)"
        );
        assert_eq!(go_sprintf("%!", &[]), "%!!(MISSING)");
        assert_eq!(go_sprintf("%", &[]), "%!(NOVERB)");
        assert_eq!(go_sprintf("%[2]v %[1]v %v", &[s("a"), s("b")]), "b a b");
    }

    #[test]
    fn flags_widths_and_precisions() {
        assert_eq!(
            go_sprintf(
                "%08.3f|%+d|% d|%x|%X|%o|%O|%b|%#o",
                &[
                    Arg::Float(-3.14159),
                    Arg::Int(5),
                    Arg::Int(5),
                    Arg::Int(255),
                    Arg::Int(255),
                    Arg::Int(8),
                    Arg::Int(8),
                    Arg::Int(5),
                    Arg::Int(8)
                ]
            ),
            "-003.142|+5| 5|ff|FF|10|0o10|101|010"
        );
        assert_eq!(
            go_sprintf(
                "%*d|%-*d|%.*f",
                &[
                    Arg::Int(5),
                    Arg::Int(1),
                    Arg::Int(4),
                    Arg::Int(2),
                    Arg::Int(2),
                    Arg::Float(3.14159)
                ]
            ),
            "    1|2   |3.14"
        );
        assert_eq!(
            go_sprintf("%5%|%-5d|%05d", &[Arg::Int(3), Arg::Int(-3)]),
            "%|3    |-0003"
        );
        assert_eq!(
            go_sprintf(
                "%05s|%-5s|%5.1s|%x|% X|%#x|%q|%+q|%#q",
                &[
                    s("ab"),
                    s("ab"),
                    s("ab"),
                    s("hi"),
                    s("hi"),
                    s("hi"),
                    s("aé\u{7}"),
                    s("é"),
                    s("x`")
                ]
            ),
            "000ab|ab   |    a|6869|68 69|0x6869|\"aé\\a\"|\"\\u00e9\"|\"x`\""
        );
    }

    #[test]
    fn floats_as_go_prints_them() {
        assert_eq!(
            go_sprintf(
                "%v %v %e %.3f %T",
                &[
                    Arg::Float(0.00001),
                    Arg::Float(1.5e300),
                    Arg::Float(1234.5),
                    Arg::Float(2.0005),
                    Arg::Float(1.5)
                ]
            ),
            "1e-05 1.5e+300 1.234500e+03 2.001 float64"
        );
        assert_eq!(go_sprintf("%v", &[Arg::Float(1e23)]), "1e+23");
    }

    #[test]
    fn huge_precisions_and_widths_do_not_panic() {
        for f in ["%.999999f", "%.999999e", "%999999.999999x", "%.70000f"] {
            let out = go_sprintf(f, &[Arg::Float(0.1)]);
            assert!(out.len() > 60_000, "{f}");
        }
        let out = go_sprintf("%.1100f", &[Arg::Float(5e-324)]);
        assert!(
            out.starts_with("0.000") && out.contains("494065645841246544"),
            "{out}"
        );
    }
}
