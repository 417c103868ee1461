//! Policy as code: OPA Gatekeeper ConstraintTemplates and constraints, run
//! unmodified and in-process.
//!
//! The pipeline:
//!
//! 1. [`PolicySet::load`] reads files and directories ([`load`]): each
//!    ConstraintTemplate's Rego and libs are compiled once into a prepared
//!    regorus engine ([`template`]), after the steps that make regorus
//!    answer as OPA does ([`rego_compat`]); each constraint becomes a Palisade rule
//!    with its match criteria, parameters and enforcement action
//!    ([`constraint`]). Problems are [`Issue`]s naming file and line; the
//!    rest loads.
//! 2. A [`Review`] is built once per object: `input.review` shaped as
//!    Gatekeeper builds it ([`review`]).
//! 3. [`PolicySet::evaluate`] runs every constraint whose `spec.match`
//!    selects the object ([`matching`]) on a clone of its template's
//!    engine, with `input.parameters` from the constraint and
//!    `data.inventory` from [`PolicySet::with_inventory`]. A review has a
//!    time budget shared by its constraints; a constraint that errs or runs
//!    out of time is an [`EvalError`] naming the template, never a hang.
//! 4. [`Evaluation::findings`] turns violations into ordinary findings, so
//!    suppressions, reports and gating treat them as built-in rules.
//!
//! [`suite`] runs Gatekeeper test suites in the `gator verify` format.
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod constraint;
pub mod guard;
pub mod inventory;
pub mod load;
pub mod matching;
pub mod rego_compat;
pub mod review;
pub mod suite;
pub mod template;

pub use constraint::{Constraint, EnforcementPoint};
pub use inventory::Inventory;
pub use load::Issue;
pub use matching::NamespaceInfo;
pub use review::{RequestParts, Review};
pub use template::Template;

use palisade_core::admission::Action;
use palisade_core::{Finding, Location, Resource, RuleMeta};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

palisade_core::declare_rule! {
    /// ## What it does
    /// Reports a Gatekeeper policy that could not be evaluated on an
    /// object: its Rego raised an error, or it ran past the evaluation
    /// budget (`--policy-timeout-ms`), or its `spec.match` could not be
    /// decided (a `namespaceSelector` for a namespace Palisade has not
    /// seen).
    ///
    /// ## Why is this bad?
    /// A policy that cannot run protects nothing. In the admission webhook
    /// the request fails instead, and the webhook's `failurePolicy`
    /// decides whether the object is admitted.
    ///
    /// ## Example
    /// A template whose Rego loops over the cross product of every
    /// container's every environment variable on a large object, past the
    /// budget.
    pub static POLICY_ERROR = {
        id: "POL001",
        name: "policy-error",
        title: "A Gatekeeper policy failed to evaluate",
        severity: High,
        groups: ["gatekeeper"],
        remediation: "Fix the template's Rego (the message names it), raise the budget, or give Palisade the Namespace objects the constraint selects on.",
        references: [Url("https://open-policy-agent.github.io/gatekeeper/website/docs/howto")],
    };
}

/// Most violations kept per constraint and object.
pub const MAX_VIOLATIONS: usize = 100;
/// Longest violation message kept.
pub const MAX_MESSAGE_CHARS: usize = 2048;
/// The default time budget of one review (all its constraints).
pub const DEFAULT_BUDGET: Duration = Duration::from_millis(500);

/// Evaluation limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time for all constraints evaluated on one object.
    pub budget: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            budget: DEFAULT_BUDGET,
        }
    }
}

/// Compiled templates and their constraints.
#[derive(Clone, Default)]
pub struct PolicySet {
    templates: Vec<template::Template>,
    by_kind: HashMap<String, usize>,
    constraints: Vec<Constraint>,
    limits: Limits,
}

/// One violation of one constraint.
#[derive(Debug, Clone)]
pub struct Violation {
    /// The constraint's rule.
    pub rule: &'static RuleMeta,
    /// The violation's `msg`.
    pub message: String,
    /// The violation's `details` (null when absent).
    pub details: serde_json::Value,
    /// The constraint's action at the enforcement point.
    pub action: Action,
}

/// A constraint that could not be evaluated on an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    /// The template's name.
    pub template: String,
    /// The constraint (`Kind/name`).
    pub constraint: String,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "constraint {} (template {}): {}",
            self.constraint, self.template, self.message
        )
    }
}

/// What evaluating one review gave.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Violations, by constraint in load order.
    pub violations: Vec<Violation>,
    /// Constraints that failed.
    pub errors: Vec<EvalError>,
}

