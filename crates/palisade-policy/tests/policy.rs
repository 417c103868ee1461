//! Loading and evaluating Gatekeeper policies: libs, match semantics,
//! enforcement actions, inventory, AdmissionReview requests, compile
//! errors, unsupported templates and runaway policies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_core::Severity;
use palisade_core::admission::Action;
use palisade_policy::{
    EnforcementPoint, Inventory, Limits, NamespaceInfo, PolicySet, RequestParts, Review,
};
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn load(files: &[&str]) -> PolicySet {
    let paths: Vec<PathBuf> = files.iter().map(|f| data(f)).collect();
    let (set, issues) = PolicySet::load(&paths);
    assert!(issues.is_empty(), "{issues:?}");
    set
}

fn ns(name: &str, labels: &[(&str, &str)]) -> NamespaceInfo {
    NamespaceInfo {
        name: name.into(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn pod(name: &str, namespace: &str, labels: serde_json::Value) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": namespace, "labels": labels},
           "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}})
}

fn ids(e: &palisade_policy::Evaluation) -> Vec<&str> {
    e.violations.iter().map(|v| v.rule.id).collect()
}

#[test]
fn constraints_become_rules_with_actions_and_severities() {
    let set = load(&["labels-template.yaml", "labels-constraints.yaml"]);
    let rules: Vec<_> = set.rules().iter().map(|r| (r.id, r.severity)).collect();
    assert_eq!(
        rules,
        vec![
            ("TestRequiredLabels/owner-in-prod", Severity::High),
            ("TestRequiredLabels/team-warn", Severity::Low),
            ("TestRequiredLabels/cost-center-dryrun", Severity::Low),
            ("POL001", Severity::High),
        ]
    );
    let c = &set.constraints()[0];
    assert_eq!(c.rule.name, "testrequiredlabels-owner-in-prod");
    assert!(c.rule.groups.contains(&"gatekeeper"));
    assert_eq!(c.rule.title, "Requires labels (test template using a lib).");

    // In prod: the deny constraint (through the lib) and the warn one.
    let review = Review::of_object(
        pod("billing-api", "shop", json!({"app": "x"})),
        Some(ns("shop", &[("env", "prod")])),
    );
    let e = set.evaluate(&review, EnforcementPoint::Offline);
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    assert_eq!(
        ids(&e),
        [
            "TestRequiredLabels/owner-in-prod",
            "TestRequiredLabels/team-warn",
            "TestRequiredLabels/cost-center-dryrun"
        ]
    );
    let actions: Vec<Action> = e.violations.iter().map(|v| v.action).collect();
    assert_eq!(actions, [Action::Deny, Action::Warn, Action::Audit]);
    assert_eq!(
        e.violations[0].message,
        "Pod billing-api is missing labels: {\"owner\"}"
    );
    assert_eq!(e.violations[0].details, json!({"missing": ["owner"]}));
}

#[test]
fn match_semantics_select_objects() {
    let set = load(&["labels-template.yaml", "labels-constraints.yaml"]);
    let labels = json!({"owner": "a", "team": "b", "cost-center": "c"});
    // Not prod: the namespaceSelector leaves the deny constraint out.
    let dev = Review::of_object(
        pod("web", "shop", json!({"app": "x"})),
        Some(ns("shop", &[("env", "dev")])),
    );
    let e = set.evaluate(&dev, EnforcementPoint::Offline);
    assert_eq!(ids(&e), ["TestRequiredLabels/team-warn"]);
    // kube-* namespaces are excluded from team-warn.
    let system = Review::of_object(
        pod("web", "kube-system", json!({})),
        Some(ns("kube-system", &[])),
    );
    assert!(ids(&set.evaluate(&system, EnforcementPoint::Offline)).is_empty());
    // Fully labelled: nothing.
    let good = Review::of_object(
        pod("billing-x", "shop", labels),
        Some(ns("shop", &[("env", "prod")])),
    );
    assert!(ids(&set.evaluate(&good, EnforcementPoint::Offline)).is_empty());
    // A ConfigMap is not among owner-in-prod's kinds.
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop"}});
    let e = set.evaluate(
        &Review::of_object(cm, Some(ns("shop", &[("env", "prod")]))),
        EnforcementPoint::Offline,
    );
    assert_eq!(ids(&e), ["TestRequiredLabels/team-warn"]);
    // A namespaced object whose Namespace is unknown cannot be matched by a
    // namespaceSelector: that is an error naming the template, not a pass.
    let unknown = Review::of_object(pod("web", "elsewhere", json!({"team": "t"})), None);
    let e = set.evaluate(&unknown, EnforcementPoint::Offline);
    assert_eq!(e.errors.len(), 1);
    assert!(
        e.errors[0]
            .to_string()
            .contains("template testrequiredlabels")
    );
    assert!(
        e.errors[0]
            .message
            .contains("Namespace `elsewhere` is not known")
    );
}

#[test]
fn admission_requests_review_as_gatekeeper_does() {
    let set = load(&["labels-template.yaml", "labels-constraints.yaml"]);
    let doc = json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
        "uid": "u1", "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
        "operation": "CREATE", "namespace": "shop", "name": "api",
        "userInfo": {"username": "alice"},
        "object": {"apiVersion": "apps/v1", "kind": "Deployment",
                   "metadata": {"name": "api", "labels": {"team": "t"}}}}});
    let parts = palisade_policy::review::parts_of_admission_review(&doc).unwrap();
    let review = Review::of_request(parts, Some(ns("shop", &[("env", "prod")])));
    let input = review.to_json();
    assert_eq!(input["userInfo"]["username"], "alice");
    assert_eq!(
        input["_unstable"]["namespace"]["metadata"]["labels"]["env"],
        "prod"
    );
    let e = set.evaluate(&review, EnforcementPoint::Webhook);
    assert_eq!(ids(&e), ["TestRequiredLabels/owner-in-prod"]);

    // DELETE: labels come from oldObject.
    let parts = RequestParts {
        operation: "DELETE".into(),
        kind: "Pod".into(),
        version: "v1".into(),
        namespace: "shop".into(),
        old_object: Some(pod("web", "shop", json!({}))),
        ..RequestParts::default()
    };
    let review = Review::of_request(parts, Some(ns("shop", &[("env", "dev")])));
    assert_eq!(review.target.name, "web");
}

