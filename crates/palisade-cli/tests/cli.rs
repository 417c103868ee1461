//! End-to-end tests of the `palisade` binary: exit codes, formats, inputs,
//! configuration, suppressions, and hostile input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{code, json, palisade, palisade_stdin, repo, write};
use serde_json::Value;

/// `rule_id path:line` of every unsuppressed finding.
fn ids(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("suppressed").is_none())
        .map(|f| {
            format!(
                "{} {}:{}",
                f["rule_id"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
                f["location"]["line"]
            )
        })
        .collect()
}

const PRIVILEGED_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
  - name: c
    image: registry.example.com/c:1.0
    securityContext:
      privileged: true
";

const CLEAN_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: clean
  namespace: apps
  labels:
    app.kubernetes.io/name: clean
spec:
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: c
    image: registry.example.com/c:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    resources:
      requests: {cpu: 10m, memory: 16Mi}
      limits: {cpu: 100m, memory: 64Mi}
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities: {drop: [ALL]}
";

#[test]
fn demo_scan_reports_every_file_with_lines_and_fails() {
    let out = palisade(&["scan", "examples", "--format", "json"], &repo());
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    let found = ids(&v);
    for expected in [
        "PSS001 examples/shop/db-statefulset.yaml:27",
        "PSS002 examples/shop/backup-cronjob.yaml:15",
        "PSS101 examples/shop/db-statefulset.yaml:45",
        "SEC001 examples/shop/secret.yaml:7",
        "NS001 examples/shop/namespace.yaml:7",
        "NET001 examples/shop/namespace.yaml:3",
        "WL010 examples/shop/web-deployment.yaml:29",
        "WL005 examples/shop/web-deployment.yaml:21",
        "DF001 examples/shop/Dockerfile:9",
        "DF006 examples/shop/Dockerfile:13",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "missing {expected} in {found:#?}"
        );
    }
    // The CronJob's ServiceAccount disables token automount: no WL007 there.
    assert!(
        !found
            .iter()
            .any(|f| f.starts_with("WL007 examples/shop/backup"))
    );
    // Table output groups by file and shows line:column.
    let table = palisade(&["scan", "examples"], &repo());
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("examples/shop/db-statefulset.yaml\n"),
        "{text}"
    );
    assert!(text.contains("27:25"), "{text}");
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", PRIVILEGED_POD);
    let p = dir.path();
    assert_eq!(code(&palisade(&["scan", "."], p)), 1);
    assert_eq!(
        code(&palisade(&["scan", ".", "--fail-on", "critical"], p)),
        1
    );
    assert_eq!(code(&palisade(&["scan", ".", "--fail-on", "never"], p)), 0);
    assert_eq!(
        code(&palisade(
            &["scan", ".", "--ignore", "PSS001", "--fail-on", "critical"],
            p
        )),
        0
    );
    // Usage errors are 2.
    assert_eq!(code(&palisade(&["scan", ".", "--fail-on", "severe"], p)), 2);
    assert_eq!(code(&palisade(&["scan", ".", "--select", "NOPE999"], p)), 2);
    assert_eq!(
        code(&palisade(&["scan", ".", "--pss-level", "strict"], p)),
        2
    );
    assert_eq!(code(&palisade(&["scan", ".", "--format", "xml"], p)), 2);
    // A path that does not exist is an input error (2).
    assert_eq!(code(&palisade(&["scan", "missing.yaml"], p)), 2);
}

#[test]
fn a_clean_manifest_passes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", CLEAN_POD);
    write(
        dir.path(),
        "netpol.yaml",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: apps}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: dns, namespace: apps}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - ports: [{protocol: UDP, port: 53}]\n",
    );
    let out = palisade(&["scan", ".", "--format", "json"], dir.path());
    assert_eq!(ids(&json(&out)), Vec::<String>::new());
    assert_eq!(code(&out), 0);
}

