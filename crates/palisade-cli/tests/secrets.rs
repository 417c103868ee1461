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

fn head(dir: &Path) -> String {
    let o = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

#[test]
fn fingerprint_and_commit_are_structured_in_json_and_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "a.env", &format!("A={}\n", token("A5")));
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "add secret"]);
    let commit = head(d);

    let files = json(&palisade(
        &["scan", "--scanners", "secret", "-f", "json", "."],
        d,
    ));
    let fp = files["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(fp.len(), 32);
    assert!(files["findings"][0].get("commit").is_none());

    // The same secret from history: the same fingerprint, and the commit.
    let history = json(&palisade(&["scan", "--history", "-f", "json", "."], d));
    let f = &history["findings"][0];
    assert_eq!(f["fingerprint"], fp.as_str());
    assert_eq!(f["commit"]["id"], commit.as_str());
    assert_eq!(f["commit"]["author"], "Bob");
    assert_eq!(f["commit"]["email"], "bob@example.com");
    assert_eq!(f["commit"]["summary"], "add secret");
    assert!(f["commit"]["date"].as_str().unwrap().ends_with('Z'));

    let sarif = json(&palisade(&["scan", "--history", "-f", "sarif", "."], d));
    let r = &sarif["runs"][0]["results"][0];
    assert_eq!(
        r["partialFingerprints"]["palisadeSecretFingerprint/v1"],
        fp.as_str()
    );
    assert_eq!(r["properties"]["commit"]["id"], commit.as_str());
    assert!(
        !String::from_utf8_lossy(&palisade(&["scan", "--history", "-f", "sarif", "."], d).stdout)
            .contains(&token("A5"))
    );
}

#[test]
fn reasonless_suppression_in_history_is_pal001() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(
        d,
        "a.env",
        &format!("# palisade:ignore github-pat\nA={}\n", token("A5")),
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "hide it"]);
    // As in a file scan: the secret is suppressed, the bare comment is PAL001.
    for args in [
        &["scan", "--scanners", "secret", "-f", "json", "."][..],
        &["scan", "--history", "-f", "json", "."][..],
    ] {
        let o = palisade(args, d);
        assert_eq!(code(&o), 1, "{args:?}: {}", out(&o));
        let v = json(&o);
        let mut ids = rule_ids(&v);
        ids.sort();
        assert_eq!(ids, ["LK042", "PAL001"], "{args:?}");
        let pal = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "PAL001")
            .unwrap();
        assert_eq!(pal["location"]["line"], 1);
        assert!(pal.get("suppressed").is_none());
    }
}

#[test]
fn palisade_yaml_adds_secret_rules_and_allowlists() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "palisade.yaml",
        "secrets:\n  rules:\n    - id: acme-key\n      description: ACME deploy key\n      regex: 'acme_key_[0-9a-z]{16}'\n      keywords: [acme_key_]\n      severity: low\n  allowlists:\n    - description: revoked test tokens\n      paths: ['^fixtures/']\n",
    );
    write(d, "src/app.sh", "K=acme_key_k3j4h5g6f7d8s9a0\n");
    write(d, "fixtures/a.env", &format!("A={}\n", token("A5")));
    write(d, "src/a.env", &format!("A={}\n", token("B6")));
    let o = palisade(&["scan", "--scanners", "secret", "-f", "json", "."], d);
    let v = json(&o);
    let found: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["rule_id"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
                f["severity"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        ["LK042 src/a.env critical", "acme-key src/app.sh low"],
        "{v}"
    );
    // The added rule is selectable like any other.
    let o = palisade(
        &[
            "scan",
            "--scanners",
            "secret",
            "--select",
            "acme-key",
            "-f",
            "json",
            ".",
        ],
        d,
    );
    assert_eq!(rule_ids(&json(&o)), ["acme-key"]);
    // A bad regex names palisade.yaml and the rule's line.
    write(
        d,
        "palisade.yaml",
        "fail-on: low\nsecrets:\n  rules:\n    - id: acme-key\n      regex: '(oops'\n",
    );
    let o = palisade(&["scan", "--scanners", "secret", "."], d);
    assert_eq!(code(&o), 2);
    assert!(
        out(&o).contains("palisade.yaml:4: rule `acme-key`: invalid regex"),
        "{}",
        out(&o)
    );
}

