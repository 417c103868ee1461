//! Facts gathered from every file of a scan, for the rules that need the
//! whole set: NetworkPolicy coverage per namespace, and pods whose service
//! account decides whether a token is mounted.
//!
//! Files are checked in parallel; each yields small [`Facts`] (never the
//! parsed trees), which are merged and checked once at the end.

use crate::rules::{network, service_accounts::AUTOMOUNT_TOKEN};
use palisade_core::{Finding, Location, Resource};

/// A Namespace object of the scanned set.
#[derive(Debug, Clone)]
pub struct NamespaceFact {
    /// Its name.
    pub name: String,
    /// Where it is.
    pub location: Location,
    /// It, as a resource.
    pub resource: Resource,
}

/// A workload of the scanned set.
#[derive(Debug, Clone)]
pub struct WorkloadFact {
    /// Its namespace (`""` when it names none).
    pub namespace: String,
    /// Where it is.
    pub location: Location,
    /// It, as a resource.
    pub resource: Resource,
}

/// What a NetworkPolicy does, as far as the set rules care.
#[derive(Debug, Clone)]
pub struct PolicyFact {
    /// Its namespace (`""` when it names none).
    pub namespace: String,
    /// Selects every pod and allows no ingress.
    pub denies_ingress: bool,
    /// Selects every pod and allows no egress.
    pub denies_egress: bool,
    /// Allows egress to DNS.
    pub allows_dns: bool,
}

/// A ServiceAccount of the scanned set.
#[derive(Debug, Clone)]
pub struct ServiceAccountFact {
    /// Its namespace (`""` when it names none).
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// It sets `automountServiceAccountToken: false`.
    pub automount_false: bool,
}

/// A pod's token-automount finding, kept until the service accounts of the
/// whole set are known.
#[derive(Debug, Clone)]
pub struct PendingAutomount {
    /// The finding to report unless the service account disables mounting.
    pub finding: Finding,
    /// The pod's namespace.
    pub namespace: String,
    /// The service account it inherits the setting from (`None` when the
    /// pod itself asks for the token).
    pub service_account: Option<String>,
}

/// Everything the set rules need from the files of a scan.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Namespace objects.
    pub namespaces: Vec<NamespaceFact>,
    /// Workloads.
    pub workloads: Vec<WorkloadFact>,
    /// NetworkPolicies.
    pub policies: Vec<PolicyFact>,
    /// ServiceAccounts.
    pub service_accounts: Vec<ServiceAccountFact>,
    /// Pods whose automount finding waits on their service account.
    pub automount: Vec<PendingAutomount>,
}

impl Facts {
    /// Adds another file's facts.
    pub fn merge(&mut self, other: Facts) {
        self.namespaces.extend(other.namespaces);
        self.workloads.extend(other.workloads);
        self.policies.extend(other.policies);
        self.service_accounts.extend(other.service_accounts);
        self.automount.extend(other.automount);
    }
}

/// Runs the rules that need the whole scanned set.
pub fn check_set(facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    network::check_set(facts, &mut out);
    for pending in &facts.automount {
        let disabled_by_sa = pending.service_account.as_deref().is_some_and(|sa| {
            facts
                .service_accounts
                .iter()
                .any(|s| s.namespace == pending.namespace && s.name == sa && s.automount_false)
        });
        if !disabled_by_sa {
            debug_assert_eq!(pending.finding.rule_id, AUTOMOUNT_TOKEN.id);
            out.push(pending.finding.clone());
        }
    }
    out
}
