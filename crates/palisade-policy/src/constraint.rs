//! Constraints: instances of a template's kind, each a Palisade rule.
//!
//! A constraint `K8sRequiredLabels/must-have-owner` becomes rule id
//! `K8sRequiredLabels/must-have-owner` (name
//! `k8srequiredlabels-must-have-owner`, groups `gatekeeper` and
//! `k8srequiredlabels`), so `--select`, `--ignore`, severity overrides and
//! suppressions name it like any built-in rule.
//!
//! `spec.enforcementAction` maps onto admission actions: `deny` → deny,
//! `warn` → warn, `dryrun` → audit; `scoped` takes the actions listed for
//! the enforcement point (`validation.gatekeeper.sh` in the webhook,
//! `gator.gatekeeper.sh` in scans and tests; `*` for all), the strongest
//! when several apply. The default severity follows the action (deny high,
//! warn medium, dryrun low) unless the constraint's
//! `palisade.dev/severity` annotation names one.

use crate::load::{Doc, Issue};
use crate::matching::Match;
use palisade_core::DynamicRule;
use palisade_core::admission::Action;
use palisade_core::{RuleMeta, Severity};
use palisade_yaml::Node;

/// The API group of constraints.
pub const GROUP: &str = "constraints.gatekeeper.sh";

/// Where a constraint is being enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnforcementPoint {
    /// The admission webhook (`validation.gatekeeper.sh`).
    Webhook,
    /// Offline: scans and tests (`gator.gatekeeper.sh`).
    Offline,
}

impl EnforcementPoint {
    fn name(self) -> &'static str {
        match self {
            EnforcementPoint::Webhook => "validation.gatekeeper.sh",
            EnforcementPoint::Offline => "gator.gatekeeper.sh",
        }
    }
}

/// A constraint, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Constraint {
    /// The template's kind.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// Which objects it applies to.
    pub matcher: Match,
    /// `spec.parameters`, converted once.
    pub(crate) parameters: regorus::Value,
    /// `enforcementAction` (`scoped` resolved per point).
    actions: Actions,
    /// The rule it is reported as.
    pub rule: &'static RuleMeta,
    /// Where it was read.
    pub file: String,
    /// Its line there.
    pub line: u32,
}

#[derive(Debug, Clone)]
enum Actions {
    One(Action),
    /// `scoped`: (action, enforcement point names).
    Scoped(Vec<(Action, Vec<String>)>),
}

fn action_named(name: &str) -> Option<Action> {
    match name.to_ascii_lowercase().as_str() {
        "deny" => Some(Action::Deny),
        "warn" => Some(Action::Warn),
        "dryrun" => Some(Action::Audit),
        _ => None,
    }
}

impl Constraint {
    /// The action at this enforcement point; `None` when a scoped
    /// constraint is not enforced there.
    pub fn action(&self, point: EnforcementPoint) -> Option<Action> {
        match &self.actions {
            Actions::One(a) => Some(*a),
            Actions::Scoped(list) => list
                .iter()
                .filter(|(_, points)| points.iter().any(|p| p == "*" || p == point.name()))
                .map(|(a, _)| *a)
                .max(),
        }
    }

    /// `Kind/name`.
    pub fn id(&self) -> &str {
        self.rule.id
    }
}

/// Reads a constraint document; `template_description` documents the rule.
pub(crate) fn load(doc: &Doc<'_>, template_description: Option<&str>) -> Result<Constraint, Issue> {
    let root = doc.root;
    let issue = |line: u32, message: String| Issue {
        path: doc.path.to_string(),
        line,
        column: None,
        message,
    };
    let line = root.pos.line;
    let kind = root
        .get("kind")
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_string();
    let name = root
        .at(&["metadata", "name"])
        .and_then(Node::as_str)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| issue(line, format!("{kind} constraint has no metadata.name")))?
        .to_string();
    let id = format!("{kind}/{name}");
    let spec = root.get("spec");
    let json = |n: Option<&Node>| n.map(Node::to_json);
    let matcher = Match::parse(json(spec.and_then(|s| s.get("match"))).as_ref()).map_err(|e| {
        issue(
            here(spec.and_then(|s| s.get("match")), line),
            format!("{id}: {e}"),
        )
    })?;
    let parameters = json(spec.and_then(|s| s.get("parameters")))
        .filter(|p| !p.is_null())
        .unwrap_or_else(|| serde_json::json!({}));
    let action_node = spec.and_then(|s| s.get("enforcementAction"));
    let action_name = action_node.and_then(Node::as_str).unwrap_or("deny");
    let actions = if action_name.eq_ignore_ascii_case("scoped") {
        let mut list = Vec::new();
        for entry in spec
            .and_then(|s| s.get("scopedEnforcementActions"))
            .map(Node::items)
            .unwrap_or(&[])
        {
            let a = entry.get("action").and_then(Node::as_str).unwrap_or("");
            let action = action_named(a).ok_or_else(|| {
                issue(
                    entry.pos.line,
                    format!("{id}: unknown scoped enforcement action `{a}`"),
                )
            })?;
            let points = entry
                .get("enforcementPoints")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(|p| p.get("name").and_then(Node::as_str).map(str::to_string))
                .collect();
            list.push((action, points));
        }
        Actions::Scoped(list)
    } else {
        Actions::One(action_named(action_name).ok_or_else(|| {
            issue(
                here(action_node, line),
                format!(
                    "{id}: unknown enforcementAction `{action_name}` (deny, warn, dryrun or scoped)"
                ),
            )
        })?)
    };
    let strongest = match &actions {
        Actions::One(a) => *a,
        Actions::Scoped(l) => l.iter().map(|(a, _)| *a).max().unwrap_or(Action::Audit),
    };
    let severity_node = root.at(&["metadata", "annotations", "palisade.dev/severity"]);
    let severity = match severity_node.and_then(Node::as_str) {
        Some(s) => s
            .parse::<Severity>()
            .map_err(|e| issue(here(severity_node, line), format!("{id}: {e}")))?,
        None => match strongest {
            Action::Deny => Severity::High,
            Action::Warn => Severity::Medium,
            Action::Audit => Severity::Low,
        },
    };
    let lower = kind.to_ascii_lowercase();
    let rule = DynamicRule {
        id: id.clone(),
        name: format!("{lower}-{name}"),
        title: template_description
            .map(first_sentence)
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| format!("Gatekeeper constraint {id}")),
        severity,
        groups: vec!["gatekeeper".into(), lower],
        doc: format!(
            "## What it does\nGatekeeper constraint `{name}` of kind `{kind}`, read from `{}`.\n\n{}",
            doc.path,
            template_description.unwrap_or("")
        ),
        remediation: "Change the object so that the constraint's Rego finds no violation, or exempt it in the constraint's match.".into(),
        urls: Vec::new(),
    }
    .leak();
    Ok(Constraint {
        kind,
        name,
        matcher,
        parameters: regorus::Value::from(parameters),
        actions,
        rule,
        file: doc.path.to_string(),
        line,
    })
}

fn here(n: Option<&Node>, fallback: u32) -> u32 {
    n.map_or(fallback, |n| n.pos.line)
}

/// The first sentence (or line) of a description, for a rule's title.
fn first_sentence(d: &str) -> String {
    let line = d.lines().next().unwrap_or(d).trim();
    match line.find(". ") {
        Some(i) => line.get(..=i).unwrap_or(line).to_string(),
        None => line.to_string(),
    }
}