#[test]
fn gitleaks_json_report_as_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let known = token("A5");
    // What `gitleaks dir --report-format json` writes (trimmed fields).
    let report = serde_json::json!([{
        "RuleID": "github-pat",
        "Description": "Uncovered a GitHub Personal Access Token",
        "StartLine": 1, "EndLine": 1, "StartColumn": 3, "EndColumn": 42,
        "Match": format!("A={known}"), "Secret": known, "File": "old.env",
        "SymlinkFile": "", "Commit": "", "Entropy": 4.8, "Author": "", "Email": "",
        "Date": "", "Message": "", "Tags": [], "Fingerprint": "old.env:github-pat:1"
    }]);
    write(
        d,
        "gitleaks-report.json",
        &serde_json::to_string_pretty(&report).unwrap(),
    );
    // The accepted secret, moved to another file and line: hidden.
    write(d, "app/b.env", &format!("\n\nTOKEN={known}\n"));
    let o = palisade(
        &[
            "scan",
            "--scanners",
            "secret",
            "--baseline",
            "gitleaks-report.json",
            ".",
        ],
        d,
    );
    assert_eq!(code(&o), 0, "{}", out(&o));
    // A new secret: reported.
    write(d, "app/c.env", &format!("TOKEN={}\n", token("C7")));
    let o = palisade(
        &[
            "scan",
            "--scanners",
            "secret",
            "--baseline",
            "gitleaks-report.json",
            "-f",
            "json",
            ".",
        ],
        d,
    );
    assert_eq!(code(&o), 1, "{}", out(&o));
    let v = json(&o);
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(v["findings"][0]["location"]["path"], "app/c.env");
    // A malformed report is a usage error naming the file and line.
    write(d, "bad.json", "[\n  {\"RuleID\": 1}\n]");
    let o = palisade(
        &[
            "scan",
            "--scanners",
            "secret",
            "--baseline",
            "bad.json",
            ".",
        ],
        d,
    );
    assert_eq!(code(&o), 2);
    assert!(
        out(&o).contains("bad.json:2: not a gitleaks JSON report"),
        "{}",
        out(&o)
    );
}

#[test]
fn base64_decoding_is_opt_in_and_points_at_the_encoded_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // `GITHUB_TOKEN=<token>` base64-encoded, as a Secret's data holds it.
    let plain = format!("GITHUB_TOKEN={}", token("A5"));
    let encoded = base64(plain.as_bytes());
    write(
        d,
        "secret.yaml",
        &format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ndata:\n  env: {encoded}\n"),
    );
    let ids_at = |args: &[&str]| -> Vec<String> {
        json(&palisade(args, d))["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}:{}",
                    f["rule_id"].as_str().unwrap(),
                    f["location"]["line"],
                    f["location"]["column"]
                )
            })
            .collect()
    };
    assert_eq!(
        ids_at(&["scan", "--scanners", "secret", "-f", "json", "."]),
        ["LK149 6:8"]
    );
    assert_eq!(
        ids_at(&[
            "scan",
            "--scanners",
            "secret",
            "--max-decode-depth",
            "2",
            "-f",
            "json",
            "."
        ]),
        ["LK042 6:8", "LK149 6:8"]
    );
    let o = palisade(&["scan", "--max-decode-depth", "1", "."], d);
    assert_eq!(code(&o), 2, "{}", out(&o));
    let o = palisade(
        &[
            "scan",
            "--scanners",
            "secret",
            "--max-decode-depth",
            "9",
            ".",
        ],
        d,
    );
    assert_eq!(code(&o), 2, "{}", out(&o));
}

/// Standard base64 with padding.
fn base64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in data.chunks(3) {
        let n = c.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)) << (8 * (3 - c.len()));
        for i in 0..4 {
            s.push(if i <= c.len() {
                char::from(A[((n >> (18 - 6 * i)) & 63) as usize])
            } else {
                '='
            });
        }
    }
    s
}
