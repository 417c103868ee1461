//! The `NAME=value` lists of `ENV` and `ARG`.
//!
//! `ENV A=1 B="two words"` and `ARG A B=2` set several names; the legacy
//! `ENV NAME value with spaces` sets one. Values are unquoted as Docker does,
//! and we note whether a value refers to another variable, because such a
//! value is not a literal written in the Dockerfile.

use crate::shell::raw_words;

/// One `NAME[=value]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// The variable name.
    pub name: String,
    /// The value, unquoted; `None` for `ARG NAME` without a default.
    pub value: Option<String>,
    /// The value refers to a variable (`$X`, `${X}`) outside single quotes.
    pub has_reference: bool,
}

/// The pairs of an `ENV` instruction.
pub fn env_pairs(args: &str) -> Vec<KeyValue> {
    let words = raw_words(args);
    match words.first() {
        Some((_, first)) if !first.contains('=') => {
            // Legacy form: the rest of the line is the value.
            let rest = args.trim_start().get(first.len()..).unwrap_or("").trim();
            let (value, has_reference) = unquote(rest);
            vec![KeyValue {
                name: (*first).to_string(),
                value: (!rest.is_empty()).then_some(value),
                has_reference,
            }]
        }
        _ => pairs(&words),
    }
}

/// The pairs of an `ARG` instruction.
pub fn arg_pairs(args: &str) -> Vec<KeyValue> {
    pairs(&raw_words(args))
}

fn pairs(words: &[(usize, &str)]) -> Vec<KeyValue> {
    words
        .iter()
        .map(|(_, w)| match w.split_once('=') {
            Some((name, raw)) => {
                let (value, has_reference) = unquote(raw);
                KeyValue {
                    name: name.to_string(),
                    value: Some(value),
                    has_reference,
                }
            }
            None => KeyValue {
                name: (*w).to_string(),
                value: None,
                has_reference: false,
            },
        })
        .collect()
}

/// Removes quotes and escapes; also says whether a `$` reference was seen
/// outside single quotes.
fn unquote(raw: &str) -> (String, bool) {
    let mut out = String::with_capacity(raw.len());
    let mut has_reference = false;
    let mut quote: Option<char> = None;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), _) => out.push(c),
            (None, '\'' | '"') => quote = Some(c),
            (_, '\\') => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            (_, '$') => {
                if chars
                    .peek()
                    .is_some_and(|&n| n == '{' || n == '_' || n.is_ascii_alphabetic())
                {
                    has_reference = true;
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    (out, has_reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(name: &str, value: Option<&str>, has_reference: bool) -> KeyValue {
        KeyValue {
            name: name.into(),
            value: value.map(Into::into),
            has_reference,
        }
    }

    #[test]
    fn env_forms() {
        assert_eq!(
            env_pairs("A=1 B=\"two words\" C='$x' D=${E}"),
            vec![
                kv("A", Some("1"), false),
                kv("B", Some("two words"), false),
                kv("C", Some("$x"), false),
                kv("D", Some("${E}"), true),
            ]
        );
        assert_eq!(
            env_pairs("PATH /usr/bin:$PATH"),
            vec![kv("PATH", Some("/usr/bin:$PATH"), true)]
        );
        assert_eq!(env_pairs("A"), vec![kv("A", None, false)]);
        assert_eq!(env_pairs("A=\\$B"), vec![kv("A", Some("$B"), false)]);
    }

    #[test]
    fn arg_forms() {
        assert_eq!(
            arg_pairs("A B=2 C="),
            vec![
                kv("A", None, false),
                kv("B", Some("2"), false),
                kv("C", Some(""), false)
            ]
        );
    }
}
