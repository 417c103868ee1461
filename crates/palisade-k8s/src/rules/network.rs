//! Namespaces with workloads need a default-deny NetworkPolicy for ingress
//! and egress, and, beside it, a policy that still lets pods resolve DNS.

use super::Ctx;
use crate::pod::field;
use crate::set::{Facts, PolicyFact};
use palisade_core::{Finding, Location, Resource, declare_rule};
use palisade_yaml::Node;

declare_rule! {
    /// ## What it does
    /// Flags namespaces of the scanned set that have workloads but no
    /// default-deny NetworkPolicy for ingress and for egress: a policy whose
    /// `podSelector` is empty (all pods), whose `policyTypes` include the
    /// direction, and which allows nothing in that direction. One policy
    /// may cover both directions, or two may.
    ///
    /// ## Why is this bad?
    /// Without a default deny every pod accepts connections from every
    /// other pod in the cluster and may connect anywhere: one compromised
    /// pod reaches databases, the API server and cloud metadata.
    ///
    /// ## Example
    /// A namespace with a Deployment and no NetworkPolicy.
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: default-deny, namespace: shop}
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    /// plus policies that allow the traffic each application needs.
    pub static DEFAULT_DENY_MISSING = {
        id: "NET001",
        name: "namespace-default-deny-missing",
        title: "Namespace without default-deny NetworkPolicy",
        severity: Medium,
        groups: ["network", "namespace"],
        remediation: "Add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] to the namespace.",
        references: [Cis("5.3.2"), Nsa("Network separation and hardening"), Cwe(923)],
    };
}

declare_rule! {
    /// ## What it does
    /// Flags namespaces whose egress is denied by default but where no
    /// NetworkPolicy allows egress to DNS (port 53, UDP or TCP, or the
    /// kube-dns pods).
    ///
    /// ## Why is this bad?
    /// With egress denied and no DNS allowance every name lookup fails; the
    /// usual "fix" under pressure is to delete the default deny.
    ///
    /// ## Example
    /// A namespace with only a default-deny policy.
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Egress]
    ///   egress:
    ///   - to:
    ///     - namespaceSelector:
    ///         matchLabels: {kubernetes.io/metadata.name: kube-system}
    ///     ports:
    ///     - {protocol: UDP, port: 53}
    ///     - {protocol: TCP, port: 53}
    /// ```
    pub static DNS_EGRESS_MISSING = {
        id: "NET002",
        name: "namespace-dns-egress-missing",
        title: "Default-deny egress without a DNS allowance",
        severity: Low,
        groups: ["network", "namespace"],
        remediation: "Add a NetworkPolicy that allows egress to kube-dns on UDP and TCP port 53.",
        references: [Nsa("Network separation and hardening"), Url("https://kubernetes.io/docs/concepts/services-networking/network-policies/")],
    };
}

/// Records what a NetworkPolicy does for the set rules.
pub(crate) fn gather(ctx: &Ctx<'_>, facts: &mut Facts) {
    if ctx.obj.kind != "NetworkPolicy" || ctx.obj.group() != "networking.k8s.io" {
        return;
    }
    let Some(spec) = field(ctx.obj.root, "spec") else {
        return;
    };
    let all_pods = field(spec, "podSelector").is_none_or(selects_everything);
    // Defaulting as the API server does it: with no (or an empty)
    // policyTypes, a policy is for Ingress, and for Egress too when it has
    // egress rules.
    let types: Vec<String> = match field(spec, "policyTypes")
        .map(Node::items)
        .filter(|t| !t.is_empty())
    {
        Some(t) => t.iter().map(Node::display).collect(),
        None => {
            let mut t = vec!["Ingress".to_string()];
            if field(spec, "egress").is_some_and(|e| !e.items().is_empty()) {
                t.push("Egress".to_string());
            }
            t
        }
    };
    let denies = |dir: &str, key: &str| {
        all_pods
            && types.iter().any(|t| t == dir)
            && field(spec, key).is_none_or(|r| r.items().is_empty())
    };
    let egress_rules = field(spec, "egress").map(Node::items).unwrap_or(&[]);
    facts.policies.push(PolicyFact {
        namespace: ctx.obj.namespace.unwrap_or("").to_string(),
        denies_ingress: denies("Ingress", "ingress"),
        denies_egress: denies("Egress", "egress"),
        allows_dns: types.iter().any(|t| t == "Egress") && egress_rules.iter().any(allows_dns),
    });
}

