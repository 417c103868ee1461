//! Kubernetes manifests: the object model over span-carrying YAML, and the
//! built-in rules (Pod Security Standards, workload hardening, namespaces,
//! network policy).
//!
//! The pipeline for one file is [`check::check_file`]: parse (bounded) →
//! objects (`kind: List` expanded) → pod spec of each workload kind → the
//! Pod Security Standards ([`pss`]) and the object rules ([`rules`]) →
//! findings, plus [`set::Facts`] that [`set::check_set`] turns into the
//! findings that need the whole scanned set.
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod check;
pub mod object;
pub mod pod;
pub mod pss;
pub mod rules;
pub mod set;

use palisade_core::RuleMeta;

/// Every Kubernetes rule: the Pod Security Standards, then the hardening rules.
pub fn rules() -> Vec<&'static RuleMeta> {
    pss::rules().chain(rules::ALL.iter().copied()).collect()
}

/// Whether a file name is one this crate reads.
pub fn is_manifest_name(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")
}
