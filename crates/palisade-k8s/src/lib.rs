//! Kubernetes manifests: the object model over span-carrying YAML, and the
//! built-in rules (Pod Security Standards, workload hardening, namespaces,
//! network policy).
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod object;
pub mod pod;
pub mod pss;
