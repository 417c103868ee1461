//! Whether a package version is affected by an advisory: OSV's evaluation
//! algorithm (schema §Evaluation) under each range's order.

use crate::osv::{Advisory, Affected, Range, RangeKind};
use crate::version::{self, Ecosystem};
use std::cmp::Ordering;

/// A version an advisory affects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The smallest `fixed` version above the installed one in the range
    /// that matched, if the advisory names one.
    pub fixed: Option<String>,
}

/// Something matching had to pass over (reported, never silently).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    /// A GIT range: commits, not package versions.
    GitRange,
    /// A range event whose version its order refuses.
    BadEvent(String),
    /// The installed version itself does not parse under the order.
    BadVersion(String),
}

/// Orders two versions under a range's order: SEMVER ranges by SemVer
/// 2.0 precedence (OSV writes Go versions without their `v`),
/// ECOSYSTEM ranges by the ecosystem.
fn order(kind: RangeKind, ecosystem: Ecosystem, a: &str, b: &str) -> Result<Ordering, String> {
    match kind {
        RangeKind::Semver => {
            let strip = |v: &str| v.strip_prefix('v').unwrap_or(v).to_string();
            let (x, y) = (strip(a), strip(b));
            let x = version::cargo::Version::parse(&x).map_err(|_| a.to_string())?;
            let y = version::cargo::Version::parse(&y).map_err(|_| b.to_string())?;
            Ok(x.cmp(&y))
        }
        _ => version::compare(ecosystem, a, b).map_err(|e| e.version),
    }
}

/// OSV's `IncludedInRanges` for one range: the events in order, the last
/// one at or below the version deciding. An `introduced` of `0` is below
/// every version.
fn in_range(
    range: &Range,
    ecosystem: Ecosystem,
    v: &str,
    skipped: &mut Vec<Skipped>,
) -> Option<Hit> {
    if range.kind == RangeKind::Git {
        skipped.push(Skipped::GitRange);
        return None;
    }
    let cmp = |a: &str, b: &str| order(range.kind, ecosystem, a, b);
    // The installed version must parse, or nothing can be said.
    if let Err(bad) = cmp(v, v) {
        skipped.push(Skipped::BadVersion(bad));
        return None;
    }
    // Limits: with any, the version must be below one of them.
    let limits: Vec<&str> = range
        .events
        .iter()
        .filter_map(|e| e.limit.as_deref())
        .collect();
    if !limits.is_empty() && !limits.iter().any(|l| cmp(v, l) == Ok(Ordering::Less)) {
        return None;
    }
    // (kind rank, version) pairs, sorted by version: `introduced` before
    // `last_affected` before `fixed` at the same version.
    let mut events: Vec<(u8, &str)> = Vec::new();
    for e in &range.events {
        let (rank, value) = match (&e.introduced, &e.last_affected, &e.fixed) {
            (Some(i), _, _) => (0, i.as_str()),
            (_, Some(l), _) => (1, l.as_str()),
            (_, _, Some(f)) => (2, f.as_str()),
            _ => continue,
        };
        if !(rank == 0 && value == "0") && cmp(value, value).is_err() {
            skipped.push(Skipped::BadEvent(value.to_string()));
            continue;
        }
        events.push((rank, value));
    }
    let key = |a: &(u8, &str), b: &(u8, &str)| -> Ordering {
        let zero = |e: &(u8, &str)| e.0 == 0 && e.1 == "0";
        match (zero(a), zero(b)) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => cmp(a.1, b.1).unwrap_or(Ordering::Equal).then(a.0.cmp(&b.0)),
        }
    };
    events.sort_by(key);
    let mut vulnerable = false;
    for (rank, value) in &events {
        let at = if *rank == 0 && *value == "0" {
            Ordering::Greater
        } else {
            cmp(v, value).unwrap_or(Ordering::Less)
        };
        match rank {
            0 if at != Ordering::Less => vulnerable = true,
            2 if at != Ordering::Less => vulnerable = false,
            1 if at == Ordering::Greater => vulnerable = false,
            _ => {}
        }
    }
    vulnerable.then(|| Hit {
        fixed: events
            .iter()
            .filter(|(rank, value)| *rank == 2 && cmp(v, value) == Ok(Ordering::Less))
            .map(|(_, value)| value.to_string())
            .next(),
    })
}

/// OSV's `IsVulnerable` for one `affected` entry: listed in `versions`,
/// or inside one of the ranges.
pub fn affected_by(
    affected: &Affected,
    ecosystem: Ecosystem,
    version: &str,
    skipped: &mut Vec<Skipped>,
) -> Option<Hit> {
    if affected.versions.iter().any(|v| v == version) {
        // A listed version: the fix is whatever the ranges say.
        let fixed = affected
            .ranges
            .iter()
            .find_map(|r| in_range(r, ecosystem, version, &mut Vec::new()))
            .and_then(|h| h.fixed);
        return Some(Hit { fixed });
    }
    affected
        .ranges
        .iter()
        .find_map(|r| in_range(r, ecosystem, version, skipped))
}

