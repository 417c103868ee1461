//! The shipped rules load, compile, and pass their own tests: every rule
//! alerts on the events it must and stays quiet on the near misses.
#![allow(clippy::unwrap_used, clippy::panic)]

use palisade_runtime::defaults::{DEFAULT_RULES, DEFAULT_RULES_NAME, DEFAULT_RULES_TESTS};
use palisade_runtime::{Engine, EngineOptions, RuleSet, Source, ruletest};
use std::path::Path;

#[test]
fn default_rules_pass_their_tests() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/runtime");
    let report = ruletest::run_str("palisade_rules.tests.yaml", DEFAULT_RULES_TESTS, &base)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let failures: Vec<String> = report
        .failures()
        .map(|c| {
            format!(
                "{} ({}): expected {:?}, got {:?} {:?}",
                c.name, c.location, c.expected, c.got, c.error
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(report.cases.len() >= 40);
}

#[test]
fn every_default_rule_has_a_test_that_fires_it() {
    let mut rs = RuleSet::new();
    rs.load_str(DEFAULT_RULES_NAME, DEFAULT_RULES).unwrap();
    let engine = Engine::new(&rs, EngineOptions::default()).unwrap();
    assert!(engine.rule_count(Source::Syscall) >= 7);
    assert!(engine.rule_count(Source::K8sAudit) >= 8);
    for rule in engine.rules() {
        assert!(
            DEFAULT_RULES_TESTS.contains(&format!("expect: [{}", rule.name))
                || DEFAULT_RULES_TESTS.contains(&format!(", {}]", rule.name)),
            "no test expects rule `{}`",
            rule.name
        );
    }
}

#[test]
fn benchmark_rule_set_compiles_with_50_plus_rules() {
    let mut rs = RuleSet::new();
    rs.load_str(DEFAULT_RULES_NAME, DEFAULT_RULES).unwrap();
    rs.load_str(
        "bench_rules.yaml",
        include_str!("../examples/bench_rules.yaml"),
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let engine = Engine::new(&rs, EngineOptions::default()).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(engine.rules().len() >= 50, "{}", engine.rules().len());
}
