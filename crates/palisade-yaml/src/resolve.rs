//! Scalar resolution as `sigs.k8s.io/yaml` does it: go-yaml v2's YAML 1.1
//! rules (`resolve.go`), then sigs.k8s.io/yaml's conversion of mapping keys
//! to JSON object keys.
//!
//! Untagged plain scalars may be null, booleans (`yes`, `on`, `y` too),
//! integers (`0x`, `0o`, `0b`, a leading `0` for octal, `_` separators) or
//! floats; everything else, and every quoted or block scalar, is a string.
//! A core tag (`!!int "12"`) forces the type, and is an error where the
//! text does not have it (`!!int abc`), as go-yaml reports it. Timestamps
//! stay strings, as go-yaml v2 keeps them when decoding into `interface{}`.

use crate::{ErrorKind, Value};
use base64::Engine as _;

/// The prefix of the YAML core schema's tags (`!!int` expands to it).
const CORE: &str = "tag:yaml.org,2002:";

/// What resolution found a scalar to be, as go-yaml names the tag.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Int,
    Float,
    Str,
    Timestamp,
}

impl Kind {
    fn short(self) -> &'static str {
        match self {
            Kind::Null => "!!null",
            Kind::Bool => "!!bool",
            Kind::Int => "!!int",
            Kind::Float => "!!float",
            Kind::Str => "!!str",
            Kind::Timestamp => "!!timestamp",
        }
    }
}

/// An untagged plain scalar (the fast path's only kind): never an error.
pub(crate) fn plain(text: &str) -> Value {
    implicit(text).1
}

/// Resolves a scalar: `plain` when written without quotes or block
/// indicator, `tag` the full tag when one was given (`!` included).
pub(crate) fn scalar(text: &str, plain: bool, tag: Option<&str>) -> Result<Value, ErrorKind> {
    let Some(tag) = tag else {
        return Ok(if plain {
            implicit(text).1
        } else {
            Value::Str(text.to_string())
        });
    };
    let Some(core) = tag.strip_prefix(CORE) else {
        // A local or non-specific tag (`!foo`, `!`): go-yaml keeps the text.
        return Ok(Value::Str(text.to_string()));
    };
    let want = match core {
        "str" => return Ok(Value::Str(text.to_string())),
        "binary" => return binary(text),
        "null" => Kind::Null,
        "bool" => Kind::Bool,
        "int" => Kind::Int,
        "float" => Kind::Float,
        "timestamp" => Kind::Timestamp,
        // `!!seq`, `!!map`, `!!merge` and unknown core tags on a scalar:
        // not resolvable, the text is kept.
        _ => return Ok(Value::Str(text.to_string())),
    };
    let (got, value) = implicit(text);
    match (want, got, value) {
        (w, g, v) if w == g => Ok(v),
        (Kind::Float, Kind::Int, Value::Int(i)) => Ok(Value::Float(i as f64)),
        (Kind::Float, Kind::Int, v) => Ok(v),
        (w, g, _) => Err(ErrorKind::Decode(format!(
            "cannot decode {} `{text}` as a {}",
            g.short(),
            w.short()
        ))),
    }
}

/// go-yaml's implicit resolution of plain text.
fn implicit(text: &str) -> (Kind, Value) {
    implicit_non_str(text).unwrap_or_else(|| (Kind::Str, Value::Str(text.to_string())))
}

/// The JSON key of a plain mapping key (see [`json_key`]), without
/// building the string value most keys resolve to.
#[inline]
pub(crate) fn plain_json_key(text: &str) -> Result<Option<String>, ErrorKind> {
    // Most keys (`apiVersion`, `metadata`) cannot resolve to anything but
    // a string: only digits, signs, `.`, `~`, the empty key and the short
    // YAML 1.1 words can.
    let may_resolve = match text.as_bytes().first() {
        None => true,
        Some(b'0'..=b'9' | b'+' | b'-' | b'.' | b'~') => true,
        Some(b'y' | b'Y' | b'n' | b'N' | b'o' | b'O' | b't' | b'T' | b'f' | b'F') => {
            text.len() <= 5
        }
        Some(_) => false,
    };
    if !may_resolve {
        return Ok(None);
    }
    match implicit_non_str(text) {
        None => Ok(None),
        Some((_, value)) => json_key(text, &value),
    }
}

