//! Byte cursor: lines, columns, blank and comment lines, document markers.

use crate::{Key, Limits, Node, Pos};

/// What the next non-blank, non-comment line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// End of input.
    Eof,
    /// A `---` marker at column 1.
    DocStart,
    /// A `...` marker at column 1.
    DocEnd,
    /// Content, indented by this many spaces.
    Line(usize),
}

pub(super) struct Cursor<'a> {
    pub(super) text: &'a str,
    pub(super) b: &'a [u8],
    /// Current byte offset.
    pub(super) pos: usize,
    /// 1-based line of `pos`.
    pub(super) line: u32,
    /// Byte offset where the current line starts.
    pub(super) line_start: usize,
    /// Whole input is ASCII: columns are byte offsets.
    ascii: bool,
    pub(super) limits: &'a Limits,
    /// Nodes of the current document, counted as the saphyr builder does.
    nodes: usize,
    /// Items and entries of the open collections, innermost last: each
    /// collection is then allocated once at its final size.
    pub(super) items: Vec<Node>,
    pub(super) entries: Vec<(Key, Node)>,
}

/// Whether the input is free of bytes the fast path leaves to saphyr:
/// control characters (tabs and CR included), DEL, C1 controls, byte order
/// marks, U+2028/U+2029 and the non-characters U+FFFE/U+FFFF.
pub(super) fn plain_text(b: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\n' | 0x20..=0x7e => {}
            0xc2 if matches!(b.get(i + 1), Some(0x80..=0x9f)) => return false,
            0xe2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xa8 | 0xa9)) => {
                return false;
            }
            0xef if (b.get(i + 1) == Some(&0xbb) && b.get(i + 2) == Some(&0xbf))
                || (b.get(i + 1) == Some(&0xbf) && matches!(b.get(i + 2), Some(0xbe | 0xbf))) =>
            {
                return false;
            }
            0x80..=0xff => {}
            _ => return false,
        }
        i += 1;
    }
    true
}

/// A space, a line break or the end of input (0: NUL never reaches here).
pub(super) fn blank_or_end(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | 0)
}

impl<'a> Cursor<'a> {
    pub(super) fn new(text: &'a str, limits: &'a Limits) -> Self {
        Cursor {
            text,
            b: text.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
            ascii: text.is_ascii(),
            limits,
            nodes: 0,
            items: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// The items pushed since `first`, as a vector of exactly that size.
    pub(super) fn take_items(&mut self, first: usize) -> Vec<Node> {
        let first = first.min(self.items.len());
        self.items.drain(first..).collect()
    }

    /// The entries pushed since `first`, as a vector of exactly that size.
    pub(super) fn take_entries(&mut self, first: usize) -> Vec<(Key, Node)> {
        let first = first.min(self.entries.len());
        self.entries.drain(first..).collect()
    }

    /// The byte at `i`, or 0 past the end.
    pub(super) fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    pub(super) fn peek(&self) -> u8 {
        self.at(self.pos)
    }

    /// Position of byte `i` of the current line (columns count characters).
    pub(super) fn pos_at(&self, i: usize) -> Pos {
        let col = if self.ascii {
            i.saturating_sub(self.line_start)
        } else {
            self.b
                .get(self.line_start..i)
                .map_or(0, |s| s.iter().filter(|&&c| (c & 0xc0) != 0x80).count())
        };
        Pos {
            line: self.line,
            col: u32::try_from(col.saturating_add(1)).unwrap_or(u32::MAX),
        }
    }

    /// Counts `n` nodes of the current document; `None` past the limit.
    pub(super) fn count(&mut self, n: usize) -> Option<()> {
        self.nodes = self.nodes.saturating_add(n);
        (self.nodes <= self.limits.max_nodes).then_some(())
    }

    /// Whether a collection may open at `depth` enclosing collections.
    pub(super) fn check_depth(&self, depth: usize) -> Option<()> {
        (depth < self.limits.max_depth.min(super::MAX_FAST_DEPTH)).then_some(())
    }

    /// Steps over the `\n` at `pos`.
    pub(super) fn newline(&mut self) {
        self.pos += 1;
        self.line += 1;
        self.line_start = self.pos;
    }

    pub(super) fn skip_spaces(&mut self) {
        while self.peek() == b' ' {
            self.pos += 1;
        }
    }

    /// Skips the rest of a line that may hold only spaces and a comment,
    /// and its line break. `None` if anything else is there.
    pub(super) fn end_line(&mut self) -> Option<()> {
        self.skip_spaces();
        if self.peek() == b'#' {
            // A comment must be separated from what precedes it.
            if self.pos != self.line_start && self.at(self.pos - 1) != b' ' {
                return None;
            }
            self.skip_to_eol();
        }
        match self.peek() {
            b'\n' => {
                self.newline();
                Some(())
            }
            0 => Some(()),
            _ => None,
        }
    }

    /// Moves to the line break (or end) of the current line.
    pub(super) fn skip_to_eol(&mut self) {
        let rest = self.b.get(self.pos..).unwrap_or(&[]);
        self.pos += rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
    }

    /// Skips blank and comment lines. Must be called at a line start; stays
    /// at the start of the content line it reports.
    pub(super) fn peek_line(&mut self) -> Next {
        loop {
            let mut i = self.pos;
            while self.at(i) == b' ' {
                i += 1;
            }
            match self.at(i) {
                b'\n' => {
                    self.pos = i;
                    self.newline();
                }
                b'#' => {
                    self.pos = i;
                    self.skip_to_eol();
                    if self.peek() == b'\n' {
                        self.newline();
                    }
                }
                0 => {
                    self.pos = i;
                    return Next::Eof;
                }
                _ if i == self.pos && self.marker(b'-') => return Next::DocStart,
                _ if i == self.pos && self.marker(b'.') => return Next::DocEnd,
                _ => return Next::Line(i - self.pos),
            }
        }
    }

    /// Whether the line at `pos` starts with `---` or `...` as a marker.
    fn marker(&self, c: u8) -> bool {
        self.at(self.pos) == c
            && self.at(self.pos + 1) == c
            && self.at(self.pos + 2) == c
            && blank_or_end(self.at(self.pos + 3))
    }

    /// Skips a document marker line; only a comment may follow the marker.
    pub(super) fn skip_marker(&mut self) -> Option<()> {
        self.pos += 3;
        if !blank_or_end(self.peek()) {
            return None;
        }
        self.end_line()
    }

    /// The line saphyr reports for the end of the stream: past a last line
    /// that lacks its line break.
    pub(super) fn eof_line(&self) -> u32 {
        if self.pos > self.line_start {
            self.line.saturating_add(1)
        } else {
            self.line
        }
    }

    /// Parses a document's root node, whose line is indented by `indent`.
    pub(super) fn root(&mut self, indent: usize) -> Option<Node> {
        self.nodes = 0;
        self.pos = self.line_start + indent;
        self.block_node(-1, 0)
    }
}
