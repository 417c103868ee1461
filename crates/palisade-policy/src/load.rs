//! Reading policy files: `--policy PATH` (files or directories, searched
//! recursively for `.yaml`, `.yml` and `.json`) and `policies:` in
//! `palisade.yaml`.
//!
//! Each document is a ConstraintTemplate, a constraint, or something else
//! (suites, sample objects) that is passed over. Every problem is an
//! [`Issue`] naming the file and line; the rest still loads.
//!
//! A directory search passes over hidden directories and directories
//! named `samples` or `tests`: policy libraries (Gatekeeper's own among
//! them) keep suite fixtures there, sample constraints included, and
//! loading a library must not enforce its examples. Name such a file
//! directly to load it.

use palisade_yaml::{Limits, Node, parse_stream};
use std::path::{Path, PathBuf};

/// Largest policy file read.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Directories of suite fixtures, passed over when searching.
const FIXTURE_DIRS: &[&str] = &["samples", "tests"];
/// Most files read under one directory.
const MAX_FILES: usize = 10_000;

/// A problem with a policy file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}{}: {message}", column.map(|c| format!(":{c}")).unwrap_or_default())]
pub struct Issue {
    /// The file.
    pub path: String,
    /// Line.
    pub line: u32,
    /// Column, when known.
    pub column: Option<u32>,
    /// What is wrong.
    pub message: String,
}

/// One document of a policy file.
pub(crate) struct Doc<'a> {
    pub path: &'a str,
    pub source: &'a str,
    pub root: &'a Node,
}

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocKind {
    Template,
    Constraint,
    Other,
}

pub(crate) fn kind_of(root: &Node) -> DocKind {
    let api = root.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    let kind = root.get("kind").and_then(Node::as_str).unwrap_or("");
    if kind == "ConstraintTemplate" && api.starts_with("templates.gatekeeper.sh/") {
        DocKind::Template
    } else if api.starts_with("constraints.gatekeeper.sh/") {
        DocKind::Constraint
    } else {
        DocKind::Other
    }
}

/// The policy files under `paths`, in a stable order (fixture
/// directories passed over).
pub fn policy_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Issue>) {
    files_under(paths, true)
}

/// The `.yaml`/`.yml`/`.json` files under `paths`; `skip_fixtures` passes
/// over `samples` and `tests` directories.
pub(crate) fn files_under(paths: &[PathBuf], skip_fixtures: bool) -> (Vec<PathBuf>, Vec<Issue>) {
    let mut files = Vec::new();
    let mut issues = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, skip_fixtures, &mut files, &mut issues);
        } else if p.exists() {
            files.push(p.clone());
        } else {
            issues.push(Issue {
                path: p.display().to_string(),
                line: 0,
                column: None,
                message: "no such file or directory".into(),
            });
        }
    }
    (files, issues)
}

fn is_policy_file(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

fn walk(dir: &Path, skip_fixtures: bool, files: &mut Vec<PathBuf>, issues: &mut Vec<Issue>) {
    let mut stack = vec![dir.to_path_buf()];
    let mut found = Vec::new();
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                issues.push(Issue {
                    path: d.display().to_string(),
                    line: 0,
                    column: None,
                    message: e.to_string(),
                });
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            // Symbolic links are not followed: no loops, no escaping the tree.
            let Ok(ft) = entry.file_type() else { continue };
            if hidden {
                continue;
            }
            if ft.is_dir() {
                let name = entry.file_name();
                if !(skip_fixtures && FIXTURE_DIRS.contains(&name.to_string_lossy().as_ref())) {
                    stack.push(path);
                }
            } else if ft.is_file() && is_policy_file(&path) {
                found.push(path);
                if found.len() >= MAX_FILES {
                    issues.push(Issue {
                        path: dir.display().to_string(),
                        line: 0,
                        column: None,
                        message: format!("more than {MAX_FILES} files; the rest are not read"),
                    });
                    stack.clear();
                    break;
                }
            }
        }
    }
    found.sort();
    files.extend(found);
}

/// Reads a file's text within the size limit.
pub(crate) fn read_text(path: &Path) -> Result<String, Issue> {
    let issue = |message: String| Issue {
        path: path.display().to_string(),
        line: 0,
        column: None,
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| issue(e.to_string()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(issue(format!(
            "{} bytes, over the {MAX_FILE_BYTES}-byte limit for policy files",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| issue(e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| issue("not UTF-8 text".into()))
}

/// Parses a policy file (bounded); its syntax errors go to `issues`.
pub(crate) fn parse(path: &str, text: &str, issues: &mut Vec<Issue>) -> palisade_yaml::Stream {
    let limits = Limits {
        max_bytes: MAX_FILE_BYTES as usize,
        ..Limits::default()
    };
    let stream = parse_stream(text, &limits);
    for e in &stream.errors {
        issues.push(Issue {
            path: path.to_string(),
            line: e.pos.line,
            column: Some(e.pos.col),
            message: e.kind.to_string(),
        });
    }
    stream
}

/// Calls `each` on every document of a parsed file (the items of a `List`
/// one by one).
pub(crate) fn each_document(
    path: &str,
    text: &str,
    stream: &palisade_yaml::Stream,
    mut each: impl FnMut(Doc<'_>),
) {
    for doc in &stream.documents {
        let root = &doc.root;
        let is_list = root
            .get("kind")
            .and_then(Node::as_str)
            .is_some_and(|k| k.ends_with("List"))
            && root.get("items").and_then(Node::as_seq).is_some();
        let items = if is_list {
            root.get("items").map(Node::items).unwrap_or(&[])
        } else {
            std::slice::from_ref(root)
        };
        for root in items {
            each(Doc {
                path,
                source: text,
                root,
            });
        }
    }
}

/// The documents of a YAML or JSON file, as JSON (empty documents left out).
pub fn objects_in(path: &Path) -> Result<Vec<serde_json::Value>, Issue> {
    let text = read_text(path)?;
    let limits = Limits {
        max_bytes: MAX_FILE_BYTES as usize,
        ..Limits::default()
    };
    let stream = parse_stream(&text, &limits);
    if let Some(e) = stream.errors.first() {
        return Err(Issue {
            path: path.display().to_string(),
            line: e.pos.line,
            column: Some(e.pos.col),
            message: e.kind.to_string(),
        });
    }
    Ok(stream
        .documents
        .iter()
        .filter(|d| !d.root.is_null())
        .map(|d| d.root.to_json())
        .collect())
}
