//! Workload metadata: required labels and the `default` namespace.

use super::Ctx;
use crate::pod::pos_at;
use palisade_core::{Finding, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags workloads missing a label from the configured list
    /// (`labels.required` in `palisade.yaml`; by default
    /// `app.kubernetes.io/name`).
    ///
    /// ## Why is this bad?
    /// Ownership and application labels are how incident responders find
    /// who owns a workload, and how NetworkPolicies, quotas and audits
    /// select it. Unlabelled workloads fall through those controls.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   name: api
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// metadata:
    ///   name: api
    ///   labels:
    ///     app.kubernetes.io/name: api
    /// ```
    pub static REQUIRED_LABELS = {
        id: "WL008",
        name: "required-labels",
        title: "Workload missing required labels",
        severity: Low,
        groups: ["workload", "metadata"],
        remediation: "Add the labels listed in labels.required to the workload's metadata.labels.",
        references: [Url("https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/")],
    };
}

declare_rule! {
    /// ## What it does
    /// Flags workloads that name the `default` namespace.
    ///
    /// ## Why is this bad?
    /// The `default` namespace is shared by everything deployed without
    /// thought: RBAC, quotas, NetworkPolicies and Pod Security labels are
    /// rarely set on it, so workloads there get none of the isolation a
    /// dedicated namespace gives.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   namespace: default
    /// ```
    ///
    /// ## Use instead
    /// Deploy into a dedicated namespace with its own policies.
    pub static DEFAULT_NAMESPACE = {
        id: "WL009",
        name: "default-namespace",
        title: "Workload in the default namespace",
        severity: Medium,
        groups: ["workload", "namespace"],
        remediation: "Create a namespace for the application and set metadata.namespace to it.",
        references: [Cis("5.7.4"), Nsa("Namespaces")],
    };
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.pod.is_none() {
        return;
    }
    let root = ctx.obj.root;
    let required = &ctx.config.required_labels;
    let labels = ctx.obj.labels();
    let missing: Vec<&str> = required
        .iter()
        .map(String::as_str)
        .filter(|l| labels.is_none_or(|m| m.get(l).is_none()))
        .collect();
    if !missing.is_empty() {
        out.push(ctx.finding(
            &REQUIRED_LABELS,
            format!(
                "{} `{}` is missing required label(s) {}",
                ctx.obj.kind,
                ctx.obj.name.unwrap_or(""),
                missing.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")
            ),
            pos_at(root, &["metadata", "labels"]),
            None,
        ));
    }
    if ctx.obj.namespace == Some("default") {
        out.push(ctx.finding(
            &DEFAULT_NAMESPACE,
            format!(
                "{} `{}` is deployed to the `default` namespace",
                ctx.obj.kind,
                ctx.obj.name.unwrap_or("")
            ),
            pos_at(root, &["metadata", "namespace"]),
            None,
        ));
    }
}
