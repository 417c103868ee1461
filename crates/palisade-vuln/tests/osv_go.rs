//! Matching over real advisories: a sample of the Go vulnerability
//! database (tests/data/osv-go). Every entry must read, and each range
//! must mean what its events say: an `introduced` version is affected
//! and told to move to the next `fixed`; a `fixed` version is not
//! affected (unless another interval starts there); withdrawn entries
//! match nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_vuln::matching::{Skipped, matches};
use palisade_vuln::osv::Advisory;
use palisade_vuln::version::cargo::Version;
use std::path::Path;

fn advisories() -> Vec<Advisory> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osv-go");
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    for p in names {
        let bytes = std::fs::read(&p).unwrap();
        out.push(Advisory::from_json(&bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display())));
    }
    out
}

fn semver(v: &str) -> Version {
    Version::parse(v).unwrap()
}

#[test]
fn every_range_means_what_its_events_say() {
    let all = advisories();
    assert!(all.len() > 500, "{} advisories", all.len());
    let (mut introduced_checked, mut fixed_checked, mut withdrawn) = (0, 0, 0);
    for a in &all {
        for aff in &a.affected {
            let pkg = aff.package.as_ref().unwrap();
            for r in &aff.ranges {
                let mut events: Vec<(bool, &str)> = r
                    .events
                    .iter()
                    .filter_map(|e| {
                        e.introduced
                            .as_deref()
                            .map(|v| (true, v))
                            .or(e.fixed.as_deref().map(|v| (false, v)))
                    })
                    .collect();
                events.sort_by(|x, y| {
                    let key = |e: &(bool, &str)| {
                        if e.1 == "0" {
                            semver("0.0.0")
                        } else {
                            semver(e.1)
                        }
                    };
                    key(x).cmp(&key(y)).then(x.0.cmp(&y.0).reverse())
                });
                for (i, (is_intro, v)) in events.iter().enumerate() {
                    if *v == "0" {
                        continue;
                    }
                    let mut skipped = Vec::new();
                    let hit = matches(a, &pkg.ecosystem, &pkg.name, v, &mut skipped);
                    assert!(
                        skipped.iter().all(|s| !matches!(s, Skipped::BadVersion(_))),
                        "{}: {skipped:?}",
                        a.id
                    );
                    if a.withdrawn.is_some() {
                        assert!(hit.is_none(), "{} is withdrawn", a.id);
                        withdrawn += 1;
                        continue;
                    }
                    let next_fixed = events[i + 1..]
                        .iter()
                        .find(|e| !e.0)
                        .map(|e| e.1.to_string());
                    if *is_intro {
                        let same_version_fixed =
                            events.iter().any(|e| !e.0 && semver(e.1) == semver(v));
                        if !same_version_fixed {
                            let hit = hit.unwrap_or_else(|| {
                                panic!("{} {} {v} should be affected", a.id, pkg.name)
                            });
                            // Another affected entry may name a nearer fix;
                            // in this range the next fixed is the answer.
                            if aff.ranges.len() == 1
                                && a.affected
                                    .iter()
                                    .filter(|x| x.package == aff.package)
                                    .count()
                                    == 1
                            {
                                assert_eq!(hit.fixed, next_fixed, "{} {v}", a.id);
                            }
                            introduced_checked += 1;
                        }
                    } else {
                        let reopened = events
                            .iter()
                            .any(|e| e.0 && e.1 != "0" && semver(e.1) == semver(v));
                        let other_entries = a
                            .affected
                            .iter()
                            .filter(|x| x.package == aff.package)
                            .count()
                            > 1
                            || aff.ranges.len() > 1;
                        if !reopened && !other_entries {
                            assert!(
                                hit.is_none(),
                                "{} {} fixed {v} should not be affected",
                                a.id,
                                pkg.name
                            );
                            fixed_checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(
        introduced_checked > 100 && fixed_checked > 400 && withdrawn > 0,
        "{introduced_checked} {fixed_checked} {withdrawn}"
    );
    eprintln!("introduced {introduced_checked}, fixed {fixed_checked}, withdrawn {withdrawn}");
}

#[test]
fn go_versions_match_with_or_without_v() {
    let a = advisories()
        .into_iter()
        .find(|a| a.id == "GO-2020-0001")
        .expect("GO-2020-0001 is in the sample");
    let pkg = "github.com/gin-gonic/gin";
    for v in ["1.5.0", "v1.5.0", "v0.0.0-20190101000000-abcdefabcdef"] {
        let hit = matches(&a, "Go", pkg, v, &mut Vec::new()).unwrap_or_else(|| panic!("{v}"));
        assert_eq!(hit.fixed.as_deref(), Some("1.6.0"));
    }
    for v in ["1.6.0", "v1.7.2", "v1.6.0+incompatible"] {
        assert!(matches(&a, "Go", pkg, v, &mut Vec::new()).is_none(), "{v}");
    }
    assert!(matches(&a, "Go", "github.com/other/pkg", "1.0.0", &mut Vec::new()).is_none());
}
