//! Palisade's JSON report format, version 1.
//!
//! This format is **stable**: within a `version`, fields are only ever
//! added, never renamed, removed or given a different meaning. A consumer
//! should ignore fields it does not know. Keys appear in the order below.
//! The same text is published as `docs/json-format.md` in this crate.
//!
//! ```json
//! {
//!   "version": 1,
//!   "tool": { "name": "palisade", "version": "0.1.0" },
//!   "findings": [
//!     {
//!       "rule_id": "PSS002",
//!       "rule_name": "privileged",
//!       "title": "Privileged container",
//!       "severity": "high",
//!       "message": "Container `web` sets securityContext.privileged to true",
//!       "resource": { "kind": "Deployment", "namespace": "shop", "name": "web", "container": "web" },
//!       "location": { "path": "deploy/web.yaml", "line": 12, "column": 7 },
//!       "remediation": "Remove securityContext.privileged or set it to false.",
//!       "references": [
//!         { "label": "Pod Security Standards: Privileged Containers", "url": "https://kubernetes.io/docs/concepts/security/pod-security-standards/" }
//!       ],
//!       "suppressed": { "kind": "annotation", "reason": "the CNI agent needs it" }
//!     }
//!   ],
//!   "errors": [
//!     { "path": "deploy/broken.yaml", "line": 3, "column": 5, "message": "..." }
//!   ],
//!   "summary": {
//!     "critical": 0, "high": 1, "medium": 0, "low": 0, "info": 0,
//!     "suppressed": 1, "errors": 1, "files": 2, "objects": 3
//!   }
//! }
//! ```
//!
//! ## Top level
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `version` | integer | Version of this format: `1`. Bumped only for an incompatible change. |
//! | `tool` | object | `name` (always `"palisade"`) and `version` (Palisade's version). |
//! | `findings` | array | Every finding, suppressed ones included, sorted by path, line, column and rule id. |
//! | `errors` | array | Inputs that could not be read or parsed, in whole or in part, sorted by path and line. |
//! | `summary` | object | Counts; see below. |
//!
//! ## A finding
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `rule_id` | string | The rule's stable id, e.g. `PSS002`. Ids are never reused. |
//! | `rule_name` | string | The rule's stable kebab-case name. |
//! | `title` | string | The rule's one-line title. |
//! | `severity` | string | Severity in effect (after configuration): `critical`, `high`, `medium`, `low` or `info`. |
//! | `message` | string | What is wrong in this instance. |
//! | `resource` | object | Present when the finding is about an object: `kind` (always), `namespace`, `name`, `container` (each omitted when absent). |
//! | `location` | object | `path` (the file as given on the command line; `-` for standard input), `line` and `column` (both from 1; columns count characters). |
//! | `remediation` | string | How to fix it. |
//! | `references` | array | Standards and documents behind the rule, each `{ "label", "url" }`. |
//! | `suppressed` | object | Present only when the finding is suppressed: `kind` (`annotation` or `comment`) and `reason` (empty when none was given). |
//! | `fingerprint` | string | Present on secret findings: a content fingerprint (32 hex digits, a hash of the rule id and the secret) that does not change when the secret moves to another line, file or commit. Baselines record it. |
//! | `commit` | object | Present on findings from git history: the commit that introduced the finding, `id` (full), `author`, `email`, `date` (RFC 3339, UTC) and `summary` (the message's first line). |
//!
//! `rule_name`, `title` and `remediation` are empty strings, and
//! `references` empty, if the report carries no description of the rule
//! (a report assembled by Palisade always does).
//!
//! ## An error
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `path` | string | The file (`-` for standard input). |
//! | `line` | integer | Line, from 1; omitted when the problem has none. |
//! | `column` | integer | Column, from 1; omitted when the problem has none. |
//! | `message` | string | What went wrong. |
//!
//! ## The summary
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `critical`, `high`, `medium`, `low`, `info` | integer | Unsuppressed findings of each severity. |
//! | `suppressed` | integer | Suppressed findings (any severity). |
//! | `errors` | integer | Number of entries in `errors`. |
//! | `files` | integer | Files read. |
//! | `objects` | integer | Kubernetes objects and Dockerfiles checked. |