/// [`implicit`] for text that resolves to something other than a string
/// (timestamps, which stay strings, included); `None` for plain strings.
fn implicit_non_str(text: &str) -> Option<(Kind, Value)> {
    // Most plain scalars start with a letter no YAML 1.1 word starts with.
    if let Some(b) = text.as_bytes().first()
        && b.is_ascii_alphabetic()
        && !matches!(
            b,
            b'y' | b'Y' | b'n' | b'N' | b'o' | b'O' | b't' | b'T' | b'f' | b'F'
        )
    {
        return None;
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some((Kind::Null, Value::Null)),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Some((Kind::Bool, Value::Bool(true)));
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Some((Kind::Bool, Value::Bool(false)));
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some((Kind::Float, Value::Float(f64::INFINITY)));
        }
        "-.inf" | "-.Inf" | "-.INF" => {
            return Some((Kind::Float, Value::Float(f64::NEG_INFINITY)));
        }
        ".nan" | ".NaN" | ".NAN" => return Some((Kind::Float, Value::Float(f64::NAN))),
        _ => {}
    }
    match text.as_bytes().first() {
        // Not in the table above: maybe a float such as `.5`.
        Some(b'.') => finite(text).map(|f| (Kind::Float, Value::Float(f))),
        Some(b'0'..=b'9' | b'+' | b'-') => {
            if is_timestamp(text) {
                // go-yaml v2 keeps timestamps as strings in `interface{}`
                // (and so in sigs.k8s.io/yaml's JSON).
                return Some((Kind::Timestamp, Value::Str(text.to_string())));
            }
            let cleaned = if text.contains('_') {
                std::borrow::Cow::Owned(text.replace('_', ""))
            } else {
                std::borrow::Cow::Borrowed(text)
            };
            if let Some(i) = go_int(&cleaned) {
                return Some((Kind::Int, Value::Int(i)));
            }
            if let Some(u) = go_uint(&cleaned) {
                // Past i64: go-yaml gives a uint64; JSON holds the number.
                return Some((Kind::Int, Value::Float(u as f64)));
            }
            if is_float(&cleaned)
                && let Some(f) = finite(&cleaned)
            {
                return Some((Kind::Float, Value::Float(f)));
            }
            binary_literal(&cleaned).map(|i| (Kind::Int, Value::Int(i)))
        }
        _ => None,
    }
}

/// A float as Go's `strconv.ParseFloat` reads it; `None` on overflow
/// (Go reports a range error, and go-yaml then keeps the text).
fn finite(text: &str) -> Option<f64> {
    let f = text.parse::<f64>().ok()?;
    f.is_finite().then_some(f)
}

/// `strconv.ParseInt(text, 0, 64)`: optional sign, then `0x`, `0o`, `0b`
/// or a leading `0` (octal) prefix, or decimal.
fn go_int(text: &str) -> Option<i64> {
    let (neg, digits) = sign(text)?;
    let (radix, body) = radix(digits)?;
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if neg {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// `strconv.ParseUint(text, 0, 64)`: no sign allowed.
fn go_uint(text: &str) -> Option<u64> {
    if matches!(text.as_bytes().first(), Some(b'+' | b'-')) {
        return None;
    }
    let (radix, body) = radix(text)?;
    u64::from_str_radix(body, radix).ok()
}

fn sign(text: &str) -> Option<(bool, &str)> {
    match text.as_bytes().first()? {
        b'-' => Some((true, text.get(1..)?)),
        b'+' => Some((false, text.get(1..)?)),
        _ => Some((false, text)),
    }
}

/// The radix and digits of an unsigned Go integer literal.
fn radix(digits: &str) -> Option<(u32, &str)> {
    let lower = |p: &str| {
        digits
            .get(..2)
            .filter(|h| h.eq_ignore_ascii_case(p))
            .and_then(|_| digits.get(2..))
    };
    let (radix, body) = if let Some(h) = lower("0x") {
        (16, h)
    } else if let Some(o) = lower("0o") {
        (8, o)
    } else if let Some(b) = lower("0b") {
        (2, b)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, digits.get(1..)?)
    } else {
        (10, digits)
    };
    (!body.is_empty() && body.chars().all(|c| c.is_digit(radix))).then_some((radix, body))
}

/// go-yaml's last resort for `0b…` and `-0b…` (already covered by
/// `ParseInt` with base 0, kept for the same answer on odd inputs).
fn binary_literal(text: &str) -> Option<i64> {
    if let Some(b) = text.strip_prefix("0b") {
        return i64::from_str_radix(b, 2).ok();
    }
    let b = text.strip_prefix("-0b")?;
    i64::from_str_radix(&format!("-{b}"), 2).ok()
}

/// The YAML 1.1 float pattern go-yaml uses:
/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_float(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let int_digits = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac = digits(&mut i);
        if int_digits == 0 && frac == 0 {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// go-yaml's timestamp test: four digits and a `-`, then one of the
/// layouts `2006-1-2`, `2006-1-2 15:4:5.999999999`,
/// `2006-1-2T15:4:5.999999999Z07:00` (also with `t`).
fn is_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() < 5 || !b.iter().take(4).all(u8::is_ascii_digit) || b.get(4) != Some(&b'-') {
        return false;
    }
    let mut p = TimeParser { b, i: 5 };
    let date = p.number(1, 2).is_some_and(|m| (1..=12).contains(&m))
        && p.eat(b'-')
        && p.number(1, 2)
            .is_some_and(|d| d >= 1 && d <= days_in(year(b), p.month(b)));
    if !date {
        return false;
    }
    if p.i == b.len() {
        return true;
    }
    let with_zone = match b.get(p.i) {
        Some(b'T' | b't') => true,
        Some(b' ') => false,
        _ => return false,
    };
    p.i += 1;
    let time = p.number(1, 2).is_some_and(|h| h < 24)
        && p.eat(b':')
        && p.number(1, 2).is_some_and(|m| m < 60)
        && p.eat(b':')
        && p.number(1, 2).is_some_and(|s| s < 60);
    if !time {
        return false;
    }
    if p.eat(b'.') && p.number(1, 9).is_none() {
        return false;
    }
    if !with_zone {
        return p.i == b.len();
    }
    if p.eat(b'Z') {
        return p.i == b.len();
    }
    (p.eat(b'+') || p.eat(b'-'))
        && p.number(2, 2).is_some_and(|h| h < 24)
        && p.eat(b':')
        && p.number(2, 2).is_some_and(|m| m < 60)
        && p.i == b.len()
}

struct TimeParser<'a> {
    b: &'a [u8],
    i: usize,
}

impl TimeParser<'_> {
    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        let mut v: u32 = 0;
        while self.i - start < max {
            match self.b.get(self.i) {
                Some(c) if c.is_ascii_digit() => {
                    v = v * 10 + u32::from(c - b'0');
                    self.i += 1;
                }
                _ => break,
            }
        }
        (self.i - start >= min).then_some(v)
    }

    fn eat(&mut self, c: u8) -> bool {
        let ok = self.b.get(self.i) == Some(&c);
        self.i += usize::from(ok);
        ok
    }

    /// The month already read (digits after the first `-`).
    fn month(&self, b: &[u8]) -> u32 {
        b.iter()
            .skip(5)
            .take_while(|c| c.is_ascii_digit())
            .fold(0, |m, c| m * 10 + u32::from(c - b'0'))
    }
}

