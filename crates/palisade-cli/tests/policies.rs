//! Gatekeeper policies end to end: `palisade policy test` on the shipped
//! library and on Palisade's own semantic suite, `scan --policy` and
//! `policies:` in palisade.yaml, and `admit --policy` agreeing with scan.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{code, json, out, palisade, repo, write};
use std::collections::BTreeSet;

#[test]
fn shipped_policy_suites_pass() {
    let o = palisade(&["policy", "test", "policies"], &repo());
    let text = out(&o);
    assert_eq!(code(&o), 0, "{text}");
    assert!(
        text.contains("4 suites:") && text.contains(" 0 failed"),
        "{text}"
    );
    // Every shipped policy has cases, and they all ran.
    let passed: usize = text
        .split(" passed")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(passed >= 40, "{text}");
}

#[test]
fn own_semantic_suite_passes_and_a_wrong_assertion_fails() {
    let suites = repo().join("crates/palisade-policy/tests/suites");
    let o = palisade(&["policy", "test", "-v", suites.to_str().unwrap()], &repo());
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("ok    "), "{}", out(&o));

    // The same case with the opposite expectation must fail, naming why.
    let dir = tempfile::tempdir().unwrap();
    let data = repo().join("crates/palisade-policy/tests/data");
    let samples = suites.join("samples");
    let suite = format!(
        "kind: Suite\napiVersion: test.gatekeeper.sh/v1alpha1\ntests:\n- name: wrong\n  template: {}\n  constraint: {}\n  cases:\n  - name: expects-none\n    object: {}\n    inventory: [{}]\n    assertions:\n    - violations: no\n",
        data.join("labels-template.yaml").display(),
        suites.join("owner-in-prod.yaml").display(),
        samples.join("pod-shop.yaml").display(),
        samples.join("namespaces.yaml").display(),
    );
    write(dir.path(), "suite.yaml", &suite);
    let o = palisade(&["policy", "test", "."], dir.path());
    let text = out(&o);
    assert_eq!(code(&o), 1, "{text}");
    assert!(
        text.contains("FAIL")
            && text.contains("wrong/expects-none")
            && text.contains("expected no violations, got 1"),
        "{text}"
    );

    // No suites at all is a usage error, not a pass.
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(code(&palisade(&["policy", "test", "."], empty.path())), 2);
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
      containers:
        - name: api
          image: nginx:latest
";

fn rule_ids(report: &serde_json::Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn scan_and_admit_judge_with_the_same_policies() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "deploy.yaml", DEPLOYMENT);
    let policies = repo().join("policies");
    let policies = policies.to_str().unwrap();
    let scan = palisade(
        &[
            "scan",
            "-f",
            "json",
            "--select",
            "gatekeeper",
            "--policy",
            policies,
            file.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(code(&scan), 1, "{}", out(&scan));
    let ids = rule_ids(&json(&scan));
    let expected: BTreeSet<String> = [
        "K8sAllowedRepos/images-from-trusted-registries",
        "K8sDisallowLatestTag/images-must-be-pinned",
        "K8sRequiredLabels/workloads-must-be-labelled",
        "K8sRequiredResources/containers-must-set-resources",
    ]
    .map(String::from)
    .into();
    assert_eq!(ids, expected);
    let report = json(&scan);
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "K8sRequiredLabels/workloads-must-be-labelled")
        .unwrap();
    // A deny constraint is high unless its annotation says otherwise.
    assert_eq!(finding["severity"], "high");
    assert_eq!(finding["resource"]["name"], "api");
    assert_eq!(finding["location"]["line"], 1);

    // The same through palisade.yaml's `policies:` (relative to the file),
    // with a suppression honoured like any rule's.
    write(
        dir.path(),
        "palisade.yaml",
        &format!("policies: [{policies}]\n"),
    );
    // Policy findings point at the object, so the object's annotation
    // suppresses them.
    let suppressed = DEPLOYMENT.replace(
        "  labels: {app.kubernetes.io/name: api}\n",
        "  labels: {app.kubernetes.io/name: api}\n  annotations:\n    palisade.dev/ignore: \"k8sdisallowlatesttag: pinned by the release job\"\n",
    );
    let file2 = write(dir.path(), "deploy2.yaml", &suppressed);
    let scan2 = palisade(
        &[
            "scan",
            "-f",
            "json",
            "--select",
            "gatekeeper",
            file2.to_str().unwrap(),
        ],
        dir.path(),
    );
    let r2 = json(&scan2);
    let latest: Vec<&serde_json::Value> = r2["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "K8sDisallowLatestTag/images-must-be-pinned")
        .collect();
    assert_eq!(latest.len(), 1, "{r2}");
    assert_eq!(
        latest[0]["suppressed"]["reason"], "pinned by the release job",
        "{r2}"
    );
    assert_eq!(rule_ids(&r2), expected);

    // `palisade admit` denies for the same rules (with a config file that
    // selects them; a missing config file is an error).
    let admit = |config: &str| {
        palisade(
            &[
                "admit",
                "-f",
                file.to_str().unwrap(),
                "--policy",
                policies,
                "-c",
                config,
            ],
            dir.path(),
        )
    };
    let config = dir.path().join("gatekeeper.yaml");
    let config = config.to_str().unwrap();
    assert_eq!(code(&admit(config)), 2);
    write(
        dir.path(),
        "gatekeeper.yaml",
        "rules:\n  select: [gatekeeper]\n",
    );
    let admit = admit(config);
    assert_eq!(code(&admit), 1, "{}", out(&admit));
    let answer = json(&admit);
    let message = answer["response"]["status"]["message"].as_str().unwrap();
    for id in &expected {
        assert!(message.contains(&format!("[{id}]")), "{id} in {message}");
    }
}

#[test]
fn broken_policies_are_input_errors_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "deploy.yaml", DEPLOYMENT);
    let broken = repo().join("crates/palisade-policy/tests/data/broken-template.yaml");
    let o = palisade(
        &[
            "scan",
            "-f",
            "json",
            "--policy",
            broken.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 2);
    let report = json(&o);
    let e = &report["errors"][0];
    assert!(
        e["path"]
            .as_str()
            .unwrap()
            .ends_with("broken-template.yaml"),
        "{report}"
    );
    assert!(e["line"].as_u64().unwrap() >= 15, "{report}");
    assert!(
        e["message"].as_str().unwrap().contains("testbroken"),
        "{report}"
    );
    // The rest of the scan still ran.
    assert!(!report["findings"].as_array().unwrap().is_empty());
    // `serve` and `admit` refuse to run with a broken policy.
    let o = palisade(
        &[
            "admit",
            "-f",
            file.to_str().unwrap(),
            "--policy",
            broken.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 2);
    assert!(out(&o).contains("broken-template.yaml:"), "{}", out(&o));
}

#[test]
fn admit_fills_the_inventory_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = repo().join("crates/palisade-policy/tests/data/unique-host-template.yaml");
    let samples = repo().join("crates/palisade-policy/tests/suites/samples");
    let args = |inventory: bool| {
        let mut a = vec![
            "admit".to_string(),
            "-f".into(),
            samples.join("ingress-a.yaml").display().to_string(),
            "--policy".into(),
            data.display().to_string(),
        ];
        if inventory {
            a.push("--policy-inventory".into());
            a.push(samples.join("ingresses.yaml").display().to_string());
        }
        a
    };
    let run = |inventory: bool| {
        let a = args(inventory);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        palisade(&a, dir.path())
    };
    // Without an inventory the Ingress conflicts with nothing.
    assert_eq!(code(&run(false)), 0, "{}", out(&run(false)));
    let o = run(true);
    assert_eq!(code(&o), 1, "{}", out(&o));
    let message = json(&o)["response"]["status"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("conflicts with ingress blog/b"),
        "{message}"
    );
}

