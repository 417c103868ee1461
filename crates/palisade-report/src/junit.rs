//! JUnit XML, shaped for the test reports of GitLab and Jenkins.
//!
//! - One `<testsuite>` per file that has findings or input errors, named by
//!   its path (standard input, `-`, is named `stdin`), in path order.
//! - One failing `<testcase>` per unsuppressed finding: `classname` is the
//!   path, `name` is `RULE-ID Title: Kind/namespace/name at line:column`,
//!   `file` and `line` point at it; `<failure message=... type=severity>`
//!   holds the location, resource, message and remediation.
//! - Suppressed findings are `<skipped>` test cases when suppressed findings
//!   are shown, and left out otherwise.
//! - One `<error>` test case per input error.
//! - A file whose findings are all suppressed (and hidden) gets one passing
//!   test case, `no findings`; a report with no file at all gets a
//!   `palisade` suite with that passing test case, so that CI shows a
//!   green result rather than an empty report.
//!
//! Text is escaped for XML 1.0, and characters XML 1.0 cannot hold at all
//! (C0 controls other than tab, newline and carriage return; U+FFFE and
//! U+FFFF) are written as visible `\u{..}` escapes.

use crate::json::suppression_kind;
use crate::{RenderOptions, TOOL_NAME, sorted_errors, sorted_findings};
use palisade_core::{Finding, InputError, Report};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// How standard input (`-`) is named in test suites and cases.
const STDIN: &str = "stdin";

/// A path as it is shown: as given, except standard input.
fn shown_path(path: &str) -> &str {
    if path == "-" { STDIN } else { path }
}

/// Name of the passing test case of a clean file or report.
const CLEAN_CASE: &str = "no findings";

/// Escapes text for XML 1.0 character data (`attribute: false`) or for a
/// double-quoted attribute value (`attribute: true`, where tab, newline and
/// carriage return become character references so that attribute-value
/// normalisation does not turn them into spaces).
pub(crate) fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            // Always escaped, so that `]]>` never appears in character data.
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            // A literal CR would be normalised to LF by any parser.
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if u32::from(c) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.extend(c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out
}

/// One test case, ready to write.
struct Case {
    name: String,
    classname: String,
    file: Option<String>,
    line: Option<u32>,
    outcome: Outcome,
}

enum Outcome {
    Pass,
    Failure {
        message: String,
        kind: String,
        text: String,
    },
    Error {
        message: String,
        text: String,
    },
    Skipped {
        message: String,
    },
}

/// Counts of a list of test cases: (tests, failures, errors, skipped).
fn tally(cases: &[Case]) -> (usize, usize, usize, usize) {
    let mut t = (cases.len(), 0, 0, 0);
    for c in cases {
        match c.outcome {
            Outcome::Pass => {}
            Outcome::Failure { .. } => t.1 += 1,
            Outcome::Error { .. } => t.2 += 1,
            Outcome::Skipped { .. } => t.3 += 1,
        }
    }
    t
}

fn finding_case(report: &Report, f: &Finding) -> Case {
    let rule = report.rule(&f.rule_id);
    let title = rule.map_or("", |r| r.title.as_str());
    let mut name = f.rule_id.clone();
    if !title.is_empty() {
        name.push(' ');
        name.push_str(title);
    }
    if let Some(r) = &f.resource {
        name.push_str(": ");
        name.push_str(&r.display());
    }
    name.push_str(&format!(" at {}:{}", f.location.line, f.location.column));

    let outcome = match &f.suppression {
        Some(s) => {
            let mut message = format!("suppressed by {}", suppression_kind(s.kind));
            if !s.reason.trim().is_empty() {
                message.push_str(": ");
                message.push_str(s.reason.trim());
            }
            Outcome::Skipped { message }
        }
        None => {
            let mut text = format!(
                "{}:{}:{}: {} {}",
                shown_path(&f.location.path),
                f.location.line,
                f.location.column,
                f.severity,
                f.rule_id
            );
            if !title.is_empty() {
                text.push_str(&format!(" ({title})"));
            }
            text.push('\n');
            if let Some(r) = &f.resource {
                text.push_str(&format!("Resource: {}", r.display()));
                if let Some(c) = &r.container {
                    text.push_str(&format!(", container {c}"));
                }
                text.push('\n');
            }
            text.push_str(&f.message);
            text.push('\n');
            if let Some(rule) = rule {
                if !rule.remediation.is_empty() {
                    text.push_str(&format!("Remediation: {}\n", rule.remediation));
                }
                for r in &rule.references {
                    text.push_str(&format!("See: {} <{}>\n", r.label, r.url));
                }
            }
            Outcome::Failure {
                message: f.message.clone(),
                kind: f.severity.as_str().to_string(),
                text,
            }
        }
    };
    Case {
        name,
        classname: shown_path(&f.location.path).to_string(),
        file: Some(shown_path(&f.location.path).to_string()),
        line: Some(f.location.line),
        outcome,
    }
}

