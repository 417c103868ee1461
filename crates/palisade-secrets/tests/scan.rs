//! Scanner behaviour on hostile and everyday input: redaction,
//! fingerprints, filters, binary and huge inputs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_secrets::examples::expand;
use palisade_secrets::{Baseline, IgnoreList, Limits, Scanner, SecretsConfig, Skipped};

fn builtin() -> Scanner {
    Scanner::new(&SecretsConfig::builtin().unwrap(), Limits::default()).unwrap()
}

fn token() -> String {
    expand("gh«»p_«a36»", 42)
}

#[test]
fn findings_are_redacted_unless_asked() {
    let s = builtin();
    let t = token();
    let out = s.scan("a.env", format!("GITHUB_TOKEN={t}\n").as_bytes(), None);
    let f = &out.findings[0];
    let redacted = f.message(false);
    assert!(!redacted.contains(&t), "{redacted}");
    assert!(!format!("{f:?}").contains(&t), "Debug leaks the secret");
    assert!(!f.secret.to_string().contains(&t[4..]));
    assert!(redacted.contains("[40 chars]"), "{redacted}");
    assert!(f.message(true).contains(&t));
}

#[test]
fn fingerprints_depend_on_content_not_place() {
    let s = builtin();
    let t = token();
    let a = s.scan("a.env", format!("X={t}\n").as_bytes(), None);
    let b = s.scan(
        "b/c.env",
        format!("\n\n\n  other = 1\nY={t}\n").as_bytes(),
        None,
    );
    assert_eq!(a.findings[0].fingerprint, b.findings[0].fingerprint);
    assert_eq!(b.findings[0].line, 5);
    let other = expand("gh«»p_«a36»", 43);
    let c = s.scan("a.env", format!("X={other}\n").as_bytes(), None);
    assert_ne!(a.findings[0].fingerprint, c.findings[0].fingerprint);
    assert_eq!(a.findings[0].fingerprint.len(), 32);
}

#[test]
fn baseline_round_trip_hides_known_and_reports_new() {
    let s = builtin();
    let t = token();
    let first = s.scan("a.env", format!("X={t}\n").as_bytes(), None);
    let baseline = Baseline::from_findings(&first.findings);
    let json = baseline.to_json();
    assert!(!json.contains(&t), "the baseline must not hold the secret");
    let baseline = Baseline::parse("baseline.json", &json).unwrap();
    // Moved, and in another file: still the same accepted secret.
    let moved = s.scan("b.env", format!("\n\nX={t}\n").as_bytes(), None);
    assert!(moved.findings.iter().all(|f| baseline.contains(f)));
    // A new secret on the very same line is reported.
    let new = expand("gh«»p_«a36»", 44);
    let replaced = s.scan("a.env", format!("X={new}\n").as_bytes(), None);
    assert!(!baseline.contains(&replaced.findings[0]));
    let err = Baseline::parse("b.json", "{\"version\": 1,\n \"findings\": 3}").unwrap_err();
    assert!(err.to_string().starts_with("b.json:2:"), "{err}");
}

#[test]
fn gitleaks_allow_and_gitleaksignore() {
    let s = builtin();
    let t = token();
    let out = s.scan(
        "a.env",
        format!("X={t} # gitleaks:allow\n").as_bytes(),
        None,
    );
    assert!(out.findings.is_empty());
    let out = s.scan("a.env", format!("X={t}\n").as_bytes(), None);
    let f = &out.findings[0];
    assert_eq!(f.gitleaks_fingerprint(), "a.env:github-pat:1");
    let ignore = IgnoreList::parse("# reviewed\na.env:github-pat:1\n");
    assert!(ignore.contains(f));
    assert!(IgnoreList::parse(&f.fingerprint).contains(f));
    assert!(!IgnoreList::parse("a.env:github-pat:2").contains(f));
}

