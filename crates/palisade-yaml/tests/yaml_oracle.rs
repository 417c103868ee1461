//! Differential test against the real parser: go-yaml v2 through
//! sigs.k8s.io/yaml (what kubectl, the API server, Gatekeeper and Kyverno
//! use), run by `tools/yaml-oracle`, a Go program built here from
//! Debian's packages (`golang-go`, `golang-k8s-sigs-yaml-dev`,
//! `golang-gopkg-yaml.v2-dev`; `.ci/run` installs them).
//!
//! For every input, Palisade and the oracle must agree on whether the
//! stream loads, and on the JSON of every document read before the first
//! error. Corpora: every YAML/JSON file of the repository, a generated
//! corpus of the shapes real files take, and the YAML test suite, where
//! the differences listed in [`SUITE_DIFFERENCES`] (and in
//! `crates/palisade-yaml/docs/yaml-dialect.md`) are the only ones allowed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use palisade_yaml::{Limits, parse_stream};
use serde_json::Value as J;
use std::path::{Path, PathBuf};
use std::process::Command;

/// YAML test suite cases where go-yaml and libyaml (our parser) differ,
/// with the reason. Kept exact: a case that starts to agree fails too.
const SUITE_DIFFERENCES: &[(&str, &str)] = &[
    (
        "4ABK",
        "`{omitted value:,}`: go-yaml reads a flow key ending in `:` before `,`; libyaml refuses it",
    ),
    (
        "HRE5",
        "`\"\\'\"`: go-yaml accepts the `\\'` escape in double quotes; libyaml 0.2.5 refuses it",
    ),
    (
        "JR7V",
        "`[a?string]`: go-yaml reads `?` inside a flow plain scalar as a key indicator and fails; libyaml 0.2.5 allows it",
    ),
    (
        "U99R",
        "`!!str, xxx`: go-yaml reads `!!str,` as a tag; libyaml refuses a `,` in a tag",
    ),
];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Builds the oracle once per test binary run.
fn oracle() -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("yaml-oracle");
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-cache");
    let status = Command::new("go")
        .args(["build", "-o"])
        .arg(&out)
        .arg(".")
        .current_dir(repo_root().join("tools/yaml-oracle"))
        .env("GOPATH", "/usr/share/gocode")
        .env("GO111MODULE", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("GOCACHE", &cache)
        .status()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `go` ({e}): install golang-go golang-k8s-sigs-yaml-dev \
                 golang-gopkg-yaml.v2-dev (as .ci/run does)"
            )
        });
    assert!(status.success(), "building tools/yaml-oracle failed");
    out
}

#[derive(Debug)]
struct Answer {
    docs: Vec<J>,
    error: Option<String>,
}

fn run_oracle(files: &[PathBuf]) -> Vec<Answer> {
    let bin = oracle();
    let mut answers = Vec::new();
    for chunk in files.chunks(2000) {
        let list: String = chunk.iter().map(|f| format!("{}\n", f.display())).collect();
        let mut child = Command::new(&bin)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(list.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "yaml-oracle failed");
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let v: J = serde_json::from_str(line).unwrap();
            let error = v["error"].as_str().unwrap_or("").to_string();
            answers.push(Answer {
                docs: v["docs"].as_array().cloned().unwrap_or_default(),
                error: (!error.is_empty()).then_some(error),
            });
        }
    }
    assert_eq!(answers.len(), files.len());
    answers
}

/// What Palisade reads: the documents before the first error.
fn ours(text: &str) -> Answer {
    let stream = parse_stream(text, &Limits::default());
    let first = stream.errors.first();
    Answer {
        docs: stream
            .documents
            .iter()
            .filter(|d| first.is_none_or(|e| d.end_line <= e.pos.line))
            .map(|d| d.root.to_json())
            .collect(),
        error: first.map(ToString::to_string),
    }
}

/// Numbers compare by value (go-yaml's `1.0` is JSON `1`).
fn same(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn agree(o: &Answer, p: &Answer) -> bool {
    o.error.is_some() == p.error.is_some()
        && o.docs.len() == p.docs.len()
        && o.docs.iter().zip(&p.docs).all(|(a, b)| same(a, b))
}

/// Compares every file; returns the names of those that differ.
fn differences(files: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let answers = run_oracle(files);
    let mut out = Vec::new();
    for (file, o) in files.iter().zip(answers) {
        let text = std::fs::read_to_string(file).unwrap();
        let p = ours(&text);
        if !agree(&o, &p) {
            out.push((
                file.clone(),
                format!("input {text:?}\n  go-yaml:  {o:?}\n  palisade: {p:?}"),
            ));
        }
    }
    out
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let path = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                yaml_files(&path, out);
            }
        } else if name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json") {
            out.push(path);
        }
    }
}

