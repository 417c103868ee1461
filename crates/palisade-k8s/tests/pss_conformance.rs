//! Every upstream Pod Security Standards fixture gives the upstream answer:
//! pods under `pass/` are admitted and pods under `fail/` are denied, at the
//! fixture's level and version, and a denied pod is denied by the check its
//! file is named after (or by the restricted check that replaces it).

use palisade_core::{PssLevel, PssVersion};
use palisade_k8s::{object, pod::Pod, pss};
use palisade_yaml::{Limits, parse_stream};
use std::path::Path;

fn check_prefix(file: &str) -> String {
    file.trim_end_matches(".yaml")
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_string()
}

#[test]
fn upstream_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pss");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (level_name, level) in [
        ("baseline", PssLevel::Baseline),
        ("restricted", PssLevel::Restricted),
    ] {
        for minor in 0..=pss::LATEST_MINOR {
            let dir = root.join(level_name).join(format!("v1.{minor}"));
            assert!(dir.is_dir(), "missing fixture folder {}", dir.display());
            for expect_pass in [true, false] {
                let sub = dir.join(if expect_pass { "pass" } else { "fail" });
                let Ok(entries) = std::fs::read_dir(&sub) else {
                    continue;
                };
                for entry in entries {
                    let path = entry.unwrap().path();
                    let text = std::fs::read_to_string(&path).unwrap();
                    let stream = parse_stream(&text, &Limits::default());
                    assert!(
                        stream.errors.is_empty(),
                        "{}: {:?}",
                        path.display(),
                        stream.errors
                    );
                    let doc = &stream.documents[0];
                    let objs = object::objects(doc).unwrap();
                    let pod = Pod::of(&objs[0]).unwrap();
                    let mut versions = vec![PssVersion::Minor(minor)];
                    if minor == pss::LATEST_MINOR {
                        versions.push(PssVersion::Latest);
                    }
                    for version in versions {
                        let violations = pss::evaluate(&pod, level, version);
                        checked += 1;
                        let file = path.file_name().unwrap().to_string_lossy().to_string();
                        if expect_pass && !violations.is_empty() {
                            failures.push(format!(
                                "{level_name} {version} {file}: expected pass, got {:?}",
                                violations
                                    .iter()
                                    .map(|(c, v)| format!("{}: {}", c.id, v.message))
                                    .collect::<Vec<_>>()
                            ));
                        }
                        if !expect_pass {
                            let named = check_prefix(&file);
                            let by_named = violations.iter().any(|(c, _)| {
                                c.id.eq_ignore_ascii_case(&named)
                                    || c.overrides.iter().any(|o| o.eq_ignore_ascii_case(&named))
                            });
                            if !by_named {
                                failures.push(format!(
                                    "{level_name} {version} {file}: expected denial by {named}, got {:?}",
                                    violations.iter().map(|(c, v)| format!("{}: {}", c.id, v.message)).collect::<Vec<_>>()
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 4500, "only {checked} fixtures checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} fixtures disagree with upstream:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn latest_is_the_newest_revision() {
    let newest = pss::CHECKS
        .iter()
        .flat_map(|c| c.revisions.iter().map(|r| r.min_minor))
        .max()
        .unwrap();
    assert_eq!(newest, pss::LATEST_MINOR);
}
