//! Baselines (`--baseline`, `--write-baseline`) and `.gitleaksignore`.
//!
//! A baseline lists the content fingerprints of accepted findings (see
//! [`crate::fingerprint`]): a finding whose fingerprint is listed is hidden,
//! wherever it has moved. The file is JSON and holds no secret, only hashes
//! and, for reviewers, the rule, path and line where each was first seen.
//!
//! A gitleaks JSON report (`gitleaks ... --report-format json`: an array
//! of findings with `RuleID`, `Secret`, `File`, `StartLine`, `Commit`,
//! `Fingerprint`...) is read as a baseline too. Each entry is matched **by
//! content**: a finding is hidden when its rule's gitleaks id (the rule
//! name; Palisade's built-in rules carry gitleaks' ids) is the entry's
//! `RuleID` and its secret is the entry's `Secret`, wherever either report
//! found it. Only the hash of the two is kept in memory. An entry whose
//! secret gitleaks redacted (`--redact`: `REDACTED`, or a prefix and
//! `...`) or that has none (path-only rules) can only be matched **by
//! location**: its `Fingerprint` (`commit:file:rule:line`, or
//! `file:rule:line` for a directory scan), as `.gitleaksignore` matches.

use crate::SecretFinding;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

/// A baseline that cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a baseline.
    #[error("{path}:{line}: {message}")]
    Format {
        /// The file.
        path: String,
        /// Line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// Content fingerprint.
    pub fingerprint: String,
    /// Rule id.
    pub rule: String,
    /// Where it was when the baseline was written (informational).
    pub path: String,
    /// Line where it was (informational).
    pub line: u32,
    /// Commit that introduced it, for history findings (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct BaselineFile {
    version: u32,
    findings: Vec<BaselineEntry>,
}

/// One finding of a gitleaks JSON report (the fields a baseline uses;
/// the others are ignored).
#[derive(Debug, Deserialize)]
struct GitleaksFinding {
    #[serde(rename = "RuleID")]
    rule_id: String,
    #[serde(rename = "Secret", default)]
    secret: String,
    #[serde(rename = "File", default)]
    file: String,
    #[serde(rename = "StartLine", default)]
    start_line: u32,
    #[serde(rename = "Commit", default)]
    commit: String,
    #[serde(rename = "Fingerprint", default)]
    fingerprint: String,
}

/// Whether gitleaks redacted this secret (`--redact`, `--redact=N`), or
/// reported none.
fn redacted_by_gitleaks(secret: &str) -> bool {
    secret.is_empty() || secret == "REDACTED" || secret.ends_with("...")
}

/// A set of accepted findings.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    entries: Vec<BaselineEntry>,
    fingerprints: HashSet<String>,
    /// From a gitleaks report: [`crate::fingerprint`] of the gitleaks rule
    /// id (a rule's name) and the secret.
    gitleaks_content: HashSet<String>,
    /// From a gitleaks report, entries with a redacted secret: their
    /// gitleaks fingerprints (`commit:file:rule:line`, `file:rule:line`).
    gitleaks_locations: HashSet<String>,
}

