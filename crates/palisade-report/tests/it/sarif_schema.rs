//! The SARIF output validates against the OASIS SARIF 2.1.0 JSON schema
//! (tests/data/sarif-schema-2.1.0.json; see tests/data/README.md).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common::{HOSTILE, clean, hostile, options, rendered, sample, secrets};
use palisade_report::Format;
use serde_json::{Value, json};

/// The `language` pattern of the published schema.
const BROKEN_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
/// What it means: a language code with an optional region.
const FIXED_PATTERN: &str = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$";

fn validator() -> jsonschema::Validator {
    let mut schema: Value =
        serde_json::from_str(include_str!("../data/sarif-schema-2.1.0.json")).unwrap();
    // The published schema's `language` patterns (on `run` and
    // `toolComponent`) have a stray `]` that the draft-07 meta-schema check
    // (`format: regex`, ECMA-262) rejects, so the schema would not compile.
    // Replace those patterns in memory (the file stays as published);
    // Palisade never writes `language`.
    for def in ["run", "toolComponent"] {
        let pattern = &mut schema["definitions"][def]["properties"]["language"]["pattern"];
        assert_eq!(pattern, BROKEN_PATTERN, "the schema file changed");
        *pattern = Value::String(FIXED_PATTERN.to_string());
    }
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles without fetching anything")
}

fn sarif(report: &palisade_core::Report) -> Value {
    serde_json::from_str(&rendered(report, Format::Sarif, &options(false))).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn rendered_sarif_is_valid() {
    let validator = validator();
    for report in [sample(), clean(), hostile(), secrets()] {
        assert_valid(&validator, &sarif(&report));
    }
}

/// The validator really checks: documents missing required properties, or
/// with a wrong value, are rejected. Without this the test above could pass
/// with a validator that accepts anything.
#[test]
fn broken_sarif_is_rejected() {
    let validator = validator();
    let good = sarif(&sample());
    assert!(validator.is_valid(&good));

    let mut no_version = good.clone();
    no_version.as_object_mut().unwrap().remove("version");
    assert!(!validator.is_valid(&no_version), "missing `version`");

    let mut no_driver_name = good.clone();
    no_driver_name["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert!(!validator.is_valid(&no_driver_name), "missing driver name");

    let mut no_message = good.clone();
    no_message["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&no_message), "result without message");

    let mut no_success = good.clone();
    no_success["runs"][0]["invocations"][0]
        .as_object_mut()
        .unwrap()
        .remove("executionSuccessful");
    assert!(
        !validator.is_valid(&no_success),
        "missing executionSuccessful"
    );

    let mut bad_level = good.clone();
    bad_level["runs"][0]["results"][0]["level"] = json!("critical");
    assert!(!validator.is_valid(&bad_level), "level outside the enum");

    let mut bad_line = good.clone();
    bad_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    assert!(!validator.is_valid(&bad_line), "startLine below 1");

    let mut bad_uri = good.clone();
    bad_uri["runs"][0]["tool"]["driver"]["informationUri"] = json!("not a uri");
    assert!(!validator.is_valid(&bad_uri), "formats are checked");

    let mut bad_suppression = good;
    let suppressed = bad_suppression["runs"][0]["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r.get("suppressions").is_some())
        .unwrap();
    suppressed["suppressions"][0]
        .as_object_mut()
        .unwrap()
        .remove("kind");
    assert!(
        !validator.is_valid(&bad_suppression),
        "suppression without kind"
    );
}

#[test]
fn sarif_content() {
    let report = sample();
    let doc = sarif(&report);
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().starts_with("https://"));
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "palisade");
    assert_eq!(driver["version"], "1.2.3");
    assert!(driver["informationUri"].is_string());

    // Every rule of the report, in order, with its metadata.
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), report.rules.len());
    for (rule, info) in rules.iter().zip(&report.rules) {
        assert_eq!(rule["id"], info.id.as_str());
        assert_eq!(rule["name"], info.name.as_str());
        assert_eq!(rule["shortDescription"]["text"], info.title.as_str());
        assert!(
            rule["help"]["text"]
                .as_str()
                .unwrap()
                .contains(&info.remediation)
        );
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains(&info.remediation)
        );
        for group in &info.groups {
            assert!(
                rule["properties"]["tags"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(group))
            );
        }
        match info.references.first() {
            Some(r) => assert_eq!(rule["helpUri"], r.url.as_str()),
            None => assert!(rule.get("helpUri").is_none()),
        }
    }
    let pss001 = &rules[0];
    assert_eq!(pss001["defaultConfiguration"]["level"], "error");

    // One result per finding, suppressed ones included; ruleIndex points at
    // the rule.
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    for r in results {
        let index = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let sev = r["properties"]["severity"].as_str().unwrap();
        let level = match sev {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "note",
        };
        assert_eq!(r["level"], level);
    }
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"stdin"));
    assert!(uris.contains(&"other%20dir/svc.yaml"));
    assert!(!uris.contains(&"-"));

    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 3);
    assert!(
        suppressed
            .iter()
            .all(|r| r["suppressions"][0]["kind"] == "inSource")
    );
    assert!(
        suppressed
            .iter()
            .any(|r| { r["suppressions"][0]["justification"] == "bounded by the namespace quota" })
    );

    // Input errors are notifications; the run did not fully succeed.
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert!(notes.iter().all(|n| n["level"] == "error"));
    let with_line = notes
        .iter()
        .find(|n| n["locations"][0]["physicalLocation"]["region"]["startLine"] == 3)
        .unwrap();
    assert_eq!(
        with_line["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "deploy/broken.yaml"
    );

    let clean = sarif(&clean());
    assert_eq!(
        clean["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    assert_eq!(clean["runs"][0]["results"], json!([]));
}

/// Secret findings: the content fingerprint in `partialFingerprints`, the
/// commit of a history finding in `properties.commit`; nothing of either
/// on findings that have none.
#[test]
fn secret_fingerprints_and_commits() {
    let doc = sarif(&secrets());
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let file = results
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/.env")
        .unwrap();
    assert_eq!(
        file["partialFingerprints"][palisade_report::SECRET_FINGERPRINT_KEY],
        "0123456789abcdef0123456789abcdef"
    );
    assert!(file["properties"].get("commit").is_none());
    let old = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "old/config.env"
        })
        .unwrap();
    assert_eq!(
        old["partialFingerprints"]["palisadeSecretFingerprint/v1"],
        "fedcba9876543210fedcba9876543210"
    );
    let commit = &old["properties"]["commit"];
    assert_eq!(commit["id"], "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
    assert_eq!(commit["author"], format!("Bob {HOSTILE}"));
    assert_eq!(commit["email"], "bob@example.com");
    assert_eq!(commit["date"], "2026-11-22T09:16:05Z");
    assert_eq!(commit["summary"], format!("add config {HOSTILE}"));
    for r in doc_results_without_secrets() {
        assert!(r.get("partialFingerprints").is_none(), "{r}");
        assert!(r["properties"].get("commit").is_none(), "{r}");
    }
}

fn doc_results_without_secrets() -> Vec<Value> {
    sarif(&sample())["runs"][0]["results"]
        .as_array()
        .unwrap()
        .clone()
}
