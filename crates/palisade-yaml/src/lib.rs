//! Span-carrying YAML and JSON document trees for untrusted input.
//!
//! The pipeline is: text → [`Node`] trees, one per document of a
//! multi-document stream, by one of two paths. A fast path (`fast`) reads the
//! YAML that manifests actually use (block and flow collections, plain,
//! quoted and block scalars) about four times faster than the general path,
//! and declines everything else, including every error; the general path
//! turns `saphyr-parser` events into the same trees. A differential test
//! (`tests/fast_oracle.rs`) holds the two to identical results. Every node
//! keeps the line and column where it starts (a collection written below its
//! key, at the key), so a finding can point at the exact field at fault.
//!
//! Untrusted input is the normal case, so building a tree is bounded by
//! [`Limits`]: total size, nesting depth (which also bounds the recursion in
//! `Drop` and `Clone`), the number of nodes a document may produce including
//! alias expansion (the "billion laughs" guard) and the number of documents.
//! A limit hit inside one document discards that document with an error and
//! parsing resumes at the next one; a syntax error ends the stream, because a
//! YAML parser cannot resynchronise reliably after one.
//!
//! Plain scalars are resolved the way Kubernetes tooling (`sigs.k8s.io/yaml`,
//! which follows YAML 1.1) resolves them: `yes`, `on`, `y` are `true`, so that
//! `privileged: yes` is not mistaken for a string. JSON is read by the same
//! parser, as YAML 1.2 is a superset of it.
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

mod fast;
mod resolve;
mod tree;

pub use tree::{Key, Map, Node, Value};

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;

/// A position in the source text: 1-based line and 1-based column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// Line, starting at 1.
    pub line: u32,
    /// Column, starting at 1, counted in characters.
    pub col: u32,
}

impl Pos {
    fn from_span(span: &Span) -> Pos {
        Pos {
            line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
            col: u32::try_from(span.start.col().saturating_add(1)).unwrap_or(u32::MAX),
        }
    }
}

/// Bounds on what one stream may cost to parse.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of collections accepted.
    pub max_depth: usize,
    /// Most nodes one document may produce, counting every node an alias copies.
    pub max_nodes: usize,
    /// Most documents one stream may hold.
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 32 * 1024 * 1024,
            max_depth: 128,
            max_nodes: 1_000_000,
            max_documents: 100_000,
        }
    }
}

/// What went wrong while reading a stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// The text is not well-formed YAML.
    #[error("invalid YAML: {0}")]
    Syntax(String),
    /// The input is larger than [`Limits::max_bytes`].
    #[error("input is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Collections nest deeper than [`Limits::max_depth`].
    #[error("nesting deeper than {0} levels")]
    TooDeep(usize),
    /// A document expands to more than [`Limits::max_nodes`] nodes.
    #[error("document expands to more than {0} nodes (alias expansion or sheer size)")]
    TooManyNodes(usize),
    /// More documents than [`Limits::max_documents`].
    #[error("more than {0} documents in one stream")]
    TooManyDocuments(usize),
    /// An alias names an anchor that was never defined.
    #[error("alias refers to an undefined anchor")]
    UnknownAnchor,
    /// A mapping key that is itself a mapping or sequence.
    #[error("complex (non-scalar) mapping keys are not supported")]
    ComplexKey,
}

/// An error with the position it was found at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {}, column {}: {kind}", pos.line, pos.col)]
pub struct Error {
    /// Where the problem is.
    pub pos: Pos,
    /// What the problem is.
    pub kind: ErrorKind,
}

/// One document of a stream.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document's root node.
    pub root: Node,
    /// First line of the document (its `---` marker or first content).
    pub start_line: u32,
    /// Last line of the document.
    pub end_line: u32,
}

/// The result of reading a stream: the documents that were read, and the
/// errors found on the way (a syntax error ends the stream; a limit hit
/// discards only its own document).
#[derive(Debug, Default)]
pub struct Stream {
    /// Documents read successfully, in order. Empty documents are left out.
    pub documents: Vec<Document>,
    /// Problems, in order of position.
    pub errors: Vec<Error>,
}

