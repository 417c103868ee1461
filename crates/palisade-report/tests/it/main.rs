//! Integration tests of the renderers, in one binary (one link, not seven).
#![allow(missing_docs)]

mod color;
mod common;
mod io_errors;
mod json_format;
mod junit_xml;
mod sarif_schema;
mod snapshots;
