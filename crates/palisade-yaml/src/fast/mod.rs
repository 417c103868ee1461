//! A fast path for the YAML subset that Kubernetes manifests use.
//!
//! `saphyr-parser` is general and correct but slow; most manifests use a
//! small, regular subset of YAML (block mappings and sequences, single-line
//! scalars, block scalars, flow collections, `---` separators). This module
//! reads that subset straight from the bytes and builds the same trees, with
//! the same positions, as the saphyr path.
//!
//! The rule that keeps it safe: anything it does not fully understand — an
//! unsupported feature, a syntax error, a limit hit — makes [`parse`] return
//! `None`, and the caller falls back to the saphyr path, which then produces
//! the result (and the errors). Accepting input with a different meaning
//! would be a bug; bailing out is always fine. `tests/fast_oracle.rs` checks
//! this against saphyr on every YAML file of the repository and mutations.

mod block;
mod cursor;
mod flow;
mod scalar;

use crate::{Document, Limits, Stream, Value};
use cursor::{Cursor, Next};

/// Collections nest at most this deep on the fast path (whatever the limits
/// say), which bounds its recursion.
const MAX_FAST_DEPTH: usize = 256;

/// Parses `text` when it is in the supported subset; `None` otherwise.
pub(crate) fn parse(text: &str, limits: &Limits) -> Option<Stream> {
    if !cursor::plain_text(text.as_bytes()) {
        return None;
    }
    let mut c = Cursor::new(text, limits);
    let mut stream = Stream::default();
    let mut documents = 0usize;
    let mut after_end = false;
    loop {
        // Between documents: `...` markers are skipped; after one, only
        // `---` may start a document (libyaml wants an explicit start).
        let (start_line, root) = match c.peek_line() {
            Next::Eof => break,
            // libyaml: `...` before any document is an error.
            Next::DocEnd if documents == 0 => return None,
            Next::DocEnd => {
                c.skip_marker()?;
                after_end = true;
                continue;
            }
            Next::Line(_) if after_end => return None,
            Next::DocStart => {
                let start = c.line;
                c.skip_marker()?;
                documents += 1;
                let root = match c.peek_line() {
                    Next::Line(indent) => Some(c.root(indent)?),
                    _ => None,
                };
                (start, root)
            }
            // Only at the stream start or after `...`: a document ended by
            // `---` is always followed by that `---`.
            Next::Line(indent) => {
                documents += 1;
                (c.line, Some(c.root(indent)?))
            }
        };
        if documents > limits.max_documents {
            return None;
        }
        let end_line = match c.peek_line() {
            Next::Eof => c.eof_line(),
            Next::DocStart => {
                after_end = false;
                c.line
            }
            Next::DocEnd => {
                let line = c.line;
                c.skip_marker()?;
                after_end = true;
                line
            }
            // Content left over: a multi-line scalar or bad indentation.
            Next::Line(_) => return None,
        };
        if let Some(root) = root.filter(|r| !matches!(r.value, Value::Null)) {
            stream.documents.push(Document {
                root,
                start_line,
                end_line: end_line.max(start_line),
            });
        }
    }
    Some(stream)
}
