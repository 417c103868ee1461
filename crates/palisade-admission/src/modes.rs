//! A namespace's Pod Security Admission modes, from its
//! `pod-security.kubernetes.io/{enforce,audit,warn}[-version]` labels, with
//! upstream's semantics: unset labels fall back to the defaults, an invalid
//! enforce level means `restricted` (fail closed), an invalid audit or warn
//! level means `privileged` (fail open), an invalid version means `latest`.

use palisade_core::admission::{LevelVersion, PssModes};
use palisade_core::{PssLevel, PssVersion};
use std::collections::BTreeMap;

/// The label prefix.
pub const PREFIX: &str = "pod-security.kubernetes.io/";

/// An invalid label: its key, value and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelError {
    /// The label key.
    pub key: String,
    /// Its value.
    pub value: String,
    /// What a valid value looks like.
    pub expected: &'static str,
}

impl std::fmt::Display for LabelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "metadata.labels[{}]: Invalid value: {:?}: {}",
            self.key, self.value, self.expected
        )
    }
}

fn parse_level(s: &str) -> Option<PssLevel> {
    match s {
        "privileged" => Some(PssLevel::Privileged),
        "baseline" => Some(PssLevel::Baseline),
        "restricted" => Some(PssLevel::Restricted),
        _ => None,
    }
}

/// `latest` or `v1.N` exactly (no leading zeros, no missing `v`).
fn parse_version(s: &str) -> Option<PssVersion> {
    if s == "latest" {
        return Some(PssVersion::Latest);
    }
    let minor = s.strip_prefix("v1.")?;
    let valid = !minor.is_empty()
        && minor.bytes().all(|b| b.is_ascii_digit())
        && (minor == "0" || !minor.starts_with('0'));
    if !valid {
        return None;
    }
    minor.parse().ok().map(PssVersion::Minor)
}

/// The modes a namespace's labels select, and the labels that were invalid.
pub fn from_labels(
    labels: &BTreeMap<String, String>,
    defaults: PssModes,
) -> (PssModes, Vec<LabelError>) {
    let mut modes = defaults;
    let mut errors = Vec::new();
    let slots: [(&str, &mut LevelVersion, PssLevel); 3] = [
        ("enforce", &mut modes.enforce, PssLevel::Restricted),
        ("audit", &mut modes.audit, PssLevel::Privileged),
        ("warn", &mut modes.warn, PssLevel::Privileged),
    ];
    for (mode, slot, on_error) in slots {
        let key = format!("{PREFIX}{mode}");
        if let Some(v) = labels.get(&key) {
            slot.level = parse_level(v).unwrap_or_else(|| {
                errors.push(LabelError {
                    key: key.clone(),
                    value: v.clone(),
                    expected: "must be one of privileged, baseline, restricted",
                });
                on_error
            });
        }
        let key = format!("{key}-version");
        if let Some(v) = labels.get(&key) {
            slot.version = parse_version(v).unwrap_or_else(|| {
                errors.push(LabelError {
                    key,
                    value: v.clone(),
                    expected: "must be \"latest\" or \"v1.x\"",
                });
                PssVersion::Latest
            });
        }
    }
    (modes, errors)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (format!("{PREFIX}{k}"), v.to_string()))
            .collect()
    }

    const DEFAULTS: PssModes = PssModes {
        enforce: LevelVersion {
            level: PssLevel::Baseline,
            version: PssVersion::Minor(30),
        },
        audit: LevelVersion {
            level: PssLevel::Baseline,
            version: PssVersion::Minor(30),
        },
        warn: LevelVersion {
            level: PssLevel::Baseline,
            version: PssVersion::Minor(30),
        },
    };

    #[test]
    fn unset_labels_keep_the_defaults() {
        let (m, e) = from_labels(&labels(&[("warn", "restricted")]), DEFAULTS);
        assert!(e.is_empty());
        assert_eq!(m.enforce, DEFAULTS.enforce);
        assert_eq!(m.warn.level, PssLevel::Restricted);
        // The version label is separate: unset, it stays the default's.
        assert_eq!(m.warn.version, PssVersion::Minor(30));
    }

    #[test]
    fn invalid_values_fail_closed_for_enforce_and_open_for_the_rest() {
        let (m, e) = from_labels(
            &labels(&[
                ("enforce", "strict"),
                ("audit", "nope"),
                ("warn-version", "1.25"),
            ]),
            DEFAULTS,
        );
        assert_eq!(e.len(), 3);
        assert_eq!(m.enforce.level, PssLevel::Restricted);
        assert_eq!(m.audit.level, PssLevel::Privileged);
        assert_eq!(m.warn.version, PssVersion::Latest);
    }

    #[test]
    fn versions_are_exact() {
        assert_eq!(parse_version("v1.25"), Some(PssVersion::Minor(25)));
        assert_eq!(parse_version("v1.0"), Some(PssVersion::Minor(0)));
        assert_eq!(parse_version("v1.05"), None);
        assert_eq!(parse_version("1.25"), None);
        assert_eq!(parse_version("v2.1"), None);
        assert_eq!(parse_version("v1."), None);
    }
}
