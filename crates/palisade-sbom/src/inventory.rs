//! Everything the catalogers find in a directory or root filesystem:
//! the dpkg and apk databases at its root, every `Cargo.lock`, every Go
//! executable. The walk follows no links, skips pseudo-filesystems and
//! stops at its limits, saying so; a file that cannot be read is an
//! error naming it and the walk goes on.

use crate::{Error, Package, apk, cargo_lock, dpkg, go_binary, os_release};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Most files one walk looks at.
pub const MAX_FILES: usize = 2_000_000;

/// What was found.
#[derive(Debug, Default)]
pub struct Inventory {
    /// The packages, in the order found.
    pub packages: Vec<Package>,
    /// Files that could not be read, and limits reached.
    pub errors: Vec<Error>,
    /// The distribution, when the root has an os-release.
    pub distro: Option<os_release::OsRelease>,
}

/// Catalogs `root`.
pub fn inventory(root: &Path) -> Inventory {
    let mut inv = Inventory {
        distro: os_release::of_root(root),
        ..Inventory::default()
    };
    for found in [dpkg::catalog(root), apk::catalog(root)] {
        match found {
            Ok(p) => inv.packages.extend(p),
            Err(e) => inv.errors.push(e),
        }
    }
    let mut stack = vec![root.to_path_buf()];
    let mut seen = 0usize;
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for path in entries.into_iter().rev() {
            seen += 1;
            if seen > MAX_FILES {
                inv.errors.push(Error {
                    path: root.to_path_buf(),
                    message: format!("more than {MAX_FILES} files: the rest was not catalogued"),
                });
                return inv;
            }
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                if !pseudo_filesystem(root, &path) {
                    stack.push(path);
                }
                continue;
            }
            if !meta.is_file() {
                continue;
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name == "Cargo.lock" {
                match cargo_lock::catalog(&path) {
                    Ok(p) => inv.packages.extend(p),
                    Err(e) => inv.errors.push(e),
                }
            } else if is_executable(&meta) && is_elf(&path) {
                match go_binary::catalog(&path) {
                    Ok(p) => inv.packages.extend(p),
                    Err(e) => inv.errors.push(e),
                }
            }
        }
    }
    inv
}

fn pseudo_filesystem(root: &Path, dir: &Path) -> bool {
    ["proc", "sys", "dev", "run"]
        .iter()
        .any(|p| dir == root.join(p))
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    true
}

fn is_elf(path: &Path) -> bool {
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && head == *b"\x7fELF"
}