/// Parses a YAML (or JSON) stream into documents, within `limits`.
pub fn parse_stream(text: &str, limits: &Limits) -> Stream {
    let mut stream = Stream::default();
    if text.len() > limits.max_bytes {
        stream.errors.push(Error {
            pos: Pos { line: 1, col: 1 },
            kind: ErrorKind::TooLarge {
                size: text.len(),
                limit: limits.max_bytes,
            },
        });
        return stream;
    }
    // Most manifests are in the subset the fast path reads; it declines
    // (returns `None`) on anything else, including every error.
    if let Some(fast) = fast::parse(text, limits) {
        return fast;
    }
    parse_saphyr(text, limits, stream)
}

/// The general path: saphyr events turned into trees.
fn parse_saphyr(text: &str, limits: &Limits, mut stream: Stream) -> Stream {
    let mut builder = Builder::new(limits);
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        match next {
            Ok((event, span)) => {
                if let Err(kind) = builder.event(event, &span, &mut stream) {
                    stream.errors.push(Error {
                        pos: Pos::from_span(&span),
                        kind: kind.clone(),
                    });
                    if matches!(kind, ErrorKind::TooManyDocuments(_)) {
                        break;
                    }
                    builder.abandon_document();
                }
            }
            Err(e) => {
                let m = e.marker();
                stream.errors.push(Error {
                    pos: Pos {
                        line: u32::try_from(m.line()).unwrap_or(u32::MAX),
                        col: u32::try_from(m.col().saturating_add(1)).unwrap_or(u32::MAX),
                    },
                    kind: ErrorKind::Syntax(e.info().to_string()),
                });
                break;
            }
        }
    }
    stream
}

/// A collection under construction.
enum Frame {
    Seq {
        items: Vec<Node>,
        pos: Pos,
        anchor: usize,
    },
    Map {
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
        pos: Pos,
        anchor: usize,
    },
}

