//! The general path: libyaml's parser (`libyaml-safer`, a safe Rust port
//! of libyaml) turned into trees.
//!
//! libyaml is the parser go-yaml was ported from, so it accepts what
//! go-yaml (and through it sigs.k8s.io/yaml, kubectl, the API server,
//! Gatekeeper and Kyverno) accepts, including shapes a strict YAML 1.2
//! parser refuses: a flow collection closed at its key's indentation, a
//! quoted scalar continued at its key's indentation. `tests/yaml_oracle.rs`
//! holds it to go-yaml itself.
//!
//! The builder enforces [`Limits`] while the events arrive: depth, nodes
//! (alias expansion included) and documents.

use crate::resolve;
use crate::{Document, Error, ErrorKind, Key, Limits, Map, Node, Pos, Stream, Value};
use libyaml_safer::{EventData, Mark, Parser, ScalarStyle};
use std::collections::HashMap;

/// How much deeper than the limit a skipped document may still nest
/// before the stream is abandoned: libyaml keeps a state per open
/// collection, so hostile nesting is cut off rather than followed.
const SKIP_DEPTH_FACTOR: usize = 8;

fn pos(mark: &Mark) -> Pos {
    Pos {
        line: u32::try_from(mark.line.saturating_add(1)).unwrap_or(u32::MAX),
        col: u32::try_from(mark.column.saturating_add(1)).unwrap_or(u32::MAX),
    }
}

/// Parses `text` into `stream`.
///
/// libyaml reads a NUL past the end of its buffer where libyaml-safer
/// 0.3.0 panics ("unexpected end of input"): a block scalar that ends the
/// input without a final line break reaches it. So the parser is given
/// the text with a final line break, and the one line break that adds to
/// a block scalar running to the end is taken off again (go-yaml reads
/// `a: |` ⏎ `  x` at the end of a file as `"x"`). Any other such panic
/// is caught and reported as a syntax error, so a hostile file cannot
/// bring the scan down.
pub(crate) fn parse(text: &str, limits: &Limits, stream: &mut Stream) {
    let mut inner = Stream::default();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if text.ends_with(['\n', '\r']) {
            parse_events(text, None, limits, &mut inner);
        } else {
            let terminated = format!("{text}\n");
            parse_events(&terminated, Some(text.len()), limits, &mut inner);
        }
    }));
    if caught.is_err() {
        inner.documents.clear();
        inner.errors.push(Error {
            pos: Pos { line: 1, col: 1 },
            kind: ErrorKind::Syntax("the YAML parser failed on this input".into()),
        });
    }
    stream.documents.append(&mut inner.documents);
    stream.errors.append(&mut inner.errors);
}

/// `added_break_at`: the length of the text before a line break was added.
fn parse_events(text: &str, added_break_at: Option<usize>, limits: &Limits, stream: &mut Stream) {
    let mut input = text.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    let mut builder = Builder::new(limits);
    loop {
        let event = match parser.parse() {
            Ok(e) => e,
            Err(e) => {
                let mark = e.problem_mark().unwrap_or_default();
                let message = match e.context() {
                    Some(context) if !context.is_empty() => {
                        format!("{} {context}", e.problem())
                    }
                    _ => e.problem().to_string(),
                };
                stream.errors.push(Error {
                    pos: pos(&mark),
                    kind: ErrorKind::Syntax(message),
                });
                return;
            }
        };
        let mut data = event.data;
        if matches!(data, EventData::StreamEnd) {
            return;
        }
        if let (
            Some(len),
            EventData::Scalar {
                style: ScalarStyle::Literal | ScalarStyle::Folded,
                value,
                ..
            },
        ) = (added_break_at, &mut data)
            && usize::try_from(event.end_mark.index).is_ok_and(|end| end > len)
            && value.ends_with('\n')
        {
            value.pop();
        }
        let at = pos(&event.start_mark);
        let end = pos(&event.end_mark);
        if let EventData::Scalar {
            style: ScalarStyle::DoubleQuoted,
            ..
        } = &data
            && slash_escape(text, &event.start_mark, &event.end_mark)
        {
            stream.errors.push(Error {
                pos: at,
                kind: ErrorKind::Syntax(
                    "found unknown escape character `\\/` while parsing a quoted scalar".into(),
                ),
            });
            return;
        }
        if let Err(kind) = builder.event(data, at, end, stream) {
            let fatal = matches!(kind, ErrorKind::TooManyDocuments(_))
                || matches!(kind, ErrorKind::TooDeep(_)) && builder.skipping;
            stream.errors.push(Error { pos: at, kind });
            if fatal {
                return;
            }
            builder.abandon_document();
        }
    }
}

