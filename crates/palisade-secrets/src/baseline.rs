//! Baselines (`--baseline`, `--write-baseline`) and `.gitleaksignore`.
//!
//! A baseline lists the content fingerprints of accepted findings (see
//! [`crate::fingerprint`]): a finding whose fingerprint is listed is hidden,
//! wherever it has moved. The file is JSON and holds no secret, only hashes
//! and, for reviewers, the rule, path and line where each was first seen.

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
    #[error("{path}:{line}: not a Palisade baseline: {message}")]
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

/// A set of accepted findings.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    entries: Vec<BaselineEntry>,
    fingerprints: HashSet<String>,
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

    /// Parses a baseline's JSON text; `path` names it in errors.
    pub fn parse(path: &str, text: &str) -> Result<Baseline, BaselineError> {
        let file: BaselineFile = serde_json::from_str(text).map_err(|e| BaselineError::Format {
            path: path.to_string(),
            line: e.line(),
            message: e.to_string(),
        })?;
        if file.version != 1 {
            return Err(BaselineError::Format {
                path: path.to_string(),
                line: 1,
                message: format!("unsupported version {}", file.version),
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
        })
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
        self.fingerprints.contains(&finding.fingerprint)
    }

    /// The entries, sorted by path and line.
    pub fn entries(&self) -> &[BaselineEntry] {
        &self.entries
    }

    /// Number of accepted findings.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is accepted.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
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
