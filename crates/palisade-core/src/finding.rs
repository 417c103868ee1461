//! The one finding format every layer reports, and the report that holds them.

use crate::{RuleInfo, RuleMeta, Severity};
use serde::Serialize;

/// Where a finding is: the file as the user named it, and the line and
/// column (both from 1) of the field at fault or of its nearest enclosing node.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// Path of the file (`-` for standard input).
    pub path: String,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub column: u32,
}

/// The object a finding is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Resource {
    /// Kind, e.g. `Deployment` (for a Dockerfile: `Dockerfile`).
    pub kind: String,
    /// Namespace, when the object is namespaced and names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Name of the object (for a Dockerfile stage: the stage name or index).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Container the finding is about, where it applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
}

impl Resource {
    /// `Kind/namespace/name`, the way people name objects.
    pub fn display(&self) -> String {
        let mut s = self.kind.clone();
        if let Some(ns) = &self.namespace {
            s.push('/');
            s.push_str(ns);
        }
        if let Some(n) = &self.name {
            s.push('/');
            s.push_str(n);
        }
        s
    }
}

/// How a finding was suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// By a `palisade.dev/ignore` annotation on the object.
    Annotation,
    /// By a `# palisade:ignore` comment in the file.
    Comment,
}

/// Why a finding is suppressed. Suppressed findings stay in the report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Suppression {
    /// Where the suppression came from.
    pub kind: SuppressionKind,
    /// The reason given (empty when none was given, which is itself a finding).
    pub reason: String,
}

/// The git commit a finding was introduced in (secret scanning of history).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct CommitInfo {
    /// Full commit id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// Author date, RFC 3339 (UTC).
    pub date: String,
    /// First line of the commit message.
    pub summary: String,
}

/// One thing wrong, found by one rule in one place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The rule's stable id.
    pub rule_id: String,
    /// Severity in effect (the rule's, or the configured override).
    pub severity: Severity,
    /// What is wrong in this instance: which field, which value.
    pub message: String,
    /// The object, when the finding is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<Resource>,
    /// Where.
    pub location: Location,
    /// Set when the finding is suppressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    /// A content fingerprint that identifies the finding wherever it
    /// moves (secret findings: a hash of the rule and the secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// The commit that introduced the finding, for findings from git history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<CommitInfo>,
}

impl Finding {
    /// A finding of `rule` with the rule's default severity.
    pub fn new(rule: &RuleMeta, message: impl Into<String>, location: Location) -> Finding {
        Finding {
            rule_id: rule.id.to_string(),
            severity: rule.severity,
            message: message.into(),
            resource: None,
            location,
            suppression: None,
            fingerprint: None,
            commit: None,
        }
    }

    /// Attaches the object the finding is about.
    pub fn with_resource(mut self, resource: Resource) -> Finding {
        self.resource = Some(resource);
        self
    }

    /// Attaches a content fingerprint.
    pub fn with_fingerprint(mut self, fingerprint: impl Into<String>) -> Finding {
        self.fingerprint = Some(fingerprint.into());
        self
    }

    /// Attaches the commit that introduced the finding.
    pub fn with_commit(mut self, commit: CommitInfo) -> Finding {
        self.commit = Some(commit);
        self
    }

    /// Whether the finding is suppressed.
    pub fn is_suppressed(&self) -> bool {
        self.suppression.is_some()
    }

    /// Report order: file, line, column, rule, message.
    pub fn report_order(&self, other: &Finding) -> std::cmp::Ordering {
        (&self.location, &self.rule_id, &self.message).cmp(&(
            &other.location,
            &other.rule_id,
            &other.message,
        ))
    }
}

impl InputError {
    /// Report order: file, line, column (unknown first), message.
    pub fn report_order(&self, other: &InputError) -> std::cmp::Ordering {
        (&self.path, self.line, self.column, &self.message).cmp(&(
            &other.path,
            other.line,
            other.column,
            &other.message,
        ))
    }
}

/// An input that could not be read or parsed (all or in part). The scan
/// carries on; the error is reported and makes the exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputError {
    /// The file (`-` for standard input).
    pub path: String,
    /// Line, when the problem has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Column, when the problem has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// What went wrong.
    pub message: String,
}

/// Counters describing what a scan read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanStats {
    /// Files read.
    pub files: u64,
    /// Bytes read.
    pub bytes: u64,
    /// YAML/JSON documents parsed.
    pub documents: u64,
    /// Kubernetes objects and Dockerfiles checked.
    pub objects: u64,
    /// Files passed over (binary, not a format Palisade reads).
    pub skipped: u64,
}

/// The outcome of a scan: what every renderer prints.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// Findings, in [`Finding::report_order`].
    pub findings: Vec<Finding>,
    /// Inputs that could not be read, in whole or in part.
    pub errors: Vec<InputError>,
    /// Every rule that ran, with the severity in effect.
    pub rules: Vec<RuleInfo>,
    /// What was read.
    pub stats: ScanStats,
}

impl Report {
    /// The rule behind a finding.
    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Unsuppressed findings at or above `threshold`.
    pub fn failing(&self, threshold: Severity) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |f| !f.is_suppressed() && f.severity >= threshold)
    }

    /// Unsuppressed findings of exactly `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| !f.is_suppressed() && f.severity == severity)
            .count()
    }
}
