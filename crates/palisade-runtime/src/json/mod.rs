//! A borrowed JSON tree: strings point into the input line whenever they
//! hold no escape, so parsing an event allocates only the object and array
//! vectors. Field extraction reads this tree; nothing is copied per field.
//! Flat process events take a fast path ([`flat`]); everything else, and
//! everything the fast path declines, goes through serde_json.

mod flat;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A JSON value borrowing from the text it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string (borrowed unless it held escapes).
    Str(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object, in source order.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// Parses `text` as one JSON value. serde_json bounds nesting at 128
    /// levels, so hostile input cannot overflow the stack.
    pub fn parse(text: &'a str) -> Result<Json<'a>, serde_json::Error> {
        if flat::looks_flat(text)
            && let Some(json) = flat::parse(text)
        {
            return Ok(json);
        }
        serde_json::from_str(text)
    }

    /// The value under `key` when this is an object (the first one if the
    /// key is repeated).
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(entries) => entries
                .iter()
                .find(|(k, _)| k.as_ref() == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value at a path of object keys.
    pub fn at(&self, path: &[&str]) -> Option<&Json<'a>> {
        let mut cur = self;
        for key in path {
            cur = cur.get(key)?;
        }
        Some(cur)
    }

    /// The value at an RFC 6901 JSON pointer (`/a/0/b`, `~1` for `/`, `~0`
    /// for `~`). The empty pointer is the value itself.
    pub fn pointer(&self, pointer: &str) -> Option<&Json<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut cur = self;
        for raw in rest.split('/') {
            let token: Cow<'_, str> = if raw.contains('~') {
                Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
            } else {
                Cow::Borrowed(raw)
            };
            cur = match cur {
                Json::Object(_) => cur.get(&token)?,
                Json::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The array's items (empty for anything else).
    pub fn items(&self) -> &[Json<'a>] {
        match self {
            Json::Array(items) => items,
            _ => &[],
        }
    }

    /// Compact JSON text of this value.
    pub fn to_json_string(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(i) => out.push_str(&i.to_string()),
            Json::Float(f) => out.push_str(&float_text(*f)),
            Json::Str(s) => write_json_string(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(k, out);
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// The value as an owned `serde_json::Value`.
    pub fn to_value(&self) -> serde_json::Value {
        match self {
            Json::Null => serde_json::Value::Null,
            Json::Bool(b) => serde_json::Value::Bool(*b),
            Json::Int(i) => serde_json::Value::from(*i),
            Json::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Json::Str(s) => serde_json::Value::String(s.to_string()),
            Json::Array(items) => {
                serde_json::Value::Array(items.iter().map(Json::to_value).collect())
            }
            Json::Object(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
        }
    }
}

/// A float as JSON writes it (integral floats keep no fraction).
pub(crate) fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.push_str(&serde_json::Value::String(s.to_string()).to_string());
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

/// An object key that borrows when it can.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json<'de>, E> {
        Ok(Json::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json<'de>, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => Json::Int(i),
            Err(_) => Json::Float(v as f64),
        })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json<'de>, E> {
        Ok(Json::Float(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        // serde_json gives no size hint for maps; events have a dozen or more keys.
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(16).min(64));
        while let Some((Key(k), v)) = map.next_entry::<Key<'de>, Json<'de>>()? {
            entries.push((k, v));
        }
        Ok(Json::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::panic)]
    use super::*;

    #[test]
    fn strings_borrow_unless_escaped() {
        let text = r#"{"a":"plain","b":"esc\"aped","n":[1,2.5,null,true]}"#;
        let v = Json::parse(text).unwrap_or(Json::Null);
        assert!(matches!(
            v.get("a"),
            Some(Json::Str(Cow::Borrowed("plain")))
        ));
        assert!(matches!(v.get("b"), Some(Json::Str(Cow::Owned(_)))));
        assert_eq!(v.pointer("/n/1"), Some(&Json::Float(2.5)));
        assert_eq!(v.pointer("/n/9"), None);
        assert_eq!(v.to_json_string(), text);
    }

    #[test]
    fn pointer_unescapes() {
        let v = Json::parse(r#"{"a/b":{"c~d":1}}"#).unwrap_or(Json::Null);
        assert_eq!(v.pointer("/a~1b/c~0d"), Some(&Json::Int(1)));
    }

    /// The fast path accepts nothing the general parser rejects, and gives
    /// the same tree for everything it accepts.
    #[test]
    fn flat_fast_path_agrees_with_serde() {
        let lines = [
            r#"{"evt.type":"execve","evt.dir":"<","proc.name":"bash","fd.num":3,"evt.rawres":-1,"ok":true,"no":false,"n":null,"proc.aname":["sh","init"],"e":[],"big":9223372036854775807}"#,
            r#" { "evt.type" : "open" , "x" : [ 1 , "a" , null ] } "#,
            r#"{"evt.type":"x"}"#,
            r#"{"a.b":"caf\u00e9","c":"tab\there"}"#,
            r#"{"a.b":1.5,"c":1e3,"d":-0,"e":0,"f":-9223372036854775808,"g":18446744073709551615,"h":01}"#,
            r#"{"a.b":{"nested":1},"c":[[1]],"d":[{"x":1}]}"#,
            "{\"a.b\":\"ctl\u{1}\"}",
            r#"{"a.b":"x",}"#,
            r#"{"a.b":"x"} trailing"#,
            r#"{"a.b" "x"}"#,
            r#"{"a.b":tru}"#,
            r#"{"a.b":-}"#,
            r#"{"a.b":"\u00"}"#,
            r#"{"dup.k":1,"dup.k":2}"#,
            "{}",
            "{\"é.k\":\"ü\"}",
        ];
        let mut checked = 0;
        for line in lines {
            let mut cases: Vec<String> = vec![line.to_string()];
            for (i, c) in line.char_indices() {
                cases.push(line[..i].to_string());
                for sub in ["\"", ",", "}", "]", "[", "{", ":", " ", "\\", "-", "0", "x"] {
                    let mut m = line.to_string();
                    m.replace_range(i..i + c.len_utf8(), sub);
                    cases.push(m);
                }
            }
            for case in &cases {
                let general: Result<Json<'_>, _> = serde_json::from_str(case);
                match (flat::parse(case), general) {
                    (Some(fast), Ok(slow)) => {
                        assert_eq!(fast, slow, "{case}");
                        checked += 1;
                    }
                    (Some(fast), Err(e)) => {
                        panic!("fast path accepted {case:?} ({fast:?}), serde: {e}")
                    }
                    (None, _) => {}
                }
            }
        }
        assert!(checked > 300, "{checked}");
    }
}
