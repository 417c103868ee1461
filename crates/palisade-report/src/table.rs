//! The table for people: findings grouped by file, input errors, a summary.
//!
//! ```text
//! deploy/web.yaml
//!   12:7   high      PSS002  Container `web` sets securityContext.privileged to true  (Deployment/shop/web)
//!
//! Input errors:
//!   deploy/broken.yaml:3:5: mapping values are not allowed here
//!
//! 1 finding: 1 high.
//! 2 files scanned, 3 objects checked, 1 input error.
//! ```
//!
//! This layout is for reading and may change; scripts should use JSON.

use crate::json::{suppressed, suppression_kind};
use crate::{RenderOptions, sorted_errors, sorted_findings};
use owo_colors::{OwoColorize, Style};
use palisade_core::{Finding, InputError, Report, Severity};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Width of the severity column: the longest name, `critical`.
const SEVERITY_WIDTH: usize = 8;

/// Applies styles only when colour is on.
struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, text: &str, style: Style) -> String {
        if self.color {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }
}

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical => Style::new().bright_red().bold(),
        Severity::High => Style::new().red(),
        Severity::Medium => Style::new().yellow(),
        Severity::Low => Style::new().blue(),
        Severity::Info => Style::new().cyan(),
    }
}

/// Makes untrusted text safe to print on one terminal line: control
/// characters (C0, DEL, C1, including ESC and newlines) and the Unicode
/// bidirectional overrides are written as Rust-style escapes (`\u{1b}`).
pub(crate) fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

fn location(f: &Finding) -> String {
    format!("{}:{}", f.location.line, f.location.column)
}

fn error_line(e: &InputError) -> String {
    let mut s = if e.path == "-" {
        "<stdin>".to_string()
    } else {
        sanitize(&e.path)
    };
    if let Some(line) = e.line {
        s.push_str(&format!(":{line}"));
        if let Some(col) = e.column {
            s.push_str(&format!(":{col}"));
        }
    }
    s.push_str(": ");
    s.push_str(&sanitize(&e.message));
    s
}

/// Writes the table.
pub(crate) fn render(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let painter = Painter {
        color: options.color,
    };

    let shown: Vec<&Finding> = sorted_findings(report)
        .into_iter()
        .filter(|f| options.show_suppressed || !f.is_suppressed())
        .collect();
    let loc_width = shown.iter().map(|f| location(f).len()).max().unwrap_or(0);
    let id_width = shown
        .iter()
        .map(|f| f.rule_id.chars().count())
        .max()
        .unwrap_or(0);

    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in shown {
        by_file.entry(f.location.path.as_str()).or_default().push(f);
    }

    let mut first = true;
    for (path, findings) in &by_file {
        if !first {
            writeln!(out)?;
        }
        first = false;
        let header = if *path == "-" {
            "<stdin>".to_string()
        } else {
            sanitize(path)
        };
        writeln!(out, "{}", painter.paint(&header, Style::new().bold()))?;
        for f in findings {
            let loc = format!("{:<loc_width$}", location(f));
            let sev = format!("{:<SEVERITY_WIDTH$}", f.severity.as_str());
            let sev = if f.is_suppressed() {
                painter.paint(&sev, Style::new().dimmed())
            } else {
                painter.paint(&sev, severity_style(f.severity))
            };
            let id = format!("{:<id_width$}", sanitize(&f.rule_id));
            write!(out, "  {loc}  {sev}  {id}  {}", sanitize(&f.message))?;
            if let Some(r) = &f.resource {
                let resource = format!("({})", sanitize(&r.display()));
                write!(out, "  {}", painter.paint(&resource, Style::new().dimmed()))?;
            }
            if let Some(s) = &f.suppression {
                let mut mark = format!("[suppressed by {}", suppression_kind(s.kind));
                if s.reason.trim().is_empty() {
                    mark.push_str(", no reason given]");
                } else {
                    mark.push_str(&format!(": {}]", sanitize(s.reason.trim())));
                }
                write!(out, "  {}", painter.paint(&mark, Style::new().dimmed()))?;
            }
            writeln!(out)?;
        }
    }

    let errors = sorted_errors(report);
    if !errors.is_empty() {
        if !first {
            writeln!(out)?;
        }
        first = false;
        writeln!(
            out,
            "{}",
            painter.paint("Input errors:", Style::new().bold().red())
        )?;
        for e in errors {
            writeln!(out, "  {}", error_line(e))?;
        }
    }

    if !first {
        writeln!(out)?;
    }
    summary(report, &painter, out)
}

fn summary(report: &Report, painter: &Painter, out: &mut dyn Write) -> io::Result<()> {
    let counts: Vec<(Severity, usize)> = Severity::ALL
        .into_iter()
        .rev()
        .map(|s| (s, report.count(s)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    let suppressed = suppressed(report);

    if total == 0 {
        write!(
            out,
            "{}",
            painter.paint("No findings", Style::new().green())
        )?;
        if suppressed > 0 {
            write!(out, " ({suppressed} suppressed)")?;
        }
        writeln!(out, ".")?;
    } else {
        let parts: Vec<String> = counts
            .iter()
            .map(|(s, n)| painter.paint(&format!("{n} {s}"), severity_style(*s)))
            .collect();
        write!(
            out,
            "{}: {}",
            plural(total, "finding", "findings"),
            parts.join(", ")
        )?;
        if suppressed > 0 {
            write!(out, " ({suppressed} suppressed)")?;
        }
        writeln!(out, ".")?;
    }

    let files = usize::try_from(report.stats.files).unwrap_or(usize::MAX);
    let objects = usize::try_from(report.stats.objects).unwrap_or(usize::MAX);
    write!(
        out,
        "{} scanned, {} checked",
        plural(files, "file", "files"),
        plural(objects, "object", "objects")
    )?;
    if !report.errors.is_empty() {
        let errors = plural(report.errors.len(), "input error", "input errors");
        write!(out, ", {}", painter.paint(&errors, Style::new().red()))?;
    }
    writeln!(out, ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_terminal_controls() {
        assert_eq!(sanitize("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(sanitize("x\ny\tz"), "x\\ny\\tz");
        assert_eq!(sanitize("\u{9b}\u{7f}"), "\\u{9b}\\u{7f}");
        assert_eq!(sanitize("rtl\u{202e}"), "rtl\\u{202e}");
        assert_eq!(sanitize("plain `text` é"), "plain `text` é");
    }
}