fn report(what: &str, total: usize, diffs: &[(PathBuf, String)]) {
    println!("{what}: {} of {total} agree", total - diffs.len());
    for (f, d) in diffs.iter().take(5) {
        println!("  {}: {d}", f.display());
    }
}

#[test]
fn repository_files_load_as_go_yaml_loads_them() {
    let mut files = Vec::new();
    yaml_files(&repo_root(), &mut files);
    files.retain(|f| !f.to_string_lossy().contains("yaml-test-suite"));
    assert!(files.len() > 1000, "found only {} files", files.len());
    let diffs = differences(&files);
    report("repository", files.len(), &diffs);
    assert!(diffs.is_empty(), "{} files differ", diffs.len());
}

#[test]
fn yaml_test_suite_differs_only_where_documented() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/yaml-test-suite");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() > 350);
    let diffs = differences(&files);
    report("yaml-test-suite", files.len(), &diffs);
    let mut ids: Vec<String> = diffs
        .iter()
        .map(|(f, _)| f.file_stem().unwrap().to_string_lossy().to_string())
        .collect();
    ids.sort();
    let expected: Vec<String> = SUITE_DIFFERENCES
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    assert_eq!(ids, expected, "differences: {diffs:#?}");
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SCALARS: &[&str] = &[
    "nginx",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "true",
    "False",
    "~",
    "null",
    "0755",
    "0o17",
    "0x1F",
    "1_000",
    "1e3",
    ".5",
    "-12",
    "+3",
    "1.",
    "09",
    "12abc",
    "2001-12-14",
    "1:20",
    "http://h:1/p",
    "a b",
    "'q''s'",
    "\"d\\tq\"",
    "\"\\x41\"",
    "\"\\u00e9\"",
    "''",
    "\"\"",
    "!!str 12",
    "!!int \"7\"",
    "!!float 1",
    "!custom x",
    "&a v",
    "*a",
    "\"a # b\"",
    "a#b",
    "x # comment",
    "-1",
    "[]",
    "{}",
    "[a, b]",
    "{a: 1, b: [2, 3]}",
    "9223372036854775808",
    "1e400",
];

const KEYS: &[&str] = &[
    "name",
    "image",
    "on",
    "yes",
    "y",
    "n",
    "1",
    "0x10",
    "1.5",
    "\"quoted\"",
    "'single'",
    "app.kubernetes.io/name",
    "a b",
    "privileged",
    "<<",
    "name",
];

