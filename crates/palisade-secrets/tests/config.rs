//! gitleaks configuration compatibility: extend, allowlists of each kind,
//! conditions, path-only rules, RE2 semantics, and clear errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_secrets::examples::expand;
use palisade_secrets::{CommitInfo, Limits, Scanner, SecretsConfig};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn scanner(name: &str) -> Scanner {
    let config = SecretsConfig::from_file(&fixture(name)).unwrap();
    Scanner::new(&config, Limits::default()).unwrap()
}

fn names(s: &Scanner, path: &str, text: &str) -> Vec<&'static str> {
    s.scan(path, text.as_bytes(), None)
        .findings
        .iter()
        .map(|f| f.rule.name)
        .collect()
}

fn from_text(text: &str) -> Result<Scanner, String> {
    let c = SecretsConfig::from_toml("test.toml", text, None).map_err(|e| e.to_string())?;
    Scanner::new(&c, Limits::default()).map_err(|e| e.to_string())
}

#[test]
fn extend_default_disable_and_add() {
    let s = scanner("gitleaks-extend.toml");
    let gh = expand("token = gh«»p_«a36»", 3);
    assert_eq!(names(&s, "a.txt", &gh), ["github-pat"]);
    // Disabled by disabledRules.
    assert!(names(&s, "a.txt", &expand(r#"api_key = "«a32»""#, 1)).is_empty());
    // The user's rule, with its secret group.
    let acme = "service: acme_live_k3j4h5g6f7d8s9a0q1w2e3r4\n";
    let out = s.scan("src/app.yaml", acme.as_bytes(), None);
    assert_eq!(out.findings.len(), 1);
    let f = &out.findings[0];
    assert_eq!(f.rule.name, "acme-internal-token");
    assert_eq!(f.rule.id, "acme-internal-token");
    assert!(f.rule.groups.contains(&"internal"));
    assert_eq!(f.secret.expose(), "k3j4h5g6f7d8s9a0q1w2e3r4");
    assert_eq!((f.line, f.column), (1, 20));
}

#[test]
fn rule_allowlist_and_condition_needs_every_criterion() {
    let s = scanner("gitleaks-extend.toml");
    let test_token = "acme_test_k3j4h5g6f7d8s9a0q1w2e3r4"; // gitleaks:allow (test data)
    // Both the match regex and the path: allowed.
    assert!(names(&s, "tests/a.txt", test_token).is_empty());
    // Only one of the two: reported.
    assert_eq!(names(&s, "src/a.txt", test_token), ["acme-internal-token"]);
    assert_eq!(
        names(&s, "tests/a.txt", "acme_live_k3j4h5g6f7d8s9a0q1w2e3r4"),
        ["acme-internal-token"]
    );
}

#[test]
fn stopwords_line_target_paths_commits_and_target_rules() {
    let s = scanner("gitleaks-extend.toml");
    // Old-style [rules.allowlist] stopword.
    assert!(names(&s, "a", "acme_live_k3j4h5deadbeef9a0q1w2e3").is_empty());
    // regexTarget = line, merged into a built-in rule.
    let gh = expand("token = gh«»p_«a36» # FIXTURE-ONLY", 3);
    assert!(names(&s, "a", &gh).is_empty());
    // Global path allowlist.
    let gh = expand("token = gh«»p_«a36»", 3);
    assert!(names(&s, "generated/x.go", &gh).is_empty());
    // Global commit allowlist (full id or a prefix of 7+).
    let commit = Arc::new(CommitInfo {
        id: "0123456789abcdef0123456789abcdef01234567".into(),
        ..CommitInfo::default()
    });
    assert!(
        s.scan("a", gh.as_bytes(), Some(&commit))
            .findings
            .is_empty()
    );
    let other = Arc::new(CommitInfo {
        id: "1123456789abcdef0123456789abcdef01234567".into(),
        ..CommitInfo::default()
    });
    assert_eq!(s.scan("a", gh.as_bytes(), Some(&other)).findings.len(), 1);
    // targetRules: the allowlist applies to the ACME rule only.
    assert!(names(&s, "a", "acme_live_k3j4h5g6f7d8s9a0q1w2e3r4 ignoreme").is_empty());
    assert_eq!(names(&s, "a", &format!("{gh} ignoreme")), ["github-pat"]);
}

#[test]
fn path_only_rules_fire_on_names_even_for_binary_content() {
    let s = scanner("gitleaks-extend.toml");
    let out = s.scan("deploy/acme.key", b"\0\x01binary", None);
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.findings[0].rule.name, "acme-keyfile");
    assert!(out.skipped.is_some());
    // Built-in path rule.
    let out = s.scan("certs/client.p12", b"\0\x30\x82", None);
    assert!(out.findings.iter().any(|f| f.rule.name == "pkcs12-file"));
}

#[test]
fn extend_path_resolves_from_the_config_directory() {
    let s = scanner("gitleaks-child.toml");
    assert_eq!(
        names(&s, "a", "base_secret_12345678 child_secret_87654321"),
        ["base-rule", "child-rule"]
    );
    // No useDefault: only the file's own rules.
    assert_eq!(s.rule_count(), 2);
}

#[test]
fn re2_semantics_ascii_classes() {
    // Go's \w, \d, \s and \b are ASCII; Rust's are Unicode by default.
    let s = from_text(
        r#"
[[rules]]
id = "word"
regex = '''key=(\w{6})\b'''
"#,
    )
    .unwrap();
    assert_eq!(names(&s, "a", "key=abc123 "), ["word"]);
    // é is not \w in RE2: no 6-character word here.
    assert!(names(&s, "a", "key=abécd1 ").is_empty());
    // \d does not match Arabic-Indic digits.
    let s = from_text("[[rules]]\nid = \"d\"\nregex = '''pin=(\\d{4})'''\n").unwrap();
    assert!(names(&s, "a", "pin=١٢٣٤").is_empty());
    assert_eq!(names(&s, "a", "pin=1234"), ["d"]);
}

#[test]
fn keywords_gate_rules_case_insensitively() {
    let s = from_text(
        r#"
[[rules]]
id = "kw"
regex = '''[0-9]{8}'''
keywords = ["PIN"]
"#,
    )
    .unwrap();
    assert!(names(&s, "a", "code 12345678").is_empty());
    assert_eq!(names(&s, "a", "pin 12345678"), ["kw"]);
    // User rules confirm over the whole input, as gitleaks does.
    let far = format!("pin\n{}\n12345678", "x".repeat(5000));
    assert_eq!(names(&s, "a", &far), ["kw"]);
}

#[test]
fn first_non_empty_group_is_the_secret_without_secret_group() {
    let s = from_text(
        r#"
[[rules]]
id = "alt"
regex = '''(?:a=([0-9]{4})|b=([0-9]{4}))'''
"#,
    )
    .unwrap();
    let out = s.scan("a", b"b=5678", None);
    assert_eq!(out.findings[0].secret.expose(), "5678");
}

#[test]
fn malformed_configs_name_file_and_line() {
    let cases: &[(&str, &str, u32)] = &[
        (
            "title = \"x\"\n\n[[rules]\nid = \"a\"\n",
            "invalid gitleaks configuration",
            3,
        ),
        (
            "\n[[rules]]\nid = \"a\"\nregex = '''(unclosed'''\n",
            "rule `a`: invalid regex",
            2,
        ),
        ("[[rules]]\nregex = 'x'\n", "rule has no `id`", 1),
        (
            "\n\n[[rules]]\nid = \"a\"\n",
            "neither `regex` nor `path`",
            3,
        ),
        (
            "[[rules]]\nid = \"a\"\nregex = '''(x)'''\nsecretGroup = 3\n",
            "secretGroup 3 but the regex has 1 group",
            1,
        ),
        (
            "[[rules]]\nid = \"a\"\nregex = 'x'\n[[rules.allowlists]]\ncondition = \"XOR\"\nregexes = ['y']\n",
            "condition `XOR`",
            1,
        ),
        (
            "[[allowlists]]\nregexTarget = \"file\"\nregexes = ['y']\n",
            "regexTarget `file`",
            1,
        ),
        (
            "[[allowlists]]\ndescription = \"empty\"\n",
            "no regexes, paths",
            1,
        ),
        (
            "[[rules]]\nid = \"a\"\nregex = 'x'\nentropy = \"high\"\n",
            "invalid gitleaks configuration",
            4,
        ),
        (
            "[[rules]]\nid = \"a\"\nregex = 'x'\nseverity = \"urgent\"\n",
            "invalid severity",
            1,
        ),
    ];
    for (text, want, line) in cases {
        let err = from_text(text)
            .err()
            .unwrap_or_else(|| panic!("accepted: {text}"));
        assert!(err.contains(want), "{err} (want {want})");
        assert!(
            err.starts_with(&format!("test.toml:{line}:")),
            "{err} (want line {line})"
        );
    }
}

#[test]
fn extend_loops_are_an_error_not_a_hang() {
    let err = SecretsConfig::from_file(&fixture("loop-a.toml")).unwrap_err();
    assert!(err.to_string().contains("[extend] chains deeper"), "{err}");
    let err = SecretsConfig::from_file(&fixture("missing.toml")).unwrap_err();
    assert!(
        err.to_string().contains("missing.toml:1: cannot read"),
        "{err}"
    );
}

#[test]
fn gitleaks_config_is_discovered_up_to_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("src/deep")).unwrap();
    assert_eq!(
        palisade_secrets::discover_gitleaks_config(&dir.path().join("src/deep")),
        None
    );
    std::fs::write(dir.path().join(".gitleaks.toml"), "").unwrap();
    let found = palisade_secrets::discover_gitleaks_config(&dir.path().join("src/deep")).unwrap();
    assert!(found.ends_with(".gitleaks.toml"));
}

