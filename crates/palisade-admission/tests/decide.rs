//! Decisions on AdmissionReviews built in the test: modes from namespace
//! labels, actions, exemptions, updates, subresources, mutation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_admission::review::{self, ApiVersion};
use palisade_admission::{Admission, Decision};
use palisade_core::Config;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const TODAY: (i32, u32, u32) = (2026, 11, 22);

fn review(op: &str, ns: &str, object: &Value, old: Option<&Value>) -> Vec<u8> {
    let kind = object["kind"].as_str().unwrap_or("Pod");
    let api = object["apiVersion"].as_str().unwrap_or("v1");
    let group = api.rsplit_once('/').map_or("", |(g, _)| g);
    let mut req = json!({
        "uid": "uid-1",
        "kind": {"group": group, "version": "v1", "kind": kind},
        "name": object["metadata"]["name"],
        "namespace": ns,
        "operation": op,
        "userInfo": {"username": "alice"},
        "object": object,
    });
    if let Some(old) = old {
        req["oldObject"] = old.clone();
    }
    serde_json::to_vec(
        &json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req}),
    )
    .unwrap()
}

fn pod(security: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app.kubernetes.io/name": "web"}},
        "spec": {"containers": [{"name": "app",
            "image": "registry.example.com/web@sha256:0123456789012345678901234567890123456789012345678901234567890123",
            "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "1", "memory": "64Mi"}},
            "securityContext": security}],
            "automountServiceAccountToken": false,
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}}}})
}

fn hardened() -> Value {
    json!({"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": true})
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, BTreeMap<String, String>> {
    let l = pairs
        .iter()
        .map(|(k, v)| (format!("pod-security.kubernetes.io/{k}"), v.to_string()))
        .collect();
    BTreeMap::from([("shop".to_string(), l)])
}

fn decide(
    config: &Config,
    body: &[u8],
    ns: &BTreeMap<String, BTreeMap<String, String>>,
) -> palisade_admission::Outcome {
    let (_, req) = review::parse(body).unwrap();
    Admission::new(config.clone()).validate(&req, ns, TODAY)
}

#[test]
fn a_clean_pod_is_admitted_and_a_privileged_one_denied_with_rule_and_field() {
    let config = Config::default();
    let ok = decide(
        &config,
        &review("CREATE", "shop", &pod(hardened()), None),
        &BTreeMap::new(),
    );
    assert_eq!(ok.decision, Decision::Allowed, "{:?}", ok.judged);
    assert!(ok.response.allowed);

    let mut sc = hardened();
    sc["privileged"] = json!(true);
    let bad = decide(
        &config,
        &review("CREATE", "shop", &pod(sc), None),
        &BTreeMap::new(),
    );
    assert_eq!(bad.decision, Decision::Denied);
    let status = bad.response.status.unwrap();
    assert_eq!(status.code, 403);
    assert!(
        status
            .message
            .contains("[PSS001] spec.containers[0].securityContext.privileged"),
        "{}",
        status.message
    );
    assert_eq!(
        bad.response.audit_annotations["enforce-policy"],
        "restricted:latest"
    );
}

#[test]
fn namespace_labels_choose_the_mode_for_each_level() {
    let config = Config::default();
    // runAsUser 0 is restricted-only: under enforce=baseline it only warns.
    let mut p = pod(hardened());
    p["spec"]["securityContext"]["runAsUser"] = json!(0);
    let body = review("CREATE", "shop", &p, None);
    let ns = labels(&[
        ("enforce", "baseline"),
        ("warn", "restricted"),
        ("audit", "restricted"),
    ]);
    let out = decide(&config, &body, &ns);
    assert!(out.response.allowed, "{:?}", out.response.status);
    assert!(
        out.response
            .warnings
            .iter()
            .any(|w| w.starts_with("[PSS104]")),
        "{:?}",
        out.response.warnings
    );
    assert!(out.response.audit_annotations["audit-violations"].contains("PSS104"));
    assert_eq!(
        out.response.audit_annotations["enforce-policy"],
        "baseline:latest"
    );

    // The same pod where enforce=restricted is denied.
    let out = decide(&config, &body, &labels(&[("enforce", "restricted")]));
    assert!(!out.response.allowed);
    // And with enforce=privileged, audit-only, nothing is denied or warned.
    let out = decide(
        &config,
        &body,
        &labels(&[
            ("enforce", "privileged"),
            ("warn", "privileged"),
            ("audit", "baseline"),
        ]),
    );
    assert!(out.response.allowed && out.response.warnings.is_empty());
}

#[test]
fn invalid_enforce_labels_fail_closed() {
    let mut p = pod(hardened());
    p["spec"]["securityContext"]["runAsUser"] = json!(0);
    let out = decide(
        &Config::default(),
        &review("CREATE", "shop", &p, None),
        &labels(&[("enforce", "strict")]),
    );
    assert!(!out.response.allowed);
    assert!(out.response.audit_annotations["error"].contains("pod-security.kubernetes.io/enforce"));
}

#[test]
fn a_namespace_with_invalid_labels_is_rejected_as_invalid() {
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop",
        "labels": {"pod-security.kubernetes.io/enforce": "bogus"}}});
    let out = decide(
        &Config::default(),
        &review("CREATE", "", &ns, None),
        &BTreeMap::new(),
    );
    let status = out.response.status.unwrap();
    assert_eq!((status.code, status.reason.as_str()), (422, "Invalid"));
}