#[test]
fn placeholders_and_templates_are_quiet() {
    let s = builtin();
    for text in [
        "password = \"changeme\"",
        "password: \"${DB_PASSWORD}\"",
        "api_key = \"<your-api-key>\"",
        "client_secret = \"xxxxxxxxxxxxxxxxxxxxxxxx\"",
        "token = \"{{ .Values.token }}\"",
        "secret_key = \"%SECRET_KEY%\"",
        "api_key = os.environ[\"API_KEY\"]",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "DATABASE_URL=postgres://user:password@localhost:5432/db",
    ] {
        let out = s.scan("config.py", text.as_bytes(), None);
        let ids: Vec<_> = out.findings.iter().map(|f| f.rule.name).collect();
        assert!(ids.is_empty(), "{text}: {ids:?}");
    }
}

#[test]
fn a_specific_rule_silences_the_generic_one_on_the_same_secret() {
    let s = builtin();
    let out = s.scan(
        "a.py",
        format!("api_token = \"{}\"\n", token()).as_bytes(),
        None,
    );
    let ids: Vec<_> = out.findings.iter().map(|f| f.rule.name).collect();
    assert_eq!(ids, ["github-pat"]);
}

#[test]
fn binary_and_huge_inputs_are_skipped_not_scanned() {
    let s = Scanner::new(
        &SecretsConfig::builtin().unwrap(),
        Limits { max_bytes: 1024 },
    )
    .unwrap();
    let t = token();
    let mut bin = b"\x7fELF\0\0\0".to_vec();
    bin.extend(t.as_bytes());
    let out = s.scan("a.bin", &bin, None);
    assert_eq!(out.skipped, Some(Skipped::Binary));
    assert!(out.findings.is_empty());
    let huge = format!("{}\nX={t}\n", "a".repeat(2000));
    let out = s.scan("big.txt", huge.as_bytes(), None);
    assert_eq!(out.skipped, Some(Skipped::TooLarge(huge.len() as u64)));
}

#[test]
fn hostile_bytes_never_panic() {
    let s = builtin();
    let mut inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\xff\xfe\xfd invalid utf-8 api_key=\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff".to_vec(),
        "-----BEGIN RSA PRIVATE KEY-----".repeat(500).into_bytes(),
        "password=".repeat(10_000).into_bytes(),
        "key\r\n".repeat(1000).into_bytes(),
        "é".repeat(5000).into_bytes(),
    ];
    // Truncations of a file full of secrets, at every length.
    let full = format!(
        "X={}\n-----BEGIN«» OPENSSH PRIVATE KEY-----\n{}\n-----END OPENSSH PRIVATE KEY-----\n",
        token(),
        expand("«b70»\n«b70»", 1)
    )
    .replace("«»", "");
    for n in 0..full.len() {
        inputs.push(full.as_bytes()[..n].to_vec());
    }
    for input in inputs {
        let _ = s.scan("x", &input, None);
    }
}

#[test]
fn crlf_lines_and_columns() {
    let s = builtin();
    let t = token();
    let out = s.scan(
        "a.env",
        format!("a=1\r\nb=2\r\n  X={t}\r\n").as_bytes(),
        None,
    );
    let f = &out.findings[0];
    assert_eq!((f.line, f.column, f.end_line), (3, 5, 3));
    assert_eq!(f.secret.expose(), t);
}

#[test]
fn private_keys_span_lines_and_are_reported_once() {
    let s = builtin();
    let key = expand(
        "-----BEGIN«» RSA PRIVATE KEY-----\n«b64»\n«b64»\n«b20»==\n-----END RSA PRIVATE KEY-----\n",
        9,
    );
    let text = format!("# deploy key\n{key}");
    let out = s.scan("id_rsa", text.as_bytes(), None);
    let ids: Vec<_> = out
        .findings
        .iter()
        .map(|f| (f.rule.name, f.line, f.end_line))
        .collect();
    assert_eq!(ids, [("rsa-private-key", 2, 6)]);
}

#[test]
fn gitleaks_allow_on_the_next_line_does_not_cover_this_one() {
    // Regression: the rule's trailing `\s` consumed the newline, and the
    // next line's `gitleaks:allow` hid this line's secret.
    let s = builtin();
    let text = format!(
        "A={}\nB={} # gitleaks:allow\n",
        token(),
        expand("gh«»p_«a36»", 5)
    );
    let out = s.scan("a.env", text.as_bytes(), None);
    let lines: Vec<_> = out.findings.iter().map(|f| f.line).collect();
    assert_eq!(lines, [1]);
}