/// The Rego shapes OPA accepts and regorus alone gets wrong
/// (crates/palisade-policy/tests/compat): the suite passes with OPA's
/// answers, and scan and admit report exactly those violations.
#[test]
fn rego_compat_templates_give_opas_answers_everywhere() {
    let compat = repo().join("crates/palisade-policy/tests/compat");
    let o = palisade(&["policy", "test", compat.to_str().unwrap()], &repo());
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("9 passed, 0 failed"), "{}", out(&o));

    let samples = compat.join("samples");
    let scan = palisade(
        &[
            "scan",
            "-f",
            "json",
            "--select",
            "gatekeeper",
            "--policy",
            compat.to_str().unwrap(),
            samples.to_str().unwrap(),
        ],
        &repo(),
    );
    assert_eq!(code(&scan), 1, "{}", out(&scan));
    let report = json(&scan);
    let got: BTreeSet<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String, String)> = [
        (
            "CompatHpaSpread/hpa-spread-two",
            "web",
            "HPA web: spread 1 is below 2",
        ),
        (
            "CompatProbes/pods-have-probes",
            "bare",
            "container app has no livenessProbe",
        ),
        (
            "CompatProbes/pods-have-probes",
            "bare",
            "container app has no readinessProbe",
        ),
        (
            "CompatRunAsGroup/groups-in-range",
            "bare",
            "container app runs as group 3000, which rule MustRunAs does not allow",
        ),
        (
            "CompatTeamLabel/team-label",
            "bare",
            "Pod bare has no team label (owner: %!v(MISSING))",
        ),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, want);

    // admit: the bare pod is denied for the same reasons, the good one
    // (and the wide HPA) admitted.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "palisade.yaml",
        "rules:\n  select: [gatekeeper]\n",
    );
    let admit = |file: &str| {
        palisade(
            &[
                "admit",
                "-f",
                samples.join(file).to_str().unwrap(),
                "--policy",
                compat.to_str().unwrap(),
                "-c",
                dir.path().join("palisade.yaml").to_str().unwrap(),
            ],
            dir.path(),
        )
    };
    let bare = admit("pod-bare.yaml");
    assert_eq!(code(&bare), 1, "{}", out(&bare));
    let message = json(&bare)["response"]["status"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    for id in [
        "CompatProbes/pods-have-probes",
        "CompatRunAsGroup/groups-in-range",
        "CompatTeamLabel/team-label",
    ] {
        assert!(message.contains(&format!("[{id}]")), "{id} in {message}");
    }
    assert!(!message.contains("any-group"), "{message}");
    for good in ["pod-good.yaml", "hpa-wide.yaml"] {
        let o = admit(good);
        assert_eq!(code(&o), 0, "{good}: {}", out(&o));
        assert_eq!(json(&o)["response"]["allowed"], true, "{good}");
    }
}