#[test]
fn inventory_feeds_referential_policies() {
    let set = load(&["unique-host-template.yaml"]);
    let ingress = |name: &str, ns: &str, host: &str| {
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
               "metadata": {"name": name, "namespace": ns},
               "spec": {"rules": [{"host": host}]}})
    };
    let a = ingress("a", "shop", "shop.example.com");
    let b = ingress("b", "blog", "shop.example.com");
    let c = ingress("c", "blog", "blog.example.com");
    let mut inv = Inventory::default();
    for o in [&a, &b, &c] {
        inv.add(o);
    }
    assert_eq!(inv.len(), 3);
    let with = set.with_inventory(&inv).unwrap();
    let e = with.evaluate(
        &Review::of_object(a.clone(), None),
        EnforcementPoint::Offline,
    );
    assert_eq!(e.violations.len(), 1, "{e:?}");
    assert_eq!(
        e.violations[0].message,
        "ingress host shop.example.com conflicts with ingress blog/b"
    );
    let e = with.evaluate(&Review::of_object(c, None), EnforcementPoint::Offline);
    assert!(e.violations.is_empty());
    // Without an inventory the policy sees nothing to conflict with.
    assert!(
        set.evaluate(&Review::of_object(a, None), EnforcementPoint::Offline)
            .violations
            .is_empty()
    );
}

#[test]
fn rego_errors_point_into_the_template_file() {
    let (set, issues) = PolicySet::load(&[data("broken-template.yaml")]);
    assert!(set.templates().is_empty());
    assert_eq!(issues.len(), 1, "{issues:?}");
    let i = &issues[0];
    assert!(i.path.ends_with("broken-template.yaml"));
    // `msg := ` is on line 15 of the file, its value missing on line 16.
    assert!((15..=16).contains(&i.line), "{i}");
    assert!(
        i.message
            .starts_with("ConstraintTemplate testbroken: Rego error:"),
        "{i}"
    );
}

