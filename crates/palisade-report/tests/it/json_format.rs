//! The JSON format parses back and has exactly the documented fields.
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common::{HOSTILE, clean, hostile, options, rendered, sample, secrets};
use palisade_report::Format;
use serde_json::Value;

fn json(report: &palisade_core::Report) -> Value {
    serde_json::from_str(&rendered(report, Format::Json, &options(false))).unwrap()
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

/// Keys in document order (serde_json's map is sorted unless
/// `preserve_order` is on, so read the order from the text).
fn key_order(text: &str, keys: &[&str]) -> bool {
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| text.find(&format!("\"{k}\":")).unwrap())
        .collect();
    positions.windows(2).all(|w| w[0] < w[1])
}

#[test]
fn top_level_and_summary() {
    let text = rendered(&sample(), Format::Json, &options(false));
    assert!(text.ends_with("}\n"));
    assert!(key_order(
        &text,
        &["version", "tool", "findings", "errors", "summary"]
    ));
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut top = keys(&doc);
    top.sort_unstable();
    assert_eq!(top, ["errors", "findings", "summary", "tool", "version"]);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "palisade");
    assert_eq!(doc["tool"]["version"], "1.2.3");

    let s = &doc["summary"];
    assert_eq!(s["critical"], 1);
    assert_eq!(s["high"], 1);
    assert_eq!(s["medium"], 3);
    assert_eq!(s["low"], 0);
    assert_eq!(s["info"], 2);
    assert_eq!(s["suppressed"], 3);
    assert_eq!(s["errors"], 2);
    assert_eq!(s["files"], 6);
    assert_eq!(s["objects"], 5);
}

/// Every finding of `report` has exactly the documented keys, with the
/// documented types.
fn documented_fields(report: &palisade_core::Report) {
    let doc = json(report);
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), report.findings.len());
    for f in findings {
        for k in keys(f) {
            assert!(
                [
                    "rule_id",
                    "rule_name",
                    "title",
                    "severity",
                    "message",
                    "resource",
                    "location",
                    "remediation",
                    "references",
                    "suppressed",
                    "fingerprint",
                    "commit"
                ]
                .contains(&k),
                "undocumented key {k}"
            );
        }
        for k in [
            "rule_id",
            "rule_name",
            "title",
            "severity",
            "message",
            "location",
            "remediation",
            "references",
        ] {
            assert!(f.get(k).is_some(), "missing {k}");
        }
        assert!(
            ["critical", "high", "medium", "low", "info"]
                .contains(&f["severity"].as_str().unwrap())
        );
        let loc = &f["location"];
        assert!(loc["path"].is_string() && loc["line"].is_u64() && loc["column"].is_u64());
        for r in f["references"].as_array().unwrap() {
            assert!(r["label"].is_string() && r["url"].is_string());
        }
        if let Some(r) = f.get("resource") {
            assert!(r["kind"].is_string());
            for k in keys(r) {
                assert!(["kind", "namespace", "name", "container"].contains(&k));
            }
            for k in ["namespace", "name", "container"] {
                assert!(r.get(k).is_none_or(Value::is_string), "{k} is never null");
            }
        }
        if let Some(s) = f.get("suppressed") {
            assert!(["annotation", "comment"].contains(&s["kind"].as_str().unwrap()));
            assert!(s["reason"].is_string());
        }
        if let Some(fp) = f.get("fingerprint") {
            let fp = fp.as_str().unwrap();
            assert!(fp.len() == 32 && fp.bytes().all(|b| b.is_ascii_hexdigit()));
        }
        if let Some(c) = f.get("commit") {
            let mut k = keys(c);
            k.sort_unstable();
            assert_eq!(k, ["author", "date", "email", "id", "summary"]);
            assert!(k.iter().all(|k| c[*k].is_string()));
        }
    }
}

