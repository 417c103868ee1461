//! Field extraction: what a field name means for each event source, and the
//! values it yields.
//!
//! Fields are resolved once, when a condition is compiled ([`resolve`]), to
//! an [`Extractor`]; extracting from an event then borrows from the event's
//! JSON. A field that cannot be extracted yields [`Extracted::Missing`], and
//! every comparison on a missing field is false (Falco's semantics), so
//! `not proc.name = x` is true for an event without `proc.name`.

pub mod k8saudit;
pub mod syscall;

use crate::Source;
use crate::condition::{FieldExpr, Transformer};
use crate::event::Event;
use crate::json::{Json, float_text};
use std::borrow::Cow;

/// One extracted scalar.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'e> {
    /// A string.
    Str(Cow<'e, str>),
    /// An integer.
    Int(i64),
    /// A non-integral number.
    Float(f64),
    /// A boolean.
    Bool(bool),
}

impl<'e> Value<'e> {
    /// The value as text (numbers and booleans formatted as JSON writes them).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Value::Str(s) => Cow::Borrowed(s.as_ref()),
            Value::Int(i) => Cow::Owned(i.to_string()),
            Value::Float(f) => Cow::Owned(float_text(*f)),
            Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        }
    }

    /// The value as a number, when it is one or is text that parses as one.
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::Str(s) => parse_number(s),
            Value::Bool(_) => None,
        }
    }

    /// Converts a JSON scalar; nested objects and arrays become their JSON
    /// text (as the k8saudit plugin renders them); `null` is no value.
    pub fn from_json(j: &'e Json<'e>) -> Option<Value<'e>> {
        Some(match j {
            Json::Null => return None,
            Json::Bool(b) => Value::Bool(*b),
            Json::Int(i) => Value::Int(*i),
            Json::Float(f) => Value::Float(*f),
            Json::Str(s) => Value::Str(Cow::Borrowed(s.as_ref())),
            Json::Array(_) | Json::Object(_) => Value::Str(Cow::Owned(j.to_json_string())),
        })
    }

    /// The value as JSON for `output_fields`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Str(s) => serde_json::Value::String(s.to_string()),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Value::from(*f),
            Value::Bool(b) => serde_json::Value::Bool(*b),
        }
    }

    fn into_owned(self) -> Value<'static> {
        match self {
            Value::Str(s) => Value::Str(Cow::Owned(s.into_owned())),
            Value::Int(i) => Value::Int(i),
            Value::Float(f) => Value::Float(f),
            Value::Bool(b) => Value::Bool(b),
        }
    }
}

/// Parses a decimal number as Falco's value parser would (integers and
/// plain decimals, with an optional sign).
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        || !digits.bytes().next().is_some_and(|b| b.is_ascii_digit())
    {
        return None;
    }
    t.parse::<f64>().ok()
}

/// What a field yields for one event.
#[derive(Debug, Clone, PartialEq)]
pub enum Extracted<'e> {
    /// The field cannot be extracted from this event.
    Missing,
    /// One value.
    One(Value<'e>),
    /// A list-valued field.
    List(Vec<Value<'e>>),
}

impl<'e> Extracted<'e> {
    /// From an optional JSON node: arrays become lists.
    pub fn from_json(j: Option<&'e Json<'e>>) -> Extracted<'e> {
        match j {
            None | Some(Json::Null) => Extracted::Missing,
            Some(Json::Array(items)) => {
                Extracted::List(items.iter().filter_map(Value::from_json).collect())
            }
            Some(other) => match Value::from_json(other) {
                Some(v) => Extracted::One(v),
                None => Extracted::Missing,
            },
        }
    }

    /// From an optional JSON scalar; arrays and objects become JSON text.
    pub fn scalar(j: Option<&'e Json<'e>>) -> Extracted<'e> {
        match j.and_then(Value::from_json) {
            Some(v) => Extracted::One(v),
            None => Extracted::Missing,
        }
    }

    /// Renders the value for an output template: `<NA>` when missing, a
    /// list as `(a,b)`.
    pub fn render(&self) -> String {
        match self {
            Extracted::Missing => "<NA>".to_string(),
            Extracted::One(v) => v.text().into_owned(),
            Extracted::List(items) => {
                let parts: Vec<String> = items.iter().map(|v| v.text().into_owned()).collect();
                format!("({})", parts.join(","))
            }
        }
    }

    /// The value for `output_fields` (`null` when missing).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Extracted::Missing => serde_json::Value::Null,
            Extracted::One(v) => v.to_json(),
            Extracted::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
        }
    }
}

/// How a field's values are compared when it yields a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// A scalar field (a list is compared element by element, any match).
    Scalar,
    /// A list field: `in` means every value is in the set, `intersects`
    /// any; Falco accepts only `in`, `intersects` and `exists` on them.
    List,
    /// An "any ancestor" field (`proc.aname` without index): every
    /// operator is true when it holds for some ancestor.
    AnyOf,
}

