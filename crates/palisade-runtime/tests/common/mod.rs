//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use palisade_runtime::{Alert, Engine, EngineOptions, MatchMode, Origin, RuleSet, event};

/// Loads rule text and compiles it, matching all rules.
pub fn engine(yaml: &str) -> Engine {
    let mut rs = RuleSet::new();
    if let Err(e) = rs.load_str("test.yaml", yaml) {
        panic!("load errors: {e:?}");
    }
    match Engine::new(
        &rs,
        EngineOptions {
            match_mode: MatchMode::All,
            ..EngineOptions::default()
        },
    ) {
        Ok(e) => e,
        Err(e) => panic!("compile errors: {e:?}"),
    }
}

/// The compile errors of rule text (which must load).
pub fn compile_errors(yaml: &str) -> Vec<String> {
    let mut rs = RuleSet::new();
    if let Err(e) = rs.load_str("test.yaml", yaml) {
        return e.iter().map(ToString::to_string).collect();
    }
    match Engine::new(&rs, EngineOptions::default()) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

/// Alerts for one JSON event.
pub fn alerts(engine: &Engine, json: &str) -> Vec<Alert> {
    let mut out = Vec::new();
    event::decode(json, None, |ev| {
        engine.evaluate(&ev, &Origin::default(), &mut out);
    })
    .unwrap();
    out
}

/// Names of the rules alerting for one JSON event.
pub fn fired(engine: &Engine, json: &str) -> Vec<String> {
    alerts(engine, json).into_iter().map(|a| a.rule).collect()
}

/// Whether a syscall-source condition holds for an event.
pub fn holds(condition: &str, json: &str) -> bool {
    let yaml = format!(
        "- rule: r\n  desc: d\n  condition: {}\n  output: o\n  priority: WARNING\n",
        serde_json::to_string(condition).unwrap()
    );
    !fired(&engine(&yaml), json).is_empty()
}

/// Whether a k8s_audit-source condition holds for an event.
pub fn holds_audit(condition: &str, json: &str) -> bool {
    let yaml = format!(
        "- rule: r\n  desc: d\n  condition: {}\n  output: o\n  priority: WARNING\n  source: k8s_audit\n",
        serde_json::to_string(condition).unwrap()
    );
    !fired(&engine(&yaml), json).is_empty()
}