fn error_case(e: &InputError) -> Case {
    let mut at = shown_path(&e.path).to_string();
    let mut name = "input error".to_string();
    if let Some(line) = e.line {
        at.push_str(&format!(":{line}"));
        name.push_str(&format!(" at {line}"));
        if let Some(col) = e.column {
            at.push_str(&format!(":{col}"));
            name.push_str(&format!(":{col}"));
        }
    }
    Case {
        name,
        classname: shown_path(&e.path).to_string(),
        file: Some(shown_path(&e.path).to_string()),
        line: e.line,
        outcome: Outcome::Error {
            message: e.message.clone(),
            text: format!("{at}: {}\n", e.message),
        },
    }
}

fn clean_case(classname: &str, file: Option<&str>) -> Case {
    Case {
        name: CLEAN_CASE.to_string(),
        classname: classname.to_string(),
        file: file.map(str::to_string),
        line: None,
        outcome: Outcome::Pass,
    }
}

fn write_case(out: &mut dyn Write, case: &Case) -> io::Result<()> {
    write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\"",
        escape(&case.name, true),
        escape(&case.classname, true)
    )?;
    if let Some(file) = &case.file {
        write!(out, " file=\"{}\"", escape(file, true))?;
    }
    if let Some(line) = case.line {
        write!(out, " line=\"{line}\"")?;
    }
    match &case.outcome {
        Outcome::Pass => writeln!(out, "/>"),
        Outcome::Failure {
            message,
            kind,
            text,
        } => writeln!(
            out,
            ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
            escape(message, true),
            escape(kind, true),
            escape(text, false)
        ),
        Outcome::Error { message, text } => writeln!(
            out,
            ">\n      <error message=\"{}\" type=\"input-error\">{}</error>\n    </testcase>",
            escape(message, true),
            escape(text, false)
        ),
        Outcome::Skipped { message } => writeln!(
            out,
            ">\n      <skipped message=\"{}\"/>\n    </testcase>",
            escape(message, true)
        ),
    }
}

/// A version string reduced to what may stand in an XML comment.
fn comment_safe(version: &str) -> String {
    let mut v: String = version
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '_' | '-'))
        .collect();
    while v.contains("--") {
        v = v.replace("--", "-");
    }
    v.trim_end_matches('-').to_string()
}

/// Writes the report as a JUnit XML document.
pub(crate) fn render(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut suites: BTreeMap<&str, Vec<Case>> = BTreeMap::new();
    for e in sorted_errors(report) {
        suites
            .entry(shown_path(&e.path))
            .or_default()
            .push(error_case(e));
    }
    for f in sorted_findings(report) {
        let cases = suites.entry(shown_path(&f.location.path)).or_default();
        if options.show_suppressed || !f.is_suppressed() {
            cases.push(finding_case(report, f));
        }
    }
    for (path, cases) in suites.iter_mut() {
        if cases.is_empty() {
            cases.push(clean_case(path, Some(path)));
        }
    }
    if suites.is_empty() {
        suites.insert(TOOL_NAME, vec![clean_case(TOOL_NAME, None)]);
    }

    let mut total = (0, 0, 0, 0);
    for cases in suites.values() {
        let t = tally(cases);
        total = (total.0 + t.0, total.1 + t.1, total.2 + t.2, total.3 + t.3);
    }

    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<!-- {TOOL_NAME} {} -->",
        comment_safe(options.tool_version)
    )?;
    writeln!(
        out,
        "<testsuites name=\"{TOOL_NAME}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        total.0, total.1, total.2, total.3
    )?;
    for (path, cases) in &suites {
        let (tests, failures, errors, skipped) = tally(cases);
        writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">",
            escape(path, true)
        )?;
        for case in cases {
            write_case(out, case)?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_invalid_characters() {
        assert_eq!(escape("a<b>&]]>\"'", false), "a&lt;b&gt;&amp;]]&gt;\"'");
        assert_eq!(escape("a<b>&\"'", true), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(escape("x\ny\tz\r", false), "x\ny\tz&#13;");
        assert_eq!(escape("x\ny\tz\r", true), "x&#10;y&#9;z&#13;");
        assert_eq!(
            escape("\u{0}\u{1b}\u{ffff}", false),
            "\\u{0}\\u{1b}\\u{ffff}"
        );
        assert_eq!(escape("é \u{85} ok", false), "é \u{85} ok");
    }

    #[test]
    fn comment_safe_versions() {
        assert_eq!(comment_safe("0.1.0"), "0.1.0");
        assert_eq!(comment_safe("1.0.0-rc--1-"), "1.0.0-rc-1");
        assert_eq!(comment_safe("1 --> <x>"), "1-x");
    }
}
