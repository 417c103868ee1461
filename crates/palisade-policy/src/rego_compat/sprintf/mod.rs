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

mod float;
mod integer;
mod text;

use float::fmt_float_verb;
use integer::{convert_base, fmt_digits, fmt_integer};
use regorus::Value;
use std::fmt::Write as _;
use text::{fmt_q, fmt_sx, quote};

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
                } else if let Some(f) = n.as_f64() {
                    // A fraction, or an integer too large for int64 that
                    // an f64 holds (OPA reads `1e21`-like text so too).
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

/// The flags, width and precision of one verb.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Spec {
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
        Arg::Int(n) => fmt_integer(out, *n, a, verb, s),
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

pub(super) fn bad_verb(out: &mut String, a: &Arg, verb: char, s: &Spec) {
    let _ = write!(out, "%!{verb}({}=", a.type_name());
    let mut inner = *s;
    inner.sharp_v = false;
    inner.plus_v = false;
    print_arg(out, a, 'v', &inner);
    out.push(')');
}

pub(super) fn truncate(s: &str, prec: Option<usize>) -> &str {
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
pub(super) fn pad(out: &mut String, text: &str, s: &Spec) {
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

pub(super) fn push_n(out: &mut String, c: char, n: usize) {
    out.extend(std::iter::repeat_n(c, n));
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
                    Arg::Float(-3.14259),
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
            "-003.143|+5| 5|ff|FF|10|0o10|101|010"
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
                    Arg::Float(3.14259)
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