#[test]
fn formats_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", PRIVILEGED_POD);
    let p = dir.path();
    let sarif = palisade(&["scan", ".", "--format", "sarif", "--fail-on", "never"], p);
    let v = json(&sarif);
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "PSS001"
        && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 11));
    let junit = palisade(&["scan", ".", "--format", "junit", "--fail-on", "never"], p);
    let text = String::from_utf8(junit.stdout).unwrap();
    assert!(text.starts_with("<?xml"), "{text}");
    assert!(text.contains("<failure"), "{text}");
    let out = palisade(&["scan", ".", "--format", "json", "-o", "report.json"], p);
    assert_eq!(code(&out), 1);
    assert!(out.stdout.is_empty());
    let v: Value = serde_json::from_slice(&std::fs::read(p.join("report.json")).unwrap()).unwrap();
    assert!(ids(&v).contains(&"PSS001 pod.yaml:11".to_string()), "{v}");
}

#[test]
fn stdin_streams_and_lists() {
    let dir = tempfile::tempdir().unwrap();
    let stream = format!(
        "# helm template output\n---\n{PRIVILEGED_POD}---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {{name: q}}\n  spec:\n    hostPID: true\n    containers: [{{name: c, image: x}}]\n"
    );
    let out = palisade_stdin(
        &["scan", "-", "--format", "json"],
        dir.path(),
        stream.as_bytes(),
    );
    let found = ids(&json(&out));
    assert!(found.contains(&"PSS001 -:13".to_string()), "{found:?}");
    assert!(found.contains(&"PSS002 -:22".to_string()), "{found:?}");
    // JSON manifests too.
    let json_pod = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"},
 "spec": {"hostIPC": true, "containers": [{"name": "c", "image": "x"}]}}"#;
    let out = palisade_stdin(
        &["scan", "-", "--format", "json"],
        dir.path(),
        json_pod.as_bytes(),
    );
    assert!(ids(&json(&out)).contains(&"PSS002 -:2".to_string()));
    // A UTF-8 byte-order mark (Windows editors) is dropped, not an error.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(PRIVILEGED_POD.as_bytes());
    let out = palisade_stdin(&["scan", "-", "--format", "json"], dir.path(), &bom);
    let v = json(&out);
    assert!(v["errors"].as_array().unwrap().is_empty(), "{v}");
    assert!(ids(&v).contains(&"PSS001 -:11".to_string()), "{v}");
    // A Dockerfile on stdin is recognised.
    let out = palisade_stdin(
        &["scan", "-", "--format", "json"],
        dir.path(),
        b"FROM alpine\nRUN echo hi\n",
    );
    assert!(ids(&json(&out)).iter().any(|f| f.starts_with("DF001 -:1")));
}

#[test]
fn gitignore_exclude_and_unknown_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, ".gitignore", "ignored/\n");
    write(p, "ignored/pod.yaml", PRIVILEGED_POD);
    write(p, "vendor/pod.yaml", PRIVILEGED_POD);
    write(p, "app/pod.yaml", PRIVILEGED_POD);
    write(
        p,
        "app/crd.yaml",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {privileged: true}\n",
    );
    write(
        p,
        "app/values.yaml",
        "replicaCount: 3\nimage: {tag: latest}\n",
    );
    write(p, "app/playbook.yml", "- hosts: all\n  tasks: []\n");
    write(
        p,
        "chart/templates/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\n  labels: {{ toYaml .Values.labels | nindent 4 }}\n{{- end }}\n",
    );
    let out = palisade(
        &["scan", ".", "--exclude", "vendor/", "--format", "json"],
        p,
    );
    let v = json(&out);
    let files: Vec<String> = ids(&v)
        .iter()
        .map(|f| f.split(' ').nth(1).unwrap().to_string())
        .collect();
    assert!(!files.is_empty(), "app/pod.yaml must be scanned");
    assert!(
        files.iter().all(|f| f.starts_with("app/pod.yaml")),
        "{files:?}"
    );
    assert!(v["errors"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(code(&out), 1);
}

#[test]
fn config_is_found_upward_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        p,
        "palisade.yaml",
        "pss:\n  level: baseline\nrules:\n  select: [pss]\n",
    );
    // Restricted-only violations (no runAsNonRoot, no seccomp...) pass at baseline.
    write(
        p,
        "deploy/sub/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n",
    );
    let out = palisade(&["scan", "deploy/sub", "--format", "json"], p);
    assert_eq!(ids(&json(&out)), Vec::<String>::new());
    let out = palisade(
        &[
            "scan",
            "deploy/sub",
            "--format",
            "json",
            "--pss-level",
            "restricted",
        ],
        p,
    );
    assert!(ids(&json(&out)).iter().any(|f| f.starts_with("PSS103")));
    // A broken config is a usage error naming the file and line.
    write(p, "bad/palisade.yaml", "pss:\n  levle: baseline\n");
    write(p, "bad/pod.yaml", PRIVILEGED_POD);
    let out = palisade(&["scan", "bad"], p);
    assert_eq!(code(&out), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("palisade.yaml:2") && err.contains("levle"),
        "{err}"
    );
}

