//! The rule catalogue is documentation: every rule must be complete.

use std::collections::HashSet;

#[test]
fn ids_are_stable_and_in_order() {
    let ids: Vec<&str> = palisade_docker::rules().iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        [
            "DF001", "DF002", "DF003", "DF004", "DF005", "DF006", "DF007"
        ]
    );
    let names: Vec<&str> = palisade_docker::rules().iter().map(|r| r.name).collect();
    assert_eq!(
        names,
        [
            "dockerfile-root-user",
            "dockerfile-base-image-latest",
            "dockerfile-base-image-not-pinned",
            "dockerfile-secret-in-env",
            "dockerfile-add-remote-url",
            "dockerfile-curl-pipe-shell",
            "dockerfile-package-cache",
        ]
    );
}

#[test]
fn every_rule_is_documented() {
    let mut seen = HashSet::new();
    for rule in palisade_docker::rules() {
        assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
        assert_eq!(rule.groups, ["dockerfile"], "{}", rule.id);
        assert!(
            !rule.title.is_empty() && !rule.title.ends_with('.'),
            "{}",
            rule.id
        );
        assert!(rule.remediation.len() > 20, "{}", rule.id);
        assert!(!rule.references.is_empty(), "{}", rule.id);
        let doc = rule.documentation();
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            assert!(doc.contains(heading), "{} lacks `{heading}`", rule.id);
        }
        for r in rule.references {
            assert!(r.url().starts_with("https://"), "{}: {r:?}", rule.id);
        }
    }
}
