//! `palisade rules test`: detection rules checked against events with the
//! alerts they must (and must not) raise, so rules can be tested in CI.
//!
//! A test file is YAML:
//!
//! ```yaml
//! rules: [my_rules.yaml]        # relative to this file; omitted: Palisade's default rules
//! match: all                    # first (default, as Falco) or all
//! tests:
//!   - name: shell in a container alerts
//!     event: {"evt.type": execve, "evt.dir": "<", proc.name: bash, container.id: abc}
//!     expect: [Terminal shell in container]
//!   - name: shell on the host does not
//!     events:                   # several events; their alerts are pooled
//!       - '{"evt.type":"execve","evt.dir":"<","proc.name":"bash","container.id":"host"}'
//!     expect: []
//! ```
//!
//! An event is a mapping, or a string of JSON (use a string when a value
//! such as `yes` must stay a string: YAML 1.1 reads it as `true`). `expect`
//! lists the rule names that must alert, and only those.

use crate::defaults;
use crate::engine::{Engine, EngineOptions, MatchMode};
use crate::event::{self, Event};
use crate::ruleset::{RuleError, RuleSet};
use palisade_yaml::{Limits, Node, Value};
use std::collections::BTreeSet;
use std::path::Path;

/// The outcome of one test case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// `file:line` of the case.
    pub location: String,
    /// Rules expected to alert.
    pub expected: BTreeSet<String>,
    /// Rules that alerted.
    pub got: BTreeSet<String>,
    /// A problem with the case itself (bad event JSON).
    pub error: Option<String>,
}

impl CaseResult {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.expected == self.got
    }
}

/// The outcome of a test file.
#[derive(Debug, Clone, Default)]
pub struct TestReport {
    /// Every case, in file order.
    pub cases: Vec<CaseResult>,
}

impl TestReport {
    /// Cases that failed.
    pub fn failures(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases.iter().filter(|c| !c.passed())
    }
}

/// Runs a test file.
pub fn run_file(path: &Path) -> Result<TestReport, Vec<RuleError>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![RuleError {
            location: path.display().to_string(),
            message: format!("cannot read: {e}"),
        }]
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    run_str(&path.display().to_string(), &text, base)
}

/// Runs test file text; rule files it names are read relative to `base`.
pub fn run_str(name: &str, text: &str, base: &Path) -> Result<TestReport, Vec<RuleError>> {
    let err = |line: u32, message: String| {
        vec![RuleError {
            location: format!("{name}:{line}"),
            message,
        }]
    };
    let stream = palisade_yaml::parse_stream(text, &Limits::default());
    if let Some(e) = stream.errors.first() {
        return Err(err(e.pos.line, e.kind.to_string()));
    }
    let Some(root) = stream.documents.first().map(|d| &d.root) else {
        return Err(err(1, "empty test file".to_string()));
    };
    let Some(map) = root.as_map() else {
        return Err(err(
            root.pos.line,
            "a test file is a mapping with `tests`".to_string(),
        ));
    };
    let mut rules = RuleSet::new();
    match map.get("rules") {
        None => rules.load_str(defaults::DEFAULT_RULES_NAME, defaults::DEFAULT_RULES)?,
        Some(list) => {
            for item in list.items() {
                let Some(p) = item.as_str() else {
                    return Err(err(item.pos.line, "`rules` lists file names".to_string()));
                };
                if p == "default" {
                    rules.load_str(defaults::DEFAULT_RULES_NAME, defaults::DEFAULT_RULES)?;
                } else {
                    rules.load_path(&base.join(p))?;
                }
            }
        }
    }
    let match_mode = match map.get("match").and_then(Node::as_str) {
        None | Some("first") => MatchMode::First,
        Some("all") => MatchMode::All,
        Some(other) => {
            return Err(err(
                root.pos.line,
                format!("`match` is `first` or `all`, not `{other}`"),
            ));
        }
    };
    let engine = Engine::new(
        &rules,
        EngineOptions {
            match_mode,
            ..EngineOptions::default()
        },
    )?;
    let mut report = TestReport::default();
    for case in map.get("tests").map(Node::items).unwrap_or(&[]) {
        report.cases.push(run_case(&engine, case, name));
    }
    Ok(report)
}

fn run_case(engine: &Engine, case: &Node, file: &str) -> CaseResult {
    let name = case
        .get("name")
        .and_then(Node::as_str)
        .unwrap_or("(unnamed)")
        .to_string();
    let mut result = CaseResult {
        name,
        location: format!("{file}:{}", case.pos.line),
        expected: case
            .get("expect")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect(),
        got: BTreeSet::new(),
        error: None,
    };
    let mut events: Vec<(String, u32)> = Vec::new();
    if let Some(e) = case.get("event") {
        events.push((event_text(e), e.pos.line));
    }
    for e in case.get("events").map(Node::items).unwrap_or(&[]) {
        events.push((event_text(e), e.pos.line));
    }
    if events.is_empty() {
        result.error = Some("the case has no `event` or `events`".to_string());
        return result;
    }
    let source = case
        .get("source")
        .and_then(Node::as_str)
        .and_then(crate::Source::from_name);
    for (text, line) in events {
        let got = &mut result.got;
        let r = event::decode(&text, source, |ev: Event<'_>| {
            engine.for_each_match(&ev, |rule| {
                got.insert(rule.name.clone());
            });
        });
        if let Err(e) = r {
            result.error = Some(format!("line {line}: {e}"));
        }
    }
    result
}

/// An event written as a mapping (converted to JSON) or as JSON text.
fn event_text(n: &Node) -> String {
    match &n.value {
        Value::Str(s) => s.clone(),
        _ => node_json(n).to_string(),
    }
}

fn node_json(n: &Node) -> serde_json::Value {
    match &n.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Float(f) => serde_json::Value::from(*f),
        Value::Str(s) => serde_json::Value::String(s.clone()),
        Value::Seq(items) => serde_json::Value::Array(items.iter().map(node_json).collect()),
        Value::Map(m) => serde_json::Value::Object(
            m.iter()
                .map(|(k, v)| (k.text.clone(), node_json(v)))
                .collect(),
        ),
    }
}
