//! Every built-in rule's examples: each `tp` must be found by that rule,
//! each `fp` must not be. The examples live beside the rules, as data, in
//! rules/default.toml.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_secrets::config::RuleSpec;
use palisade_secrets::{Limits, Scanner, SecretsConfig, compile_regex, examples};
use std::collections::HashSet;

fn example_path(rule: &RuleSpec) -> String {
    for candidate in ["example.txt", "config/NuGet.config"] {
        match &rule.path {
            Some(p) if !compile_regex(p).unwrap().is_match(candidate.as_bytes()) => {}
            _ => return candidate.to_string(),
        }
    }
    "example.txt".to_string()
}

fn found_by(scanner: &Scanner, rule: &RuleSpec, text: &str) -> bool {
    let (path, data) = if rule.regex.is_none() {
        (text.to_string(), "")
    } else {
        (example_path(rule), text)
    };
    scanner
        .scan(&path, data.as_bytes(), None)
        .findings
        .iter()
        .any(|f| f.rule.id == rule.meta.id)
}

#[test]
fn every_builtin_rule_finds_its_positives_and_ignores_its_negatives() {
    let config = SecretsConfig::builtin().unwrap();
    let scanner = Scanner::new(&config, Limits::default()).unwrap();
    let mut failures = Vec::new();
    for rule in &config.rules {
        if rule.tp.is_empty() || rule.fp.is_empty() {
            failures.push(format!(
                "{} ({}) lacks tp or fp examples",
                rule.meta.id, rule.gitleaks_id
            ));
        }
        for (i, t) in rule.tp.iter().enumerate() {
            for seed in [i as u64, 1000 + i as u64] {
                let text = examples::expand(t, seed);
                if !found_by(&scanner, rule, &text) {
                    failures.push(format!(
                        "{} ({}) misses tp #{i} (seed {seed}): {text}",
                        rule.meta.id, rule.gitleaks_id
                    ));
                }
            }
        }
        for (i, t) in rule.fp.iter().enumerate() {
            let text = examples::expand(t, i as u64);
            if found_by(&scanner, rule, &text) {
                failures.push(format!(
                    "{} ({}) flags fp #{i}: {text}",
                    rule.meta.id, rule.gitleaks_id
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn catalogue_is_large_with_stable_unique_ids() {
    let config = SecretsConfig::builtin().unwrap();
    assert!(config.rules.len() >= 150, "{} rules", config.rules.len());
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for r in &config.rules {
        assert!(ids.insert(r.meta.id), "duplicate id {}", r.meta.id);
        assert!(names.insert(r.meta.name), "duplicate name {}", r.meta.name);
        assert!(
            r.meta.id.starts_with("LK") && r.meta.id.len() == 5,
            "{}",
            r.meta.id
        );
        assert!(r.meta.groups.contains(&"secret"));
        assert!(r.meta.documentation().contains("## What it does"));
        assert!(r.builtin);
    }
    // The catalogue the engine lists is the same set.
    assert_eq!(palisade_secrets::builtin_rules().len(), config.rules.len());
}

#[test]
fn examples_in_the_catalogue_are_not_live_shaped() {
    // Push protection and other scanners must not see a credential in the
    // repository: the raw file must not match its own rules.
    let config = SecretsConfig::builtin().unwrap();
    let scanner = Scanner::new(&config, Limits::default()).unwrap();
    let raw = palisade_secrets::config::BUILTIN_TOML;
    let found = scanner.scan("rules/default.toml", raw.as_bytes(), None);
    let ids: Vec<_> = found
        .findings
        .iter()
        .map(|f| format!("{} line {}", f.rule.name, f.line))
        .collect();
    assert!(ids.is_empty(), "{ids:?}");
}
