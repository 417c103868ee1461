//! Rule metadata, declared once beside each rule's code, and rule selection.

use crate::Severity;
use serde::Serialize;

/// A reference that backs a rule: a standard's control, a benchmark section,
/// a weakness class or a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// A Pod Security Standards control, by its name in the standard.
    Pss(&'static str),
    /// A CIS Kubernetes Benchmark recommendation, by number.
    Cis(&'static str),
    /// A section of the NSA/CISA Kubernetes Hardening Guide.
    Nsa(&'static str),
    /// A CIS Docker Benchmark recommendation, by number.
    CisDocker(&'static str),
    /// A CWE weakness number.
    Cwe(u32),
    /// Any other document.
    Url(&'static str),
}

const PSS_URL: &str = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";
const NSA_URL: &str = "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF";
const CIS_URL: &str = "https://www.cisecurity.org/benchmark/kubernetes";
const CIS_DOCKER_URL: &str = "https://www.cisecurity.org/benchmark/docker";

impl Reference {
    /// A human label, e.g. `CIS Kubernetes Benchmark 5.2.2`.
    pub fn label(&self) -> String {
        match self {
            Reference::Pss(c) => format!("Pod Security Standards: {c}"),
            Reference::Cis(n) => format!("CIS Kubernetes Benchmark {n}"),
            Reference::Nsa(s) => format!("NSA/CISA Kubernetes Hardening Guide: {s}"),
            Reference::CisDocker(n) => format!("CIS Docker Benchmark {n}"),
            Reference::Cwe(n) => format!("CWE-{n}"),
            Reference::Url(u) => (*u).to_string(),
        }
    }

    /// Where to read more.
    pub fn url(&self) -> String {
        match self {
            Reference::Pss(_) => PSS_URL.to_string(),
            Reference::Cis(_) => CIS_URL.to_string(),
            Reference::Nsa(_) => NSA_URL.to_string(),
            Reference::CisDocker(_) => CIS_DOCKER_URL.to_string(),
            Reference::Cwe(n) => format!("https://cwe.mitre.org/data/definitions/{n}.html"),
            Reference::Url(u) => (*u).to_string(),
        }
    }
}

/// Everything known about a rule, declared once with [`declare_rule!`].
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable identifier, e.g. `PSS002`. Never reused once retired.
    pub id: &'static str,
    /// Stable kebab-case name, e.g. `privileged`.
    pub name: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Default severity (configuration may override it).
    pub severity: Severity,
    /// Groups the rule belongs to, for `--select`/`--ignore`.
    pub groups: &'static [&'static str],
    /// Markdown documentation, taken from the declaration's doc comment.
    pub doc: &'static str,
    /// How to fix a finding.
    pub remediation: &'static str,
    /// Standards and documents behind the rule.
    pub references: &'static [Reference],
}

impl RuleMeta {
    /// The documentation with the doc-comment indentation removed.
    pub fn documentation(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string()
    }

    /// Whether `token` (an id, an id prefix, a name or a group, any case)
    /// designates this rule.
    pub fn matches(&self, token: &str) -> bool {
        let t = token.trim();
        t.eq_ignore_ascii_case("all")
            || t.eq_ignore_ascii_case(self.id)
            || t.eq_ignore_ascii_case(self.name)
            || self.groups.iter().any(|g| g.eq_ignore_ascii_case(t))
            || (t.len() >= 2
                && t.chars().all(|c| c.is_ascii_alphanumeric())
                && self.id.len() > t.len()
                && self
                    .id
                    .get(..t.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(t)))
    }
}

/// Rule metadata known only at run time: a rule from a gitleaks
/// configuration, a Gatekeeper constraint, a Falco rule file.
///
/// [`DynamicRule::leak`] turns it into the same `&'static RuleMeta` that
/// built-in rules have, so selection, severity overrides, suppressions and
/// reports treat both alike. The memory is never freed: load rules once per
/// process (or per explicit reload), never per input.
#[derive(Debug, Clone, Default)]
pub struct DynamicRule {
    /// Stable identifier.
    pub id: String,
    /// Stable name.
    pub name: String,
    /// One-line title.
    pub title: String,
    /// Default severity.
    pub severity: Severity,
    /// Groups for `--select`/`--ignore`.
    pub groups: Vec<String>,
    /// Markdown documentation.
    pub doc: String,
    /// How to fix a finding.
    pub remediation: String,
    /// Documents behind the rule, as URLs.
    pub urls: Vec<String>,
}

impl DynamicRule {
    /// The rule as `&'static RuleMeta` (leaked; see the type's docs).
    pub fn leak(self) -> &'static RuleMeta {
        fn s(v: String) -> &'static str {
            Box::leak(v.into_boxed_str())
        }
        let groups: Vec<&'static str> = self.groups.into_iter().map(s).collect();
        let references: Vec<Reference> = self
            .urls
            .into_iter()
            .map(|u| Reference::Url(s(u)))
            .collect();
        Box::leak(Box::new(RuleMeta {
            id: s(self.id),
            name: s(self.name),
            title: s(self.title),
            severity: self.severity,
            groups: Box::leak(groups.into_boxed_slice()),
            doc: s(self.doc),
            remediation: s(self.remediation),
            references: Box::leak(references.into_boxed_slice()),
        }))
    }
}

