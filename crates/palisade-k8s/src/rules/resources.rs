//! Resource requests and limits, and a read-only root filesystem.

use super::{Ctx, running_containers};
use crate::pod::{field, field_at, pos_at};
use palisade_core::{Finding, declare_rule};
use palisade_yaml::Node;

declare_rule! {
    /// ## What it does
    /// Flags containers without CPU or memory requests.
    ///
    /// ## Why is this bad?
    /// Without requests the scheduler cannot place the pod sensibly and the
    /// pod is first to be evicted under pressure; a noisy or compromised
    /// neighbour can starve it.
    ///
    /// ## Example
    /// ```yaml
    /// resources: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// resources:
    ///   requests: {cpu: 100m, memory: 128Mi}
    /// ```
    pub static RESOURCE_REQUESTS = {
        id: "WL001",
        name: "resource-requests",
        title: "Container without CPU or memory requests",
        severity: Medium,
        groups: ["workload", "resources"],
        remediation: "Set resources.requests.cpu and resources.requests.memory on every container.",
        references: [Nsa("Pod security"), Url("https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"), Cwe(770)],
    };
}

declare_rule! {
    /// ## What it does
    /// Flags containers without CPU or memory limits.
    ///
    /// ## Why is this bad?
    /// A container without limits can take all the CPU or memory of its node
    /// (by a bug, load, or an attacker mining on it) and deny service to
    /// every other pod there.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   requests: {cpu: 100m, memory: 128Mi}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// resources:
    ///   requests: {cpu: 100m, memory: 128Mi}
    ///   limits: {cpu: 500m, memory: 256Mi}
    /// ```
    pub static RESOURCE_LIMITS = {
        id: "WL002",
        name: "resource-limits",
        title: "Container without CPU or memory limits",
        severity: Medium,
        groups: ["workload", "resources"],
        remediation: "Set resources.limits.cpu and resources.limits.memory on every container.",
        references: [Nsa("Pod security"), Url("https://kubernetes.io/docs/concepts/policy/limit-range/"), Cwe(770)],
    };
}

declare_rule! {
    /// ## What it does
    /// Flags containers whose root filesystem is writable
    /// (`securityContext.readOnlyRootFilesystem` not true).
    ///
    /// ## Why is this bad?
    /// A writable root filesystem lets an intruder drop tools, modify
    /// binaries and persist inside the container.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   readOnlyRootFilesystem: true
    /// ```
    /// and mount an `emptyDir` where the application must write.
    pub static READ_ONLY_ROOT_FS = {
        id: "WL006",
        name: "read-only-root-filesystem",
        title: "Container root filesystem is writable",
        severity: Medium,
        groups: ["workload", "security-context"],
        remediation: "Set securityContext.readOnlyRootFilesystem to true; mount emptyDir volumes for paths that must be writable.",
        references: [Nsa("Immutable container file systems"), Cis("5.7.3"), Cwe(732)],
    };
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(pod) = &ctx.pod else {
        return;
    };
    for c in running_containers(pod) {
        for (rule, section) in [
            (&RESOURCE_REQUESTS, "requests"),
            (&RESOURCE_LIMITS, "limits"),
        ] {
            let values = field_at(c.node, &["resources", section]);
            let missing: Vec<&str> = ["cpu", "memory"]
                .into_iter()
                .filter(|r| {
                    values
                        .and_then(|v| field(v, r))
                        .is_none_or(|n| n.display().trim().is_empty())
                })
                .collect();
            if !missing.is_empty() {
                out.push(ctx.finding(
                    rule,
                    format!(
                        "{} has no {} {section} ({})",
                        c.describe(),
                        missing.join(" or "),
                        missing
                            .iter()
                            .map(|r| format!("resources.{section}.{r}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    pos_at(c.node, &["resources", section]),
                    Some(&c),
                ));
            }
        }
        let ro = c.sc(&["readOnlyRootFilesystem"]);
        if ro.and_then(Node::as_bool) != Some(true) {
            let found = ro.map_or_else(|| "unset".to_string(), Node::display);
            out.push(ctx.finding(
                &READ_ONLY_ROOT_FS,
                format!(
                    "{} does not set securityContext.readOnlyRootFilesystem=true (found {found})",
                    c.describe()
                ),
                c.sc_pos(&["readOnlyRootFilesystem"]),
                Some(&c),
            ));
        }
    }
}