/// An empty selector (`{}`, or one with empty matchLabels/matchExpressions).
fn selects_everything(selector: &Node) -> bool {
    selector.as_map().is_none_or(|m| {
        m.iter().all(|(_, v)| {
            v.is_null()
                || v.as_map().is_some_and(|x| x.is_empty())
                || v.as_seq().is_some_and(<[Node]>::is_empty)
        })
    })
}

/// Whether an egress rule lets pods reach DNS: it opens port 53 (or a port
/// named `dns`/`dns-tcp`), or it opens every port to kube-dns or kube-system.
fn allows_dns(rule: &Node) -> bool {
    let ports = field(rule, "ports").map(Node::items).unwrap_or(&[]);
    let opens_53 = ports.iter().any(|p| {
        let port = field(p, "port").map(Node::display).unwrap_or_default();
        port == "53" || port == "dns" || port == "dns-tcp"
    });
    if opens_53 {
        return true;
    }
    if !ports.is_empty() {
        return false;
    }
    let peers = field(rule, "to").map(Node::items).unwrap_or(&[]);
    peers.is_empty()
        || peers.iter().any(|peer| {
            let label = |sel: &str, key: &str| {
                field(peer, sel)
                    .and_then(|s| field(s, "matchLabels"))
                    .and_then(|l| field(l, key))
                    .map(Node::display)
            };
            label("podSelector", "k8s-app").as_deref() == Some("kube-dns")
                || label("namespaceSelector", "kubernetes.io/metadata.name").as_deref()
                    == Some("kube-system")
        })
}

/// The set rule: one finding per namespace with workloads that lacks a
/// default deny (NET001) or, with egress denied, a DNS allowance (NET002).
pub(crate) fn check_set(facts: &Facts, out: &mut Vec<Finding>) {
    let mut namespaces: Vec<&str> = facts
        .workloads
        .iter()
        .map(|w| w.namespace.as_str())
        .collect();
    namespaces.sort_unstable();
    namespaces.dedup();
    for ns in namespaces {
        let policies: Vec<&PolicyFact> = facts
            .policies
            .iter()
            .filter(|p| p.namespace == ns)
            .collect();
        let ingress = policies.iter().any(|p| p.denies_ingress);
        let egress = policies.iter().any(|p| p.denies_egress);
        let dns = policies.iter().any(|p| p.allows_dns);
        let Some((location, resource)) = anchor(facts, ns) else {
            continue;
        };
        let finding = |rule, message| {
            Finding::new(rule, message, location.clone()).with_resource(resource.clone())
        };
        let label = if ns.is_empty() {
            "the current namespace (of the workloads without metadata.namespace)".to_string()
        } else {
            format!("namespace `{ns}`")
        };
        let missing: Vec<&str> = [
            (!ingress).then_some("ingress"),
            (!egress).then_some("egress"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !missing.is_empty() {
            out.push(finding(
                &DEFAULT_DENY_MISSING,
                format!(
                    "{label} has workloads but no default-deny NetworkPolicy for {}",
                    missing.join(" and ")
                ),
            ));
        } else if !dns {
            out.push(finding(
                &DNS_EGRESS_MISSING,
                format!(
                    "{label} denies egress by default but no NetworkPolicy allows DNS (port 53)"
                ),
            ));
        }
    }
}

/// Where a namespace finding points: the Namespace object when it is in the
/// scanned set, else the first workload in the namespace.
fn anchor<'f>(facts: &'f Facts, ns: &str) -> Option<(&'f Location, &'f Resource)> {
    if let Some(n) = facts
        .namespaces
        .iter()
        .find(|n| n.name == ns && !ns.is_empty())
    {
        return Some((&n.location, &n.resource));
    }
    facts
        .workloads
        .iter()
        .find(|w| w.namespace == ns)
        .map(|w| (&w.location, &w.resource))
}