/// One fragment of a manifest at `indent`, as lines.
fn fragment(rng: &mut Rng, indent: usize, depth: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let key = rng.pick(KEYS);
    let mut out = Vec::new();
    match rng.below(14) {
        // Flow sequence over several lines, closed at, before or after
        // its key's indentation.
        0 => {
            out.push(format!("{pad}{key}: ["));
            let inner = " ".repeat(indent + rng.below(3));
            for i in 0..1 + rng.below(3) {
                let comma = if i > 0 || rng.below(2) == 0 { "," } else { "" };
                let _ = comma;
                out.push(format!("{inner}{},", rng.pick(SCALARS)));
            }
            let close = " ".repeat(indent.saturating_sub(rng.below(2)) + rng.below(2));
            out.push(format!("{close}]"));
        }
        // Flow mapping over several lines.
        1 => {
            out.push(format!("{pad}{key}: {{"));
            let inner = " ".repeat(indent + rng.below(3));
            out.push(format!("{inner}a: {},", rng.pick(SCALARS)));
            out.push(format!("{inner}b: {}", rng.pick(SCALARS)));
            out.push(format!("{}}}", " ".repeat(indent + rng.below(2))));
        }
        // Double-quoted scalar continued at, below or past the key.
        2 => {
            let cont = " ".repeat(indent + rng.below(3));
            out.push(format!("{pad}{key}: \"first line"));
            if rng.below(3) == 0 {
                out.push(String::new());
            }
            out.push(format!("{cont}second \\\"line\\\" \\"));
            out.push(format!("{cont}third\""));
        }
        // Single-quoted, multi-line.
        3 => {
            let cont = " ".repeat(indent + rng.below(3));
            out.push(format!("{pad}{key}: 'it''s"));
            out.push(format!("{cont}continued'"));
        }
        // Plain scalar continued on the next lines.
        4 => {
            let cont = " ".repeat(indent + rng.below(4));
            out.push(format!("{pad}{key}: plain words"));
            out.push(format!("{cont}more words"));
            if rng.below(2) == 0 {
                out.push(format!("{cont}# a comment"));
            }
        }
        // Block scalars with chomping and indentation indicators.
        5 => {
            let header = rng.pick(&["|", ">", "|-", ">+", "|2", ">-", "|+"]);
            out.push(format!("{pad}{key}: {header}"));
            let body = " ".repeat(indent + 2);
            out.push(format!("{body}line one"));
            if rng.below(2) == 0 {
                out.push(String::new());
            }
            out.push(format!("{body}  more indented"));
            out.push(format!("{body}line three"));
            if rng.below(2) == 0 {
                out.push(String::new());
            }
        }
        // Anchors and merge keys.
        6 => {
            out.push(format!(
                "{pad}base: &b{depth} {{x: 1, y: {}}}",
                rng.pick(SCALARS)
            ));
            out.push(format!("{pad}merged:"));
            let inner = " ".repeat(indent + 2);
            if rng.below(2) == 0 {
                out.push(format!("{inner}y: 3"));
            }
            match rng.below(3) {
                0 => out.push(format!("{inner}<<: *b{depth}")),
                1 => out.push(format!("{inner}<<: [*b{depth}, {{z: 2, x: 9}}]")),
                _ => out.push(format!("{inner}<<: {{x: 5}}")),
            }
            if rng.below(2) == 0 {
                out.push(format!("{inner}x: 7"));
            }
        }
        // A sequence, indented or not, with comments between items.
        7 => {
            out.push(format!("{pad}{key}:"));
            let dash = " ".repeat(indent + 2 * rng.below(2));
            for _ in 0..1 + rng.below(3) {
                if rng.below(3) == 0 {
                    out.push(format!("{dash}# between items"));
                }
                if depth < 3 && rng.below(3) == 0 {
                    let mut inner = fragment(rng, dash.len() + 2, depth + 1);
                    if let Some(first) = inner.first_mut() {
                        *first = format!("{dash}- {}", first.trim_start());
                    }
                    out.extend(inner);
                } else {
                    out.push(format!("{dash}- {}", rng.pick(SCALARS)));
                }
            }
        }
        // A nested mapping.
        8 if depth < 3 => {
            out.push(format!("{pad}{key}:"));
            let inner = indent + 1 + rng.below(3);
            for _ in 0..1 + rng.below(3) {
                out.extend(fragment(rng, inner, depth + 1));
            }
        }
        // Duplicate keys.
        9 => {
            out.push(format!("{pad}dup: {}", rng.pick(SCALARS)));
            out.push(format!("{pad}dup: {}", rng.pick(SCALARS)));
        }
        // Tabs: after a value, or (an error) as indentation.
        10 => match rng.below(3) {
            0 => out.push(format!("{pad}{key}: value\t# tab before comment")),
            1 => out.push(format!("{pad}{key}:\tvalue")),
            _ => out.push(format!("{pad}\t{key}: value")),
        },
        // Explicit tags on collections.
        11 => out.push(format!(
            "{pad}{key}: {} {}",
            rng.pick(&["!!map", "!!seq", "!custom", "!!str"]),
            rng.pick(&["{a: 1}", "[1, 2]", "x"])
        )),
        // A key with an empty value and a comment.
        12 => out.push(format!(
            "{pad}{key}:{}",
            rng.pick(&["", " ", " # none", "  "])
        )),
        _ => out.push(format!("{pad}{key}: {}", rng.pick(SCALARS))),
    }
    out
}

fn document(rng: &mut Rng) -> String {
    let mut lines = vec!["apiVersion: v1".to_string(), "kind: ConfigMap".to_string()];
    for _ in 0..1 + rng.below(4) {
        lines.extend(fragment(rng, 0, 0));
    }
    lines.join("\n")
}

fn generated(rng: &mut Rng) -> String {
    let mut text = String::new();
    if rng.below(10) == 0 {
        text.push('\u{feff}');
    }
    let docs = 1 + rng.below(3);
    for i in 0..docs {
        let marker = rng.pick(&["---", "--- # doc", "---\n# c", ""]);
        if i > 0 || !marker.is_empty() {
            text.push_str(if i > 0 && marker.is_empty() {
                "---"
            } else {
                marker
            });
            text.push('\n');
        }
        text.push_str(&document(rng));
        text.push('\n');
        if rng.below(6) == 0 {
            text.push_str("...\n");
        }
    }
    if rng.below(6) == 0 {
        text = text.replace('\n', "\r\n");
    }
    if rng.below(8) == 0 {
        text.pop();
    }
    text
}

#[test]
fn generated_shapes_load_as_go_yaml_loads_them() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("yaml-oracle-corpus");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut files = Vec::new();
    for i in 0..4000 {
        let path = dir.join(format!("{i:05}.yaml"));
        std::fs::write(&path, generated(&mut rng)).unwrap();
        files.push(path);
    }
    let answers = run_oracle(&files);
    let loaded = answers.iter().filter(|a| a.error.is_none()).count();
    // The corpus must exercise both outcomes.
    assert!(
        loaded > 1000 && loaded < 3900,
        "go-yaml loaded {loaded} of 4000"
    );
    let diffs = differences(&files);
    report("generated", files.len(), &diffs);
    assert!(diffs.is_empty(), "{} generated inputs differ", diffs.len());
}
