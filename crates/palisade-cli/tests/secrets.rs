//! End-to-end tests of `palisade scan --scanners secret`: files, git
//! history, staged changes, baselines, redaction, gitleaks configuration.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{code, json, out, palisade, palisade_stdin, write};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// A GitHub-shaped token, assembled here so that the source holds none.
fn token(tail: &str) -> String {
    format!("gh{}_{}{tail}", "p", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z")
}

fn rule_ids(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "Bob")
        .env("GIT_AUTHOR_EMAIL", "bob@example.com")
        .env("GIT_COMMITTER_NAME", "Bob")
        .env("GIT_COMMITTER_EMAIL", "bob@example.com")
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", out(&o));
}

#[test]
fn secrets_in_any_file_are_found_redacted_and_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let t = token("A5");
    write(
        dir.path(),
        "app/.env",
        &format!("LOG=1\nGITHUB_TOKEN={t}\n"),
    );
    write(dir.path(), "image.png", "\u{0}\u{1}binary");
    let o = palisade(&["scan", "--scanners", "secret", "."], dir.path());
    assert_eq!(code(&o), 1, "{}", out(&o));
    let text = out(&o);
    assert!(text.contains("app/.env") && text.contains("2:14"), "{text}");
    assert!(text.contains("ghp_…[40 chars]"), "{text}");
    assert!(!text.contains(&t), "secret printed: {text}");

    let o = palisade(
        &["scan", "--scanners", "secret", "-f", "json", "."],
        dir.path(),
    );
    let v = json(&o);
    assert_eq!(rule_ids(&v), ["LK042"]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains(&t));
    assert_eq!(v["summary"]["files"], 1, "{v}");

    let o = palisade(
        &["scan", "--scanners", "secret", "--no-redact", "."],
        dir.path(),
    );
    assert!(out(&o).contains(&t));
}

