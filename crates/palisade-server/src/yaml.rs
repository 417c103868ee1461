//! A small block-style YAML writer for generated manifests. Strings are
//! written as JSON strings (valid YAML double-quoted scalars) unless they
//! are plainly safe; multi-line strings become literal blocks.

use serde_json::Value;

fn plain_safe(s: &str) -> bool {
    let reserved = [
        "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "yes",
        "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
    ];
    !reserved.contains(&s)
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
        && s.parse::<f64>().is_err()
}

fn scalar(s: &str) -> String {
    if plain_safe(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
    }
}

fn pad(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push(' ');
    }
}

/// Keys written first, in this order, as Kubernetes manifests are read;
/// the rest follow alphabetically.
const FIRST: [&str; 6] = [
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "namespace",
    "spec",
];

fn ordered(map: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by_key(|(k, _)| FIRST.iter().position(|f| f == k).unwrap_or(FIRST.len()));
    entries
}

/// Writes `v` (a mapping) at `indent`.
pub fn write(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, val) in ordered(map) {
                pad(out, indent);
                out.push_str(&scalar(k));
                out.push(':');
                value(out, val, indent);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                pad(out, indent);
                out.push('-');
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        // The first key on the dash's line, the rest below.
                        let mut first = true;
                        for (k, val) in ordered(m) {
                            if first {
                                out.push(' ');
                                first = false;
                            } else {
                                pad(out, indent + 2);
                            }
                            out.push_str(&scalar(k));
                            out.push(':');
                            value(out, val, indent + 2);
                        }
                    }
                    other => value(out, other, indent),
                }
            }
        }
        other => {
            pad(out, indent);
            inline(out, other);
            out.push('\n');
        }
    }
}

/// Writes a value after `key:` (or `-`).
fn value(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write(out, v, indent + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write(out, v, indent + 2);
        }
        Value::String(s) if s.contains('\n') => {
            out.push_str(" |");
            if !s.ends_with('\n') {
                out.push('-');
            }
            out.push('\n');
            for line in s.lines() {
                if !line.is_empty() {
                    pad(out, indent + 2);
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        other => {
            out.push(' ');
            inline(out, other);
            out.push('\n');
        }
    }
}

fn inline(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => out.push_str(&scalar(s)),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}