impl Evaluation {
    /// Violations and errors as findings at `location`, about `resource`.
    pub fn findings(&self, location: &Location, resource: Option<&Resource>) -> Vec<Finding> {
        let with = |f: Finding| match resource {
            Some(r) => f.with_resource(r.clone()),
            None => f,
        };
        let mut out: Vec<Finding> = self
            .violations
            .iter()
            .map(|v| with(Finding::new(v.rule, v.message.clone(), location.clone())))
            .collect();
        out.extend(
            self.errors
                .iter()
                .map(|e| with(Finding::new(&POLICY_ERROR, e.to_string(), location.clone()))),
        );
        out
    }
}

impl PolicySet {
    /// Reads and compiles the policies under `paths`.
    pub fn load(paths: &[PathBuf]) -> (PolicySet, Vec<Issue>) {
        let (files, mut issues) = load::policy_files(paths);
        let mut sources = Vec::new();
        for f in files {
            match load::read_text(&f) {
                Ok(text) => sources.push((f.display().to_string(), text)),
                Err(i) => issues.push(i),
            }
        }
        let (set, more) = PolicySet::from_sources(&sources);
        issues.extend(more);
        (set, issues)
    }

    /// Compiles policies from `(path, text)` pairs: templates first, then
    /// the constraints of the kinds they define.
    pub fn from_sources(sources: &[(String, String)]) -> (PolicySet, Vec<Issue>) {
        let mut set = PolicySet::default();
        let mut issues = Vec::new();
        let mut unsupported: HashMap<String, String> = HashMap::new();
        // Each file is parsed once; templates are read in a first pass over
        // the trees so that constraints can name kinds defined later.
        let parsed: Vec<_> = sources
            .iter()
            .map(|(path, text)| (path, text, load::parse(path, text, &mut issues)))
            .collect();
        for (path, text, stream) in &parsed {
            let mut found = Vec::new();
            load::each_document(path, text, stream, |doc| {
                if load::kind_of(doc.root) == load::DocKind::Template {
                    found.push(template::load(&doc));
                }
            });
            for t in found {
                match t {
                    Ok(template::Loaded::Template(t)) => {
                        if set.by_kind.contains_key(&t.kind) {
                            issues.push(Issue {
                                path: t.file.clone(),
                                line: t.line,
                                column: None,
                                message: format!(
                                    "ConstraintTemplate {} is defined twice; the first is kept",
                                    t.name
                                ),
                            });
                            continue;
                        }
                        set.by_kind.insert(t.kind.clone(), set.templates.len());
                        set.templates.push(*t);
                    }
                    Ok(template::Loaded::Unsupported { name, kind, reason }) => {
                        issues.push(Issue {
                            path: path.to_string(),
                            line: 0,
                            column: None,
                            message: format!(
                                "ConstraintTemplate {name} is not supported yet: {reason}; its {kind} constraints are not evaluated"
                            ),
                        });
                        unsupported.insert(kind, name);
                    }
                    Err(i) => issues.push(i),
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (path, text, stream) in &parsed {
            let mut found = Vec::new();
            load::each_document(path, text, stream, |doc| {
                if load::kind_of(doc.root) != load::DocKind::Constraint {
                    return;
                }
                let kind = doc
                    .root
                    .get("kind")
                    .and_then(palisade_yaml::Node::as_str)
                    .unwrap_or("")
                    .to_string();
                let line = doc.root.pos.line;
                let name = doc
                    .root
                    .at(&["metadata", "name"])
                    .and_then(palisade_yaml::Node::as_str)
                    .unwrap_or("")
                    .to_string();
                let issue = |message: String| Issue {
                    path: path.to_string(),
                    line,
                    column: None,
                    message,
                };
                if unsupported.contains_key(&kind) {
                    return;
                }
                let Some(t) = set.by_kind.get(&kind).and_then(|i| set.templates.get(*i)) else {
                    found.push(Err(issue(format!(
                        "constraint {kind}/{name}: no ConstraintTemplate defines kind {kind} (give its template with --policy)"
                    ))));
                    return;
                };
                if !seen.insert((kind.clone(), name.clone())) {
                    found.push(Err(issue(format!(
                        "constraint {kind}/{name} is defined twice; the first is kept"
                    ))));
                    return;
                }
                found.push(constraint::load(&doc, t.description.as_deref()));
            });
            for c in found {
                match c {
                    Ok(c) => set.constraints.push(c),
                    Err(i) => issues.push(i),
                }
            }
        }
        (set, issues)
    }

    /// Whether no constraint is loaded.
    pub fn is_empty(&self) -> bool {
        self.constraints.is_empty()
    }

    /// The compiled templates.
    pub fn templates(&self) -> &[template::Template] {
        &self.templates
    }

    /// The constraints, in load order.
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// Every rule this set can report: one per constraint, and POL001.
    pub fn rules(&self) -> Vec<&'static RuleMeta> {
        let mut all: Vec<&'static RuleMeta> = self.constraints.iter().map(|c| c.rule).collect();
        all.push(&POLICY_ERROR);
        all
    }

    /// Sets the evaluation limits.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// The same set with `data.inventory` holding `inventory`.
    pub fn with_inventory(&self, inventory: &Inventory) -> Result<PolicySet, String> {
        let mut set = self.clone();
        let data = inventory.to_data();
        for t in &mut set.templates {
            t.engine.clear_data();
            t.engine
                .add_data(data.clone())
                .map_err(|e| format!("ConstraintTemplate {}: {e}", t.name))?;
            // Re-prepare now, not on the first review.
            t.engine
                .eval_query("true".into(), false)
                .map_err(|e| format!("ConstraintTemplate {}: {e}", t.name))?;
        }
        Ok(set)
    }

    /// Runs every matching constraint on `review`.
    pub fn evaluate(&self, review: &Review, point: EnforcementPoint) -> Evaluation {
        let mut out = Evaluation::default();
        let started = Instant::now();
        for c in &self.constraints {
            let Some(action) = c.action(point) else {
                continue;
            };
            let Some(t) = self
                .by_kind
                .get(&c.kind)
                .and_then(|i| self.templates.get(*i))
            else {
                continue;
            };
            let error = |message: String| EvalError {
                template: t.name.clone(),
                constraint: c.id().to_string(),
                message,
            };
            match c.matcher.matches(&review.target) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    out.errors.push(error(e));
                    continue;
                }
            }
            let left = self.limits.budget.saturating_sub(started.elapsed());
            if left.is_zero() {
                out.errors.push(error(format!(
                    "not evaluated: the review's {} ms budget was spent",
                    self.limits.budget.as_millis()
                )));
                continue;
            }
            match run(t, c, review, left) {
                Ok(found) => out
                    .violations
                    .extend(found.into_iter().map(|(message, details)| Violation {
                        rule: c.rule,
                        message,
                        details,
                        action,
                    })),
                Err(e) => out.errors.push(error(e)),
            }
        }
        out
    }
}

