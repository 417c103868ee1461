//! Alpine (and Wolfi, Chainguard) packages: apk's installed database
//! `lib/apk/db/installed`, one block of `X:value` lines per package
//! (`P` name, `V` version, `A` architecture, `o` origin package, `L`
//! licence), blocks separated by blank lines.

use crate::os_release::{self, OsRelease};
use crate::{Error, Package, purl};
use std::path::Path;

/// Largest installed database read.
pub const MAX_DB_BYTES: u64 = 256 << 20;

/// The apk packages installed in the root filesystem at `root`; empty
/// when it has no apk database.
pub fn catalog(root: &Path) -> Result<Vec<Package>, Error> {
    let db = root.join("lib/apk/db/installed");
    if !db.is_file() {
        return Ok(Vec::new());
    }
    let distro = os_release::of_root(root).unwrap_or_default();
    let bytes = crate::read_capped(&db, MAX_DB_BYTES)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut out = Vec::new();
    let mut block: Vec<(char, &str)> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.is_empty() {
            if let Some(p) = package(&block, &db, &distro) {
                out.push(p);
            }
            block.clear();
            continue;
        }
        let mut chars = line.chars();
        if let (Some(k), Some(':')) = (chars.next(), chars.next()) {
            block.push((k, chars.as_str()));
        }
    }
    Ok(out)
}

fn package(block: &[(char, &str)], db: &Path, distro: &OsRelease) -> Option<Package> {
    let field = |k: char| {
        block
            .iter()
            .find(|(f, _)| *f == k)
            .map(|(_, v)| v.to_string())
    };
    let name = field('P')?;
    let version = field('V')?;
    let arch = field('A');
    let origin = field('o').unwrap_or_else(|| name.clone());
    let vendor = if distro.id.is_empty() {
        "alpine"
    } else {
        distro.id.as_str()
    };
    let distro_q = distro
        .version_id
        .as_deref()
        .map(|v| format!("{vendor}-{v}"))
        .unwrap_or_default();
    let mut q: Vec<(&str, &str)> = vec![("distro", &distro_q)];
    if let Some(a) = &arch {
        q.push(("arch", a));
    }
    if origin != name {
        q.push(("upstream", &origin));
    }
    Some(Package {
        purl: purl::purl("apk", Some(vendor), &name, &version, &q),
        licenses: field('L').map(|l| vec![l]).unwrap_or_default(),
        source: Some((origin, version.clone())),
        name,
        version,
        kind: "apk",
        arch,
        found_in: db.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn installed_database_blocks() {
        let root = tempfile::tempdir().unwrap();
        let db = root.path().join("lib/apk/db");
        std::fs::create_dir_all(&db).unwrap();
        std::fs::create_dir_all(root.path().join("etc")).unwrap();
        std::fs::write(
            root.path().join("etc/os-release"),
            "ID=alpine\nVERSION_ID=3.20.3\n",
        )
        .unwrap();
        std::fs::write(
            db.join("installed"),
            "C:Q1abc=\nP:musl\nV:1.2.5-r0\nA:x86_64\nS:400000\nL:MIT\no:musl\nF:lib\nR:libc.musl-x86_64.so.1\n\nC:Q1def=\nP:libcrypto3\nV:3.3.2-r0\nA:x86_64\nL:Apache-2.0\no:openssl\n\nP:broken-no-version\n",
        )
        .unwrap();
        let pkgs = catalog(root.path()).unwrap();
        assert_eq!(pkgs.len(), 2);
        assert_eq!(
            pkgs[0].purl,
            "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3"
        );
        assert_eq!(pkgs[1].source, Some(("openssl".into(), "3.3.2-r0".into())));
        assert_eq!(pkgs[1].licenses, ["Apache-2.0"]);
        assert!(pkgs[1].purl.ends_with("&upstream=openssl"));
        assert!(catalog(&root.path().join("none")).unwrap().is_empty());
    }
}