use crate::{RenderOptions, TOOL_NAME, sorted_errors, sorted_findings};
use palisade_core::{CommitInfo, Finding, InputError, Report, Severity, SuppressionKind};
use serde::Serialize;
use std::io::{self, Write};

/// The version of the format written by this crate.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool<'a>,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    rule_name: &'a str,
    title: &'a str,
    severity: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<JsonResource<'a>>,
    location: JsonLocation<'a>,
    remediation: &'a str,
    references: Vec<JsonReference<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<JsonSuppression<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a CommitInfo>,
}

#[derive(Serialize)]
pub(crate) struct JsonResource<'a> {
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    container: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    path: &'a str,
    line: u32,
    column: u32,
}

/// Rules by id, looked up once per finding.
type RuleIndex<'a> = std::collections::HashMap<&'a str, &'a palisade_core::RuleInfo>;

#[derive(Serialize)]
struct JsonReference<'a> {
    label: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'static str,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
    suppressed: usize,
    errors: usize,
    files: u64,
    objects: u64,
}

/// The lowercase name of a suppression kind, as written in JSON.
pub(crate) fn suppression_kind(kind: SuppressionKind) -> &'static str {
    match kind {
        SuppressionKind::Annotation => "annotation",
        SuppressionKind::Comment => "comment",
    }
}

/// Suppressed findings.
pub(crate) fn suppressed(report: &Report) -> usize {
    report.findings.iter().filter(|f| f.is_suppressed()).count()
}

fn finding<'a>(rules: &RuleIndex<'a>, f: &'a Finding) -> JsonFinding<'a> {
    let rule = rules.get(f.rule_id.as_str()).copied();
    JsonFinding {
        rule_id: &f.rule_id,
        rule_name: rule.map_or("", |r| r.name.as_str()),
        title: rule.map_or("", |r| r.title.as_str()),
        severity: f.severity.as_str(),
        message: &f.message,
        resource: f.resource.as_ref().map(JsonResource::from),
        location: JsonLocation {
            path: &f.location.path,
            line: f.location.line,
            column: f.location.column,
        },
        remediation: rule.map_or("", |r| r.remediation.as_str()),
        references: rule
            .map(|r| r.references.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|r| JsonReference {
                label: &r.label,
                url: &r.url,
            })
            .collect(),
        suppressed: f.suppression.as_ref().map(|s| JsonSuppression {
            kind: suppression_kind(s.kind),
            reason: &s.reason,
        }),
        fingerprint: f.fingerprint.as_deref(),
        commit: f.commit.as_ref(),
    }
}

fn error(e: &InputError) -> JsonError<'_> {
    JsonError {
        path: &e.path,
        line: e.line,
        column: e.column,
        message: &e.message,
    }
}

/// Writes the report as pretty-printed JSON followed by a newline.
pub(crate) fn render(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rules: RuleIndex<'_> = report.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let doc = Document {
        version: FORMAT_VERSION,
        tool: Tool {
            name: TOOL_NAME,
            version: options.tool_version,
        },
        findings: sorted_findings(report)
            .into_iter()
            .map(|f| finding(&rules, f))
            .collect(),
        errors: sorted_errors(report).into_iter().map(error).collect(),
        summary: Summary {
            critical: report.count(Severity::Critical),
            high: report.count(Severity::High),
            medium: report.count(Severity::Medium),
            low: report.count(Severity::Low),
            info: report.count(Severity::Info),
            suppressed: suppressed(report),
            errors: report.errors.len(),
            files: report.stats.files,
            objects: report.stats.objects,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

impl<'a> From<&'a palisade_core::Resource> for JsonResource<'a> {
    fn from(r: &'a palisade_core::Resource) -> Self {
        JsonResource {
            kind: &r.kind,
            namespace: r.namespace.as_deref(),
            name: r.name.as_deref(),
            container: r.container.as_deref(),
        }
    }
}
