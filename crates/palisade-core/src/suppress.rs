//! Suppressions: `palisade.dev/ignore` annotations on an object and
//! `# palisade:ignore` comments in a file.
//!
//! Both use one syntax: `RULES: reason`, several entries separated by `;`
//! or new lines, where RULES are rule ids, names or groups separated by
//! commas or spaces. A comment applies to its own line, or, when it stands
//! alone on its line, to the next line with content. An annotation applies
//! to every finding inside the object. A suppression without a reason still
//! suppresses, and is reported by rule PAL001.

use crate::rules::SUPPRESSION_WITHOUT_REASON;
use crate::{Finding, Location, RuleMeta, Suppression, SuppressionKind};

/// The annotation that suppresses findings on an object.
pub const ANNOTATION: &str = "palisade.dev/ignore";
/// The marker of a suppression comment.
pub const COMMENT_MARKER: &str = "palisade:ignore";

/// One parsed suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Rule ids, names or groups covered.
    pub rules: Vec<String>,
    /// The reason given (may be empty).
    pub reason: String,
    /// Where the directive is written.
    pub line: u32,
    /// Column where it is written.
    pub column: u32,
}

impl Directive {
    /// Whether the directive covers `rule`.
    pub fn covers(&self, rule: &RuleMeta) -> bool {
        self.rules.iter().any(|t| rule.matches(t))
    }
}

/// Parses `RULES: reason[; RULES: reason...]`, written at `line`/`column`.
pub fn parse_directives(text: &str, line: u32, column: u32) -> Vec<Directive> {
    text.split([';', '\n'])
        .filter_map(|entry| {
            let entry = entry.trim();
            if entry.is_empty() {
                return None;
            }
            let (rules, reason) = match entry.split_once(':') {
                Some((r, why)) => (r, why.trim()),
                None => (entry, ""),
            };
            let rules: Vec<String> = rules
                .split([',', ' ', '\t'])
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_string)
                .collect();
            (!rules.is_empty()).then(|| Directive {
                rules,
                reason: reason.to_string(),
                line,
                column,
            })
        })
        .collect()
}

/// Suppression comments of a file, each with the line it applies to.
pub fn comment_directives(source: &str) -> Vec<(u32, Directive)> {
    let mut out = Vec::new();
    if !source.contains(COMMENT_MARKER) {
        return out;
    }
    let lines: Vec<&str> = source.lines().collect();
    for (i, text) in lines.iter().enumerate() {
        let Some(m) = text.find(COMMENT_MARKER) else {
            continue;
        };
        let Some(hash) = text.get(..m).and_then(|before| before.rfind('#')) else {
            continue;
        };
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let column = u32::try_from(hash + 1).unwrap_or(u32::MAX);
        let rest = text.get(m + COMMENT_MARKER.len()..).unwrap_or("");
        let rest = rest.trim_start_matches([':', '=']).trim();
        let standalone = text.get(..hash).is_some_and(|b| b.trim().is_empty());
        let target = if standalone {
            lines
                .iter()
                .enumerate()
                .skip(i + 1)
                .find(|(_, l)| {
                    let t = l.trim();
                    !t.is_empty() && !t.starts_with('#')
                })
                .map(|(j, _)| u32::try_from(j + 1).unwrap_or(u32::MAX))
                .unwrap_or(line)
        } else {
            line
        };
        for d in parse_directives(rest, line, column) {
            out.push((target, d));
        }
    }
    out
}

/// An object's annotation directives and the lines the object spans.
#[derive(Debug, Clone)]
struct ObjectScope {
    start: u32,
    end: u32,
    directives: Vec<Directive>,
}

/// Every suppression that applies within one file.
#[derive(Debug, Clone, Default)]
pub struct FileSuppressions {
    comments: Vec<(u32, Directive)>,
    objects: Vec<ObjectScope>,
}

impl FileSuppressions {
    /// Reads the suppression comments of a file's text.
    pub fn from_source(source: &str) -> FileSuppressions {
        FileSuppressions {
            comments: comment_directives(source),
            objects: Vec::new(),
        }
    }

    /// Records an object's annotation directives for findings on lines
    /// `start..=end`.
    pub fn add_object(&mut self, start: u32, end: u32, directives: Vec<Directive>) {
        if !directives.is_empty() {
            self.objects.push(ObjectScope {
                start,
                end,
                directives,
            });
        }
    }

    /// Whether there is nothing to apply.
    pub fn is_empty(&self) -> bool {
        self.comments.is_empty() && self.objects.is_empty()
    }

    /// The suppression covering a finding of `rule` at `line`, if any.
    pub fn lookup(&self, line: u32, rule: &RuleMeta) -> Option<Suppression> {
        if let Some((_, d)) = self
            .comments
            .iter()
            .find(|(target, d)| *target == line && d.covers(rule))
        {
            return Some(Suppression {
                kind: SuppressionKind::Comment,
                reason: d.reason.clone(),
            });
        }
        self.objects
            .iter()
            .filter(|o| o.start <= line && line <= o.end)
            .flat_map(|o| &o.directives)
            .find(|d| d.covers(rule))
            .map(|d| Suppression {
                kind: SuppressionKind::Annotation,
                reason: d.reason.clone(),
            })
    }

    /// PAL001 findings for directives that give no reason.
    pub fn missing_reasons(&self, path: &str) -> Vec<Finding> {
        self.comments
            .iter()
            .map(|(_, d)| (d, "comment"))
            .chain(
                self.objects
                    .iter()
                    .flat_map(|o| o.directives.iter().map(|d| (d, "annotation"))),
            )
            .filter(|(d, _)| d.reason.is_empty())
            .map(|(d, how)| {
                Finding::new(
                    &SUPPRESSION_WITHOUT_REASON,
                    format!(
                        "suppression {how} for `{}` gives no reason",
                        d.rules.join(", ")
                    ),
                    Location {
                        path: path.to_string(),
                        line: d.line,
                        column: d.column,
                    },
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn annotation_syntax() {
        let d = parse_directives("PSS002, WL001: the agent needs it; WL004", 3, 5);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].rules, vec!["PSS002", "WL001"]);
        assert_eq!(d[0].reason, "the agent needs it");
        assert_eq!(d[1].rules, vec!["WL004"]);
        assert_eq!(d[1].reason, "");
    }

    #[test]
    fn comments_apply_to_their_line_or_the_next() {
        let src = "a: 1\n  # palisade:ignore PSS002: needed\n\n  privileged: true\nx: y # palisade:ignore WL001\n";
        let c = comment_directives(src);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].0, 4);
        assert_eq!(c[0].1.reason, "needed");
        assert_eq!(c[1].0, 5);
        assert_eq!(c[1].1.column, 6);
    }
}
