//! `palisade admit` and `palisade install` end to end: the offline answer
//! agrees with `palisade scan`, and the install output is clean and current.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{palisade, repo};
use serde_json::Value;
use std::path::Path;

/// Writes a file and returns its path as an argument.
fn write(dir: &Path, name: &str, text: &str) -> String {
    common::write(dir, name, text).display().to_string()
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  labels: {app.kubernetes.io/name: api}
spec:
  template:
    metadata:
      labels: {app: api}
    spec:
      hostPID: true
      containers:
        - name: api
          image: registry.example.com/api:1.4
          securityContext:
            privileged: true
";

#[test]
fn admit_denies_for_the_rules_scan_reports() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "palisade.yaml", "pss:\n  level: restricted\n");
    let file = write(dir.path(), "deploy.yaml", DEPLOYMENT);

    let scan = palisade(&["scan", &file, "-f", "json"], dir.path());
    let scan: Value = serde_json::from_slice(&scan.stdout).unwrap();
    let mut scanned: Vec<String> = scan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        // The set rules judge the scanned set, not one object at the door.
        .filter(|id| !id.starts_with("NET") && id != "WL007")
        .collect();
    scanned.sort();
    scanned.dedup();

    let out = palisade(&["admit", "-f", &file], dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let review: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(review["response"]["allowed"], false);
    let message = review["response"]["status"]["message"].as_str().unwrap();
    let mut admitted: Vec<String> = message
        .split('[')
        .skip(1)
        .filter_map(|s| s.split(']').next())
        .filter(|id| {
            id.len() >= 4
                && id
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        .map(String::from)
        .collect();
    admitted.sort();
    admitted.dedup();
    assert_eq!(admitted, scanned, "{message}");
    assert!(scanned.contains(&"PSS001".to_string()) && scanned.contains(&"PSS002".to_string()));
}

#[test]
fn admit_reads_reviews_updates_and_namespace_modes_from_config() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "palisade.yaml",
        "admission:\n  namespace-labels:\n    lab:\n      pod-security.kubernetes.io/enforce: privileged\n      pod-security.kubernetes.io/warn: baseline\n  actions:\n    workload: warn\n",
    );
    let file = write(dir.path(), "deploy.yaml", DEPLOYMENT);
    // In `lab` the Pod Security findings only warn, and so do the workload rules.
    let out = palisade(&["admit", "-f", &file, "-n", "lab"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let review: Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = review["response"]["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().starts_with("[PSS001]"))
    );

    // An UPDATE that only scales the workload is not judged again.
    let scaled = write(
        dir.path(),
        "scaled.yaml",
        &DEPLOYMENT.replace("spec:\n  template:", "spec:\n  replicas: 3\n  template:"),
    );
    let out = palisade(&["admit", "-f", &scaled, "--old", &file], dir.path());
    assert_eq!(out.status.code(), Some(0));

    // A whole AdmissionReview, answered in its own version.
    let review = serde_json::json!({"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview",
        "request": {"uid": "abc", "operation": "DELETE", "kind": {"group": "apps", "version": "v1", "kind": "Deployment"}}});
    let file = write(dir.path(), "review.json", &review.to_string());
    let out = palisade(&["admit", "-f", &file], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["apiVersion"], "admission.k8s.io/v1beta1");
    assert_eq!(answer["response"]["uid"], "abc");

    // Bad input: a clear error, exit 2.
    let file = write(dir.path(), "bad.yaml", "kind: [\n");
    let out = palisade(&["admit", "-f", &file], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.yaml:"));
}

#[test]
fn install_output_scans_clean_and_the_shipped_copy_is_current() {
    let dir = tempfile::tempdir().unwrap();
    let out = palisade(&["install"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let file = write(
        dir.path(),
        "install.yaml",
        &String::from_utf8(out.stdout).unwrap(),
    );
    let scan = palisade(&["scan", &file], dir.path());
    assert_eq!(
        scan.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&scan.stdout)
    );

    let shipped = repo().join("deploy/palisade.yaml");
    let out = palisade(
        &[
            "install",
            "--cert-manager-issuer",
            "palisade-ca",
            "--issuer-kind",
            "ClusterIssuer",
        ],
        dir.path(),
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        std::fs::read_to_string(&shipped).unwrap(),
        "deploy/palisade.yaml is stale: regenerate it with the command in README.md"
    );
}