#[test]
fn secret_findings_carry_fingerprint_and_commit() {
    let doc = json(&secrets());
    let findings = doc["findings"].as_array().unwrap();
    let file = findings
        .iter()
        .find(|f| f["location"]["path"] == "app/.env")
        .unwrap();
    assert_eq!(file["fingerprint"], "0123456789abcdef0123456789abcdef");
    assert!(file.get("commit").is_none());
    let old = findings
        .iter()
        .find(|f| f["location"]["path"] == "old/config.env")
        .unwrap();
    assert_eq!(old["fingerprint"], "fedcba9876543210fedcba9876543210");
    assert_eq!(
        old["commit"]["id"],
        "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    );
    assert_eq!(old["commit"]["author"], format!("Bob {HOSTILE}"));
    assert_eq!(old["commit"]["date"], "2026-11-22T09:16:05Z");
}

#[test]
fn findings_have_the_documented_fields() {
    for report in [sample(), secrets()] {
        documented_fields(&report);
    }
    let report = sample();
    let doc = json(&report);
    let findings = doc["findings"].as_array().unwrap();
    // Findings that are not secrets carry neither fingerprint nor commit.
    assert!(
        findings
            .iter()
            .all(|f| f.get("fingerprint").is_none() && f.get("commit").is_none())
    );

    // Sorted by path, then line.
    let order: Vec<(String, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);

    // Suppressed findings stay, marked; the others carry no `suppressed` key.
    assert_eq!(
        findings
            .iter()
            .filter(|f| f.get("suppressed").is_some())
            .count(),
        3
    );
    let limits = findings
        .iter()
        .find(|f| f["rule_id"] == "WL010" && f["location"]["line"] == 20)
        .unwrap();
    assert_eq!(limits["suppressed"]["kind"], "annotation");
    assert_eq!(
        limits["suppressed"]["reason"],
        "bounded by the namespace quota"
    );

    // A resource with no namespace or container omits them.
    let cron = findings.iter().find(|f| f["rule_id"] == "NS001").unwrap();
    assert_eq!(keys(&cron["resource"]), ["kind", "name"]);
    // A finding with no resource omits it.
    let pal = findings.iter().find(|f| f["rule_id"] == "PAL001").unwrap();
    assert!(pal.get("resource").is_none());
    // The severity in effect, not the rule's default.
    let agent = findings
        .iter()
        .find(|f| f["location"]["path"] == "-")
        .unwrap();
    assert_eq!(agent["severity"], "medium");
}

#[test]
fn errors_omit_unknown_positions() {
    let doc = json(&sample());
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(keys(&errors[0]).len(), 4);
    assert_eq!(errors[0]["path"], "deploy/broken.yaml");
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(errors[0]["column"], 5);
    assert_eq!(errors[1]["path"], "secrets/huge.yaml");
    assert!(errors[1].get("line").is_none() && errors[1].get("column").is_none());
}

#[test]
fn hostile_text_round_trips() {
    let doc = json(&hostile());
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["rule_id"] == "PSS002" && f["location"]["line"] == 1 && f.get("resource").is_some()
        })
        .unwrap();
    assert_eq!(f["message"], format!("message {HOSTILE}"));
    assert_eq!(f["resource"]["container"], HOSTILE);
    assert_eq!(doc["errors"][0]["message"], HOSTILE);
    // A finding whose rule the report does not describe still has every key.
    let unknown = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "XX999")
        .unwrap();
    assert_eq!(unknown["rule_name"], "");
    assert_eq!(unknown["references"], serde_json::json!([]));
}

#[test]
fn clean_report() {
    let doc = json(&clean());
    assert_eq!(doc["findings"], serde_json::json!([]));
    assert_eq!(doc["errors"], serde_json::json!([]));
    assert_eq!(doc["summary"]["files"], 3);
}

/// docs/json-format.md is the `json` module's doc comment, word for word.
#[test]
fn published_doc_matches_module_doc() {
    let module: Vec<&str> = include_str!("../../src/json.rs")
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| {
            l.strip_prefix("//! ")
                .unwrap_or(l.trim_start_matches("//!"))
        })
        .collect();
    let title = module[0].trim_end_matches('.');
    let expected = format!(
        "<!-- Generated from the doc comment of src/json.rs; a test keeps them equal. -->\n# {title}\n\n{}\n",
        module[1..].join("\n").trim_matches('\n')
    );
    let md = include_str!("../../docs/json-format.md");
    assert_eq!(
        md, expected,
        "regenerate docs/json-format.md from src/json.rs"
    );
}
