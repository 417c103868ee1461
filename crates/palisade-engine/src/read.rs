//! Reading one input, bounded: size limit before reading, binary files
//! passed over, invalid UTF-8 reported with its line.

use palisade_core::InputError;
use std::io::Read;
use std::path::PathBuf;

/// Largest file read, in bytes. Larger files are reported, not read.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Which scanner reads a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YAML or JSON manifests.
    Manifest,
    /// A Dockerfile.
    Dockerfile,
    /// Decide from the content (standard input, explicitly named files).
    Sniff,
    /// Any other file, found while walking a directory for the secret
    /// scanner; no configuration scanner reads it.
    Other,
}

/// One input to scan.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name used in findings (`-` for standard input).
    pub display: String,
    /// Where the bytes come from.
    pub origin: Origin,
    /// Which scanner reads it.
    pub format: Format,
    /// The user named it (or piped it in): report, rather than skip, what
    /// cannot be read as a Kubernetes object.
    pub explicit: bool,
}

/// Where a source's bytes come from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A file.
    File(PathBuf),
    /// Bytes already read (standard input).
    Bytes(Vec<u8>),
}

pub(crate) enum Content {
    Text(String),
    /// A binary file met while walking a directory: passed over.
    Skipped,
}

impl Source {
    /// A source read from standard input's bytes.
    pub fn stdin(bytes: Vec<u8>) -> Source {
        Source {
            display: "-".to_string(),
            origin: Origin::Bytes(bytes),
            format: Format::Sniff,
            explicit: true,
        }
    }

    /// A manifest already in memory (an admitted object's JSON), named
    /// `display` in findings.
    pub fn memory(display: impl Into<String>, bytes: Vec<u8>) -> Source {
        Source {
            display: display.into(),
            origin: Origin::Bytes(bytes),
            format: Format::Manifest,
            explicit: true,
        }
    }

    fn error(&self, line: Option<u32>, message: String) -> InputError {
        InputError {
            path: self.display.clone(),
            line,
            column: None,
            message,
        }
    }

    /// The source's bytes, bounded by [`MAX_FILE_BYTES`]. Bytes already in
    /// memory (standard input) are moved out, not copied.
    pub(crate) fn read_bytes(&mut self) -> Result<Vec<u8>, InputError> {
        Ok(match &mut self.origin {
            Origin::Bytes(b) => {
                let len = b.len();
                let b = std::mem::take(b);
                if len > MAX_FILE_BYTES {
                    return Err(self.too_large(len as u64));
                }
                b
            }
            Origin::File(p) => {
                let file = std::fs::File::open(p)
                    .map_err(|e| self.error(None, format!("cannot read: {e}")))?;
                let len = file.metadata().map(|m| m.len()).unwrap_or(0);
                if len > MAX_FILE_BYTES as u64 {
                    return Err(self.too_large(len));
                }
                let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
                // Read one byte past the limit so a file that grows while we
                // read it is still caught.
                file.take(MAX_FILE_BYTES as u64 + 1)
                    .read_to_end(&mut buf)
                    .map_err(|e| self.error(None, format!("cannot read: {e}")))?;
                if buf.len() > MAX_FILE_BYTES {
                    return Err(self.too_large(buf.len() as u64));
                }
                buf
            }
        })
    }

    /// The text of bytes read by [`Source::read_bytes`]: binary files met
    /// while walking a directory are passed over, a BOM is dropped, invalid
    /// UTF-8 is reported with its line.
    pub(crate) fn text(&self, mut bytes: Vec<u8>) -> Result<Content, InputError> {
        let head = bytes.get(..bytes.len().min(8192)).unwrap_or(&[]);
        if head.contains(&0) {
            if self.explicit {
                return Err(self.error(
                    None,
                    "binary file (contains NUL bytes), not a manifest or Dockerfile".to_string(),
                ));
            }
            return Ok(Content::Skipped);
        }
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        match String::from_utf8(bytes) {
            Ok(s) => Ok(Content::Text(s)),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let b = e.as_bytes();
                let line = b
                    .get(..at)
                    .map_or(0, |p| p.iter().filter(|c| **c == b'\n').count())
                    + 1;
                Err(self.error(
                    Some(u32::try_from(line).unwrap_or(u32::MAX)),
                    format!("not valid UTF-8 (at byte {at})"),
                ))
            }
        }
    }

    fn too_large(&self, len: u64) -> InputError {
        self.error(
            None,
            format!("file is {len} bytes, over the {MAX_FILE_BYTES}-byte limit; not scanned"),
        )
    }
}
