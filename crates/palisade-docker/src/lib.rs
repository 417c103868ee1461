//! Palisade's Dockerfile scanner: a parser that reads Dockerfiles the way
//! BuildKit does, and the Dockerfile rules (`DF001`...; see [`rules`]).
//!
//! The pipeline, one module per step:
//! 1. `parse`: text → instructions (parser directives, comments, line
//!    continuations with the file's escape character, heredoc bodies);
//! 2. `stages`: instructions → build stages, each `FROM` resolved to an
//!    earlier stage, `scratch`, an external image (`palisade_core::image`, with `${ARG}`
//!    defaults expanded by `vars`), or a reference that needs a build argument
//!    we do not know and do not guess;
//! 3. `script` and `shell`: what each `RUN` runs, as pipelines of commands;
//! 4. `rules`: one module per concern, each rule declared with
//!    `declare_rule!` beside its check, producing [`Finding`]s that name the
//!    stage (`Dockerfile/<stage name or "stage N">`, `N` counted from 0 as
//!    `COPY --from=N` does) and point at the instruction at fault.
//!
//! The engine applies rule selection, severity overrides and suppressions;
//! [`check`] reports everything every rule finds.
//!
//! Untrusted input is the normal case: files over [`MAX_FILE_BYTES`] and lines
//! over [`MAX_LINE_BYTES`] are errors, variable expansion is bounded in depth
//! and length, nothing recurses on input nesting, the work is linear in the
//! input, and nothing panics.
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

mod heredoc;
mod kv;
mod parse;
mod rules;
mod script;
mod shell;
mod stages;
mod vars;

use palisade_core::{Config, Finding, InputError, RuleMeta};

pub use parse::MAX_LINE_BYTES;

/// The largest Dockerfile read, in bytes.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Every Dockerfile rule.
pub fn rules() -> &'static [&'static RuleMeta] {
    rules::ALL
}

/// What [`check`] found in one Dockerfile.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    /// Findings of every rule, sorted by line, column and rule id.
    pub findings: Vec<Finding>,
    /// Problems reading the file; what could be read was still checked.
    pub errors: Vec<InputError>,
}

/// Whether a file name is a Dockerfile: `Dockerfile`, `Containerfile`,
/// `Dockerfile.<x>`, `Containerfile.<x>`, `<x>.Dockerfile` or
/// `<x>.dockerfile`, ignoring case. A path is reduced to its last component.
/// `Dockerfile.dockerignore` (BuildKit's per-Dockerfile ignore file) is not one.
pub fn is_dockerfile_name(file_name: &str) -> bool {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let lower = base.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") {
        return false;
    }
    let has_suffix = |prefix: &str| {
        lower
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || (rest.len() > 1 && rest.starts_with('.')))
    };
    has_suffix("dockerfile")
        || has_suffix("containerfile")
        || lower
            .strip_suffix(".dockerfile")
            .is_some_and(|stem| !stem.is_empty())
}

/// Content sniffing for standard input: whether the first instruction (past
/// comments, blank lines and parser directives) is `FROM image [AS name]` or
/// `ARG NAME[=value]`, in any case.
pub fn looks_like_dockerfile(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(line) = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        return false;
    };
    let mut words = line.split_whitespace();
    let keyword = words.next().unwrap_or("");
    let args: Vec<&str> = words.filter(|w| !w.starts_with("--")).collect();
    if keyword.eq_ignore_ascii_case("from") {
        match args.as_slice() {
            [_] | [_, "\\"] => true,
            [_, as_, _] | [_, as_, _, "\\"] => as_.eq_ignore_ascii_case("as"),
            _ => false,
        }
    } else if keyword.eq_ignore_ascii_case("arg") {
        args.first().is_some_and(|a| {
            let name = a.split('=').next().unwrap_or("");
            shell::is_assignment(&format!("{name}="))
        })
    } else {
        false
    }
}

/// Parses and checks one Dockerfile. `path` names the file in every
/// finding and error (`-` for standard input). Never panics.
pub fn check(path: &str, source: &str, config: &Config) -> Output {
    // No Dockerfile rule has settings yet; the parameter keeps the engine's
    // call the same for every scanner.
    let _ = config;
    let mut out = Output::default();
    if source.len() > MAX_FILE_BYTES {
        out.errors.push(InputError {
            path: path.to_string(),
            line: None,
            column: None,
            message: format!(
                "file is larger than {} MiB ({} bytes); not checked",
                MAX_FILE_BYTES / (1024 * 1024),
                source.len()
            ),
        });
        return out;
    }
    let parsed = parse::parse(source);
    out.errors = parsed
        .errors
        .iter()
        .map(|e| InputError {
            path: path.to_string(),
            line: Some(e.line),
            column: e.column,
            message: e.message.clone(),
        })
        .collect();
    let file = stages::Dockerfile::new(&parsed);
    if file.stages.is_empty() && parsed.instructions.iter().any(|i| i.keyword != "ARG") {
        let first = parsed.instructions.first();
        out.errors.push(InputError {
            path: path.to_string(),
            line: first.map(|i| i.line),
            column: first.map(|i| i.column),
            message: "no FROM instruction: not a Dockerfile that can be built".to_string(),
        });
    }
    let mut reporter = rules::Reporter::new(path);
    rules::run(&file, &mut reporter);
    out.findings = reporter.into_findings();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "Containerfile",
            "Dockerfile.dev",
            "Containerfile.prod",
            "api.Dockerfile",
            "api.dockerfile",
            "a/b/Dockerfile",
            "C:\\src\\DOCKERFILE.ci",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.dockerignore",
            ".dockerfile",
            "Dockerfile.",
            "Dockerfiles",
            "mydockerfile",
            "docker-compose.yml",
            "Dockerfile/x.yaml",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }

    #[test]
    fn sniffing() {
        assert!(looks_like_dockerfile(
            "# syntax=docker/dockerfile:1\n\nfrom alpine:3.20 AS base\n"
        ));
        assert!(looks_like_dockerfile("ARG VERSION=1\nFROM x:$VERSION\n"));
        assert!(looks_like_dockerfile(
            "FROM --platform=$BUILDPLATFORM golang\n"
        ));
        assert!(!looks_like_dockerfile("from: alpine\n"));
        assert!(!looks_like_dockerfile(
            "From Wikipedia, the free encyclopedia\n"
        ));
        assert!(!looks_like_dockerfile("apiVersion: v1\nkind: Pod\n"));
        assert!(!looks_like_dockerfile("ARG\n"));
        assert!(!looks_like_dockerfile(""));
    }
}