#[test]
fn suppressions_need_reasons_and_stay_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let annotated = PRIVILEGED_POD.replace(
        "  namespace: apps\n",
        "  namespace: apps\n  annotations:\n    palisade.dev/ignore: \"PSS001: the node agent needs it; WL003\"\n",
    );
    write(p, "a.yaml", &annotated);
    let commented = PRIVILEGED_POD.replace(
        "privileged: true",
        "privileged: true # palisade:ignore PSS001: node agent",
    );
    write(p, "b.yaml", &commented);
    let out = palisade(
        &["scan", ".", "--format", "json", "--select", "PSS001,PAL001"],
        p,
    );
    let v = json(&out);
    let findings = v["findings"].as_array().unwrap();
    let suppressed: Vec<&Value> = findings
        .iter()
        .filter(|f| f.get("suppressed").is_some())
        .collect();
    assert_eq!(suppressed.len(), 2, "{v}");
    assert!(
        suppressed
            .iter()
            .any(|f| f["suppressed"]["kind"] == "annotation"
                && f["suppressed"]["reason"] == "the node agent needs it")
    );
    assert!(
        suppressed
            .iter()
            .any(|f| f["suppressed"]["kind"] == "comment"
                && f["suppressed"]["reason"] == "node agent")
    );
    // "WL003" without a reason is itself a finding.
    assert_eq!(ids(&v), vec!["PAL001 a.yaml:7".to_string()]);
}

