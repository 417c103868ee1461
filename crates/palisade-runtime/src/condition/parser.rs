//! Recursive-descent parser for conditions. It reads characters directly
//! (values such as `<` in `evt.dir = <` or `/healthz?` are bare words, so
//! what a token is depends on where it stands), and bounds its nesting.

use super::{Check, Expr, FieldExpr, ListItem, Op, Rhs, Transformer, line_col};

/// Deepest nesting of parentheses, `not` and transformers accepted.
const MAX_DEPTH: usize = 200;

/// A syntax error at a byte offset of the condition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at {})", describe_pos(.text, *.pos))]
pub struct ParseError {
    /// Byte offset in the condition.
    pub pos: usize,
    /// What is wrong.
    pub message: String,
    /// The condition text (for the position's line and column).
    pub text: String,
}

fn describe_pos(text: &str, pos: usize) -> String {
    let (line, col) = line_col(text, pos);
    let near: String = text
        .get(pos.min(text.len())..)
        .unwrap_or("")
        .chars()
        .take(24)
        .collect();
    let near = near.split('\n').next().unwrap_or("");
    if text.contains('\n') {
        format!("condition line {line}, column {col}, near `{near}`")
    } else {
        format!("column {col}, near `{near}`")
    }
}

/// Parses a condition.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    p.skip_ws();
    if p.at_end() {
        return Err(p.error("empty condition"));
    }
    let expr = p.parse_or()?;
    p.skip_ws();
    if !p.at_end() {
        return Err(p.error("unexpected text after the end of the expression"));
    }
    Ok(expr)
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    depth: usize,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_field_char(b: u8) -> bool {
    is_ident(b) || b == b'.'
}

