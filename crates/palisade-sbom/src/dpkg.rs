//! Debian and Ubuntu packages: dpkg's `var/lib/dpkg/status` (installed
//! paragraphs only, as `dpkg-query` counts them) and the one-file-per-
//! package `var/lib/dpkg/status.d/` of distroless images, with the source
//! package each was built from and the licences its machine-readable
//! `copyright` file names.

use crate::control::{self, Paragraph};
use crate::os_release::{self, OsRelease};
use crate::{Error, Package, purl};
use std::path::{Path, PathBuf};

/// Largest status file read (a full desktop system's is a few MiB).
pub const MAX_STATUS_BYTES: u64 = 256 << 20;

/// The dpkg packages installed in the root filesystem at `root`; `Ok`
/// and empty when it has no dpkg database.
pub fn catalog(root: &Path) -> Result<Vec<Package>, Error> {
    let distro = os_release::of_root(root).unwrap_or_default();
    let mut out = Vec::new();
    let status = root.join("var/lib/dpkg/status");
    if status.is_file() {
        read_into(&status, root, &distro, &mut out)?;
    }
    let dir = root.join("var/lib/dpkg/status.d");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "md5sums"))
            .collect();
        files.sort();
        for f in files {
            read_into(&f, root, &distro, &mut out)?;
        }
    }
    Ok(out)
}

fn read_into(
    path: &Path,
    root: &Path,
    distro: &OsRelease,
    out: &mut Vec<Package>,
) -> Result<(), Error> {
    let err = |message: String| Error {
        path: path.to_path_buf(),
        message,
    };
    let bytes = crate::read_capped(path, MAX_STATUS_BYTES)?;
    let text = String::from_utf8_lossy(&bytes);
    let paragraphs =
        control::parse(&text).map_err(|e| err(format!("line {}: {}", e.line, e.message)))?;
    for p in paragraphs {
        if let Some(pkg) = package(&p, path, root, distro) {
            out.push(pkg);
        }
    }
    Ok(())
}

/// A paragraph's package, if it is installed.
fn package(p: &Paragraph, found_in: &Path, root: &Path, distro: &OsRelease) -> Option<Package> {
    // status.d paragraphs have no Status: each file is one installed
    // package.
    if let Some(status) = p.get("Status")
        && status.split_whitespace().nth(2) != Some("installed")
    {
        return None;
    }
    let name = p.get("Package")?.to_string();
    let version = p.get("Version")?.to_string();
    let arch = p.get("Architecture").map(str::to_string);
    let source = match p.get("Source") {
        Some(s) => {
            let mut parts = s.splitn(2, ' ');
            let src = parts.next().unwrap_or(&name).to_string();
            let ver = parts
                .next()
                .map(|v| {
                    v.trim()
                        .trim_start_matches('(')
                        .trim_end_matches(')')
                        .to_string()
                })
                .unwrap_or_else(|| version.clone());
            (src, ver)
        }
        None => (name.clone(), version.clone()),
    };
    let vendor = if distro.id.is_empty() {
        "debian"
    } else {
        distro.id.as_str()
    };
    let distro_q = distro
        .version_id
        .as_deref()
        .map(|v| format!("{vendor}-{v}"))
        .unwrap_or_default();
    let mut qualifiers: Vec<(&str, &str)> = vec![("distro", &distro_q)];
    if let Some(a) = &arch {
        qualifiers.push(("arch", a));
    }
    if source.0 != name {
        qualifiers.push(("upstream", &source.0));
    }
    let purl = purl::purl("deb", Some(vendor), &name, &version, &qualifiers);
    let licenses = copyright_licenses(&root.join("usr/share/doc").join(&name).join("copyright"));
    Some(Package {
        name,
        version,
        kind: "deb",
        arch,
        source: Some(source),
        purl,
        found_in: found_in.to_path_buf(),
        licenses,
    })
}

/// The `License:` short names of a machine-readable (DEP-5) copyright
/// file; none for a free-form one.
fn copyright_licenses(path: &Path) -> Vec<String> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Vec::new();
    };
    if meta.len() > 4 << 20 {
        return Vec::new();
    }
    let Ok(bytes) = std::fs::read(path) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    if !text.starts_with("Format:") {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("License:") {
            let v = v.trim();
            if !v.is_empty() && !out.iter().any(|o| o == v) {
                out.push(v.to_string());
            }
        }
    }
    out
}
