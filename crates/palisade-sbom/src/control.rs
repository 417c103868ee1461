//! Debian control-file syntax (deb822): paragraphs of `Field: value`
//! lines, continuation lines starting with a blank, paragraphs separated
//! by empty lines. Used for dpkg's status database.

/// One paragraph: its fields in order (names as written) and the line it
/// starts on.
#[derive(Debug, Clone, Default)]
pub struct Paragraph {
    /// 1-based line of its first field.
    pub line: usize,
    fields: Vec<(String, String)>,
}

impl Paragraph {
    /// A field's value (names compare case-insensitively, as dpkg's do);
    /// continuation lines are joined with `\n`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A line that is neither a field, a continuation nor blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line.
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

/// Most fields one paragraph may have (dpkg's own paragraphs have ~20).
pub const MAX_FIELDS: usize = 1_000;

/// Parses `text` into paragraphs.
pub fn parse(text: &str) -> Result<Vec<Paragraph>, SyntaxError> {
    let mut out = Vec::new();
    let mut cur = Paragraph::default();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            if !cur.fields.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            let Some((_, v)) = cur.fields.last_mut() else {
                return Err(SyntaxError {
                    line: n,
                    message: "continuation line before any field".into(),
                });
            };
            v.push('\n');
            v.push_str(line.trim_start());
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            return Err(SyntaxError {
                line: n,
                message: format!("expected `Field: value`, found {line:?}"),
            });
        };
        if cur.fields.is_empty() {
            cur.line = n;
        }
        if cur.fields.len() >= MAX_FIELDS {
            return Err(SyntaxError {
                line: n,
                message: format!("more than {MAX_FIELDS} fields in one paragraph"),
            });
        }
        cur.fields
            .push((k.trim().to_string(), v.trim().to_string()));
    }
    if !cur.fields.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn paragraphs_fields_and_continuations() {
        let p =
            parse("Package: a\nDescription: one\n two\n .\n\n\nPackage: b\nversion: 1\n").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].get("description"), Some("one\ntwo\n."));
        assert_eq!(p[1].get("Version"), Some("1"));
        assert_eq!(p[1].line, 7);
        let e = parse("Package: a\nnonsense\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(parse(" x\n").unwrap_err().line, 1);
    }
}
