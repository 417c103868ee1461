//! Namespaces must enforce a Pod Security Standards level at admission.

use super::Ctx;
use crate::pod::pos_at;
use palisade_core::{Finding, PssLevel, declare_rule};

/// The label that makes Pod Security Admission enforce a level.
pub const ENFORCE_LABEL: &str = "pod-security.kubernetes.io/enforce";

declare_rule! {
    /// ## What it does
    /// Flags Namespaces without the `pod-security.kubernetes.io/enforce`
    /// label.
    ///
    /// ## Why is this bad?
    /// Without it, Pod Security Admission enforces nothing in the namespace
    /// (unless a cluster-wide default is configured): a privileged pod is
    /// admitted as readily as any other.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: restricted
    /// ```
    pub static PSS_LABEL_MISSING = {
        id: "NS001",
        name: "namespace-pss-enforce-missing",
        title: "Namespace does not enforce a Pod Security Standards level",
        severity: Medium,
        groups: ["namespace"],
        remediation: "Label the namespace with pod-security.kubernetes.io/enforce: restricted (or baseline).",
        references: [Pss("Pod Security Admission labels"), Cis("5.2.1"), Nsa("Pod security")],
    };
}

declare_rule! {
    /// ## What it does
    /// Flags Namespaces whose `pod-security.kubernetes.io/enforce` level is
    /// weaker than the level configured for Palisade (`pss.level`), or is
    /// not a valid level.
    ///
    /// ## Why is this bad?
    /// The namespace admits pods that your own policy says must not run:
    /// CI passes, and the cluster's door stands open.
    ///
    /// ## Example
    /// ```yaml
    /// labels:
    ///   pod-security.kubernetes.io/enforce: privileged
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// labels:
    ///   pod-security.kubernetes.io/enforce: restricted
    /// ```
    pub static PSS_LABEL_WEAK = {
        id: "NS002",
        name: "namespace-pss-enforce-weak",
        title: "Namespace enforces a weaker Pod Security level than configured",
        severity: Medium,
        groups: ["namespace"],
        remediation: "Raise pod-security.kubernetes.io/enforce to the configured level.",
        references: [Pss("Pod Security Admission labels"), Nsa("Pod security")],
    };
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.obj.kind != "Namespace" || !ctx.obj.group().is_empty() {
        return;
    }
    let name = ctx.obj.name.unwrap_or("");
    let label = ctx
        .obj
        .labels()
        .and_then(|l| l.get(ENFORCE_LABEL))
        .filter(|n| !n.is_null());
    let Some(label) = label else {
        out.push(ctx.finding(
            &PSS_LABEL_MISSING,
            format!("Namespace `{name}` has no `{ENFORCE_LABEL}` label"),
            pos_at(ctx.obj.root, &["metadata", "labels"]),
            None,
        ));
        return;
    };
    let value = label.display();
    let wanted = ctx.config.pss_level;
    match value.parse::<PssLevel>() {
        Ok(level) if level >= wanted => {}
        Ok(level) => out.push(ctx.finding(
            &PSS_LABEL_WEAK,
            format!("Namespace `{name}` enforces `{level}`, weaker than the configured `{wanted}`"),
            label.pos,
            None,
        )),
        Err(_) => out.push(ctx.finding(
            &PSS_LABEL_WEAK,
            format!("Namespace `{name}` sets `{ENFORCE_LABEL}` to `{value}`, which is not a level"),
            label.pos,
            None,
        )),
    }
}
