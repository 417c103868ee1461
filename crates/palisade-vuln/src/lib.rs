//! Vulnerability matching for Palisade's supply-chain layer.
//!
//! So far: [`version`], the version orderings of the package ecosystems
//! advisories are written for, each the package manager's own: dpkg, rpm,
//! PEP 440, Go, npm, Maven and RubyGems proved against the real
//! implementation in `tests/version_oracles.rs`; apk, NuGet and crates.io
//! against their documented orders (no reference implementation runs
//! here for apk and NuGet; crates.io uses Cargo's own `semver` crate).
//! [`osv`] reads OSV advisories; [`matching`] decides, by OSV's
//! evaluation algorithm under those orders, whether a package version is
//! affected and which fixed version to move to. [`severity`] scores CVSS
//! v2/v3/v4 vectors (proved against Red Hat's `cvss` in
//! `tests/cvss_oracle.rs`) and bands them for the gate. The database
//! (import, update, index), catalogers and the gate itself are still to
//! come (issue 12).
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod aliases;
pub mod db;
pub mod matching;
pub mod osv;
pub mod severity;
pub mod update;
pub mod version;
