//! Service account tokens mounted into pods that do not need them.

use super::Ctx;
use crate::pod::{field, pos_at};
use crate::set::{Facts, PendingAutomount, ServiceAccountFact};
use palisade_core::{Finding, declare_rule};
use palisade_yaml::Node;

declare_rule! {
    /// ## What it does
    /// Flags pods and ServiceAccounts that do not set
    /// `automountServiceAccountToken: false`. A pod that leaves it unset is
    /// not flagged when its ServiceAccount, found in the same scan, sets it
    /// to false (the pod then inherits false).
    ///
    /// ## Why is this bad?
    /// Every pod gets an API token by default. Most applications never call
    /// the Kubernetes API, but an intruder in the pod can: the token is the
    /// first thing attackers use to move from a container to the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ServiceAccount
    /// metadata:
    ///   name: api
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: ServiceAccount
    /// metadata:
    ///   name: api
    /// automountServiceAccountToken: false
    /// ```
    /// and set it to true only on the pods that call the API.
    pub static AUTOMOUNT_TOKEN = {
        id: "WL007",
        name: "automount-service-account-token",
        title: "Service account token mounted automatically",
        severity: Medium,
        groups: ["workload", "service-account"],
        remediation: "Set automountServiceAccountToken: false on the ServiceAccount or pod spec unless the pod calls the Kubernetes API.",
        references: [Cis("5.1.6"), Nsa("Authentication and authorization"), Cwe(250)],
    };
}

/// The ServiceAccount half of the rule, and the facts the pod half needs.
pub(super) fn check_service_account(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.obj.kind != "ServiceAccount" || !ctx.obj.group().is_empty() {
        return;
    }
    let setting = field(ctx.obj.root, "automountServiceAccountToken");
    if setting.and_then(Node::as_bool) != Some(false) {
        out.push(ctx.finding(
            &AUTOMOUNT_TOKEN,
            format!(
                "ServiceAccount `{}` does not set automountServiceAccountToken=false",
                ctx.obj.name.unwrap_or("")
            ),
            setting.map_or(ctx.obj.root.pos, |n| n.pos),
            None,
        ));
    }
}

/// Records what the set rules need: service accounts, and pods whose
/// finding depends on their service account.
pub(crate) fn gather(ctx: &Ctx<'_>, facts: &mut Facts) {
    let ns = ctx.obj.namespace.unwrap_or("").to_string();
    if ctx.obj.kind == "ServiceAccount" && ctx.obj.group().is_empty() {
        facts.service_accounts.push(ServiceAccountFact {
            namespace: ns,
            name: ctx.obj.name.unwrap_or("").to_string(),
            automount_false: field(ctx.obj.root, "automountServiceAccountToken")
                .and_then(Node::as_bool)
                == Some(false),
        });
        return;
    }
    let Some(pod) = &ctx.pod else {
        return;
    };
    let setting = field(pod.spec, "automountServiceAccountToken");
    match setting.and_then(Node::as_bool) {
        Some(false) => {}
        Some(true) => facts.automount.push(PendingAutomount {
            finding: ctx.finding(
                &AUTOMOUNT_TOKEN,
                "pod spec sets automountServiceAccountToken=true".to_string(),
                setting.map_or(pod.spec.pos, |n| n.pos),
                None,
            ),
            namespace: ns,
            service_account: None,
        }),
        None => {
            let sa = field(pod.spec, "serviceAccountName")
                .or_else(|| field(pod.spec, "serviceAccount"))
                .and_then(Node::as_str)
                .unwrap_or("default")
                .to_string();
            facts.automount.push(PendingAutomount {
                finding: ctx.finding(
                    &AUTOMOUNT_TOKEN,
                    format!(
                        "pod spec does not set automountServiceAccountToken=false and ServiceAccount `{sa}` is not known to disable it"
                    ),
                    pos_at(pod.spec, &["automountServiceAccountToken"]),
                    None,
                ),
                namespace: ns,
                service_account: Some(sa),
            });
        }
    }
}