/// `palisade.yaml`'s `secrets:` section read by palisade-core, merged on
/// top of the built-in rules.
fn with_settings(yaml: &str) -> Result<Scanner, String> {
    let settings = palisade_core::Config::parse("conf/palisade.yaml", yaml)
        .map_err(|e| e.to_string())?
        .secrets;
    let mut c = SecretsConfig::builtin().unwrap();
    c.extend_with(&settings).map_err(|e| e.to_string())?;
    Scanner::new(&c, Limits::default()).map_err(|e| e.to_string())
}

#[test]
fn palisade_yaml_adds_rules_and_allowlists() {
    let s = with_settings(
        "secrets:
  rules:
    - id: acme-key
      description: ACME deploy key
      regex: 'acme_key_([0-9a-z]{16})'
      secret-group: 1
      keywords: [acme_key_]
      tags: [acme]
      severity: critical
    - id: github-pat
      severity: low
      allowlists:
        - stopwords: [zzrevoked]
  allowlists:
    - description: test fixtures
      paths: ['^fixtures/']
",
    )
    .unwrap();
    let gh = expand("token = gh«»p_«a36»", 3);
    // A built-in rule still finds, with the severity palisade.yaml gives it.
    let out = s.scan("src/a.env", gh.as_bytes(), None);
    assert_eq!(out.findings.len(), 1, "{:?}", out.findings);
    let f = &out.findings[0];
    assert_eq!((f.rule.id, f.rule.name), ("LK042", "github-pat"));
    assert_eq!(f.rule.severity, palisade_core::Severity::Low);
    // The global allowlist hides the built-in rule's finding under fixtures/.
    assert!(names(&s, "fixtures/a.env", &gh).is_empty());
    // The rule allowlist added to the built-in rule.
    assert!(
        names(
            &s,
            "src/a.env",
            "token = ghp_zzrevokedAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1"
        )
        .is_empty()
    );
    // The added rule finds its secret (group 1), with its metadata.
    let out = s.scan("deploy/x.sh", b"export K=acme_key_k3j4h5g6f7d8s9a0\n", None);
    assert_eq!(out.findings.len(), 1);
    let f = &out.findings[0];
    assert_eq!((f.rule.id, f.rule.name), ("acme-key", "acme-key"));
    assert_eq!(f.rule.title, "ACME deploy key");
    assert_eq!(f.rule.severity, palisade_core::Severity::Critical);
    assert!(f.rule.groups.contains(&"acme") && f.rule.groups.contains(&"secret"));
    assert_eq!(f.secret.expose(), "k3j4h5g6f7d8s9a0");
    assert_eq!((f.line, f.column), (1, 19));
    // Without the section, the built-in rule keeps its severity and the
    // fixture is reported.
    let plain = with_settings("fail-on: high\n").unwrap();
    let out = plain.scan("fixtures/a.env", gh.as_bytes(), None);
    assert_eq!(out.findings.len(), 1);
    assert_eq!(
        out.findings[0].rule.severity,
        palisade_core::Severity::Critical
    );
}

#[test]
fn palisade_yaml_secret_errors_name_the_file_and_line() {
    let e =
        with_settings("secrets:\n  rules:\n    - id: acme\n      regex: '(oops'\n").unwrap_err();
    assert!(
        e.starts_with("conf/palisade.yaml:3: rule `acme`: invalid regex"),
        "{e}"
    );
    let e = with_settings("secrets:\n  rules:\n    - id: acme\n      keywords: [x]\n").unwrap_err();
    assert!(
        e.starts_with("conf/palisade.yaml:3: rule `acme` is not a known rule"),
        "{e}"
    );
    let e = with_settings("secrets:\n  allowlists:\n    - paths: ['(']\n").unwrap_err();
    assert!(
        e.starts_with("conf/palisade.yaml:3: invalid allowlist path regex"),
        "{e}"
    );
    let e = with_settings(
        "secrets:\n  rules:\n    - id: github-pat\n      regex: 'gh(p)_x'\n      secret-group: 3\n",
    )
    .unwrap_err();
    assert!(
        e.starts_with("conf/palisade.yaml:3: rule `github-pat`: secretGroup 3"),
        "{e}"
    );
}
