//! Prints what Palisade reads from YAML files, as JSON lines in the
//! yaml-oracle's shape (`tools/yaml-oracle`), for comparing by hand:
//!
//! ```sh
//! cargo run -p palisade-yaml --example yaml_json -- FILE... > palisade.jsonl
//! ```
//!
//! `docs` are the documents read before the first error; `path` says
//! whether the fast path or the general (libyaml) path answered.
#![allow(missing_docs)]

use palisade_yaml::{Limits, paths};

fn main() {
    for file in std::env::args().skip(1) {
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                println!(
                    "{}",
                    serde_json::json!({"file": file, "docs": [], "error": e.to_string()})
                );
                continue;
            }
        };
        let limits = Limits::default();
        let (path, stream) = match paths::fast(&text, &limits) {
            Some(s) => ("fast", s),
            None => ("general", paths::general(&text, &limits)),
        };
        let first_error = stream.errors.first();
        let docs: Vec<_> = stream
            .documents
            .iter()
            .filter(|d| first_error.is_none_or(|e| d.end_line <= e.pos.line))
            .map(|d| d.root.to_json())
            .collect();
        let error = first_error.map(ToString::to_string).unwrap_or_default();
        println!(
            "{}",
            serde_json::json!({"file": file, "path": path, "docs": docs, "error": error})
        );
    }
}