#[test]
fn bad_inputs_are_reported_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "good.yaml", PRIVILEGED_POD);
    write(
        p,
        "malformed.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n",
    );
    write(
        p,
        "scalar.yaml",
        &format!("{PRIVILEGED_POD}---\njust a string\n"),
    );
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let q = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{q}, *a{q}, *a{q}, *a{q}, *a{q}, *a{q}, *a{q}, *a{q}, *a{q}, *a{q}]\n"
        ));
    }
    write(p, "bomb.yaml", &bomb);
    write(
        p,
        "deep.yaml",
        &format!("{}x{}", "[".repeat(10_000), "]".repeat(10_000)),
    );
    let deep_block: String = (0..3000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    write(p, "deepblock.yaml", &deep_block);
    std::fs::write(p.join("binary.yaml"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    std::fs::write(
        p.join("latin1.yaml"),
        b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\xe9\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(p.join("nowhere.yaml"), p.join("dangling.yaml")).unwrap();
    // 100 MB: refused by size before it is read.
    let big = std::fs::File::create(p.join("huge.yaml")).unwrap();
    big.set_len(100 * 1024 * 1024).unwrap();

    let out = palisade(&["scan", ".", "--format", "json"], p);
    assert_eq!(code(&out), 2, "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert!(ids(&v).contains(&"PSS001 good.yaml:11".to_string()));
    assert!(ids(&v).contains(&"PSS001 scalar.yaml:11".to_string()));
    let errors: Vec<String> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["path"].as_str().unwrap(),
                e["line"],
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    let has = |path: &str, needle: &str| {
        errors
            .iter()
            .any(|e| e.starts_with(path) && e.contains(needle))
    };
    assert!(has("malformed.yaml 5", "invalid YAML"), "{errors:#?}");
    assert!(
        has("scalar.yaml 13", "not a Kubernetes object"),
        "{errors:#?}"
    );
    assert!(has("bomb.yaml", "alias expansion"), "{errors:#?}");
    assert!(
        has("deep.yaml", "recursion") || has("deep.yaml", "nesting"),
        "{errors:#?}"
    );
    assert!(
        has("deepblock.yaml", "nesting deeper than 128"),
        "{errors:#?}"
    );
    assert!(has("latin1.yaml 4", "not valid UTF-8"), "{errors:#?}");
    assert!(has("huge.yaml", "over the"), "{errors:#?}");
    // A named file that cannot be read is an error; the others are still scanned.
    let out = palisade(
        &["scan", "good.yaml", "dangling.yaml", "--format", "json"],
        p,
    );
    assert_eq!(code(&out), 2);
    let v2 = json(&out);
    assert!(ids(&v2).contains(&"PSS001 good.yaml:11".to_string()));
    assert_eq!(v2["errors"][0]["path"], "dangling.yaml");
    // Binary files met while walking a directory are passed over silently...
    assert!(
        !errors.iter().any(|e| e.starts_with("binary.yaml")),
        "{errors:#?}"
    );
    // ...but named explicitly they are an error.
    let out = palisade(&["scan", "binary.yaml"], p);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stdout).contains("binary"));
}

#[test]
fn the_repository_passes_its_own_scan() {
    let out = palisade(&["scan", "."], &repo());
    assert_eq!(
        code(&out),
        0,
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rules_list_and_explain() {
    let out = palisade(&["rules"], &repo());
    assert_eq!(code(&out), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    for id in [
        "PSS001", "PSS107", "WL010", "SEC001", "NS002", "NET002", "DF007", "PAL001",
    ] {
        assert!(text.contains(id), "{id} missing from\n{text}");
    }
    let out = palisade(&["rules", "explain", "privileged"], &repo());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("PSS001")
            && text.contains("## Why is this bad?")
            && text.contains("CIS Kubernetes Benchmark 5.2.1"),
        "{text}"
    );
    assert_eq!(code(&palisade(&["rules", "explain", "NOPE1"], &repo())), 2);
    let out = palisade(&["rules", "--format", "json"], &repo());
    assert!(json(&out).as_array().unwrap().len() >= 40);
}

#[test]
fn unselected_restricted_checks_do_not_hide_baseline_ones() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        p,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext:\n      capabilities:\n        add: [SYS_ADMIN, CHOWN]\n  volumes:\n  - name: host\n    hostPath: {path: /}\n",
    );
    // At the restricted level PSS101 replaces PSS004 and PSS106 replaces
    // PSS003; selecting only the baseline rules brings them back.
    let out = palisade(
        &["scan", ".", "--format", "json", "--select", "pss-baseline"],
        p,
    );
    let found = ids(&json(&out));
    assert!(found.iter().any(|f| f.starts_with("PSS004 ")), "{found:?}");
    assert!(found.iter().any(|f| f.starts_with("PSS003 ")), "{found:?}");
    let out = palisade(&["scan", ".", "--format", "json", "--select", "pss"], p);
    let v = json(&out);
    let found = ids(&v);
    assert!(
        !found
            .iter()
            .any(|f| f.starts_with("PSS004 ") || f.starts_with("PSS003 ")),
        "{found:?}"
    );
    // Adding SYS_ADMIN is high even when the restricted check reports it;
    // CHOWN (a default capability) stays at the rule's medium.
    let sev = |needle: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "PSS106" && f["message"].as_str().unwrap().contains(needle))
            .map(|f| f["severity"].as_str().unwrap().to_string())
    };
    assert_eq!(sev("SYS_ADMIN").as_deref(), Some("high"));
    assert_eq!(sev("CHOWN").as_deref(), Some("medium"));
}
