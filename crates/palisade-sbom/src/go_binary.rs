//! Go executables: the build information the Go linker embeds (Go 1.18
//! and later write it inline): the Go version, the main module, every
//! dependency with its version and any replacement. Advisories for Go
//! are keyed by module path and version, and by `stdlib` for the
//! toolchain itself.

use crate::{Error, Package, purl};
use std::path::Path;

/// Largest executable read.
pub const MAX_BINARY_BYTES: u64 = 1 << 30;

const MAGIC: &[u8] = b"\xff Go buildinf:";

/// What the build information says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildInfo {
    /// `go1.19.8`.
    pub go_version: String,
    /// The main package's import path (`cmd/go`).
    pub path: Option<String>,
    /// The main module: path and version.
    pub main: Option<(String, String)>,
    /// Dependencies: path and version, after replacements.
    pub deps: Vec<(String, String)>,
}

fn varint(b: &[u8]) -> Option<(usize, usize)> {
    let mut v: u64 = 0;
    for (i, &c) in b.iter().enumerate().take(10) {
        v |= u64::from(c & 0x7f) << (7 * i);
        if c & 0x80 == 0 {
            return Some((usize::try_from(v).ok()?, i + 1));
        }
    }
    None
}

/// Finds and decodes the build information in `bytes`; `None` when it is
/// not a Go executable or was built by a Go older than 1.18 (whose build
/// information is reached through pointers, not read here).
pub fn read(bytes: &[u8]) -> Option<BuildInfo> {
    // The header is 16-byte aligned.
    let mut at = 0;
    let start = loop {
        let i = at + find(bytes.get(at..)?, MAGIC)?;
        if i % 16 == 0 {
            break i;
        }
        at = i + 1;
    };
    let header = bytes.get(start..start + 32)?;
    let flags = *header.get(15)?;
    if flags & 2 == 0 {
        return None;
    }
    let mut rest = bytes.get(start + 32..)?;
    let mut strings: Vec<&[u8]> = Vec::new();
    for _ in 0..2 {
        let (len, used) = varint(rest)?;
        strings.push(rest.get(used..used.checked_add(len)?)?);
        rest = rest.get(used + len..)?;
    }
    let go_version = String::from_utf8_lossy(strings.first()?).into_owned();
    let mut raw = *strings.get(1)?;
    // The module information is framed by 16-byte sentinels (not text).
    if raw.len() >= 33 && raw.get(raw.len() - 17) == Some(&b'\n') {
        raw = raw.get(16..raw.len() - 16).unwrap_or(&[]);
    }
    let modinfo = String::from_utf8_lossy(raw);
    let mut info = BuildInfo {
        go_version,
        ..BuildInfo::default()
    };
    // Which list the last mod/dep line went to, for a following `=>`.
    let mut last_is_main = false;
    for line in modinfo.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["path", p, ..] => info.path = Some((*p).to_string()),
            ["mod", p, v, ..] => {
                info.main = Some(((*p).to_string(), (*v).to_string()));
                last_is_main = true;
            }
            ["dep", p, v, ..] => {
                info.deps.push(((*p).to_string(), (*v).to_string()));
                last_is_main = false;
            }
            ["=>", p, v, ..] => {
                let target = if last_is_main {
                    info.main.as_mut()
                } else {
                    info.deps.last_mut()
                };
                if let Some(t) = target {
                    *t = ((*p).to_string(), (*v).to_string());
                }
            }
            _ => {}
        }
    }
    Some(info)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        let j = i + hay.get(i..)?.iter().position(|&b| b == first)?;
        if hay.get(j..j + needle.len())? == needle {
            return Some(j);
        }
        i = j + 1;
    }
    None
}

/// A Go module path as a purl: the last segment is the name, the rest
/// the namespace.
fn module_purl(path: &str, version: &str) -> String {
    match path.rsplit_once('/') {
        Some((ns, name)) => purl::purl("golang", Some(ns), name, version, &[]),
        None => purl::purl("golang", None, path, version, &[]),
    }
}

/// The modules compiled into the executable at `path` (with `stdlib` at
/// the Go version); empty when it is not a Go 1.18+ executable.
pub fn catalog(path: &Path) -> Result<Vec<Package>, Error> {
    let bytes = crate::read_capped(path, MAX_BINARY_BYTES)?;
    let Some(info) = read(&bytes) else {
        return Ok(Vec::new());
    };
    let pkg = |name: String, version: String| Package {
        purl: module_purl(&name, &version),
        name,
        version,
        kind: "golang",
        arch: None,
        source: None,
        found_in: path.to_path_buf(),
        licenses: Vec::new(),
    };
    let mut out = Vec::new();
    if let Some(v) = info.go_version.strip_prefix("go") {
        out.push(pkg(
            "stdlib".into(),
            v.split(' ').next().unwrap_or(v).to_string(),
        ));
    }
    if let Some((p, v)) = info.main.filter(|(_, v)| v != "(devel)") {
        out.push(pkg(p, v));
    }
    out.extend(info.deps.into_iter().map(|(p, v)| pkg(p, v)));
    Ok(out)
}
