//! Mutated manifests through the whole check path (parse, objects, PSS,
//! object rules, set rules, suppressions): nothing may panic, and whatever is
//! reported names a line inside the file.
//!
//! The mutations are deterministic: truncation, type confusion (a mapping
//! where a scalar belongs and the other way round), nulls, huge numbers,
//! odd strings, and duplicated keys, applied to the demo application and a
//! sample of the upstream PSS fixtures.

use palisade_core::Config;
use palisade_k8s::check::check_file;
use palisade_k8s::set::{Facts, check_set};
use palisade_yaml::Limits;
use std::path::{Path, PathBuf};

fn inputs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = Vec::new();
    let shop = root.join("../../examples/shop");
    for e in std::fs::read_dir(&shop).unwrap() {
        files.push(e.unwrap().path());
    }
    let fixtures = root.join("tests/data/pss/restricted/v1.37/fail");
    let mut sample: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    sample.sort();
    files.extend(sample.into_iter().step_by(3));
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

/// Deterministic variants of one manifest.
fn mutations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for cut in (0..text.len()).step_by(37) {
        if text.is_char_boundary(cut) {
            out.push(text[..cut].to_string());
        }
    }
    let replacements: &[(&str, &str)] = &[
        (": true", ": {nested: [1, 2]}"),
        (": false", ": [false]"),
        (": true", ": null"),
        (": 0", ": 99999999999999999999999"),
        (": 0", ": -1"),
        ("- name:", "- - name:"),
        ("containers:", "containers: {}"),
        ("containers:", "containers: 7"),
        ("securityContext:", "securityContext: ~\n    x:"),
        ("image:", "image: [a, b]\n    other:"),
        ("spec:", "spec: \"string\"\nignored:"),
        ("capabilities:", "capabilities: \"ALL\"\n        x:"),
        ("metadata:", "metadata: []\nm2:"),
        ("name:", "name: \"\\u0000\\u202e\""),
    ];
    for (from, to) in replacements {
        if text.contains(from) {
            out.push(text.replacen(from, to, 1));
            out.push(text.replace(from, to));
        }
    }
    for i in 0..lines.len() {
        let mut dup = lines.clone();
        dup.insert(i, lines[i]);
        out.push(dup.join("\n"));
    }
    out
}

#[test]
fn mutated_manifests_never_panic_and_point_inside_the_file() {
    let config = Config::default();
    let limits = Limits::default();
    let mut checked = 0usize;
    for (path, text) in inputs() {
        for variant in mutations(&text) {
            let result = check_file(&path, &variant, &config, true, &limits);
            let mut facts = Facts::default();
            facts.merge(result.facts);
            let lines = u32::try_from(variant.lines().count().max(1)).unwrap();
            for f in result.findings.iter().chain(check_set(&facts).iter()) {
                assert!(
                    f.location.line >= 1 && f.location.line <= lines + 1,
                    "{path}: finding at line {} of a {lines}-line variant: {f:?}\n{variant}",
                    f.location.line
                );
            }
            for e in &result.errors {
                assert!(
                    e.line.is_none_or(|l| l >= 1 && l <= lines + 1),
                    "{path}: {e:?}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} variants");
}
