//! Policy files in the YAML shapes go-yaml accepts and strict YAML 1.2
//! parsers refuse load and run (issue: upstream files load as upstream
//! tools load them).
#![allow(clippy::unwrap_used)]

use palisade_policy::{EnforcementPoint, PolicySet, Review};
use serde_json::json;
use std::path::PathBuf;

#[test]
fn template_with_quoted_description_at_key_indentation_loads_and_runs() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/quoted-description-template.yaml");
    let (set, issues) = PolicySet::load(&[path]);
    assert!(issues.is_empty(), "{issues:?}");
    let t = &set.templates()[0];
    assert_eq!(
        t.description.as_deref(),
        Some(
            "Denies privileged containers. Written with a description that continues at the indentation of its key, as go-yaml allows."
        )
    );
    let pod = |privileged: bool| {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "shop"},
               "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
                        "securityContext": {"privileged": privileged}}]}})
    };
    let bad = set.evaluate(
        &Review::of_object(pod(true), None),
        EnforcementPoint::Offline,
    );
    assert!(bad.errors.is_empty(), "{:?}", bad.errors);
    assert_eq!(bad.violations.len(), 1);
    assert_eq!(bad.violations[0].message, "container app is privileged");
    let good = set.evaluate(
        &Review::of_object(pod(false), None),
        EnforcementPoint::Offline,
    );
    assert!(good.violations.is_empty());
}
