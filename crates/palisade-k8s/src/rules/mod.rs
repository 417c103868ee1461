//! Hardening rules from the security checklists (CIS Kubernetes Benchmark,
//! NSA/CISA Kubernetes Hardening Guide), each a rule of its own beside the
//! Pod Security Standards.
//!
//! Object rules see one object at a time ([`Ctx`]); set rules
//! ([`crate::set`]) see facts gathered from every file of the scan.

pub mod credentials;
pub mod images;
pub mod metadata;
pub mod namespaces;
pub mod network;
pub mod resources;
pub mod service_accounts;

use crate::object::Object;
use crate::pod::{Container, Pod};
use palisade_core::{Config, Finding, Location, RuleMeta};
use palisade_yaml::Pos;

/// What an object rule sees: the object, its pod spec if it has one, the
/// configuration, and the file it came from.
pub struct Ctx<'a> {
    /// The file, as the user named it.
    pub path: &'a str,
    /// The object.
    pub obj: Object<'a>,
    /// Its pod spec, for workload kinds.
    pub pod: Option<Pod<'a>>,
    /// Configuration.
    pub config: &'a Config,
}

impl Ctx<'_> {
    /// A finding of `rule` at `pos` about this object (and a container).
    pub fn finding(
        &self,
        rule: &RuleMeta,
        message: String,
        pos: Pos,
        container: Option<&Container<'_>>,
    ) -> Finding {
        let mut resource = self.obj.resource();
        resource.container = container.map(|c| c.name.to_string());
        Finding::new(rule, message, self.location(pos)).with_resource(resource)
    }

    /// A location in this object's file.
    pub fn location(&self, pos: Pos) -> Location {
        Location {
            path: self.path.to_string(),
            line: pos.line,
            column: pos.col,
        }
    }
}

/// Every object rule, in the order they run.
pub fn object_rules(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    resources::check(ctx, out);
    images::check(ctx, out);
    metadata::check(ctx, out);
    credentials::check(ctx, out);
    namespaces::check(ctx, out);
    service_accounts::check_service_account(ctx, out);
}

/// The hardening rules (the PSS rules are listed by [`crate::pss`]).
pub static ALL: &[&RuleMeta] = &[
    &resources::RESOURCE_REQUESTS,
    &resources::RESOURCE_LIMITS,
    &images::IMAGE_FLOATING_TAG,
    &images::IMAGE_NOT_PINNED,
    &images::IMAGE_REGISTRY,
    &resources::READ_ONLY_ROOT_FS,
    &service_accounts::AUTOMOUNT_TOKEN,
    &metadata::REQUIRED_LABELS,
    &metadata::DEFAULT_NAMESPACE,
    &credentials::ENV_CREDENTIAL,
    &credentials::PLAINTEXT_SECRET,
    &namespaces::PSS_LABEL_MISSING,
    &namespaces::PSS_LABEL_WEAK,
    &network::DEFAULT_DENY_MISSING,
    &network::DNS_EGRESS_MISSING,
];

/// Containers a rule about running containers applies to: init and
/// regular containers (ephemeral debug containers have no resources, probes
/// or ports, and are added by `kubectl debug`, not by manifests).
pub fn running_containers<'a>(pod: &Pod<'a>) -> impl Iterator<Item = Container<'a>> + 'a {
    pod.containers().filter(|c| c.list != "ephemeralContainers")
}
