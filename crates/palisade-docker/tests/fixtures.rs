//! Every fixture under `tests/fixtures/<rule name>/` is checked and its
//! findings are snapshotted. A `fail*` fixture must produce at least one
//! finding of the rule its directory is named after and a `pass*` fixture
//! none; `tests/fixtures/parser/` holds files that exercise the parser, whose
//! findings are only snapshotted. Every rule must have both kinds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use palisade_core::Config;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One line per finding: rule, line:column, stage, message; then errors.
fn render(relative: &str) -> (String, palisade_docker::Output) {
    let text = std::fs::read_to_string(fixtures_dir().join(relative)).unwrap();
    let out = palisade_docker::check(relative, &text, &Config::default());
    let mut s = String::new();
    for f in &out.findings {
        assert_eq!(f.location.path, relative);
        let resource = f.resource.as_ref().unwrap();
        assert_eq!(resource.kind, "Dockerfile");
        writeln!(
            s,
            "{} {}:{} [{}] {}",
            f.rule_id,
            f.location.line,
            f.location.column,
            resource.name.as_deref().unwrap(),
            f.message
        )
        .unwrap();
    }
    for e in &out.errors {
        writeln!(s, "error {:?}:{:?} {}", e.line, e.column, e.message).unwrap();
    }
    (s, out)
}

fn fixtures() -> Vec<String> {
    let mut all = Vec::new();
    for dir in std::fs::read_dir(fixtures_dir()).unwrap() {
        let dir = dir.unwrap().path();
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            let rel = file.strip_prefix(fixtures_dir()).unwrap();
            all.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    all.sort();
    all
}

#[test]
fn fixtures_match_snapshots_and_expectations() {
    let rules = palisade_docker::rules();
    for relative in fixtures() {
        let (dir, file) = relative.split_once('/').unwrap();
        let (rendered, out) = render(&relative);
        if dir != "parser" {
            let rule = rules
                .iter()
                .find(|r| r.name == dir)
                .unwrap_or_else(|| panic!("fixture directory `{dir}` names no rule"));
            let hits = out.findings.iter().filter(|f| f.rule_id == rule.id).count();
            if file.starts_with("fail") {
                assert!(
                    hits > 0,
                    "{relative}: expected {} findings\n{rendered}",
                    rule.id
                );
            } else {
                assert!(
                    file.starts_with("pass"),
                    "{relative}: name must start with pass or fail"
                );
                assert_eq!(
                    hits, 0,
                    "{relative}: expected no {} finding\n{rendered}",
                    rule.id
                );
            }
            assert!(out.errors.is_empty(), "{relative}: {:?}", out.errors);
        }
        let name = relative.trim_end_matches(".Dockerfile").replace('/', "__");
        insta::assert_snapshot!(name, rendered, &relative);
    }
}

#[test]
fn every_rule_has_failing_and_passing_fixtures() {
    let all = fixtures();
    for rule in palisade_docker::rules() {
        for kind in ["fail", "pass"] {
            let prefix = format!("{}/{kind}", rule.name);
            assert!(
                all.iter().any(|f| f.starts_with(&prefix)),
                "{} has no {kind} fixture",
                rule.id
            );
        }
    }
}