impl Baseline {
    /// A baseline accepting `findings`.
    pub fn from_findings<'a>(findings: impl IntoIterator<Item = &'a SecretFinding>) -> Baseline {
        let mut b = Baseline::default();
        for f in findings {
            if b.fingerprints.insert(f.fingerprint.clone()) {
                b.entries.push(BaselineEntry {
                    fingerprint: f.fingerprint.clone(),
                    rule: f.rule.id.to_string(),
                    path: f.path.clone(),
                    line: f.line,
                    commit: f.commit.as_ref().map(|c| c.id.clone()),
                });
            }
        }
        b.entries.sort_by(|a, b| {
            (&a.path, a.line, &a.rule, &a.fingerprint).cmp(&(
                &b.path,
                b.line,
                &b.rule,
                &b.fingerprint,
            ))
        });
        b
    }

    /// Parses a baseline's JSON text (Palisade's, or a gitleaks JSON
    /// report); `path` names it in errors.
    pub fn parse(path: &str, text: &str) -> Result<Baseline, BaselineError> {
        if text.trim_start().starts_with('[') {
            return Baseline::parse_gitleaks(path, text);
        }
        let file: BaselineFile = serde_json::from_str(text).map_err(|e| BaselineError::Format {
            path: path.to_string(),
            line: e.line(),
            message: format!("not a Palisade baseline: {e}"),
        })?;
        if file.version != 1 {
            return Err(BaselineError::Format {
                path: path.to_string(),
                line: 1,
                message: format!(
                    "not a Palisade baseline: unsupported version {}",
                    file.version
                ),
            });
        }
        let fingerprints = file
            .findings
            .iter()
            .map(|e| e.fingerprint.clone())
            .collect();
        Ok(Baseline {
            entries: file.findings,
            fingerprints,
            ..Baseline::default()
        })
    }

    /// Reads a gitleaks JSON report (see the module documentation for how
    /// its entries are matched).
    fn parse_gitleaks(path: &str, text: &str) -> Result<Baseline, BaselineError> {
        let findings: Vec<GitleaksFinding> =
            serde_json::from_str(text).map_err(|e| BaselineError::Format {
                path: path.to_string(),
                line: e.line(),
                message: format!("not a gitleaks JSON report: {e}"),
            })?;
        let mut b = Baseline::default();
        for f in findings {
            if redacted_by_gitleaks(&f.secret) {
                let location = if f.fingerprint.is_empty() {
                    match f.commit.as_str() {
                        "" => format!("{}:{}:{}", f.file, f.rule_id, f.start_line),
                        c => format!("{c}:{}:{}:{}", f.file, f.rule_id, f.start_line),
                    }
                } else {
                    f.fingerprint
                };
                b.gitleaks_locations.insert(location);
            } else {
                b.gitleaks_content
                    .insert(crate::fingerprint(&f.rule_id, f.secret.as_bytes()));
            }
        }
        Ok(b)
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io {
            path: display.clone(),
            source,
        })?;
        Baseline::parse(&display, &text)
    }

    /// The baseline as JSON text.
    pub fn to_json(&self) -> String {
        let file = BaselineFile {
            version: 1,
            findings: self.entries.clone(),
        };
        let mut s = serde_json::to_string_pretty(&file).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Writes the baseline file.
    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        std::fs::write(path, self.to_json()).map_err(|source| BaselineError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// Whether the baseline accepts `finding`.
    pub fn contains(&self, finding: &SecretFinding) -> bool {
        if self.fingerprints.contains(&finding.fingerprint) {
            return true;
        }
        if !self.gitleaks_content.is_empty()
            && self.gitleaks_content.contains(&crate::fingerprint(
                finding.rule.name,
                finding.secret.expose().as_bytes(),
            ))
        {
            return true;
        }
        !self.gitleaks_locations.is_empty()
            && (self
                .gitleaks_locations
                .contains(&finding.gitleaks_fingerprint())
                || self.gitleaks_locations.contains(&format!(
                    "{}:{}:{}",
                    finding.path, finding.rule.name, finding.line
                )))
    }

    /// The entries, sorted by path and line.
    pub fn entries(&self) -> &[BaselineEntry] {
        &self.entries
    }

    /// Number of accepted findings.
    pub fn len(&self) -> usize {
        self.entries.len() + self.gitleaks_content.len() + self.gitleaks_locations.len()
    }

    /// Whether nothing is accepted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `.gitleaksignore`: one gitleaks fingerprint per line
/// (`commit:path:rule:line` or `path:rule:line`), or a Palisade content
/// fingerprint; `#` starts a comment.
#[derive(Debug, Clone, Default)]
pub struct IgnoreList {
    entries: HashSet<String>,
}

impl IgnoreList {
    /// Parses the file's text.
    pub fn parse(text: &str) -> IgnoreList {
        IgnoreList {
            entries: text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect(),
        }
    }

    /// Reads `.gitleaksignore` from `dir`, if there is one.
    pub fn load_dir(dir: &Path) -> IgnoreList {
        std::fs::read_to_string(dir.join(".gitleaksignore"))
            .map(|t| IgnoreList::parse(&t))
            .unwrap_or_default()
    }

    /// Whether the list ignores `finding`.
    pub fn contains(&self, finding: &SecretFinding) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        if self.entries.contains(&finding.fingerprint)
            || self.entries.contains(&finding.gitleaks_fingerprint())
        {
            return true;
        }
        // A directory-scan fingerprint also covers the finding in history.
        let plain = format!("{}:{}:{}", finding.path, finding.rule.name, finding.line);
        self.entries.contains(&plain)
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
