//! `/etc/os-release` (or `/usr/lib/os-release`): which distribution and
//! release a root filesystem is, for purls' `distro` and advisories'
//! releases.

use std::path::Path;

/// The fields Palisade uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OsRelease {
    /// `debian`, `ubuntu`, `alpine`, `rhel`…
    pub id: String,
    /// `12`, `22.04`, `3.20.1`…
    pub version_id: Option<String>,
    /// `bookworm`, `jammy`…
    pub version_codename: Option<String>,
}

/// Parses os-release text: `KEY=value` lines, values optionally quoted.
pub fn parse(text: &str) -> OsRelease {
    let mut out = OsRelease::default();
    for line in text.lines() {
        let Some((k, v)) = line.trim().split_once('=') else {
            continue;
        };
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(v)
            .replace("\\\"", "\"");
        match k.trim() {
            "ID" => out.id = v,
            "VERSION_ID" => out.version_id = Some(v),
            "VERSION_CODENAME" => out.version_codename = Some(v),
            _ => {}
        }
    }
    out
}

/// The os-release of the root filesystem at `root`, if it has one.
pub fn of_root(root: &Path) -> Option<OsRelease> {
    ["etc/os-release", "usr/lib/os-release"]
        .iter()
        .find_map(|p| std::fs::read_to_string(root.join(p)).ok())
        .map(|t| parse(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_file() {
        let r = parse(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n",
        );
        assert_eq!(r.id, "debian");
        assert_eq!(r.version_id.as_deref(), Some("12"));
        assert_eq!(r.version_codename.as_deref(), Some("bookworm"));
    }
}