fn year(b: &[u8]) -> u32 {
    b.iter()
        .take(4)
        .fold(0, |y, c| y * 10 + u32::from(c - b'0'))
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `!!binary`: standard base64 (line breaks ignored, as Go ignores them),
/// decoded into a string.
fn binary(text: &str) -> Result<Value, ErrorKind> {
    let compact: String = text.chars().filter(|c| !matches!(c, '\n' | '\r')).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|_| ErrorKind::Decode("!!binary value contains invalid base64 data".into()))?;
    Ok(Value::Str(String::from_utf8_lossy(&bytes).into_owned()))
}

/// The JSON object key sigs.k8s.io/yaml makes of a mapping key, when it
/// differs from the text: `on`/`yes`/`y` become `"true"`, `0x10` becomes
/// `"16"`, `1.50` becomes `"1.5"`. A null key (`~:`) has no JSON form.
pub(crate) fn json_key(text: &str, value: &Value) -> Result<Option<String>, ErrorKind> {
    let key = match value {
        Value::Str(_) => return Ok(None),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => go_float32(*f),
        Value::Null => {
            return Err(ErrorKind::Decode(format!(
                "mapping key `{text}` is null, which no JSON object key can hold"
            )));
        }
        Value::Seq(_) | Value::Map(_) => return Err(ErrorKind::ComplexKey),
    };
    Ok((key != text).then_some(key))
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`, with YAML's spellings of
/// the infinities and NaN.
fn go_float32(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    #[allow(clippy::cast_possible_truncation)]
    let single = f as f32;
    if single == 0.0 {
        return if single.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Rust's `{:e}` is the shortest round-trip form: `d.ddde[-]x`.
    let sci = format!("{single:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if neg { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    let point = exp + 1;
    let n = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let body = if point <= 0 {
        let zeros = "0".repeat(usize::try_from(-point).unwrap_or(0));
        format!("0.{zeros}{digits}")
    } else if point >= n {
        let zeros = "0".repeat(usize::try_from(point - n).unwrap_or(0));
        format!("{digits}{zeros}")
    } else {
        let (a, b) = digits.split_at(usize::try_from(point).unwrap_or(0));
        format!("{a}.{b}")
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn float_keys_as_go_formats_them() {
        for (f, s) in [
            (1.5, "1.5"),
            (0.1, "0.1"),
            (1e20, "1e+20"),
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5, "-2.5"),
            (1.2345678901234, "1.2345679"),
        ] {
            assert_eq!(go_float32(f), s, "{f}");
        }
    }

    #[test]
    fn timestamps() {
        for t in [
            "2001-12-14",
            "2001-1-2",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10",
            "2002-12-14T21:59:43Z",
        ] {
            assert!(is_timestamp(t), "{t}");
        }
        for t in [
            "2001-13-14",
            "2001-02-30",
            "20011-12-14",
            "2001-12-14 ",
            "2001-12",
        ] {
            assert!(!is_timestamp(t), "{t}");
        }
    }

    #[test]
    fn tagged_mismatch_is_an_error() {
        let int = "tag:yaml.org,2002:int";
        assert!(scalar("abc", true, Some(int)).is_err());
        assert_eq!(scalar("12", false, Some(int)).unwrap(), Value::Int(12));
        assert_eq!(
            scalar("1", true, Some("tag:yaml.org,2002:float")).unwrap(),
            Value::Float(1.0)
        );
        assert_eq!(
            scalar("12", true, Some("!")).unwrap(),
            Value::Str("12".into())
        );
    }
}