/// Turns parser events into trees while enforcing the limits.
struct Builder<'l> {
    limits: &'l Limits,
    frames: Vec<Frame>,
    /// Anchored nodes of the current document with their node counts.
    anchors: HashMap<usize, (Node, usize)>,
    /// Node counts of the open collections, to know an anchored subtree's size.
    counts: Vec<usize>,
    nodes: usize,
    documents: usize,
    doc_start: u32,
    /// Set after a limit error: events are skipped until the document ends.
    skipping: bool,
    root: Option<Node>,
}

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits) -> Self {
        Builder {
            limits,
            frames: Vec::new(),
            anchors: HashMap::new(),
            counts: Vec::new(),
            nodes: 0,
            documents: 0,
            doc_start: 1,
            skipping: false,
            root: None,
        }
    }

    fn reset_document(&mut self) {
        self.frames.clear();
        self.anchors.clear();
        self.counts.clear();
        self.nodes = 0;
        self.root = None;
    }

    fn abandon_document(&mut self) {
        self.reset_document();
        self.skipping = true;
    }

    fn event(&mut self, event: Event<'_>, span: &Span, out: &mut Stream) -> Result<(), ErrorKind> {
        let pos = Pos::from_span(span);
        match event {
            Event::DocumentStart(_) => {
                self.reset_document();
                self.skipping = false;
                self.doc_start = pos.line;
                self.documents = self.documents.saturating_add(1);
                if self.documents > self.limits.max_documents {
                    return Err(ErrorKind::TooManyDocuments(self.limits.max_documents));
                }
            }
            Event::DocumentEnd => {
                let root = if self.skipping {
                    None
                } else {
                    self.root.take()
                };
                if let Some(root) = root.filter(|r| !matches!(r.value, Value::Null)) {
                    out.documents.push(Document {
                        root,
                        start_line: self.doc_start,
                        end_line: pos.line.max(self.doc_start),
                    });
                }
                self.reset_document();
                self.skipping = false;
            }
            _ if self.skipping => {}
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1)?;
                let awaiting_key = matches!(self.frames.last(), Some(Frame::Map { key: None, .. }));
                let (value, raw_key) = if awaiting_key {
                    (Value::Null, Some(text.into_owned()))
                } else {
                    (resolve::scalar(&text, style, tag.as_deref()), None)
                };
                let node = Node { value, pos };
                if anchor > 0 {
                    let mut anchored = node.clone();
                    if let Some(k) = &raw_key {
                        anchored.value = resolve::scalar(k, style, tag.as_deref());
                    }
                    self.anchors.insert(anchor, (anchored, 1));
                }
                self.add_count(1);
                self.push(node, raw_key, style == ScalarStyle::Plain)?;
            }
            Event::Alias(id) => {
                let (node, size) = self.anchors.get(&id).ok_or(ErrorKind::UnknownAnchor)?;
                let size = *size;
                let node = node.clone();
                self.count(size)?;
                self.add_count(size);
                let raw_key = scalar_text(&node);
                self.push(node, raw_key, false)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.open(Frame::Seq {
                    items: Vec::new(),
                    pos,
                    anchor,
                })?;
            }
            Event::MappingStart(anchor, _) => {
                self.open(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    pos,
                    anchor,
                })?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let size = self.counts.pop().unwrap_or(1);
                let (node, anchor) = match self.frames.pop() {
                    Some(Frame::Seq { items, pos, anchor }) => (
                        Node {
                            value: Value::Seq(items),
                            pos,
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        entries,
                        pos,
                        anchor,
                        ..
                    }) => (
                        Node {
                            value: Value::Map(Map::with_merges(entries)),
                            pos,
                        },
                        anchor,
                    ),
                    None => return Ok(()),
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, (node.clone(), size));
                }
                self.add_count(size);
                self.push(node, None, false)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn count(&mut self, n: usize) -> Result<(), ErrorKind> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(ErrorKind::TooManyNodes(self.limits.max_nodes));
        }
        Ok(())
    }

    /// Adds `n` to the size of the innermost open collection.
    fn add_count(&mut self, n: usize) {
        if let Some(c) = self.counts.last_mut() {
            *c = c.saturating_add(n);
        }
    }

    fn open(&mut self, frame: Frame) -> Result<(), ErrorKind> {
        if self.frames.len() >= self.limits.max_depth {
            return Err(ErrorKind::TooDeep(self.limits.max_depth));
        }
        self.count(1)?;
        self.frames.push(frame);
        self.counts.push(1);
        Ok(())
    }

    /// Places a finished node into its parent, or makes it the document root.
    /// `raw_key` is the scalar's text, used when the node is a mapping key:
    /// keys are kept as written (`on:` stays the key "on").
    fn push(&mut self, node: Node, raw_key: Option<String>, plain: bool) -> Result<(), ErrorKind> {
        match self.frames.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => {
                    let text = match raw_key {
                        Some(t) => t,
                        None => return Err(ErrorKind::ComplexKey),
                    };
                    *key = Some(Key {
                        text,
                        pos: node.pos,
                        merge: plain,
                    });
                }
            },
        }
        Ok(())
    }
}

/// The text of a scalar node, for use as a mapping key (an aliased key).
fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Null => Some(String::new()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Seq(_) | Value::Map(_) => None,
    }
}

/// The two parsing paths, separately, for the differential test and the
/// speed comparison. Not part of the API.
#[doc(hidden)]
pub mod paths {
    use super::{Limits, Stream};

    /// The fast path: `None` when it declines the input (no size check).
    pub fn fast(text: &str, limits: &Limits) -> Option<Stream> {
        super::fast::parse(text, limits)
    }

    /// The saphyr path alone (no size check).
    pub fn saphyr(text: &str, limits: &Limits) -> Stream {
        super::parse_saphyr(text, limits, Stream::default())
    }
}

#[cfg(test)]
mod tests;