/// Whether `name` at `version` in `ecosystem` (an OSV ecosystem name,
/// `Debian:12` style) is affected by `advisory`. Withdrawn advisories
/// affect nothing.
pub fn matches(
    advisory: &Advisory,
    ecosystem: &str,
    name: &str,
    version: &str,
    skipped: &mut Vec<Skipped>,
) -> Option<Hit> {
    if advisory.withdrawn.is_some() {
        return None;
    }
    let eco = Ecosystem::from_osv(ecosystem)?;
    advisory
        .affected
        .iter()
        .filter(|a| {
            a.package
                .as_ref()
                .is_some_and(|p| p.name == name && same_ecosystem(&p.ecosystem, ecosystem))
        })
        .find_map(|a| affected_by(a, eco, version, skipped))
}

/// `Debian:12` matches `Debian:12` and an unreleased `Debian`; a bare
/// ecosystem matches any release of it.
fn same_ecosystem(advisory: &str, package: &str) -> bool {
    advisory == package
        || advisory.split(':').next() == Some(package)
        || package.split(':').next() == Some(advisory)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::osv::Advisory;

    fn advisory(ranges: &str, versions: &str) -> Advisory {
        Advisory::from_json(
            format!(
                r#"{{"id":"T-1","affected":[{{"package":{{"ecosystem":"PyPI","name":"p"}},
                "ranges":{ranges},"versions":{versions}}}]}}"#
            )
            .as_bytes(),
        )
        .unwrap()
    }

    fn hit(a: &Advisory, v: &str) -> Option<Option<String>> {
        matches(a, "PyPI", "p", v, &mut Vec::new()).map(|h| h.fixed)
    }

    #[test]
    fn spec_examples() {
        let multi = advisory(
            r#"[{"type":"ECOSYSTEM","events":[{"introduced":"1.0.0"},{"fixed":"1.0.2"},{"introduced":"3.0.0"},{"fixed":"3.2.5"}]}]"#,
            "[]",
        );
        assert_eq!(hit(&multi, "0.9"), None);
        assert_eq!(hit(&multi, "1.0.0"), Some(Some("1.0.2".into())));
        assert_eq!(hit(&multi, "1.0.1"), Some(Some("1.0.2".into())));
        assert_eq!(hit(&multi, "1.0.2"), None);
        assert_eq!(hit(&multi, "2.0"), None);
        assert_eq!(hit(&multi, "3.2.4"), Some(Some("3.2.5".into())));
        assert_eq!(hit(&multi, "3.2.5"), None);
        // Events in any order in the file mean the same.
        let shuffled = advisory(
            r#"[{"type":"ECOSYSTEM","events":[{"fixed":"3.2.5"},{"introduced":"3.0.0"},{"fixed":"1.0.2"},{"introduced":"1.0.0"}]}]"#,
            "[]",
        );
        for v in ["0.9", "1.0.1", "1.0.2", "2.0", "3.2.4", "3.2.5"] {
            assert_eq!(hit(&multi, v), hit(&shuffled, v), "{v}");
        }
        let last = advisory(
            r#"[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"last_affected":"2.1.214"}]}]"#,
            "[]",
        );
        assert_eq!(hit(&last, "2.1.214"), Some(None));
        assert_eq!(hit(&last, "2.1.215"), None);
        let listed = advisory("[]", r#"["1.5"]"#);
        assert_eq!(hit(&listed, "1.5"), Some(None));
        assert_eq!(
            hit(&listed, "1.5.0"),
            None,
            "versions are matched as written"
        );
        // PEP 440's order, not text: 1.0rc1 is before 1.0.
        let pep = advisory(
            r#"[{"type":"ECOSYSTEM","events":[{"introduced":"1.0rc1"},{"fixed":"1.0"}]}]"#,
            "[]",
        );
        assert_eq!(hit(&pep, "1.0rc2"), Some(Some("1.0".into())));
        assert_eq!(hit(&pep, "1.0.post1"), None);
    }

    #[test]
    fn withdrawn_bad_and_git_are_passed_over_visibly() {
        let mut a = advisory(
            r#"[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]"#,
            "[]",
        );
        assert_eq!(hit(&a, "1.0"), Some(None));
        a.withdrawn = Some("2024-01-01T00:00:00Z".into());
        assert_eq!(hit(&a, "1.0"), None);
        let git = advisory(
            r#"[{"type":"GIT","repo":"https://x","events":[{"introduced":"abc"}]}]"#,
            "[]",
        );
        let mut skipped = Vec::new();
        assert!(matches(&git, "PyPI", "p", "1.0", &mut skipped).is_none());
        assert_eq!(skipped, [Skipped::GitRange]);
        let bad = advisory(
            r#"[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"not a version"}]}]"#,
            "[]",
        );
        let mut skipped = Vec::new();
        assert!(matches(&bad, "PyPI", "p", "1.0", &mut skipped).is_some());
        assert_eq!(skipped, [Skipped::BadEvent("not a version".into())]);
    }
}
