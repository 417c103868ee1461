//! Renderers of a Palisade [`Report`].
//!
//! One function, [`render`], writes a report in one of four [`Format`]s:
//!
//! - [`Format::Table`]: for people at a terminal. Findings grouped by file,
//!   input errors, and a summary. Its layout may change between releases.
//! - [`Format::Json`]: Palisade's own machine-readable format. It is stable
//!   and versioned; the [`json`] module documents every field.
//! - [`Format::Sarif`]: SARIF 2.1.0, for code-scanning dashboards (GitHub,
//!   GitLab, Azure DevOps) and SARIF viewers.
//! - [`Format::Junit`]: JUnit XML, for the test reports of CI systems
//!   (GitLab, Jenkins).
//!
//! Renderers never panic and never reorder what they are given in a way that
//! depends on anything but the report: the same report always renders to the
//! same bytes. Text taken from scanned files (messages, names, paths) is
//! untrusted; each renderer escapes it for its format, and the table
//! replaces control characters so that a manifest cannot send escape
//! sequences to a terminal.
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod json;
mod junit;
mod sarif;
pub use sarif::SECRET_FINGERPRINT_KEY;
mod table;

use palisade_core::{Finding, InputError, Report};
use std::fmt;
use std::io::{self, BufWriter, Write};
use std::str::FromStr;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A table for people (the layout may change).
    Table,
    /// Palisade's stable JSON format (see [`json`]).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
}

impl Format {
    /// Every format, in the order they are listed in help texts.
    pub const ALL: [Format; 4] = [Format::Table, Format::Json, Format::Sarif, Format::Junit];

    /// The name used on the command line (`table`, `json`, `sarif`, `junit`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is not one of `table`, `json`, `sarif`, `junit`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}` (expected table, json, sarif or junit)")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    /// Parses a format name, ignoring ASCII case and surrounding spaces.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// How to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Colour the table by severity (ANSI escape sequences). Other formats
    /// ignore it. When false, no escape sequence is written at all.
    pub color: bool,
    /// The Palisade version written into JSON, SARIF and JUnit output.
    pub tool_version: &'static str,
    /// Show suppressed findings in the table (marked as suppressed) and as
    /// skipped test cases in JUnit. JSON and SARIF always include them,
    /// marked.
    pub show_suppressed: bool,
}

impl Default for RenderOptions {
    /// No colour, suppressed findings hidden, and this crate's version
    /// (which is the workspace's, and so Palisade's).
    fn default() -> Self {
        RenderOptions {
            color: false,
            tool_version: env!("CARGO_PKG_VERSION"),
            show_suppressed: false,
        }
    }
}

/// The tool name written into machine-readable output.
const TOOL_NAME: &str = "palisade";
/// Where to read about the tool, written into SARIF.
const TOOL_URI: &str = "https://github.com/palisade-dev/palisade";

/// Writes the report in `format` to `out`.
///
/// Never panics. Output is buffered here and flushed before returning; an
/// I/O error (a closed pipe, a full disk) is returned as is, so the caller
/// can treat [`io::ErrorKind::BrokenPipe`] as success.
///
/// ```
/// use palisade_report::{Format, RenderOptions, render};
///
/// let report = palisade_core::Report::default();
/// let mut out = Vec::new();
/// render(&report, Format::Table, &RenderOptions::default(), &mut out).unwrap();
/// assert!(String::from_utf8(out).unwrap().starts_with("No findings."));
///
/// let format: Format = "sarif".parse().unwrap();
/// let mut out = Vec::new();
/// render(&report, format, &RenderOptions::default(), &mut out).unwrap();
/// ```
pub fn render(
    report: &Report,
    format: Format,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    match format {
        Format::Table => table::render(report, options, &mut out)?,
        Format::Json => json::render(report, options, &mut out)?,
        Format::Sarif => sarif::render(report, options, &mut out)?,
        Format::Junit => junit::render(report, options, &mut out)?,
    }
    out.flush()
}

/// Findings in a fixed order: path, line, column, rule id, then message.
/// Reports are produced sorted; renderers sort again so that their output
/// never depends on how a report was assembled.
fn sorted_findings(report: &Report) -> Vec<&Finding> {
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    findings.sort_by(|a, b| a.report_order(b));
    findings
}

/// Input errors in a fixed order: path, line, column (absent first), message.
fn sorted_errors(report: &Report) -> Vec<&InputError> {
    let mut errors: Vec<&InputError> = report.errors.iter().collect();
    errors.sort_by(|a, b| a.report_order(b));
    errors
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>().unwrap(), f);
            assert_eq!(f.to_string(), f.as_str());
        }
        assert_eq!(" SARIF ".parse::<Format>().unwrap(), Format::Sarif);
        let err = "xml".parse::<Format>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown format `xml` (expected table, json, sarif or junit)"
        );
    }
}
