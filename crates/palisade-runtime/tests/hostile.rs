//! Hostile input: truncated and mangled rule files, conditions and events
//! never panic; they give errors, and evaluation of what does load goes on.
#![allow(clippy::unwrap_used)]

use palisade_runtime::condition::parse;
use palisade_runtime::defaults::{DEFAULT_RULES, DEFAULT_RULES_NAME};
use palisade_runtime::{Engine, EngineOptions, Origin, RuleSet, event};
use std::path::Path;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

fn char_boundaries(s: &str, step: usize) -> impl Iterator<Item = usize> + '_ {
    (0..s.len())
        .step_by(step)
        .filter(|i| s.is_char_boundary(*i))
}

#[test]
fn truncated_rule_files_give_errors_not_panics() {
    for name in ["falco_style_rules.yaml", "k8s_style_rules.yaml"] {
        let text = fixture(name);
        for cut in char_boundaries(&text, 5) {
            let mut rs = RuleSet::new();
            let _ = rs.load_str(name, &text[..cut]);
            let _ = Engine::new(&rs, EngineOptions::default());
        }
    }
}

#[test]
fn mangled_conditions_give_errors_not_panics() {
    let cond = r#"(evt.type in (open, openat) and not proc.aname[2] in (a, "b c", 'd')) or tolower(fd.name) glob '/etc/*' and proc.name != val(proc.pname) or ka.uri.param[command] exists and len(fd.name) > 3 and fd.name regex '[a-z]+' and evt.buffer bcontains CAFE"#;
    assert!(parse(cond).is_ok());
    for cut in char_boundaries(cond, 1) {
        let _ = parse(&cond[..cut]);
        let _ = parse(&cond[cut..]);
    }
    for bad in [
        "((((",
        "))))",
        "not",
        "a.b in (",
        "a.b = 'x",
        "a.b[",
        "tolower(",
        "val(a.b",
        "a.b = val(",
        "\u{1F600} = x",
        "a.b = \u{1F600}",
        "a.b in (\u{1F600},",
    ] {
        let _ = parse(bad);
    }
}

#[test]
fn mangled_events_give_errors_and_the_engine_keeps_working() {
    let mut rs = RuleSet::new();
    rs.load_str(DEFAULT_RULES_NAME, DEFAULT_RULES).unwrap();
    rs.load_str("k8s_style_rules.yaml", &fixture("k8s_style_rules.yaml"))
        .unwrap();
    let engine = Engine::new(&rs, EngineOptions::default()).unwrap();
    let line = fixture("audit_pod_create.json");
    let line = line.trim();
    let origin = Origin::default();
    let mut alerts = Vec::new();
    let mut ok = 0;
    for cut in char_boundaries(line, 3) {
        if event::decode(&line[..cut], None, |ev| {
            engine.evaluate(&ev, &origin, &mut alerts)
        })
        .is_ok()
        {
            ok += 1;
        }
    }
    assert_eq!(ok, 0, "no prefix of one JSON object is a whole event");
    // type confusion: every scalar replaced by an object, an array, null, a number
    for replacement in [
        "{}",
        "[]",
        "null",
        "-1e999",
        "true",
        r#"{"a":[1,{"b":null}]}"#,
    ] {
        let mangled = line
            .replace(r#""create""#, replacement)
            .replace(r#""pods""#, replacement)
            .replace("true", replacement)
            .replace(r#""shop""#, replacement);
        let _ = event::decode(&mangled, None, |ev| {
            engine.evaluate(&ev, &origin, &mut alerts)
        });
    }
    // the engine still works afterwards
    alerts.clear();
    event::decode(line, None, |ev| engine.evaluate(&ev, &origin, &mut alerts)).unwrap();
    assert!(!alerts.is_empty());
    // deep nesting is refused by the JSON parser, not the stack
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(event::decode(&deep, None, |_| {}).is_err());
}
