//! Differential test of the fast path against the saphyr path (the oracle).
//!
//! Whenever the fast path accepts an input, its result must be exactly the
//! saphyr path's: same documents, trees, positions, lines, and no errors.
//! Inputs: every YAML/JSON file of the repository, mutations of each (to
//! reach the syntax and edge cases), and a hand list of tricky snippets.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use palisade_yaml::{Limits, paths};
use std::path::{Path, PathBuf};

/// Default limits and tight ones, so limit handling is compared as well.
fn limit_sets() -> [Limits; 2] {
    [
        Limits::default(),
        Limits {
            max_bytes: usize::MAX,
            max_depth: 4,
            max_nodes: 40,
            max_documents: 2,
        },
    ]
}

#[derive(Default)]
struct Tally {
    inputs: usize,
    accepted: usize,
}

impl Tally {
    /// Runs both paths on `text`; fails on any difference when the fast
    /// path accepts. Returns whether it accepted with the default limits.
    fn check(&mut self, text: &str, what: &dyn Fn() -> String) -> bool {
        let mut accepted_default = false;
        for (i, limits) in limit_sets().iter().enumerate() {
            let Some(fast) = paths::fast(text, limits) else {
                continue;
            };
            if i == 0 {
                accepted_default = true;
            }
            let slow = paths::general(text, limits);
            let same = fast.errors.is_empty()
                && slow.errors.is_empty()
                && format!("{:?}", fast.documents) == format!("{:?}", slow.documents);
            if !same && let Ok(dir) = std::env::var("YAML_DUMP") {
                static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
                let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                std::fs::write(format!("{dir}/{n}.yaml"), text).unwrap();
                continue;
            }
            assert!(
                same,
                "fast path differs from saphyr on {} (limits {limits:?})\ninput: {text:?}\nfast:   {:?}\nsaphyr: {:?} {:?}",
                what(),
                fast.documents,
                slow.documents,
                slow.errors
            );
        }
        self.inputs += 1;
        self.accepted += usize::from(accepted_default);
        accepted_default
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.yaml`, `.yml` and `.json` file under `dir`, skipping build
/// output, hidden directories and virtualenvs.
fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            // bench/ holds generated, untracked data: the oracle reads only
            // what a fresh clone has, so its result does not depend on it.
            if name.starts_with('.')
                || name == "target"
                || name == "node_modules"
                || name == "bench"
            {
                continue;
            }
            yaml_files(&path, out);
        } else if ft.is_file()
            && [".yaml", ".yml", ".json"]
                .iter()
                .any(|ext| name.ends_with(ext))
        {
            out.push(path);
        }
    }
}

/// A small deterministic generator for mutation choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// The nearest char boundary at or before `i`.
fn boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Variants of `text` that exercise syntax edges: truncations, inserted
/// odd characters, duplicated, deleted and re-indented lines, CRLF.
fn mutations(text: &str, seed: u64, count: usize) -> Vec<String> {
    let mut rng = Rng(seed | 1);
    let mut out = Vec::new();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let inserts = [
        "\t", " ", "#", ": ", "- ", "\n", "'", "\"", "[", "]", "{", "}", ",", "&a ", "*a", "!t ",
        "? ", "|", ">", "---\n", "...\n", "\r", "\\", "é", "\u{feff}", "%", "@", "  ", "\n  ",
        "\n- ", ":", "-", "\u{2028}", "\u{85}", "\0",
    ];
    for k in 0..count {
        let m = match k % 7 {
            0 => text[..boundary(text, rng.below(text.len() + 1))].to_string(),
            1 | 2 => {
                let at = boundary(text, rng.below(text.len() + 1));
                let ins = inserts[rng.below(inserts.len())];
                format!("{}{}{}", &text[..at], ins, &text[at..])
            }
            3 if !lines.is_empty() => {
                let i = rng.below(lines.len());
                let mut v = lines.clone();
                v.insert(i, lines[i]);
                v.concat()
            }
            4 if !lines.is_empty() => {
                let i = rng.below(lines.len());
                let mut v: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
                match rng.below(3) {
                    0 => v[i] = format!(" {}", v[i]),
                    1 => v[i] = v[i].strip_prefix(' ').unwrap_or(&v[i]).to_string(),
                    _ => {
                        v.remove(i);
                    }
                }
                v.concat()
            }
            5 => text.replace('\n', "\r\n"),
            _ => {
                let at = boundary(text, rng.below(text.len() + 1));
                let len = rng.below(8);
                let end = boundary(text, at + len);
                format!("{}{}", &text[..at], &text[end..])
            }
        };
        out.push(m);
    }
    out
}

#[test]
fn fast_path_agrees_with_saphyr_on_repository_files() {
    let mut files = Vec::new();
    yaml_files(&repo_root(), &mut files);
    assert!(files.len() > 100, "found only {} files", files.len());
    let mut originals = Tally::default();
    let mut mutated = Tally::default();
    let mut declined = Vec::new();
    for (n, path) in files.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let shown = || path.display().to_string();
        if !originals.check(&text, &shown) {
            declined.push(path.clone());
        }
        let count = if text.len() > 200_000 { 3 } else { 14 };
        for (k, m) in mutations(&text, n as u64 * 7919 + 17, count)
            .iter()
            .enumerate()
        {
            mutated.check(m, &|| format!("{} (mutation {k})", path.display()));
        }
    }
    println!(
        "files: {} accepted of {} ({:.1}%); mutations: {} accepted of {} ({:.1}%)",
        originals.accepted,
        originals.inputs,
        100.0 * originals.accepted as f64 / originals.inputs.max(1) as f64,
        mutated.accepted,
        mutated.inputs,
        100.0 * mutated.accepted as f64 / mutated.inputs.max(1) as f64,
    );
    for p in declined.iter().take(30) {
        println!("declined: {}", p.display());
    }
}

/// The fast path must actually take the manifests we care about.
#[test]
fn fast_path_accepts_pss_fixtures_and_examples() {
    let root = repo_root();
    let mut files = Vec::new();
    yaml_files(&root.join("crates/palisade-k8s/tests/data/pss"), &mut files);
    yaml_files(&root.join("examples/shop"), &mut files);
    assert!(files.len() > 1000, "found only {} files", files.len());
    let declined: Vec<_> = files
        .iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            paths::fast(&text, &Limits::default()).is_none()
        })
        .collect();
    assert!(declined.is_empty(), "declined: {declined:?}");
}

const SNIPPETS: &[&str] = &[
    "",
    "# only a comment\n",
    "# a\n\n# b",
    "\n\n\n",
    "key: \"a: b\"\n",
    "- - a\n",
    "- - a\n  - b\n- c\n",
    "a: [b, {c: d}]\n",
    "a: [b, {c: d}, ]\n",
    "url: http://x:80/y\n",
    "a: b #c\n",
    "a: b#c\n",
    "\"quoted key\": 1\n",
    "'single key': 1\n",
    "a: 'it''s'\n",
    "a: \"\\\"\\\\\\n\\t\\u00e9\\x41\\U0001F600\\/\\0\\a\\b\\e\\f\\v\\r\\N\\_\\L\\P\\ \"\n",
    "a: \"\\q\"\n",
    "a: \"\\ud800\"\n",
    "a: |\n  x\n\n  y\n",
    "a: |\n  x\n\n  y\n\n\n",
    "a: |+\n  x\n\n\n",
    "a: |-\n  x\n\n\n",
    "a: >\n  x\n  y\n\n  z\n   w\n  v\n",
    "a: >-\n  x\n  y\n\n  z\nb: 1",
    "a: >+\n  x\n\n",
    "a: |2\n    x\n  y\n",
    "a: |1-\n  x\n",
    "- |\n  x\n- >-\n  y\n",
    "- k: |\n    x\n  j: 1\n",
    "a: |\nb: 1\n",
    "a: |\n\n\nb: 1\n",
    "a: |+\n",
    "a: |+\n\n",
    "a: |\n  x",
    "a: |\n  x\n  ",
    "a: |\n    \n  x\n",
    "a: | # comment\n  x\n",
    "a: |#c\n  x\n",
    "a: |0\n  x\n",
    "key:",
    "key:\n",
    "- \n",
    "-\n- a\n-",
    "- # c\n- a\n",
    "k:\n- a\n- b\nj: 1",
    "k:\n-\n- b\n",
    "k:\n- a: 1\n  b: 2\n- c\n",
    "k:\n  - a\n  - b\n",
    "ключ: значение\nb: [é, ü]\nc: {ä: ö}\n",
    "- ü: x\n  é: y\n",
    "a: 1\r\nb: 2\r\n",
    "--- # comment\na: 1\n",
    "---\n...\n---\n",
    "---\na: 1\n...\n---\nb: 2\n",
    "a: 1\n---\nb: 2\n",
    "a: 1\n...\nb: 2\n",
    "--- a\n",
    "---\n",
    "top level scalar\n",
    "\"quoted top\"\n",
    "42",
    "[1, 2, 3]",
    "{\"a\": {\"b\": [1, 2.5, true, null, \"x\"]}, \"c\": \"d\"}\n",
    "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ]\n}\n",
    "a: [\n  1, 2\n]\n",
    "a: [\nb]\n",
    "a:\n  b: [\n c]\n",
    "a: b: c\n",
    "a: - b\n",
    "a:\n  b: 1\n c: 2\n",
    "a:\n  b: 1\n   c: 2\n",
    "- a\nb: 1\n",
    "a: 1\n- b\n",
    "on: yes\nn: 0x1F\nf: 1e3\nnull: ~\n",
    "<<: {a: 1}\nb: 2\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "? a\n: b\n",
    "%YAML 1.2\n---\na: 1\n",
    "a:\tb\n",
    "\ta: b\n",
    "a: b\n  c\n",
    "a: 'multi\n  line'\n",
    "a: \"multi\n  line\"\n",
    "[a, b]: c\n",
    "a: [b]x\n",
    "a: {b: c}, d\n",
    "a: [\"q\":1]\n",
    "a: {b}\n",
    "a: {b: }\n",
    "a: [a b, c]\n",
    "a: [-1, -x, - y]\n",
    "a: b,c]\n",
    "-x: y\n-1: z\n",
    "a : b\n",
    "a:    \n",
    "a: b   \n",
    "a: 'x'   # c\n",
    "a: 'x'#c\n",
    "a: \"x\"y\n",
    "---x\n",
    "--- \n- a\n",
    "- ---\n",
    "a:\n  - b\n  -\n  - c\n",
    "a:\n- b\n-\nc: d\n",
    "   a: 1\n   b: 2\n",
    "a:\n    - x\n    - y\n  # comment\nb: 1\n",
    "k: v\n  # comment\n",
    "- [a, b]\n- {c: d}\n",
    "a: [a, # c\n  b]\n",
    "a: [a,#c\n  b]\n",
    "a: {x: [1,\n2]}\n",
    "a: []\nb: {}\n",
    "a: [,]\n",
    "a: [a,,b]\n",
    "- - - a\n    - b\n  - c\n",
    "x: \"\"\ny: ''\n",
    "a:b: c\n",
    "a: :b\n",
    "a: ?b\n",
    "a: b:\n",
    "'a''b': \"c\\\"d\": e\n",
    "a: 'b' : c\n",
    "\"a\" : b\n",
];

#[test]
fn fast_path_agrees_with_saphyr_on_tricky_snippets() {
    let mut tally = Tally::default();
    for (i, s) in SNIPPETS.iter().enumerate() {
        tally.check(s, &|| format!("snippet {i}"));
        for (k, m) in mutations(s, i as u64 + 1, 40).iter().enumerate() {
            tally.check(m, &|| format!("snippet {i} mutation {k}"));
        }
    }
    println!(
        "snippets and mutations: {} accepted of {}",
        tally.accepted, tally.inputs
    );
}

/// Random line soup from YAML pieces at random indentation: reaches
/// combinations (block scalars next to sequences, odd indents, markers)
/// that real files and their mutations rarely do.
fn generated(rng: &mut Rng) -> String {
    const STARTS: &[&str] = &[
        "", "", "", "- ", "- ", "- - ", "-", "---", "...", "--- ", "# c", "  # c",
    ];
    const KEYS: &[&str] = &[
        "a:", "b:", "<<:", "\"q k\":", "'s''k':", "é:", "on:", "a b:", "k:v:", "-x:", "::1:", "x :",
    ];
    const VALUES: &[&str] = &[
        "",
        " 1",
        " yes",
        " ~",
        " -3",
        " 0x1F",
        " 1.5",
        " .nan",
        " x y",
        " 'q''s'",
        " \"d\\n\\u00e9\"",
        " |",
        " |-",
        " >",
        " >+",
        " |2",
        " [a, b]",
        " {a: 1, b: [2]}",
        " [",
        " {",
        " ]",
        " }",
        " a #c",
        " a#c",
        " ü",
        " http://x:80",
        " - z",
        " a: b",
        " \"a\": b",
        " *x",
        " &x y",
        " !t y",
        " ? z",
        " 'open",
        " [a,\n  b]",
        " {\n  \"k\": 1\n  }",
    ];
    let lines = 1 + rng.below(12);
    let mut out = String::new();
    for _ in 0..lines {
        out.push_str(&" ".repeat(rng.below(4) * 2 + usize::from(rng.below(5) == 0)));
        out.push_str(STARTS[rng.below(STARTS.len())]);
        match rng.below(4) {
            0 => out.push_str(VALUES[rng.below(VALUES.len())].trim_start()),
            1 => {}
            _ => {
                out.push_str(KEYS[rng.below(KEYS.len())]);
                out.push_str(VALUES[rng.below(VALUES.len())]);
            }
        }
        if rng.below(10) > 0 {
            out.push('\n');
        }
    }
    out
}

#[test]
fn fast_path_agrees_with_saphyr_on_generated_soup() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut tally = Tally::default();
    for i in 0..60_000 {
        let text = generated(&mut rng);
        tally.check(&text, &|| format!("generated input {i}"));
    }
    println!("generated: {} accepted of {}", tally.accepted, tally.inputs);
}

/// Renders a random well-formed-looking document: nested block mappings
/// and sequences (indented by 1 to 3, or indentless), compact entries, flow
/// collections and block scalars with empty, more-indented and trailing
/// lines — the folding and chomping cases.
fn render_node(rng: &mut Rng, out: &mut String, indent: usize, depth: usize, inline: bool) {
    const SCALARS: &[&str] = &[
        "x",
        "1",
        "-2",
        "yes",
        "null",
        "~",
        "'a b'",
        "\"c\\td\"",
        "é ü",
        "http://h:1/p",
        "a #c",
        "[1, {b: c}]",
        "{}",
        "[]",
        "\"\"",
        "3.0e2",
        "0o17",
    ];
    let kind = if depth > 3 { 2 } else { rng.below(4) };
    let step = 1 + rng.below(3);
    match kind {
        0 => {
            let n = 1 + rng.below(3);
            for i in 0..n {
                if i > 0 || !inline {
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str(["k", "key", "\"q\"", "é", "<<"][rng.below(5)]);
                out.push_str(&i.to_string());
                out.push(':');
                if rng.below(2) == 0 {
                    out.push('\n');
                    let child = if rng.below(3) == 0 {
                        indent
                    } else {
                        indent + step
                    };
                    if child == indent {
                        render_seq(rng, out, indent, depth + 1);
                    } else {
                        render_node(rng, out, child, depth + 1, false);
                    }
                } else {
                    out.push(' ');
                    render_scalar(rng, out, indent, SCALARS);
                }
            }
        }
        1 => render_seq(rng, out, if inline { 0 } else { indent }, depth + 1),
        _ => {
            if !inline {
                out.push_str(&" ".repeat(indent));
            }
            render_scalar(rng, out, indent.saturating_sub(1), SCALARS);
        }
    }
}

fn render_seq(rng: &mut Rng, out: &mut String, indent: usize, depth: usize) {
    let n = 1 + rng.below(3);
    for _ in 0..n {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        if rng.below(5) == 0 {
            out.push('\n');
            let child = indent + 1 + rng.below(2);
            render_node(rng, out, child, depth + 1, false);
        } else {
            out.push(' ');
            render_node(rng, out, indent + 2, depth + 1, true);
        }
    }
}

fn render_scalar(rng: &mut Rng, out: &mut String, parent: usize, scalars: &[&str]) {
    if rng.below(3) > 0 {
        out.push_str(scalars[rng.below(scalars.len())]);
        out.push('\n');
        return;
    }
    out.push_str(["|", ">", "|-", ">-", "|+", ">+", "|1", ">2-"][rng.below(8)]);
    out.push('\n');
    let base = parent + 1 + rng.below(2);
    for _ in 0..rng.below(5) {
        match rng.below(5) {
            0 => out.push('\n'),
            1 => out.push_str(&format!("{}  more\n", " ".repeat(base))),
            2 => out.push_str(&format!("{} \n", " ".repeat(base))),
            _ => out.push_str(&format!("{}text {}\n", " ".repeat(base), rng.below(9))),
        }
    }
}

#[test]
fn fast_path_agrees_with_saphyr_on_generated_documents() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut tally = Tally::default();
    for i in 0..40_000 {
        let mut text = String::new();
        for _ in 0..1 + rng.below(2) {
            if rng.below(2) == 0 {
                text.push_str("---\n");
            }
            let indent = rng.below(2);
            render_node(&mut rng, &mut text, indent, 0, false);
        }
        tally.check(&text, &|| format!("generated document {i}"));
    }
    println!(
        "generated documents: {} accepted of {}",
        tally.accepted, tally.inputs
    );
}
