//! Just enough of a Rego lexer for the source rewrites: tokens with their
//! byte spans, bracket depth and whether a line break came before them.
//! Strings, raw strings and comments are skipped as units so that nothing
//! inside them is ever rewritten.

/// What a token is, as far as the rewrites care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A name or keyword.
    Ident,
    /// A number.
    Number,
    /// A `"…"` or `` `…` `` string.
    Str,
    /// `:=`, `==`, `!=`, `<=`, `>=`.
    Op2,
    /// Any other single character.
    Punct(u8),
}

/// One token.
#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// Bracket depth before this token: `(`, `[` and `{` open, their
    /// closers close.
    pub depth: u32,
    /// A line break (possibly after a comment) separates this token from
    /// the one before.
    pub after_newline: bool,
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }

    pub fn is(&self, c: u8) -> bool {
        self.kind == Kind::Punct(c)
    }
}

/// Rego keywords: a name that is one of these does not end a term.
pub(super) const KEYWORDS: &[&str] = &[
    "as", "contains", "default", "else", "every", "if", "import", "in", "not", "package", "some",
    "with",
];

/// Tokens of `src`, or `None` when it does not lex (an unterminated
/// string): the source then goes to regorus untouched, which reports it.
pub(super) fn lex(src: &str) -> Option<Vec<Token>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0usize;
    let mut depth = 0u32;
    let mut newline = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'\n' => {
                newline = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                while b.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        let start = i;
        let kind = match c {
            b'"' => {
                i += 1;
                loop {
                    match b.get(i)? {
                        b'\\' => i += 2,
                        b'"' => break,
                        b'\n' => return None,
                        _ => i += 1,
                    }
                }
                i += 1;
                Kind::Str
            }
            b'`' => {
                i += 1;
                while *b.get(i)? != b'`' {
                    i += 1;
                }
                i += 1;
                Kind::Str
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while b
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    i += 1;
                }
                Kind::Ident
            }
            c if c.is_ascii_digit() => {
                while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'.') {
                    i += 1;
                }
                if b.get(i).is_some_and(|c| *c == b'e' || *c == b'E') {
                    i += 1;
                    if b.get(i).is_some_and(|c| *c == b'+' || *c == b'-') {
                        i += 1;
                    }
                    while b.get(i).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                }
                Kind::Number
            }
            b':' | b'=' | b'!' | b'<' | b'>' if b.get(i + 1) == Some(&b'=') => {
                i += 2;
                Kind::Op2
            }
            c if c.is_ascii() => {
                i += 1;
                Kind::Punct(c)
            }
            _ => {
                // A non-ASCII character outside a string: one token per
                // UTF-8 sequence; regorus will reject it.
                i += 1;
                while b.get(i).is_some_and(|c| (c & 0xC0) == 0x80) {
                    i += 1;
                }
                Kind::Punct(0)
            }
        };
        if matches!(kind, Kind::Punct(b')' | b']' | b'}')) {
            depth = depth.saturating_sub(1);
        }
        out.push(Token {
            kind,
            start,
            end: i,
            depth,
            after_newline: newline,
        });
        if matches!(kind, Kind::Punct(b'(' | b'[' | b'{')) {
            depth += 1;
        }
        newline = false;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn strings_and_comments_are_single_units() {
        let src = "x := \"a ( # \\\" }\" # ( {\n`raw\n(`";
        let t = lex(src).unwrap();
        let texts: Vec<&str> = t.iter().map(|t| t.text(src)).collect();
        assert_eq!(texts, ["x", ":=", "\"a ( # \\\" }\"", "`raw\n(`"]);
        assert!(t[3].after_newline);
        assert!(!t[1].after_newline);
    }

    #[test]
    fn depth_counts_brackets() {
        let src = "p[{\"a\": x}] { f(x) }";
        let t = lex(src).unwrap();
        let depths: Vec<u32> = t.iter().map(|t| t.depth).collect();
        // p [ { "a" : x } ] { f ( x ) }
        assert_eq!(depths, [0, 0, 1, 2, 2, 2, 1, 0, 0, 1, 1, 2, 1, 0]);
    }

    #[test]
    fn unterminated_strings_do_not_lex() {
        assert!(lex("x := \"abc").is_none());
        assert!(lex("x := `abc").is_none());
    }
}