#[test]
fn config_and_secret_scanners_run_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pod.yaml",
        &format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n    image: nginx\n    env:\n    - name: GITHUB_TOKEN\n      value: {}\n",
            token("A5")
        ),
    );
    let o = palisade(
        &["scan", "--scanners", "config,secret", "-f", "json", "."],
        dir.path(),
    );
    let ids = rule_ids(&json(&o));
    assert!(ids.contains(&"LK042".to_string()), "{ids:?}");
    assert!(ids.contains(&"PSS102".to_string()), "{ids:?}");
    // The default stays the configuration scanner alone.
    let o = palisade(&["scan", "-f", "json", "."], dir.path());
    assert!(!rule_ids(&json(&o)).contains(&"LK042".to_string()));
    // Selection and suppression work on secret rules like on any other.
    let o = palisade(
        &[
            "scan",
            "--scanners",
            "config,secret",
            "--select",
            "secret",
            "-f",
            "json",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(rule_ids(&json(&o)), ["LK042"]);
}

#[test]
fn suppression_comments_and_gitleaks_allow() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.env",
        &format!(
            "# palisade:ignore github-pat: revoked fixture\nA={}\nB={} # gitleaks:allow\n",
            token("A5"),
            token("B6")
        ),
    );
    let o = palisade(
        &["scan", "--scanners", "secret", "-f", "json", "."],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", out(&o));
    let v = json(&o);
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(v["findings"][0]["suppressed"]["reason"], "revoked fixture");
}

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.env", &format!("A={}\n", token("A5")));
    let o = palisade(
        &[
            "scan",
            "--scanners",
            "secret",
            "--write-baseline",
            "baseline.json",
            "--fail-on",
            "never",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", out(&o));
    let baseline = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert!(!baseline.contains(&token("A5")));
    // Moved down and into another file: still accepted.
    std::fs::remove_file(dir.path().join("a.env")).unwrap();
    write(dir.path(), "b/c.env", &format!("\n\nA={}\n", token("A5")));
    let o = palisade(
        &[
            "scan",
            "--scanners",
            "secret",
            "--baseline",
            "baseline.json",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", out(&o));
    // A new secret is not.
    write(dir.path(), "b/c.env", &format!("A={}\n", token("C7")));
    let o = palisade(
        &[
            "scan",
            "--scanners",
            "secret",
            "--baseline",
            "baseline.json",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 1, "{}", out(&o));
    // A broken baseline is a usage error.
    write(dir.path(), "bad.json", "{");
    let o = palisade(
        &[
            "scan",
            "--scanners",
            "secret",
            "--baseline",
            "bad.json",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 2);
    assert!(out(&o).contains("bad.json:"), "{}", out(&o));
}

#[test]
fn gitleaks_config_is_found_and_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".gitleaks.toml",
        "[extend]\nuseDefault = true\n\n[[rules]]\nid = \"acme\"\ndescription = \"ACME key\"\nregex = '''acme_[0-9]{8}'''\n",
    );
    write(dir.path(), "x.txt", "k = acme_12345678\n");
    let o = palisade(
        &["scan", "--scanners", "secret", "-f", "json", "."],
        dir.path(),
    );
    assert_eq!(rule_ids(&json(&o)), ["acme"]);
    write(
        dir.path(),
        "bad.toml",
        "[[rules]]\nid = \"x\"\nregex = '''(oops'''\n",
    );
    let o = palisade(
        &[
            "scan",
            "--scanners",
            "secret",
            "--gitleaks-config",
            "bad.toml",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 2);
    assert!(
        out(&o).contains("bad.toml:1: rule `x`: invalid regex"),
        "{}",
        out(&o)
    );
}

#[test]
fn history_and_staged_modes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "a.env", &format!("A={}\n", token("A5")));
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "add secret"]);
    git(d, &["rm", "-q", "a.env"]);
    git(d, &["commit", "-q", "-m", "remove secret"]);
    // The working tree is clean; history is not.
    let o = palisade(&["scan", "--scanners", "secret", "."], d);
    assert_eq!(code(&o), 0, "{}", out(&o));
    let o = palisade(&["scan", "--history", "-f", "json", "."], d);
    assert_eq!(code(&o), 1, "{}", out(&o));
    let v = json(&o);
    assert_eq!(rule_ids(&v), ["LK042"]);
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("by Bob <bob@example.com>")
    );

    // Pre-commit: only what is staged.
    write(d, "b.env", &format!("B={}\n", token("B6")));
    let o = palisade(&["scan", "--scanners", "secret", "--staged", "."], d);
    assert_eq!(code(&o), 0, "{}", out(&o));
    git(d, &["add", "b.env"]);
    let o = palisade(&["scan", "--scanners", "secret", "--staged", "."], d);
    assert_eq!(code(&o), 1, "{}", out(&o));
    assert!(out(&o).contains("b.env"));

    // Git modes read git, not files.
    let o = palisade(&["scan", "--scanners", "config", "--staged", "."], d);
    assert_eq!(code(&o), 2);
    let o = palisade(&["scan", "--baseline", "x.json", "."], d);
    assert_eq!(code(&o), 2);
    assert!(out(&o).contains("need --scanners secret"), "{}", out(&o));
}

#[test]
fn standard_input_and_rule_docs() {
    let dir = tempfile::tempdir().unwrap();
    let o = palisade_stdin(
        &["scan", "--scanners", "secret", "-f", "json", "-"],
        dir.path(),
        format!("token: {}\n", token("A5")).as_bytes(),
    );
    let v = json(&o);
    assert_eq!(rule_ids(&v), ["LK042"]);
    assert_eq!(v["findings"][0]["location"]["path"], "-");
    let o = palisade(&["rules", "explain", "github-pat"], dir.path());
    assert_eq!(code(&o), 0);
    assert!(
        out(&o).contains("GitHub personal access token"),
        "{}",
        out(&o)
    );
}

#[test]
fn oversized_files_are_skipped_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    let big = vec![b'a'; 33 * 1024 * 1024];
    std::fs::write(dir.path().join("huge.log"), &big).unwrap();
    std::fs::write(dir.path().join("backup.pfx"), &big).unwrap();
    let o = palisade(
        &["scan", "--scanners", "secret", "-f", "json", "."],
        dir.path(),
    );
    let v = json(&o);
    assert_eq!(v["errors"].as_array().unwrap().len(), 0, "{v}");
    // The path-only rule still reports the (unread) key store.
    assert_eq!(rule_ids(&v), ["LK145"]);
}