#[test]
fn exempt_namespaces_users_and_runtime_classes_pass_unexamined() {
    let mut sc = hardened();
    sc["privileged"] = json!(true);
    let bad = pod(sc);
    let config = Config::default();
    for ns in ["kube-system", "palisade"] {
        let out = decide(&config, &review("CREATE", ns, &bad, None), &BTreeMap::new());
        assert_eq!(out.decision, Decision::Exempt);
        assert_eq!(out.response.audit_annotations["exempt"], "namespace");
    }
    let config = Config::parse("p.yaml", "admission:\n  exempt:\n    users: [alice]\n").unwrap();
    assert_eq!(
        decide(
            &config,
            &review("CREATE", "shop", &bad, None),
            &BTreeMap::new()
        )
        .decision,
        Decision::Exempt
    );
    let config = Config::parse(
        "p.yaml",
        "admission:\n  exempt:\n    runtime-classes: [kata]\n",
    )
    .unwrap();
    let mut kata = bad.clone();
    kata["spec"]["runtimeClassName"] = json!("kata");
    assert_eq!(
        decide(
            &config,
            &review("CREATE", "shop", &kata, None),
            &BTreeMap::new()
        )
        .decision,
        Decision::Exempt
    );
    assert_eq!(
        decide(
            &config,
            &review("CREATE", "shop", &bad, None),
            &BTreeMap::new()
        )
        .decision,
        Decision::Denied
    );
}

#[test]
fn a_workload_cannot_exempt_itself_but_configured_exemptions_apply_until_they_expire() {
    let mut sc = hardened();
    sc["privileged"] = json!(true);
    let mut bad = pod(sc);
    bad["metadata"]["annotations"] = json!({"palisade.dev/ignore": "PSS001: trust me"});
    let body = review("CREATE", "shop", &bad, None);
    assert_eq!(
        decide(&Config::default(), &body, &BTreeMap::new()).decision,
        Decision::Denied
    );
    let honour = Config::parse("p.yaml", "admission:\n  honour-suppressions: true\n").unwrap();
    let out = decide(&honour, &body, &BTreeMap::new());
    assert!(out.response.allowed, "{:?}", out.response.status);
    assert!(out.response.audit_annotations["exemptions"].contains("trust me"));

    let exempted = Config::parse(
        "p.yaml",
        "admission:\n  exemptions:\n    - namespace: shop\n      name: \"w*\"\n      rules: [PSS001]\n      reason: CNI agent\n      expires: 2026-12-31\n",
    )
    .unwrap();
    let out = decide(&exempted, &body, &BTreeMap::new());
    assert!(out.response.allowed);
    assert_eq!(
        out.response.audit_annotations["exemptions"],
        "[PSS001] CNI agent"
    );
    let (_, req) = review::parse(&body).unwrap();
    let later = Admission::new(exempted).validate(&req, &BTreeMap::new(), (2027, 1, 1));
    assert!(
        !later.response.allowed,
        "an expired exemption no longer applies"
    );
}

#[test]
fn updates_that_do_not_touch_the_pod_spec_are_not_rejudged() {
    let mut sc = hardened();
    sc["privileged"] = json!(true);
    let old = pod(sc);
    let mut relabelled = old.clone();
    relabelled["metadata"]["labels"]["tier"] = json!("front");
    let out = decide(
        &Config::default(),
        &review("UPDATE", "shop", &relabelled, Some(&old)),
        &BTreeMap::new(),
    );
    assert_eq!(out.decision, Decision::Skipped);
    let mut reimaged = old.clone();
    reimaged["spec"]["containers"][0]["image"] = json!("registry.example.com/web:2");
    let out = decide(
        &Config::default(),
        &review("UPDATE", "shop", &reimaged, Some(&old)),
        &BTreeMap::new(),
    );
    assert_eq!(out.decision, Decision::Denied);
}

#[test]
fn deletes_connects_and_status_updates_pass() {
    let mut sc = hardened();
    sc["privileged"] = json!(true);
    let bad = pod(sc);
    for op in ["DELETE", "CONNECT"] {
        let out = decide(
            &Config::default(),
            &review(op, "shop", &bad, None),
            &BTreeMap::new(),
        );
        assert_eq!(out.decision, Decision::Skipped);
    }
    let mut body: Value =
        serde_json::from_slice(&review("UPDATE", "shop", &bad, Some(&bad))).unwrap();
    body["request"]["subResource"] = json!("status");
    let out = decide(
        &Config::default(),
        &serde_json::to_vec(&body).unwrap(),
        &BTreeMap::new(),
    );
    assert_eq!(out.decision, Decision::Skipped);
    body["request"]["subResource"] = json!("ephemeralcontainers");
    body["request"]["object"]["spec"]["ephemeralContainers"] =
        json!([{"name": "debug", "image": "busybox"}]);
    let out = decide(
        &Config::default(),
        &serde_json::to_vec(&body).unwrap(),
        &BTreeMap::new(),
    );
    assert_eq!(out.decision, Decision::Denied);
}

