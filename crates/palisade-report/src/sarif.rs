//! SARIF 2.1.0: one run, every rule of the report in `tool.driver.rules`,
//! one result per finding (suppressed findings carry `suppressions`), and
//! input errors as tool execution notifications of the one invocation.
//!
//! Severities map to SARIF levels as critical/high → `error`, medium →
//! `warning`, low/info → `note`; the Palisade severity itself is kept in
//! `properties.severity`, and in `properties.security-severity` on rules
//! (the score GitHub code scanning uses to show a severity). Columns count
//! characters (`columnKind: unicodeCodePoints`).
//!
//! Secret findings carry their content fingerprint in `partialFingerprints`
//! under [`SECRET_FINGERPRINT_KEY`] (so that code scanning tracks a secret
//! across moved lines), and findings from git history the commit that
//! introduced them in `properties.commit` (`id`, `author`, `email`, `date`,
//! `summary`).

use crate::json::suppression_kind;
use crate::{RenderOptions, TOOL_NAME, TOOL_URI, sorted_errors, sorted_findings};
use palisade_core::{CommitInfo, Finding, InputError, Report, RuleInfo, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `partialFingerprints` key of a secret finding's content fingerprint.
pub const SECRET_FINGERPRINT_KEY: &str = "palisadeSecretFingerprint/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation; 1],
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text<'a>>,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: OwnedText,
    locations: [NotificationLocation; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<'a>,
    locations: [ResultLocation; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    partial_fingerprints: Option<BTreeMap<&'static str, &'a str>>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    logical_locations: Option<[LogicalLocation; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
    properties: SuppressionProperties,
}

#[derive(Serialize)]
struct SuppressionProperties {
    source: &'static str,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<crate::json::JsonResource<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a CommitInfo>,
}

/// The SARIF level for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The score GitHub code scanning reads from `security-severity`
/// (over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "2.0",
        Severity::Info => "0.0",
    }
}

/// The artifact URI for a path as the user gave it: forward slashes,
/// standard input (`-`) as `stdin`, a Windows drive path as a `file:` URI,
/// and every byte a URI reference cannot hold literally percent-encoded
/// (including `:`, so that no relative path reads as a URI scheme).
pub(crate) fn artifact_uri(path: &str) -> String {
    if path == "-" {
        return "stdin".to_string();
    }
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let (prefix, rest) = match bytes {
        [d, b':', b'/', ..] if d.is_ascii_alphabetic() => (
            format!("file:///{}:", char::from(*d)),
            path.get(2..).unwrap_or(""),
        ),
        _ => (String::new(), path.as_str()),
    };
    let mut uri = prefix;
    for b in rest.bytes() {
        let literal = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if literal {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

fn help(rule: &RuleInfo) -> Help {
    let mut text = rule.documentation.trim().to_string();
    let mut markdown = text.clone();
    let remediation = rule.remediation.trim();
    if !remediation.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
            markdown.push_str("\n\n");
        }
        text.push_str("Remediation: ");
        text.push_str(remediation);
        markdown.push_str("## Remediation\n");
        markdown.push_str(remediation);
    }
    if !rule.references.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
            markdown.push_str("\n\n");
        }
        text.push_str("References:");
        markdown.push_str("## References");
        for r in &rule.references {
            text.push_str(&format!("\n- {}: {}", r.label, r.url));
            markdown.push_str(&format!("\n- [{}]({})", r.label, r.url));
        }
    }
    Help { text, markdown }
}

fn rule(rule: &RuleInfo) -> Rule<'_> {
    let mut tags = rule.groups.clone();
    // GitHub code scanning shows `security-severity` only on rules tagged
    // `security`; every Palisade rule is a security rule.
    if !tags.iter().any(|t| t == "security") {
        tags.push("security".to_string());
    }
    Rule {
        id: &rule.id,
        name: &rule.name,
        short_description: Text { text: &rule.title },
        full_description: (!rule.documentation.trim().is_empty()).then_some(Text {
            text: rule.documentation.trim(),
        }),
        help: help(rule),
        help_uri: rule.references.first().map(|r| r.url.as_str()),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            tags,
            security_severity: security_severity(rule.severity),
        },
    }
}

fn result<'a>(report: &'a Report, f: &'a Finding) -> SarifResult<'a> {
    SarifResult {
        rule_id: &f.rule_id,
        rule_index: report.rules.iter().position(|r| r.id == f.rule_id),
        level: level(f.severity),
        message: Text { text: &f.message },
        locations: [ResultLocation {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: artifact_uri(&f.location.path),
                },
                region: Some(Region {
                    start_line: f.location.line.max(1),
                    start_column: Some(f.location.column.max(1)),
                }),
            },
            logical_locations: f.resource.as_ref().map(|r| {
                [LogicalLocation {
                    fully_qualified_name: r.display(),
                    kind: "resource",
                }]
            }),
        }],
        suppressions: f.suppression.as_ref().map(|s| {
            let reason = s.reason.trim();
            [Suppression {
                kind: "inSource",
                status: "accepted",
                justification: (!reason.is_empty()).then_some(reason),
                properties: SuppressionProperties {
                    source: suppression_kind(s.kind),
                },
            }]
        }),
        partial_fingerprints: f
            .fingerprint
            .as_deref()
            .map(|fp| BTreeMap::from([(SECRET_FINGERPRINT_KEY, fp)])),
        properties: ResultProperties {
            severity: f.severity.as_str(),
            resource: f.resource.as_ref().map(crate::json::JsonResource::from),
            commit: f.commit.as_ref(),
        },
    }
}

fn notification(e: &InputError) -> Notification {
    Notification {
        level: "error",
        message: OwnedText {
            text: e.message.clone(),
        },
        locations: [NotificationLocation {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: artifact_uri(&e.path),
                },
                region: e.line.map(|line| Region {
                    start_line: line.max(1),
                    start_column: e.column.map(|c| c.max(1)),
                }),
            },
        }],
    }
}

/// Writes the report as a pretty-printed SARIF 2.1.0 log and a newline.
pub(crate) fn render(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: TOOL_NAME,
                    version: options.tool_version,
                    information_uri: TOOL_URI,
                    rules: report.rules.iter().map(rule).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: sorted_errors(report)
                    .into_iter()
                    .map(notification)
                    .collect(),
            }],
            results: sorted_findings(report)
                .into_iter()
                .map(|f| result(report, f))
                .collect(),
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(artifact_uri("-"), "stdin");
        assert_eq!(artifact_uri("deploy/web.yaml"), "deploy/web.yaml");
        assert_eq!(artifact_uri("./deploy\\web.yaml"), "./deploy/web.yaml");
        assert_eq!(artifact_uri("my app/a b.yaml"), "my%20app/a%20b.yaml");
        assert_eq!(artifact_uri("a#b?c%d.yaml"), "a%23b%3Fc%25d.yaml");
        assert_eq!(artifact_uri("k8s:prod.yaml"), "k8s%3Aprod.yaml");
        assert_eq!(artifact_uri("/abs/x.yaml"), "/abs/x.yaml");
        assert_eq!(artifact_uri("C:\\src\\x.yaml"), "file:///C:/src/x.yaml");
        assert_eq!(artifact_uri("déjà.yaml"), "d%C3%A9j%C3%A0.yaml");
    }

    #[test]
    fn levels() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
    }
}
