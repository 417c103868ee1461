//! Software inventory for Palisade's supply-chain layer: what is
//! installed in a root filesystem (and, later, declared by lockfiles and
//! binaries), each package with its purl and the file that declared it.
//!
//! So far: [`dpkg`] (Debian and Ubuntu's `status` database and distroless
//! `status.d/`), [`apk`] (Alpine's installed database), [`cargo_lock`], [`go_binary`] (Go 1.18+ build
//! information), [`os_release`] and [`purl`]. Recall is checked against
//! `dpkg-query` itself in `tests/dpkg_query.rs`, the lockfile read by
//! another TOML parser in `tests/cargo_lock.rs`, and `go version -m` in
//! `tests/go_binary.rs`.
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod apk;
pub mod cargo_lock;
pub mod control;
pub mod cyclonedx;
pub mod dpkg;
pub mod go_binary;
pub mod inventory;
pub mod os_release;
pub mod purl;
pub mod spdx;

use std::path::PathBuf;

/// One installed or declared package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Its name in its ecosystem.
    pub name: String,
    /// Its version, as the package manager writes it.
    pub version: String,
    /// The purl type: `deb`, `apk`, `rpm`, `cargo`, `golang`, `npm`, `pypi`…
    pub kind: &'static str,
    /// Architecture, for OS packages.
    pub arch: Option<String>,
    /// The source package it was built from (OS packages: advisories are
    /// keyed by it), and that source's version.
    pub source: Option<(String, String)>,
    /// The package URL.
    pub purl: String,
    /// The file that declared it.
    pub found_in: PathBuf,
    /// Licences, where the package manager records them.
    pub licenses: Vec<String>,
}

/// Reads `path` whole if it is at most `max` bytes.
pub(crate) fn read_capped(path: &std::path::Path, max: u64) -> Result<Vec<u8>, Error> {
    let err = |message: String| Error {
        path: path.to_path_buf(),
        message,
    };
    let len = std::fs::metadata(path)
        .map_err(|e| err(e.to_string()))?
        .len();
    if len > max {
        return Err(err(format!("{len} bytes, more than the {max} allowed")));
    }
    std::fs::read(path).map_err(|e| err(e.to_string()))
}

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct Error {
    /// The file.
    pub path: PathBuf,
    /// What went wrong (with a line number when there is one).
    pub message: String,
}
