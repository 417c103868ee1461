//! Block collections: mappings and sequences laid out by indentation.

use super::cursor::{Cursor, Next, blank_or_end};
use crate::{Key, Map, Node, Value, resolve};

/// Keys longer than this are left to saphyr (YAML caps implicit keys at 1024
/// characters; bytes are a safe over-estimate).
const MAX_KEY_BYTES: usize = 1000;

impl Cursor<'_> {
    /// A block node starting at `pos` (a line's first content, or what
    /// follows `- `), inside the block collection at column `parent` (-1 for
    /// the document). `depth` is the number of enclosing collections.
    pub(super) fn block_node(&mut self, parent: i64, depth: usize) -> Option<Node> {
        let col = self.pos - self.line_start;
        if self.seq_entry_at(self.pos) {
            return self.block_seq(col, false, depth);
        }
        if self.key_colon(self.pos).is_some() {
            return self.block_map(col, depth);
        }
        self.inline_value(parent, depth)
    }

    /// Whether `-` followed by a space or line end is at `i`.
    fn seq_entry_at(&self, i: usize) -> bool {
        self.at(i) == b'-' && blank_or_end(self.at(i + 1))
    }

    /// If the line at `i` is an implicit key (a plain or quoted scalar
    /// followed by `:` and a space or line end), the offset of that colon.
    fn key_colon(&self, i: usize) -> Option<usize> {
        let colon = match self.at(i) {
            q @ (b'"' | b'\'') => match self.quoted_end(i, q) {
                Some(mut j) => {
                    while self.at(j) == b' ' {
                        j += 1;
                    }
                    j
                }
                None => return None,
            },
            c if !super::scalar::plain_start(c, self.at(i + 1)) => return None,
            _ => {
                let mut j = i;
                loop {
                    match self.at(j) {
                        b'\n' | 0 => return None,
                        b'#' if self.at(j.wrapping_sub(1)) == b' ' => return None,
                        b':' if blank_or_end(self.at(j + 1)) => break j,
                        _ => j += 1,
                    }
                }
            }
        };
        (self.at(colon) == b':' && blank_or_end(self.at(colon + 1))).then_some(colon)
    }

    /// Reads a key and its `:`, leaving `pos` after the colon. Returns the
    /// key and the colon's position (where an empty value is placed).
    fn key(&mut self) -> Option<(Key, crate::Pos)> {
        let colon_at = self.key_colon(self.pos)?;
        let start = self.pos;
        if colon_at - start > MAX_KEY_BYTES {
            return None;
        }
        let pos = self.pos_at(start);
        let (text, plain) = match self.peek() {
            q @ (b'"' | b'\'') => (self.quoted(q)?, false),
            _ => {
                let raw = self.text.get(start..colon_at)?.trim_end_matches(' ');
                (raw.to_string(), true)
            }
        };
        self.pos = colon_at;
        let colon = self.pos_at(self.pos);
        self.pos += 1;
        self.count(1)?;
        let json = if plain {
            resolve::plain_json_key(&text).ok()?
        } else {
            None
        };
        Some((Key::with_json(text, pos, plain, json), colon))
    }

    /// A block mapping whose keys are at column `col`.
    fn block_map(&mut self, col: usize, depth: usize) -> Option<Node> {
        self.check_depth(depth)?;
        self.count(1)?;
        let map_pos = self.pos_at(self.pos);
        let first = self.entries.len();
        loop {
            let (key, colon) = self.key()?;
            self.skip_spaces();
            let value = if matches!(self.peek(), b'\n' | 0 | b'#') {
                // The value, if any, is on the following lines.
                self.end_line()?;
                match self.peek_line() {
                    Next::Line(ind) if ind > col => {
                        self.pos = self.line_start + ind;
                        self.block_node(col as i64, depth + 1)?
                    }
                    Next::Line(ind) if ind == col && self.seq_entry_at(self.line_start + ind) => {
                        self.pos = self.line_start + ind;
                        self.block_seq(col, true, depth + 1)?
                    }
                    _ => {
                        self.count(1)?;
                        // libyaml places an empty value just past the colon.
                        Node {
                            value: Value::Null,
                            pos: crate::Pos {
                                line: colon.line,
                                col: colon.col + 1,
                            },
                        }
                    }
                }
            } else {
                self.inline_value(col as i64, depth + 1)?
            };
            self.entries.push((key, value));
            match self.peek_line() {
                Next::Line(ind) if ind == col => self.pos = self.line_start + ind,
                Next::Line(ind) if ind > col => return None,
                _ => break,
            }
        }
        Some(Node {
            value: Value::Map(Map::with_merges(self.take_entries(first)).ok()?),
            pos: map_pos,
        })
    }

    /// A block sequence whose `-` are at column `col`; `indentless` when it
    /// is a mapping value at the mapping's own column (`key:\n- a`).
    fn block_seq(&mut self, col: usize, indentless: bool, depth: usize) -> Option<Node> {
        self.check_depth(depth)?;
        self.count(1)?;
        let dash_pos = self.pos_at(self.pos);
        let mut seq_pos = None;
        let first = self.items.len();
        loop {
            let dash = self.pos_at(self.pos);
            self.pos += 1;
            self.skip_spaces();
            // libyaml places an empty entry just past its `-`, and starts
            // a sequence (indentless too) at its first `-`.
            let item = if matches!(self.peek(), b'\n' | 0 | b'#') {
                self.skip_to_eol();
                let entry = crate::Pos {
                    line: dash.line,
                    col: dash.col + 1,
                };
                seq_pos.get_or_insert(dash_pos);
                if self.peek() == b'\n' {
                    self.newline();
                }
                match self.peek_line() {
                    Next::Line(ind) if ind > col => {
                        self.pos = self.line_start + ind;
                        self.block_node(col as i64, depth + 1)?
                    }
                    _ => {
                        self.count(1)?;
                        Node {
                            value: Value::Null,
                            pos: entry,
                        }
                    }
                }
            } else {
                seq_pos.get_or_insert(dash_pos);
                self.block_node(col as i64, depth + 1)?
            };
            self.items.push(item);
            match self.peek_line() {
                Next::Line(ind) if ind == col && self.seq_entry_at(self.line_start + ind) => {
                    self.pos = self.line_start + ind;
                }
                Next::Line(ind) if ind < col || (ind == col && indentless) => break,
                Next::Line(_) => return None,
                _ => break,
            }
        }
        Some(Node {
            value: Value::Seq(self.take_items(first)),
            pos: seq_pos.unwrap_or(dash_pos),
        })
    }

    /// A node that must end on its line (or, for flow collections and block
    /// scalars, where they end): a scalar, a flow collection or a block
    /// scalar. `parent` is the column of the enclosing block collection.
    pub(super) fn inline_value(&mut self, parent: i64, depth: usize) -> Option<Node> {
        let node = match self.peek() {
            b'|' | b'>' => return self.block_scalar(parent),
            b'[' | b'{' => self.flow(parent, depth)?,
            q @ (b'"' | b'\'') => {
                let pos = self.pos_at(self.pos);
                let text = self.quoted(q)?;
                self.count(1)?;
                Node {
                    value: Value::Str(text),
                    pos,
                }
            }
            _ => self.block_plain()?,
        };
        self.end_line()?;
        Some(node)
    }
}
