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

/// A gitleaks JSON report (`--report-format json`) as a baseline: entries
/// with a secret match by rule and secret wherever they are; redacted
/// entries match by gitleaks fingerprint (location).
#[test]
fn gitleaks_json_report_is_a_baseline() {
    let s = builtin();
    let known = token();
    let other = expand("gh«»p_«a36»", 45);
    let redacted = expand("gh«»p_«a36»", 46);
    let report = serde_json::json!([
        {
            "RuleID": "github-pat", "Description": "GitHub Personal Access Token",
            "StartLine": 3, "EndLine": 3, "StartColumn": 5, "EndColumn": 44,
            "Match": format!("X={known}"), "Secret": known, "File": "old/a.env",
            "SymlinkFile": "", "Commit": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            "Entropy": 4.9, "Author": "a", "Email": "a@example.com",
            "Date": "2026-01-01T00:00:00Z", "Message": "m", "Tags": [],
            "Fingerprint": "4b825dc642cb6eb9a060e54bf8d69288fbee4904:old/a.env:github-pat:3"
        },
        {
            "RuleID": "github-pat", "StartLine": 2, "Secret": "REDACTED",
            "Match": "Y=REDACTED", "File": "c.env", "Commit": "",
            "Fingerprint": "c.env:github-pat:2"
        },
        {
            "RuleID": "gitlab-pat", "StartLine": 1, "Secret": other,
            "File": "d.env", "Fingerprint": "d.env:gitlab-pat:1"
        }
    ]);
    let text = serde_json::to_string_pretty(&report).unwrap();
    let baseline = Baseline::parse("gitleaks-report.json", &text).unwrap();
    assert_eq!(baseline.len(), 3);
    // The same secret, found by the same rule, in another file and line.
    let moved = s.scan("b.env", format!("\nTOKEN={known}\n").as_bytes(), None);
    assert_eq!(moved.findings.len(), 1);
    assert!(baseline.contains(&moved.findings[0]));
    // Another secret on the accepted line is reported.
    let new = s.scan("old/a.env", format!("\n\nX={other}\n").as_bytes(), None);
    assert!(!baseline.contains(&new.findings[0]));
    // The rule id must agree: the third entry is another rule's.
    let d = s.scan("d.env", format!("X={other}\n").as_bytes(), None);
    assert!(!baseline.contains(&d.findings[0]));
    // A redacted entry matches by location only.
    let at = s.scan("c.env", format!("\nY={redacted}\n").as_bytes(), None);
    assert!(baseline.contains(&at.findings[0]));
    let elsewhere = s.scan("c.env", format!("Y={redacted}\n").as_bytes(), None);
    assert!(!baseline.contains(&elsewhere.findings[0]));
    // Nothing of the secret is kept.
    assert!(!format!("{baseline:?}").contains(&known));
    // Errors name the file and line.
    let err = Baseline::parse("gl.json", "[\n {\"RuleID\": 3}\n]").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("gl.json:2: not a gitleaks JSON report"),
        "{err}"
    );
    assert!(Baseline::parse("empty.json", "[]").unwrap().is_empty());
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
        Limits {
            max_bytes: 1024,
            ..Limits::default()
        },
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

/// Standard base64, for building fixtures.
fn b64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn decoding(depth: u32) -> Scanner {
    Scanner::new(
        &SecretsConfig::builtin().unwrap(),
        Limits {
            decode_depth: depth,
            ..Limits::default()
        },
    )
    .unwrap()
}

#[test]
fn base64_layers_are_decoded_to_the_depth_asked() {
    let t = token();
    assert_eq!(b64(b"ab"), "YWI=");
    let once = b64(format!("GITHUB_TOKEN={t}").as_bytes());
    let secret =
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ndata:\n  env: {once}\n");
    let ids = |s: &Scanner, text: &str| -> Vec<(&'static str, u32, u32, bool)> {
        s.scan("secret.yaml", text.as_bytes(), None)
            .findings
            .iter()
            .map(|f| (f.rule.id, f.line, f.column, f.decoded))
            .collect()
    };
    // Without decoding, only the Secret manifest's data rule.
    assert_eq!(ids(&builtin(), &secret), [("LK149", 6, 8, false)]);
    // Decoded: the token inside, at the encoded value's line and column,
    // with the plain token's fingerprint.
    let out = decoding(1).scan("secret.yaml", secret.as_bytes(), None);
    let inner = out.findings.iter().find(|f| f.decoded).unwrap();
    assert_eq!(
        (inner.rule.id, inner.line, inner.column, inner.end_line),
        ("LK042", 6, 8, 6)
    );
    assert_eq!(inner.secret.expose(), t);
    let plain = builtin().scan("a.env", format!("X={t}\n").as_bytes(), None);
    assert_eq!(inner.fingerprint, plain.findings[0].fingerprint);
    assert!(
        inner.message(false).contains("base64"),
        "{}",
        inner.message(false)
    );

    // Twice encoded: found at depth 2, not 1.
    let twice = format!("blob: {}\n", b64(once.as_bytes()));
    assert!(ids(&decoding(1), &twice).is_empty());
    assert_eq!(ids(&decoding(2), &twice), [("LK042", 1, 7, true)]);
    // The decoded-bytes budget bounds the work.
    let tight = Scanner::new(
        &SecretsConfig::builtin().unwrap(),
        Limits {
            decode_depth: 2,
            max_decoded_bytes: 16,
            ..Limits::default()
        },
    )
    .unwrap();
    assert!(ids(&tight, &twice).is_empty());
    // gitleaks:allow on the encoded line covers what it holds.
    let allowed = format!("blob: {} # gitleaks:allow\n", b64(once.as_bytes()));
    assert!(ids(&decoding(2), &allowed).is_empty());
}

#[test]
fn hostile_base64_does_not_panic_or_explode() {
    let s = decoding(5);
    // Twenty layers of encoding: only five are opened.
    let mut nested = format!("X={}", token()).into_bytes();
    for _ in 0..20 {
        nested = b64(&nested).into_bytes();
    }
    assert!(s.scan("n.txt", &nested, None).findings.is_empty());
    // Binary once decoded, odd lengths, padding in the middle, both
    // alphabets, long runs of one character.
    let mut odd = String::new();
    for n in 16..80 {
        odd.push_str(&"A".repeat(n));
        odd.push(' ');
        odd.push_str(&b64(&(0..n as u8).collect::<Vec<u8>>()));
        odd.push_str("==ab+/-_==");
        odd.push('\n');
    }
    odd.push_str(&"Zm9v".repeat(100_000));
    let out = s.scan("odd.txt", odd.as_bytes(), None);
    assert!(out.findings.iter().all(|f| f.line >= 1));
}
