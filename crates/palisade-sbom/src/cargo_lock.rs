//! Rust dependencies from `Cargo.lock` (format versions 1–4): every
//! package resolved from a registry or a git repository. Path packages
//! (the workspace's own crates) are the project itself and not listed.

use crate::{Error, Package, purl};
use serde::Deserialize;
use std::path::Path;

/// Largest lockfile read.
pub const MAX_LOCK_BYTES: u64 = 64 << 20;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    version: String,
    #[serde(default)]
    source: Option<String>,
}

/// The packages of the lockfile at `path`.
pub fn catalog(path: &Path) -> Result<Vec<Package>, Error> {
    let err = |message: String| Error {
        path: path.to_path_buf(),
        message,
    };
    let text = String::from_utf8(crate::read_capped(path, MAX_LOCK_BYTES)?)
        .map_err(|e| err(e.to_string()))?;
    let lock: Lock = toml::from_str(&text).map_err(|e| err(e.to_string()))?;
    Ok(lock
        .package
        .into_iter()
        .filter_map(|e| {
            let source = e.source?;
            let qualifiers: Vec<(&str, String)> = if let Some(git) = source.strip_prefix("git+") {
                vec![("vcs_url", format!("git+{git}"))]
            } else if source.starts_with("registry+https://github.com/rust-lang/crates.io-index")
                || source == "sparse+https://index.crates.io/"
            {
                Vec::new()
            } else {
                vec![("repository_url", source.clone())]
            };
            let q: Vec<(&str, &str)> = qualifiers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            Some(Package {
                purl: purl::purl("cargo", None, &e.name, &e.version, &q),
                name: e.name,
                version: e.version,
                kind: "cargo",
                arch: None,
                source: None,
                found_in: path.to_path_buf(),
                licenses: Vec::new(),
            })
        })
        .collect())
}