impl<'t> Parser<'t> {
    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            pos: self.pos,
            message: message.into(),
            text: self.text.to_string(),
        }
    }

    fn error_at(&self, pos: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            pos,
            message: message.into(),
            text: self.text.to_string(),
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn slice(&self, start: usize, end: usize) -> &'t str {
        self.text.get(start..end).unwrap_or("")
    }

    /// The identifier-like word at the cursor (letters, digits, `_`, `.`), not consumed.
    fn peek_word(&self) -> &'t str {
        let mut end = self.pos;
        while self.bytes.get(end).copied().is_some_and(is_field_char) {
            end += 1;
        }
        self.slice(self.pos, end)
    }

    /// Consumes `kw` if it is the next word (followed by a non-word char).
    fn eat_keyword(&mut self, kw: &str) -> bool {
        let end = self.pos + kw.len();
        if self.bytes.get(self.pos..end) == Some(kw.as_bytes())
            && !self.bytes.get(end).copied().is_some_and(is_field_char)
        {
            self.pos = end;
            true
        } else {
            false
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("expression nested deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn parse_or(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.parse_and()?];
        loop {
            self.skip_ws();
            if self.eat_keyword("or") {
                items.push(self.parse_and()?);
            } else {
                break;
            }
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Expr::Or(Vec::new()))
        } else {
            Expr::Or(items)
        })
    }

    fn parse_and(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.parse_not()?];
        loop {
            self.skip_ws();
            if self.eat_keyword("and") {
                items.push(self.parse_not()?);
            } else {
                break;
            }
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Expr::And(Vec::new()))
        } else {
            Expr::And(items)
        })
    }

    fn parse_not(&mut self) -> Result<Expr, ParseError> {
        self.skip_ws();
        if self.eat_keyword("not") {
            self.enter()?;
            let inner = self.parse_not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.parse_primary()
    }

    fn parse_primary(&mut self) -> Result<Expr, ParseError> {
        self.skip_ws();
        match self.peek() {
            None => {
                Err(self.error("unexpected end of condition: expected a check, a macro or `(`"))
            }
            Some(b'(') => {
                let open = self.pos;
                self.pos += 1;
                self.enter()?;
                let inner = self.parse_or()?;
                self.depth -= 1;
                self.skip_ws();
                if self.peek() != Some(b')') {
                    return Err(if self.at_end() {
                        self.error_at(open, "unbalanced `(`: no matching `)`")
                    } else {
                        self.error("expected `)`, `and` or `or`")
                    });
                }
                self.pos += 1;
                Ok(inner)
            }
            Some(b) if is_ident_start(b) => self.parse_check(),
            Some(b')') => Err(self.error("unexpected `)`")),
            Some(_) => Err(self.error("expected a field, a macro name, `not` or `(`")),
        }
    }

    fn parse_check(&mut self) -> Result<Expr, ParseError> {
        let start = self.pos;
        let word = self.peek_word();
        for kw in ["and", "or"] {
            if word == kw {
                return Err(self.error(format!("`{kw}` where a check was expected")));
            }
        }
        let field = self.parse_field()?;
        self.skip_ws();
        let op_pos = self.pos;
        let Some(op) = self.parse_op() else {
            // A bare identifier is a macro reference.
            let simple =
                field.arg.is_none() && field.transformers.is_empty() && !field.name.contains('.');
            if simple {
                return Ok(Expr::Macro(field.name, start));
            }
            return Err(self.error(format!(
                "expected a comparison operator after field `{}`",
                field.display_name()
            )));
        };
        let rhs = if op == Op::Exists {
            Rhs::None
        } else {
            self.skip_ws();
            self.parse_rhs(op, op_pos)?
        };
        Ok(Expr::Check(Box::new(Check { field, op, rhs })))
    }

    fn parse_op(&mut self) -> Option<Op> {
        for (sym, op) in &Op::ALL {
            let is_symbol = !sym.as_bytes().first().copied().is_some_and(is_ident_start);
            if is_symbol {
                let end = self.pos + sym.len();
                if self.bytes.get(self.pos..end) == Some(sym.as_bytes()) {
                    self.pos = end;
                    return Some(*op);
                }
            }
        }
        let word = self.peek_word();
        let op = Op::from_word(word)?;
        self.pos += word.len();
        Some(op)
    }

    /// `name`, `name[arg]` or `transformer(field)`.
    fn parse_field(&mut self) -> Result<FieldExpr, ParseError> {
        let start = self.pos;
        let word = self.peek_word();
        if word.is_empty() {
            return Err(self.error("expected a field name"));
        }
        self.pos += word.len();
        if let Some(tr) = Transformer::from_word(word) {
            let save = self.pos;
            self.skip_ws();
            if self.peek() == Some(b'(') {
                self.pos += 1;
                self.enter()?;
                self.skip_ws();
                let mut inner = self.parse_field()?;
                self.depth -= 1;
                self.skip_ws();
                if self.peek() != Some(b')') {
                    return Err(self.error(format!("expected `)` to close `{word}(`")));
                }
                self.pos += 1;
                inner.transformers.push(tr);
                inner.pos = start;
                return Ok(inner);
            }
            self.pos = save;
        }
        if word.ends_with('.') || word.starts_with('.') || word.contains("..") {
            return Err(self.error_at(start, format!("invalid field name `{word}`")));
        }
        let mut arg = None;
        if self.peek() == Some(b'[') {
            let open = self.pos;
            self.pos += 1;
            let arg_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b']' {
                    break;
                }
                self.pos += 1;
            }
            if self.peek() != Some(b']') {
                return Err(self.error_at(open, "unbalanced `[` in field argument"));
            }
            arg = Some(self.slice(arg_start, self.pos).to_string());
            self.pos += 1;
        }
        Ok(FieldExpr {
            name: word.to_string(),
            arg,
            transformers: Vec::new(),
            pos: start,
        })
    }

    fn parse_rhs(&mut self, op: Op, op_pos: usize) -> Result<Rhs, ParseError> {
        if self.at_end() {
            return Err(self.error(format!("expected a value after `{}`", op.as_str())));
        }
        // A field on the right: val(field) or transformer(field).
        let word = self.peek_word();
        let after = self.bytes.get(self.pos + word.len()).copied();
        if after == Some(b'(') && (word == "val" || Transformer::from_word(word).is_some()) {
            if word == "val" {
                self.pos += word.len() + 1;
                self.skip_ws();
                let field = self.parse_field()?;
                self.skip_ws();
                if self.peek() != Some(b')') {
                    return Err(self.error("expected `)` to close `val(`"));
                }
                self.pos += 1;
                return Ok(Rhs::Field(field));
            }
            return Ok(Rhs::Field(self.parse_field()?));
        }
        if self.peek() == Some(b'(') {
            if !op.takes_list() {
                return Err(self.error(format!(
                    "`{}` takes a single value, not a list",
                    op.as_str()
                )));
            }
            return Ok(Rhs::List(self.parse_list()?));
        }
        if op.takes_list() {
            return Err(self.error_at(
                op_pos,
                format!(
                    "`{}` takes a parenthesised list, e.g. `(a, b)`",
                    op.as_str()
                ),
            ));
        }
        Ok(Rhs::Value(self.parse_value()?))
    }

    fn parse_list(&mut self) -> Result<Vec<ListItem>, ParseError> {
        let open = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b')') {
            self.pos += 1;
            return Ok(items);
        }
        loop {
            self.skip_ws();
            if self.at_end() {
                return Err(self.error_at(open, "unbalanced `(`: list not closed"));
            }
            items.push(self.parse_value()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b')') => {
                    self.pos += 1;
                    return Ok(items);
                }
                None => return Err(self.error_at(open, "unbalanced `(`: list not closed")),
                Some(_) => return Err(self.error("expected `,` or `)` in list")),
            }
        }
    }

    /// A quoted string or a bare word.
    fn parse_value(&mut self) -> Result<ListItem, ParseError> {
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => {
                let open = self.pos;
                self.pos += 1;
                let mut out = String::new();
                loop {
                    let rest = self.text.get(self.pos..).unwrap_or("");
                    let mut chars = rest.chars();
                    match chars.next() {
                        None => return Err(self.error_at(open, "unterminated quoted string")),
                        Some(c) if c as u32 == u32::from(q) => {
                            self.pos += 1;
                            return Ok(ListItem {
                                text: out,
                                bare: false,
                            });
                        }
                        Some('\\') => {
                            let esc = chars.next();
                            let decoded = match esc {
                                Some('n') => '\n',
                                Some('t') => '\t',
                                Some('r') => '\r',
                                Some('\\') => '\\',
                                Some('"') => '"',
                                Some('\'') => '\'',
                                Some(other) => {
                                    // Unknown escapes are kept as written.
                                    out.push('\\');
                                    other
                                }
                                None => {
                                    return Err(self.error_at(open, "unterminated quoted string"));
                                }
                            };
                            out.push(decoded);
                            self.pos += 1 + esc.map(char::len_utf8).unwrap_or(0);
                        }
                        Some(c) => {
                            out.push(c);
                            self.pos += c.len_utf8();
                        }
                    }
                }
            }
            _ => {
                let start = self.pos;
                while let Some(b) = self.peek() {
                    if b.is_ascii_whitespace() || matches!(b, b'(' | b')' | b',') {
                        break;
                    }
                    self.pos += 1;
                }
                // Advance over a whole UTF-8 character if we stopped inside one.
                while !self.text.is_char_boundary(self.pos) {
                    self.pos += 1;
                }
                if self.pos == start {
                    return Err(self.error("expected a value"));
                }
                Ok(ListItem {
                    text: self.slice(start, self.pos).to_string(),
                    bare: true,
                })
            }
        }
    }
}
