//! Gatekeeper policies inside the one pipeline: the objects the
//! configuration scanner read are kept, gathered into `data.inventory`,
//! and judged by every matching constraint in parallel. Violations become
//! findings at the object's position and go through the same policy,
//! suppressions and reports as every other rule.

use palisade_core::{Finding, InputError};
use palisade_k8s::check::KeptObject;
use palisade_policy::{EnforcementPoint, Inventory, Issue, PolicySet, Review};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// Loaded policies, ready to judge a scan's objects.
#[derive(Clone)]
pub struct Policies {
    /// The compiled templates and constraints.
    pub set: Arc<PolicySet>,
    /// Problems loading them, reported with the scan's input errors.
    pub issues: Vec<InputError>,
}

/// A policy-file problem as an input error.
pub fn issue_to_error(i: &Issue) -> InputError {
    InputError {
        path: i.path.clone(),
        line: (i.line > 0).then_some(i.line),
        column: i.column,
        message: i.message.clone(),
    }
}

impl Policies {
    /// Reads and compiles the policies under `paths`, with `limits`.
    pub fn load(paths: &[PathBuf], limits: palisade_policy::Limits) -> Policies {
        let (mut set, issues) = PolicySet::load(paths);
        set.set_limits(limits);
        Policies {
            set: Arc::new(set),
            issues: issues.iter().map(issue_to_error).collect(),
        }
    }
}

/// Judges the kept objects; `(findings, errors)`.
pub(crate) fn judge(kept: Vec<KeptObject>, policies: &Policies) -> (Vec<Finding>, Vec<InputError>) {
    let objects: Vec<(serde_json::Value, KeptObject)> = kept
        .into_par_iter()
        .map(|k| (k.root.to_json(), k))
        .collect();
    let mut inventory = Inventory::default();
    for (o, _) in &objects {
        inventory.add(o);
    }
    let set = match policies.set.with_inventory(&inventory) {
        Ok(s) => s,
        Err(message) => {
            let error = InputError {
                path: "policies".into(),
                line: None,
                column: None,
                message,
            };
            return (Vec::new(), vec![error]);
        }
    };
    let findings = objects
        .into_par_iter()
        .flat_map_iter(|(object, kept)| {
            let ns = kept
                .resource
                .namespace
                .as_deref()
                .and_then(|n| inventory.namespace(n));
            let review = Review::of_object(object, ns);
            set.evaluate(&review, EnforcementPoint::Offline)
                .findings(&kept.location, Some(&kept.resource))
        })
        .collect();
    (findings, Vec::new())
}