/// A field resolved for one source.
#[derive(Debug, Clone)]
pub struct Extractor {
    kind: ExtractorKind,
    transformers: Vec<Transformer>,
    /// List semantics of the field (before transformers).
    pub list_kind: ListKind,
    /// The field as written, e.g. `proc.aname[2]`.
    pub display: String,
}

#[derive(Debug, Clone)]
enum ExtractorKind {
    Syscall(syscall::Field),
    K8s(k8saudit::Field),
}

/// Why a field cannot be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// The source has no such field.
    #[error("unknown field `{0}` for source `{1}`")]
    Unknown(String, &'static str),
    /// The field needs an argument, or takes none, or a different one.
    #[error("field `{0}`: {1}")]
    BadArgument(String, String),
}

/// Resolves a field for a source.
pub fn resolve(source: Source, field: &FieldExpr) -> Result<Extractor, FieldError> {
    let (kind, list_kind) = match source {
        Source::Syscall => {
            let f = syscall::Field::resolve(&field.name, field.arg.as_deref())?;
            let lk = f.list_kind();
            (ExtractorKind::Syscall(f), lk)
        }
        Source::K8sAudit => {
            let f = k8saudit::Field::resolve(&field.name, field.arg.as_deref())?;
            let lk = f.list_kind();
            (ExtractorKind::K8s(f), lk)
        }
    };
    Ok(Extractor {
        kind,
        transformers: field.transformers.clone(),
        list_kind,
        display: field.display_name(),
    })
}

impl Extractor {
    /// Whether this is `name` with no argument and no transformer (used to
    /// find the index field, e.g. `evt.type`).
    pub fn is_plain(&self, name: &str) -> bool {
        self.transformers.is_empty() && self.display == name
    }

    /// The syscall field, for slot assignment.
    pub(crate) fn syscall_field_mut(&mut self) -> Option<&mut syscall::Field> {
        match &mut self.kind {
            ExtractorKind::Syscall(f) => Some(f),
            ExtractorKind::K8s(_) => None,
        }
    }

    /// Whether transformers apply.
    pub fn has_transformers(&self) -> bool {
        !self.transformers.is_empty()
    }

    /// Extracts the field's value(s) from an event.
    pub fn extract<'e>(&self, event: &'e Event<'e>) -> Extracted<'e> {
        let raw = match &self.kind {
            ExtractorKind::Syscall(f) => f.extract(event),
            ExtractorKind::K8s(f) => f.extract(event),
        };
        if self.transformers.is_empty() {
            return raw;
        }
        let mut cur = raw;
        for tr in &self.transformers {
            cur = transform(*tr, cur);
        }
        cur
    }
}

fn transform(tr: Transformer, v: Extracted<'_>) -> Extracted<'static> {
    match (tr, v) {
        (_, Extracted::Missing) => Extracted::Missing,
        (Transformer::Len, Extracted::List(items)) => {
            Extracted::One(Value::Int(i64::try_from(items.len()).unwrap_or(i64::MAX)))
        }
        (tr, Extracted::One(v)) => match transform_one(tr, v) {
            Some(v) => Extracted::One(v),
            None => Extracted::Missing,
        },
        (tr, Extracted::List(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for v in items {
                match transform_one(tr, v) {
                    Some(v) => out.push(v),
                    None => return Extracted::Missing,
                }
            }
            Extracted::List(out)
        }
    }
}

fn transform_one(tr: Transformer, v: Value<'_>) -> Option<Value<'static>> {
    let text = v.text();
    let out = match tr {
        Transformer::ToLower => Value::Str(Cow::Owned(text.to_ascii_lowercase())),
        Transformer::ToUpper => Value::Str(Cow::Owned(text.to_ascii_uppercase())),
        Transformer::Basename => {
            let base = text.rsplit('/').next().unwrap_or("");
            Value::Str(Cow::Owned(base.to_string()))
        }
        Transformer::Len => Value::Int(i64::try_from(text.len()).unwrap_or(i64::MAX)),
        Transformer::B64 => {
            let bytes = base64_decode(text.trim())?;
            Value::Str(Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()))
        }
    };
    Some(out.into_owned())
}

/// Standard base64 (with or without padding); `None` when invalid.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        })
    }
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for c in s.bytes() {
        acc = (acc << 6) | val(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    if bits >= 6 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGVsbG8").unwrap(), b"hello");
        assert!(base64_decode("a$").is_none());
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("200"), Some(200.0));
        assert_eq!(parse_number("-1"), Some(-1.0));
        assert_eq!(parse_number("1e3"), None);
        assert_eq!(parse_number("abc"), None);
    }
}
