//! The document tree: nodes with positions, and lookups that never panic.

use crate::{ErrorKind, Pos};

/// A value with the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value starts in the source.
    pub pos: Pos,
}

/// A YAML value, resolved as Kubernetes tooling resolves it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or an empty value.
    Null,
    /// A boolean (including YAML 1.1 `yes`/`no`/`on`/`off`).
    Bool(bool),
    /// An integer that fits 64 bits.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping.
    Map(Map),
}

/// A mapping key: the key's text and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key's text as written (`on:` is the key "on"): what lookups use.
    pub text: String,
    /// Where the key is.
    pub pos: Pos,
    /// Whether the key was written plain (only a plain `<<` is a merge key).
    pub(crate) merge: bool,
    /// The JSON object key sigs.k8s.io/yaml makes of it, when that differs
    /// from the text (`on` → `"true"`, `0x10` → `"16"`).
    /// (Boxed: most keys have none, and the key stays small.)
    pub(crate) json: Option<Box<str>>,
}

impl Key {
    /// A key from its text and the value that text resolves to.
    pub(crate) fn new(
        text: String,
        pos: Pos,
        plain: bool,
        value: &Value,
    ) -> Result<Key, ErrorKind> {
        let json = crate::resolve::json_key(&text, value)?.map(String::into_boxed_str);
        Ok(Key {
            merge: plain && text == "<<",
            text,
            pos,
            json,
        })
    }

    /// A plain or quoted key whose JSON form is already known.
    #[inline]
    pub(crate) fn with_json(text: String, pos: Pos, plain: bool, json: Option<String>) -> Key {
        Key {
            merge: plain && text == "<<",
            text,
            pos,
            json: json.map(String::into_boxed_str),
        }
    }

    /// The key as Kubernetes sees it once the YAML is JSON: the text, or
    /// its YAML 1.1 resolution for keys such as `yes`, `on` or `0x10`.
    pub fn json_text(&self) -> &str {
        self.json.as_deref().unwrap_or(&self.text)
    }
}

/// A mapping, in source order. When a key appears twice the last one wins,
/// as it does when Kubernetes decodes the object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Map {
    entries: Vec<(Key, Node)>,
}

impl Map {
    /// Builds a map, applying YAML merge keys (`<<: *base`) as go-yaml v2
    /// (and so sigs.k8s.io/yaml) applies them: in order, each merged
    /// mapping setting its keys over what came before, the mappings of a
    /// merged sequence taken from last to first so that the first wins, and
    /// keys written after the merge setting theirs over it. A merge of
    /// anything but a mapping or a sequence of mappings is an error.
    ///
    /// A collection written below its key (`securityContext:` then its
    /// fields on the next lines) is located at its key: that is the line a
    /// finding about the field must point at, and where a suppression
    /// comment for it is written.
    pub(crate) fn with_merges(mut entries: Vec<(Key, Node)>) -> Result<Map, ErrorKind> {
        for (k, v) in &mut entries {
            if matches!(v.value, Value::Seq(_) | Value::Map(_)) && v.pos.line > k.pos.line {
                v.pos = k.pos;
            }
        }
        if !entries.iter().any(|(k, _)| k.merge) {
            return Ok(Map { entries });
        }
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            if !k.merge {
                out.push((k, v));
                continue;
            }
            match v.value {
                Value::Map(m) => out.extend(m.entries),
                Value::Seq(items) => {
                    let mut maps = Vec::with_capacity(items.len());
                    for item in items {
                        match item.value {
                            Value::Map(m) => maps.push(m),
                            _ => return Err(ErrorKind::BadMerge),
                        }
                    }
                    for m in maps.into_iter().rev() {
                        out.extend(m.entries);
                    }
                }
                _ => return Err(ErrorKind::BadMerge),
            }
        }
        Ok(Map { entries: out })
    }

    /// The value for `key` (the last one if the key is repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key and value for `key` (the last one if the key is repeated).
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k.text == key)
            .map(|(k, v)| (k, v))
    }

    /// Entries in source order (repeated keys appear each time).
    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Node)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Node {
    /// The tree as JSON, as sigs.k8s.io/yaml converts it: keys as JSON
    /// keys (`json_text`), the last of a repeated key winning; positions
    /// dropped; a float JSON cannot hold (NaN, infinities) becomes null.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(map) => J::Object(
                map.iter()
                    .map(|(k, v)| (k.json_text().to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// The child at `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.get(key),
            _ => None,
        }
    }

    /// The node at a path of keys, if every step exists.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    /// The mapping, when this node is one.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, when this node is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// Items of a sequence; empty for anything else (a missing list and an
    /// empty one mean the same to Kubernetes).
    pub fn items(&self) -> &[Node] {
        self.as_seq().unwrap_or(&[])
    }

    /// The string, when this node is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, when this node is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The integer, when this node is one (floats with no fraction count).
    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    /// Whether this node is null.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// A short rendering of a scalar for messages (collections are summarised).
    pub fn display(&self) -> String {
        match &self.value {
            Value::Null => "null".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) => s.clone(),
            Value::Seq(s) => format!("[{} items]", s.len()),
            Value::Map(m) => format!("{{{} keys}}", m.len()),
        }
    }
}