/// Declares a rule's metadata. The doc comment becomes the rule's published
/// documentation (`palisade rules explain ID`), so code and docs cannot drift.
///
/// ```
/// palisade_core::declare_rule! {
///     /// ## What it does
///     /// Explains itself.
///     pub static EXAMPLE = {
///         id: "EX001",
///         name: "example",
///         title: "An example",
///         severity: Low,
///         groups: ["examples"],
///         remediation: "Nothing to do.",
///         references: [Cwe(20)],
///     };
/// }
/// assert_eq!(EXAMPLE.id, "EX001");
/// assert!(EXAMPLE.documentation().contains("Explains itself."));
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $name:ident = {
            id: $id:literal,
            name: $rname:literal,
            title: $title:literal,
            severity: $sev:ident,
            groups: [$($group:literal),* $(,)?],
            remediation: $rem:literal,
            references: [$($rk:ident($rv:literal)),* $(,)?] $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::RuleMeta = $crate::RuleMeta {
            id: $id,
            name: $rname,
            title: $title,
            severity: $crate::Severity::$sev,
            groups: &[$($group),*],
            doc: concat!($($doc, "\n"),*),
            remediation: $rem,
            references: &[$($crate::Reference::$rk($rv)),*],
        };
    };
}

/// A rule as it appears in a report: owned, serialisable, with the
/// severity in effect after configuration.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RuleInfo {
    /// Stable id.
    pub id: String,
    /// Stable name.
    pub name: String,
    /// One-line title.
    pub title: String,
    /// Severity in effect.
    pub severity: Severity,
    /// Groups.
    pub groups: Vec<String>,
    /// Markdown documentation.
    pub documentation: String,
    /// How to fix.
    pub remediation: String,
    /// References, as label and URL.
    pub references: Vec<ReferenceInfo>,
}

/// A reference as it appears in a report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReferenceInfo {
    /// Human label.
    pub label: String,
    /// Where to read more.
    pub url: String,
}

impl RuleInfo {
    /// The report form of a rule, with the severity in effect.
    pub fn new(rule: &RuleMeta, severity: Severity) -> RuleInfo {
        RuleInfo {
            id: rule.id.to_string(),
            name: rule.name.to_string(),
            title: rule.title.to_string(),
            severity,
            groups: rule.groups.iter().map(|g| (*g).to_string()).collect(),
            documentation: rule.documentation(),
            remediation: rule.remediation.to_string(),
            references: rule
                .references
                .iter()
                .map(|r| ReferenceInfo {
                    label: r.label(),
                    url: r.url(),
                })
                .collect(),
        }
    }
}

/// Which rules run: `select` (empty means every rule) minus `ignore`, as
/// ruff's `--select`/`--ignore` work. Tokens are ids, id prefixes, names or
/// group names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Rules to run; empty means all.
    pub select: Vec<String>,
    /// Rules not to run.
    pub ignore: Vec<String>,
}

/// A `--select`/`--ignore` token that names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a rule id, rule name or group (see `palisade rules`)")]
pub struct SelectionError(pub String);

impl Selection {
    /// Whether `rule` runs.
    pub fn enabled(&self, rule: &RuleMeta) -> bool {
        (self.select.is_empty() || self.select.iter().any(|t| rule.matches(t)))
            && !self.ignore.iter().any(|t| rule.matches(t))
    }

    /// Checks that every token names at least one rule of `catalogue`.
    pub fn validate(&self, catalogue: &[&RuleMeta]) -> Result<(), SelectionError> {
        for t in self.select.iter().chain(&self.ignore) {
            if !catalogue.iter().any(|r| r.matches(t)) {
                return Err(SelectionError(t.clone()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    crate::declare_rule! {
        /// ## What it does
        /// Tests.
        static R = {
            id: "WL003",
            name: "image-latest-tag",
            title: "t",
            severity: High,
            groups: ["workload", "images"],
            remediation: "r",
            references: [Cis("5.5.1"), Cwe(1104)],
        };
    }

    #[test]
    fn tokens_match_id_name_group_and_prefix() {
        assert!(R.matches("WL003"));
        assert!(R.matches("wl003"));
        assert!(R.matches("image-latest-tag"));
        assert!(R.matches("workload"));
        assert!(R.matches("WL"));
        assert!(R.matches("WL0"));
        assert!(!R.matches("WL004"));
        assert!(!R.matches("pss"));
        assert!(!R.matches("W"));
    }

    #[test]
    fn selection_select_then_ignore() {
        let s = Selection {
            select: vec!["workload".into()],
            ignore: vec!["WL003".into()],
        };
        assert!(!s.enabled(&R));
        let s = Selection {
            select: vec![],
            ignore: vec!["pss".into()],
        };
        assert!(s.enabled(&R));
        assert!(s.validate(&[&R]).is_err());
        assert!(Selection::default().validate(&[&R]).is_ok());
    }

    #[test]
    fn documentation_comes_from_doc_comment() {
        assert_eq!(R.documentation(), "## What it does\nTests.");
        assert_eq!(R.references.len(), 2);
        assert_eq!(
            R.references[1].url(),
            "https://cwe.mitre.org/data/definitions/1104.html"
        );
    }
}
