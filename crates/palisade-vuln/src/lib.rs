//! Vulnerability matching for Palisade's supply-chain layer.
//!
//! So far: [`version`], the version orderings of the package ecosystems
//! advisories are written for, each the package manager's own (proved
//! against it in `tests/version_oracles.rs`). The OSV database, CVSS and
//! the vulnerability gate build on them.
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod version;