#[test]
fn hardening_rules_follow_their_configured_action() {
    // An unpinned image (WL004) denies by default (any finding fails CI)...
    let mut p = pod(hardened());
    p["spec"]["containers"][0]["image"] = json!("registry.example.com/web:1.2");
    let body = review("CREATE", "shop", &p, None);
    let out = decide(&Config::default(), &body, &BTreeMap::new());
    assert!(!out.response.allowed);
    assert!(out.response.status.unwrap().message.contains("[WL004]"));
    // ...warns when configured so...
    let warn = Config::parse("p.yaml", "admission:\n  actions:\n    WL004: warn\n").unwrap();
    let out = decide(&warn, &body, &BTreeMap::new());
    assert!(out.response.allowed);
    assert!(
        out.response
            .warnings
            .iter()
            .any(|w| w.starts_with("[WL004]"))
    );
    // ...and only audits when so, by group.
    let audit = Config::parse("p.yaml", "admission:\n  actions:\n    images: audit\n").unwrap();
    let out = decide(&audit, &body, &BTreeMap::new());
    assert!(out.response.allowed && out.response.warnings.is_empty());
    assert!(out.response.audit_annotations["audit-violations"].contains("WL004"));
    // fail-on high: a medium finding warns.
    let high = Config::parse("p.yaml", "fail-on: high\n").unwrap();
    assert!(decide(&high, &body, &BTreeMap::new()).response.allowed);
}

#[test]
fn responses_answer_in_the_version_asked() {
    let mut body: Value =
        serde_json::from_slice(&review("CREATE", "shop", &pod(hardened()), None)).unwrap();
    body["apiVersion"] = json!("admission.k8s.io/v1beta1");
    let (version, req) = review::parse(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert_eq!(version, ApiVersion::V1Beta1);
    let out = Admission::new(Config::default()).validate(&req, &BTreeMap::new(), TODAY);
    let json = out.response.to_review(version);
    assert_eq!(json["apiVersion"], "admission.k8s.io/v1beta1");
    assert_eq!(json["response"]["uid"], "uid-1");
}

#[test]
fn mutation_adds_safe_defaults_only_where_unset_and_the_result_validates() {
    let config = Config::default();
    let admission = Admission::new(config);
    let bare = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app.kubernetes.io/name": "web"}},
        "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
            {"name": "app", "image": "registry.example.com/web@sha256:0123456789012345678901234567890123456789012345678901234567890123",
             "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "1", "memory": "64Mi"}},
             "securityContext": {"readOnlyRootFilesystem": true, "capabilities": {"drop": ["NET_RAW"]}}}]}}}});
    let mut ns = BTreeMap::new();
    ns.insert(
        "shop".to_string(),
        BTreeMap::from([("palisade.dev/mutate".to_string(), "enabled".to_string())]),
    );
    let (_, req) = review::parse(&review("CREATE", "shop", &bare, None)).unwrap();
    let before = admission.validate(&req, &ns, TODAY);
    assert!(!before.response.allowed);

    let out = admission.mutate(&req, &ns);
    let patch: json_patch::Patch =
        serde_json::from_slice(out.response.patch.as_ref().unwrap()).unwrap();
    let mut patched = bare.clone();
    json_patch::patch(&mut patched, &patch).unwrap();
    let spec = &patched["spec"]["template"]["spec"];
    assert_eq!(
        spec["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    assert_eq!(spec["securityContext"]["runAsNonRoot"], true);
    assert_eq!(spec["automountServiceAccountToken"], false);
    let sc = &spec["containers"][0]["securityContext"];
    assert_eq!(sc["allowPrivilegeEscalation"], false);
    // The user's own drop list is kept, not replaced.
    assert_eq!(sc["capabilities"]["drop"], json!(["NET_RAW"]));

    // Only the user's NET_RAW-only drop list still fails restricted.
    let (_, req) = review::parse(&review("CREATE", "shop", &patched, None)).unwrap();
    let after = admission.validate(&req, &ns, TODAY);
    let ids: Vec<&str> = after
        .judged
        .iter()
        .filter(|j| j.action == palisade_core::admission::Action::Deny)
        .map(|j| j.finding.rule_id.as_str())
        .collect();
    assert_eq!(ids, ["PSS106"], "{:?}", after.response.status);

    // Not opted in: no patch.
    let (_, req) = review::parse(&review("CREATE", "shop", &bare, None)).unwrap();
    assert!(
        admission
            .mutate(&req, &BTreeMap::new())
            .response
            .patch
            .is_none()
    );
}
