//! OSV advisories (schema 1.x): the fields matching and reporting use,
//! read from JSON with a size limit; everything else is kept as it came
//! only where a later stage needs it.

use serde::Deserialize;

/// Largest advisory file read (the biggest in osv.dev's dumps are a few
/// hundred KiB).
pub const MAX_ADVISORY_BYTES: usize = 8 << 20;

/// One advisory.
#[derive(Debug, Clone, Deserialize)]
pub struct Advisory {
    /// `GO-2020-0001`, `GHSA-…`, `CVE-…`, `DSA-…`.
    pub id: String,
    /// RFC 3339 time of the last change.
    #[serde(default)]
    pub modified: String,
    /// When set, the advisory was withdrawn and matches nothing.
    #[serde(default)]
    pub withdrawn: Option<String>,
    /// Other ids of the same vulnerability.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Ids of related but different vulnerabilities.
    #[serde(default)]
    pub related: Vec<String>,
    /// One line.
    #[serde(default)]
    pub summary: String,
    /// Markdown.
    #[serde(default)]
    pub details: String,
    /// CVSS vectors and other scores.
    #[serde(default)]
    pub severity: Vec<Severity>,
    /// The affected packages and versions.
    #[serde(default)]
    pub affected: Vec<Affected>,
    /// Links.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// The source database's own rating (`database_specific.severity`:
    /// GitHub's `CRITICAL` … `LOW`), when it gives one.
    #[serde(default, rename = "database_specific", deserialize_with = "rating")]
    pub database_severity: Option<String>,
}

/// `database_specific.severity` when it is a string; anything else in
/// `database_specific` is not needed.
fn rating<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v: Option<serde_json::Value> = Option::deserialize(d)?;
    Ok(v.as_ref()
        .and_then(|v| v.get("severity"))
        .and_then(|s| s.as_str())
        .map(str::to_string))
}

/// A severity score.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Severity {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The vector or rating.
    pub score: String,
}

/// A link.
#[derive(Debug, Clone, Deserialize)]
pub struct Reference {
    /// `ADVISORY`, `FIX`, `WEB`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The URL.
    pub url: String,
}

/// The package an `affected` entry is about.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Package {
    /// `Go`, `PyPI`, `Debian:12`, …
    pub ecosystem: String,
    /// The package name in that ecosystem.
    pub name: String,
    /// A purl without version, when given.
    #[serde(default)]
    pub purl: Option<String>,
}

/// One affected package with its versions.
#[derive(Debug, Clone, Deserialize)]
pub struct Affected {
    /// Which package (absent only for GIT-only entries).
    #[serde(default)]
    pub package: Option<Package>,
    /// Per-package severity, overriding the advisory's.
    #[serde(default)]
    pub severity: Vec<Severity>,
    /// Ranges of affected versions.
    #[serde(default)]
    pub ranges: Vec<Range>,
    /// Affected versions listed one by one.
    #[serde(default)]
    pub versions: Vec<String>,
}

/// How a range's versions are ordered.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum RangeKind {
    /// SemVer 2.0 precedence.
    #[serde(rename = "SEMVER")]
    Semver,
    /// The ecosystem's own order.
    #[serde(rename = "ECOSYSTEM")]
    Ecosystem,
    /// Commits of a repository (not matched against package versions).
    #[serde(rename = "GIT")]
    Git,
}

/// A range of affected versions, as events.
#[derive(Debug, Clone, Deserialize)]
pub struct Range {
    /// Its order.
    #[serde(rename = "type")]
    pub kind: RangeKind,
    /// For GIT ranges.
    #[serde(default)]
    pub repo: Option<String>,
    /// The events, in any order.
    pub events: Vec<Event>,
}

/// A range event: exactly one of its fields is set.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Event {
    /// Affected from this version on (`0`: from the beginning).
    #[serde(default)]
    pub introduced: Option<String>,
    /// Not affected from this version on.
    #[serde(default)]
    pub fixed: Option<String>,
    /// Affected up to and including this version.
    #[serde(default)]
    pub last_affected: Option<String>,
    /// Only versions below this one (mostly for GIT ranges).
    #[serde(default)]
    pub limit: Option<String>,
}

/// Why an advisory could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Past [`MAX_ADVISORY_BYTES`].
    #[error("advisory is {0} bytes, more than the {MAX_ADVISORY_BYTES} allowed")]
    TooLarge(usize),
    /// Not OSV JSON; serde names the line and column.
    #[error("not an OSV advisory: {0}")]
    Json(#[from] serde_json::Error),
}

impl Advisory {
    /// Reads one advisory from JSON.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_ADVISORY_BYTES {
            return Err(Error::TooLarge(bytes.len()));
        }
        Ok(serde_json::from_slice(bytes)?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn reads_the_fields_matching_needs() {
        let a = Advisory::from_json(
            br#"{"schema_version":"1.3.1","id":"GO-2020-0001","modified":"2023-01-01T00:00:00Z",
            "aliases":["CVE-2020-36567","GHSA-6vm3-jj99-7229"],"summary":"s",
            "affected":[{"package":{"name":"github.com/gin-gonic/gin","ecosystem":"Go"},
            "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.6.0"}]}],
            "ecosystem_specific":{"imports":[]}}],"unknown_field":1}"#,
        )
        .unwrap();
        assert_eq!(a.aliases.len(), 2);
        assert_eq!(a.affected[0].ranges[0].kind, RangeKind::Semver);
        assert_eq!(
            a.affected[0].ranges[0].events[1].fixed.as_deref(),
            Some("1.6.0")
        );
        let err = Advisory::from_json(b"{\"id\": 3}").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
        assert!(matches!(
            Advisory::from_json(&vec![b' '; MAX_ADVISORY_BYTES + 1]),
            Err(Error::TooLarge(_))
        ));
    }
}