#[test]
fn unsupported_and_orphan_documents_are_reported_by_name() {
    let dir = tempdir();
    std::fs::write(
        dir.join("orphan.yaml"),
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sNoSuchKind\nmetadata:\n  name: lost\n",
    )
    .unwrap();
    std::fs::copy(data("cel-template.yaml"), dir.join("cel.yaml")).unwrap();
    std::fs::write(
        dir.join("cel-constraint.yaml"),
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: TestCelOnly\nmetadata:\n  name: c\n",
    )
    .unwrap();
    let (set, issues) = PolicySet::load(std::slice::from_ref(&dir));
    assert!(set.is_empty());
    let text: Vec<String> = issues.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 2, "{text:?}");
    assert!(text.iter().any(
        |t| t.contains("ConstraintTemplate testcelonly is not supported yet")
            && t.contains("K8sNativeValidation")
    ));
    assert!(text.iter().any(|t| t.contains("orphan.yaml:1")
        && t.contains("no ConstraintTemplate defines kind K8sNoSuchKind")));
}

#[test]
fn bad_constraints_are_load_errors() {
    let template = std::fs::read_to_string(data("labels-template.yaml")).unwrap();
    let bad = "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: TestRequiredLabels\nmetadata:\n  name: x\nspec:\n  enforcementAction: block\n";
    let (_, issues) = PolicySet::from_sources(&[
        ("t.yaml".into(), template.clone()),
        ("c.yaml".into(), bad.into()),
    ]);
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].line, 6);
    assert!(
        issues[0]
            .message
            .contains("unknown enforcementAction `block`")
    );
    let bad = "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: TestRequiredLabels\nmetadata:\n  name: x\nspec:\n  match:\n    labelSelector:\n      matchExpressions: [{key: a, operator: Lt}]\n";
    let (_, issues) =
        PolicySet::from_sources(&[("t.yaml".into(), template), ("c.yaml".into(), bad.into())]);
    assert!(
        issues[0].message.contains("unknown operator `Lt`"),
        "{issues:?}"
    );
}

#[test]
fn scoped_enforcement_actions_depend_on_the_point() {
    let template = std::fs::read_to_string(data("labels-template.yaml")).unwrap();
    let c = "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: TestRequiredLabels\nmetadata:\n  name: s\nspec:\n  enforcementAction: scoped\n  scopedEnforcementActions:\n  - action: warn\n    enforcementPoints: [{name: validation.gatekeeper.sh}]\n  - action: deny\n    enforcementPoints: [{name: gator.gatekeeper.sh}]\n  parameters:\n    labels: [x]\n";
    let (set, issues) =
        PolicySet::from_sources(&[("t.yaml".into(), template), ("c.yaml".into(), c.into())]);
    assert!(issues.is_empty(), "{issues:?}");
    let review = Review::of_object(pod("p", "", json!({})), None);
    assert_eq!(
        set.evaluate(&review, EnforcementPoint::Webhook).violations[0].action,
        Action::Warn
    );
    assert_eq!(
        set.evaluate(&review, EnforcementPoint::Offline).violations[0].action,
        Action::Deny
    );
}

#[test]
fn runaway_policies_stop_at_the_budget() {
    let mut set = load(&[
        "runaway-template.yaml",
        "labels-template.yaml",
        "labels-constraints.yaml",
    ]);
    set.set_limits(Limits {
        budget: Duration::from_millis(100),
    });
    let review = Review::of_object(pod("p", "", json!({})), None);
    let started = Instant::now();
    let e = set.evaluate(&review, EnforcementPoint::Offline);
    // Generous: the budget is 100 ms; a hang would take hours.
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        e.errors
            .iter()
            .any(|x| x.template == "testrunaway" && x.message.contains("budget")),
        "{:?}",
        e.errors
    );
    // The runaway spent the review's budget: later constraints are
    // reported as not evaluated, not silently passed.
    assert!(
        e.errors.iter().any(|x| x.message.contains("not evaluated")),
        "{:?}",
        e.errors
    );
    let findings = e.findings(
        &palisade_core::Location {
            path: "p.yaml".into(),
            line: 1,
            column: 1,
        },
        None,
    );
    assert!(findings.iter().all(|f| f.rule_id == "POL001"));
}

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "palisade-policy-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}
