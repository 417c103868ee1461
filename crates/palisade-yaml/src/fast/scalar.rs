//! Scalars: plain and quoted ones on a single line, and block scalars.

use super::cursor::{Cursor, blank_or_end};
use crate::{Node, Value, resolve};

/// Whether a plain scalar may start with `c` followed by `next`. Indicators
/// are left to saphyr; `-`, `?` and `:` may start one when not followed by
/// a blank (`-1`, `::1`).
pub(super) fn plain_start(c: u8, next: u8) -> bool {
    match c {
        b'-' | b'?' | b':' => {
            !blank_or_end(next) && !matches!(next, b',' | b'[' | b']' | b'{' | b'}')
        }
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' | 0 => false,
        _ => true,
    }
}

impl Cursor<'_> {
    /// A plain scalar in block context, ending at the line end or a comment.
    pub(super) fn block_plain(&mut self) -> Option<Node> {
        let start = self.pos;
        if !plain_start(self.peek(), self.at(start + 1)) {
            return None;
        }
        let mut end = start;
        loop {
            match self.peek() {
                b'\n' | 0 => break,
                b'#' if self.at(self.pos.saturating_sub(1)) == b' ' => break,
                // `a: b: c` is an error; `:` before a blank is never content.
                b':' if blank_or_end(self.at(self.pos + 1)) => return None,
                b' ' => {}
                _ => end = self.pos + 1,
            }
            self.pos += 1;
        }
        self.pos = end;
        self.plain_node(start, end)
    }

    /// Resolves the plain scalar `start..end` of the current line.
    pub(super) fn plain_node(&mut self, start: usize, end: usize) -> Option<Node> {
        self.count(1)?;
        let text = self.text.get(start..end)?;
        Some(Node {
            value: resolve::plain(text),
            pos: self.pos_at(start),
        })
    }

    /// The offset just past the closing quote of the quoted scalar at `i`,
    /// if it closes on its own line.
    pub(super) fn quoted_end(&self, i: usize, q: u8) -> Option<usize> {
        let mut j = i + 1;
        loop {
            match self.at(j) {
                b'\n' | 0 => return None,
                b'\\' if q == b'"' => j += 2,
                c if c == q => {
                    if q == b'\'' && self.at(j + 1) == b'\'' {
                        j += 2;
                    } else {
                        return Some(j + 1);
                    }
                }
                _ => j += 1,
            }
        }
    }

    /// Reads a single-line quoted scalar at `pos` and returns its text.
    pub(super) fn quoted(&mut self, q: u8) -> Option<String> {
        let end = self.quoted_end(self.pos, q)?;
        let body = self.text.get(self.pos + 1..end - 1)?;
        self.pos = end;
        if q == b'\'' {
            return Some(body.replace("''", "'"));
        }
        if !body.contains('\\') {
            return Some(body.to_string());
        }
        unescape(body)
    }

    /// A block scalar (`|` or `>`), read the way saphyr's scanner reads it so
    /// that folding, chomping and positions agree. `parent` is the column of
    /// the enclosing block collection. Leaves `pos` at a line start.
    pub(super) fn block_scalar(&mut self, parent: i64) -> Option<Node> {
        if parent < 0 {
            return None;
        }
        let header = self.pos_at(self.pos);
        let header_line = self.line;
        let literal = self.peek() == b'|';
        self.pos += 1;
        let mut keep = false;
        let mut strip = false;
        let mut increment = 0usize;
        let chomp = |c: u8, keep: &mut bool, strip: &mut bool| match c {
            b'+' => *keep = true,
            _ => *strip = true,
        };
        if matches!(self.peek(), b'+' | b'-') {
            chomp(self.peek(), &mut keep, &mut strip);
            self.pos += 1;
            if self.peek().is_ascii_digit() {
                increment = usize::from(self.peek() - b'0');
                self.pos += 1;
            }
        } else if self.peek().is_ascii_digit() {
            increment = usize::from(self.peek() - b'0');
            self.pos += 1;
            if matches!(self.peek(), b'+' | b'-') {
                chomp(self.peek(), &mut keep, &mut strip);
                self.pos += 1;
            }
        }
        if self.at(self.pos.wrapping_sub(1)).is_ascii_digit() && increment == 0 {
            return None;
        }
        // Only a comment may follow the header.
        if !blank_or_end(self.peek()) {
            return None;
        }
        self.skip_spaces();
        if self.peek() == b'#' {
            self.skip_to_eol();
        }
        match self.peek() {
            b'\n' => self.newline(),
            0 => {}
            _ => return None,
        }
        let parent_col = parent as usize;
        let mut indent = if increment > 0 {
            parent_col + increment
        } else {
            0
        };
        let mut breaks = 0usize;
        if indent == 0 {
            let mut max = 0;
            loop {
                self.skip_spaces();
                max = max.max(self.pos - self.line_start);
                if self.peek() != b'\n' {
                    break;
                }
                breaks += 1;
                self.newline();
            }
            indent = max.max(parent_col + 1);
        } else {
            self.skip_indent(indent, &mut breaks);
        }
        let col = self.pos - self.line_start;
        if self.peek() == 0 {
            // A last line without its line break: see below.
            if self.pos > self.line_start {
                return None;
            }
            let text = if !keep {
                String::new()
            } else if breaks == 0 && self.line > header_line && col > 0 {
                "\n".to_string()
            } else {
                "\n".repeat(breaks)
            };
            self.count(1)?;
            self.pos = self.line_start;
            return Some(Node {
                value: Value::Str(text),
                pos: header,
            });
        }
        if col < indent && col > parent_col {
            return None;
        }
        // libyaml places a block scalar at its `|` or `>`.
        let pos = header;
        let mut out = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        while self.pos - self.line_start == indent && !matches!(self.peek(), b'\n' | 0) {
            let trailing_blank = self.peek() == b' ';
            if !literal && leading_break && !leading_blank && !trailing_blank {
                push_breaks(&mut out, breaks);
                if breaks == 0 {
                    out.push(' ');
                }
            } else {
                if leading_break {
                    out.push('\n');
                }
                push_breaks(&mut out, breaks);
            }
            leading_break = false;
            breaks = 0;
            leading_blank = trailing_blank;
            let start = self.pos;
            self.skip_to_eol();
            out.push_str(self.text.get(start..self.pos)?);
            if self.peek() != b'\n' {
                break;
            }
            self.newline();
            leading_break = true;
            self.skip_indent(indent, &mut breaks);
        }
        if !strip {
            if leading_break {
                out.push('\n');
            }
            // A last line without its line break: left to the general
            // path, which keeps go-yaml's answer (no break is added).
            if self.peek() == 0 && self.pos > self.line_start {
                return None;
            }
        }
        if keep {
            push_breaks(&mut out, breaks);
        }
        self.count(1)?;
        if self.peek() != 0 {
            // The line that ended the scalar is read again by the caller.
            self.pos = self.line_start;
        }
        Some(Node {
            value: Value::Str(out),
            pos,
        })
    }

    /// Skips up to `indent` spaces and the empty lines before a content line,
    /// counting the line breaks.
    fn skip_indent(&mut self, indent: usize, breaks: &mut usize) {
        loop {
            while self.pos - self.line_start < indent && self.peek() == b' ' {
                self.pos += 1;
            }
            if self.peek() != b'\n' {
                break;
            }
            *breaks += 1;
            self.newline();
        }
    }
}

fn push_breaks(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push('\n');
    }
}

/// Decodes the escapes of a double-quoted scalar's body; `None` for escapes
/// left to saphyr.
fn unescape(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        let hex = |n: usize, chars: &mut std::str::Chars<'_>| -> Option<char> {
            let mut v = 0u32;
            for _ in 0..n {
                v = v * 16 + chars.next()?.to_digit(16)?;
            }
            char::from_u32(v)
        };
        out.push(match e {
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'v' => '\u{b}',
            'f' => '\u{c}',
            'r' => '\r',
            'e' => '\u{1b}',
            ' ' => ' ',
            '"' => '"',
            '\\' => '\\',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            'x' => hex(2, &mut chars)?,
            'u' => hex(4, &mut chars)?,
            'U' => hex(8, &mut chars)?,
            _ => return None,
        });
    }
    Some(out)
}