/// One constraint on one review: `(msg, details)` of each violation.
fn run(
    t: &template::Template,
    c: &Constraint,
    review: &Review,
    budget: Duration,
) -> Result<Vec<(String, serde_json::Value)>, String> {
    let mut engine = t.engine.clone();
    engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
        limit: budget,
        check_interval: std::num::NonZeroU32::MIN.saturating_add(63),
    });
    let mut input = BTreeMap::new();
    input.insert(regorus::Value::from("review"), review.input.clone());
    input.insert(regorus::Value::from("parameters"), c.parameters.clone());
    engine.set_input(regorus::Value::from(input));
    let result = engine.eval_rule(t.entry.clone()).map_err(|e| {
        let text = e.to_string();
        if text.contains("exceeded time limit") {
            format!("ran past the {} ms evaluation budget", budget.as_millis())
        } else {
            text.lines()
                .rev()
                .find_map(|l| l.trim().strip_prefix("error:").map(str::trim))
                .unwrap_or(text.trim())
                .to_string()
        }
    })?;
    let items: Vec<regorus::Value> = match &result {
        regorus::Value::Undefined | regorus::Value::Null => Vec::new(),
        regorus::Value::Set(s) => s.iter().cloned().collect(),
        regorus::Value::Array(a) => a.iter().cloned().collect(),
        other => {
            return Err(format!(
                "`violation` must be a set of objects, not {}",
                other.to_json_str().unwrap_or_default()
            ));
        }
    };
    let mut out = Vec::new();
    let total = items.len();
    for item in items.into_iter().take(MAX_VIOLATIONS) {
        let msg = match &item["msg"] {
            regorus::Value::String(s) => s.to_string(),
            _ => return Err("a violation has no string `msg`".into()),
        };
        let details = match &item["details"] {
            regorus::Value::Undefined => serde_json::Value::Null,
            d => serde_json::to_value(d).unwrap_or(serde_json::Value::Null),
        };
        out.push((clip(&msg), details));
    }
    if total > MAX_VIOLATIONS
        && let Some((msg, _)) = out.last_mut()
    {
        msg.push_str(&format!(
            " (and {} more violations not shown)",
            total - MAX_VIOLATIONS
        ));
    }
    Ok(out)
}

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_MESSAGE_CHARS {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_MESSAGE_CHARS - 1).collect();
    out.push('…');
    out
}