/// Whether the double-quoted scalar between the marks uses the `\/`
/// escape, which libyaml 0.2.5 added and go-yaml refuses.
fn slash_escape(text: &str, start: &Mark, end: &Mark) -> bool {
    let (Ok(a), Ok(b)) = (usize::try_from(start.index), usize::try_from(end.index)) else {
        return false;
    };
    let Some(body) = text.as_bytes().get(a..b) else {
        return false;
    };
    let mut i = 0;
    while let Some(&c) = body.get(i) {
        if c == b'\\' {
            if body.get(i + 1) == Some(&b'/') {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// A collection under construction.
enum Frame {
    Seq {
        items: Vec<Node>,
        pos: Pos,
        anchor: Option<String>,
    },
    Map {
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
        pos: Pos,
        anchor: Option<String>,
    },
}

/// Turns parser events into trees while enforcing the limits.
struct Builder<'l> {
    limits: &'l Limits,
    frames: Vec<Frame>,
    /// Anchored nodes of the current document with their node counts.
    anchors: HashMap<String, (Node, usize)>,
    /// Node counts of the open collections, to know an anchored subtree's size.
    counts: Vec<usize>,
    nodes: usize,
    documents: usize,
    doc_start: u32,
    /// Set after an error in a document: events are skipped until it ends.
    skipping: bool,
    /// Nesting of the collections skipped so far.
    skipped_depth: usize,
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
            skipped_depth: 0,
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
        self.skipped_depth = self.frames.len();
        self.reset_document();
        self.skipping = true;
    }

    fn event(
        &mut self,
        event: EventData,
        pos: Pos,
        end: Pos,
        out: &mut Stream,
    ) -> Result<(), ErrorKind> {
        match event {
            // go-yaml reads YAML 1.1 only: any other `%YAML` is refused.
            EventData::DocumentStart {
                version_directive: Some(v),
                ..
            } if (v.major, v.minor) != (1, 1) => {
                return Err(ErrorKind::Syntax("found incompatible YAML document".into()));
            }
            EventData::DocumentStart { .. } => {
                self.reset_document();
                self.skipping = false;
                self.doc_start = pos.line;
                self.documents = self.documents.saturating_add(1);
                if self.documents > self.limits.max_documents {
                    return Err(ErrorKind::TooManyDocuments(self.limits.max_documents));
                }
            }
            EventData::DocumentEnd { .. } => {
                let root = if self.skipping {
                    None
                } else {
                    self.root.take()
                };
                // An implicit end is where the next token starts (the
                // next `---`, or the end of the input).
                let last = end.line;
                if let Some(root) = root.filter(|r| !matches!(r.value, Value::Null)) {
                    out.documents.push(Document {
                        root,
                        start_line: self.doc_start,
                        end_line: last.max(self.doc_start),
                    });
                }
                self.reset_document();
                self.skipping = false;
            }
            EventData::SequenceStart { .. } | EventData::MappingStart { .. } if self.skipping => {
                self.skipped_depth = self.skipped_depth.saturating_add(1);
                if self.skipped_depth > self.limits.max_depth.saturating_mul(SKIP_DEPTH_FACTOR) {
                    return Err(ErrorKind::TooDeep(self.limits.max_depth));
                }
            }
            EventData::SequenceEnd | EventData::MappingEnd if self.skipping => {
                self.skipped_depth = self.skipped_depth.saturating_sub(1);
            }
            _ if self.skipping => {}
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => {
                self.count(1)?;
                let plain = style == ScalarStyle::Plain;
                let resolved = resolve::scalar(&value, plain, tag.as_deref())?;
                let awaiting_key = matches!(self.frames.last(), Some(Frame::Map { key: None, .. }));
                let node = Node {
                    value: resolved,
                    pos,
                };
                if let Some(anchor) = anchor {
                    self.anchors.insert(anchor, (node.clone(), 1));
                }
                self.add_count(1);
                if awaiting_key {
                    let key = Key::new(value, pos, plain, &node.value)?;
                    self.push_key(key);
                } else {
                    self.push(node)?;
                }
            }
            EventData::Alias { anchor } => {
                let (node, size) = self.anchors.get(&anchor).ok_or(ErrorKind::UnknownAnchor)?;
                let size = *size;
                let node = node.clone();
                self.count(size)?;
                self.add_count(size);
                let awaiting_key = matches!(self.frames.last(), Some(Frame::Map { key: None, .. }));
                if awaiting_key {
                    let text = scalar_text(&node).ok_or(ErrorKind::ComplexKey)?;
                    let key = Key::new(text, pos, false, &node.value)?;
                    self.push_key(key);
                } else {
                    self.push(node)?;
                }
            }
            EventData::SequenceStart { anchor, .. } => {
                self.open(Frame::Seq {
                    items: Vec::new(),
                    pos,
                    anchor,
                })?;
            }
            EventData::MappingStart { anchor, .. } => {
                self.open(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    pos,
                    anchor,
                })?;
            }
            EventData::SequenceEnd | EventData::MappingEnd => {
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
                            value: Value::Map(Map::with_merges(entries)?),
                            pos,
                        },
                        anchor,
                    ),
                    None => return Ok(()),
                };
                if let Some(anchor) = anchor {
                    self.anchors.insert(anchor, (node.clone(), size));
                }
                self.add_count(size);
                self.push(node)?;
            }
            EventData::StreamStart { .. } | EventData::StreamEnd => {}
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
        // A collection as a mapping key: go-yaml cannot hash it either.
        if matches!(self.frames.last(), Some(Frame::Map { key: None, .. })) {
            return Err(ErrorKind::ComplexKey);
        }
        self.count(1)?;
        self.frames.push(frame);
        self.counts.push(1);
        Ok(())
    }

    fn push_key(&mut self, k: Key) {
        if let Some(Frame::Map { key, .. }) = self.frames.last_mut() {
            *key = Some(k);
        }
    }

    /// Places a finished node into its parent, or makes it the document root.
    fn push(&mut self, node: Node) -> Result<(), ErrorKind> {
        match self.frames.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => return Err(ErrorKind::ComplexKey),
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
