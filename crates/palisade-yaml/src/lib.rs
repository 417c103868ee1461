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
mod general;
mod resolve;
mod tree;

pub use tree::{Key, Map, Node, Value};

/// A position in the source text: 1-based line and 1-based column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// Line, starting at 1.
    pub line: u32,
    /// Column, starting at 1, counted in characters.
    pub col: u32,
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
    /// A value go-yaml would not decode: a core tag the text does not fit
    /// (`!!int abc`), invalid `!!binary`, a null mapping key.
    #[error("invalid value: {0}")]
    Decode(String),
    /// A merge key (`<<`) whose value is not a mapping or a sequence of them.
    #[error("map merge requires a mapping or a sequence of mappings as the value")]
    BadMerge,
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
    general::parse(text, limits, &mut stream);
    stream
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

    /// The general (libyaml) path alone (no size check).
    pub fn general(text: &str, limits: &Limits) -> Stream {
        let mut stream = Stream::default();
        super::general::parse(text, limits, &mut stream);
        stream
    }
}

#[cfg(test)]
mod tests;
