//! Flow collections: `[a, b]` and `{a: b}`, on one line or across lines
//! (a JSON file is one big flow mapping).

use super::cursor::Cursor;
use crate::{Key, Map, Node, Value, resolve};

/// Flow indicators, which end a plain scalar in flow context.
fn flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

/// Keys longer than this are left to saphyr (see the block parser).
const MAX_KEY_BYTES: usize = 1000;

impl Cursor<'_> {
    /// A flow collection at `pos`, inside the block collection at column
    /// `parent`; continuation lines must be indented past it.
    pub(super) fn flow(&mut self, parent: i64, depth: usize) -> Option<Node> {
        self.check_depth(depth)?;
        self.count(1)?;
        let pos = self.pos_at(self.pos);
        let seq = self.peek() == b'[';
        let close = if seq { b']' } else { b'}' };
        self.pos += 1;
        let first_item = self.items.len();
        let first_entry = self.entries.len();
        loop {
            self.flow_space(parent)?;
            if self.peek() == close {
                break;
            }
            if seq {
                let item = self.flow_value(parent, depth + 1)?;
                self.items.push(item);
                self.flow_space(parent)?;
            } else {
                let key_start = self.pos;
                let key_pos = self.pos_at(key_start);
                let (text, plain) = self.flow_key()?;
                self.skip_spaces();
                if self.peek() != b':' || self.pos - key_start > MAX_KEY_BYTES {
                    return None;
                }
                self.pos += 1;
                self.count(1)?;
                self.flow_space(parent)?;
                if matches!(self.peek(), b',' | b'}') {
                    return None;
                }
                let value = self.flow_value(parent, depth + 1)?;
                let resolved = if plain {
                    resolve::plain(&text)
                } else {
                    Value::Str(String::new())
                };
                let key = Key::new(text, key_pos, plain, &resolved).ok()?;
                self.entries.push((key, value));
                self.flow_space(parent)?;
            }
            match self.peek() {
                b',' => self.pos += 1,
                c if c == close => break,
                _ => return None,
            }
        }
        self.pos += 1;
        let value = if seq {
            Value::Seq(self.take_items(first_item))
        } else {
            Value::Map(Map::with_merges(self.take_entries(first_entry)).ok()?)
        };
        Some(Node { value, pos })
    }

    /// Skips spaces, line breaks and comments inside a flow collection.
    fn flow_space(&mut self, parent: i64) -> Option<()> {
        loop {
            match self.peek() {
                b' ' => self.pos += 1,
                b'#' => {
                    let prev = self.at(self.pos.saturating_sub(1));
                    if self.pos != self.line_start && prev != b' ' {
                        return None;
                    }
                    self.skip_to_eol();
                }
                b'\n' => {
                    self.newline();
                    let mut i = self.pos;
                    while self.at(i) == b' ' {
                        i += 1;
                    }
                    // saphyr wants flow lines indented past the block
                    // around them; document markers end the flow badly.
                    if i64::try_from(i - self.pos).ok()? <= parent
                        || matches!(self.peek(), b'-' | b'.')
                    {
                        return None;
                    }
                }
                0 => return None,
                _ => return Some(()),
            }
        }
    }

    /// A flow mapping key: a quoted or plain scalar.
    fn flow_key(&mut self) -> Option<(String, bool)> {
        match self.peek() {
            q @ (b'"' | b'\'') => Some((self.quoted(q)?, false)),
            _ => {
                let (start, end) = self.flow_plain_span()?;
                Some((self.text.get(start..end)?.to_string(), true))
            }
        }
    }

    /// A flow collection item or mapping value.
    fn flow_value(&mut self, parent: i64, depth: usize) -> Option<Node> {
        match self.peek() {
            b'[' | b'{' => self.flow(parent, depth),
            q @ (b'"' | b'\'') => {
                let pos = self.pos_at(self.pos);
                let text = self.quoted(q)?;
                self.count(1)?;
                Some(Node {
                    value: Value::Str(text),
                    pos,
                })
            }
            _ => {
                let (start, end) = self.flow_plain_span()?;
                self.plain_node(start, end)
            }
        }
    }

    /// Reads a plain scalar in flow context and returns its byte span. It
    /// ends at a flow indicator, a `:` before a blank or indicator, a
    /// comment or the line end; a nested collection start is left to saphyr.
    fn flow_plain_span(&mut self) -> Option<(usize, usize)> {
        let start = self.pos;
        let next = self.at(start + 1);
        // In a flow collection go-yaml reads a leading `:` as an indicator.
        if matches!(self.peek(), b':' | b'?') || !super::scalar::plain_start(self.peek(), next) {
            return None;
        }
        let mut end = start;
        loop {
            match self.peek() {
                b'\n' | 0 | b',' | b']' | b'}' => break,
                // go-yaml reads `?` in a flow collection as a key indicator.
                b'[' | b'{' | b'?' => return None,
                b'#' if self.at(self.pos.saturating_sub(1)) == b' ' => break,
                b':' if matches!(self.at(self.pos + 1), b' ' | b'\n' | 0)
                    || flow_indicator(self.at(self.pos + 1)) =>
                {
                    break;
                }
                b' ' => {}
                _ => end = self.pos + 1,
            }
            self.pos += 1;
        }
        self.pos = end;
        Some((start, end))
    }
}
