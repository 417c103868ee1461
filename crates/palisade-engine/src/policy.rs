//! Configuration and suppressions, applied once to every finding whatever
//! scanner produced it: rule selection, severity overrides, suppression
//! comments and annotations, and PAL001 for suppressions without a reason.

use palisade_core::suppress::FileSuppressions;
use palisade_core::{Config, Finding, InputError, Report, RuleInfo, RuleMeta, Severity};
use std::collections::HashMap;

/// The severity configured for a rule (by id or name), if any.
fn configured(rule: &RuleMeta, config: &Config) -> Option<Severity> {
    config
        .severity
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(rule.id) || k.eq_ignore_ascii_case(rule.name))
        .map(|(_, s)| *s)
}

/// The severity in effect for a rule (override by id or name, else default).
pub fn severity_of(rule: &RuleMeta, config: &Config) -> Severity {
    configured(rule, config).unwrap_or(rule.severity)
}

pub(crate) fn apply(
    report: &mut Report,
    config: &Config,
    suppressions: &HashMap<String, FileSuppressions>,
    list_rules: bool,
    rules: &[&'static RuleMeta],
) {
    let enabled: Vec<&RuleMeta> = rules
        .iter()
        .copied()
        .filter(|r| config.selection.enabled(r))
        .collect();
    let by_id: HashMap<&str, &RuleMeta> = enabled.iter().map(|r| (r.id, *r)).collect();
    let mut paths: Vec<&String> = suppressions.keys().collect();
    paths.sort();
    for path in paths {
        if let Some(s) = suppressions.get(path) {
            report.findings.extend(s.missing_reasons(path));
        }
    }
    report.findings.retain_mut(|f| {
        let Some(rule) = by_id.get(f.rule_id.as_str()) else {
            return false;
        };
        // A configured severity wins; otherwise a finding keeps its own
        // (a rule may rate its worst cases above its default).
        if let Some(s) = configured(rule, config) {
            f.severity = s;
        }
        if let Some(s) = suppressions.get(&f.location.path) {
            f.suppression = s.lookup(f.location.line, rule);
        }
        true
    });
    report.findings.sort_by(Finding::report_order);
    report.errors.sort_by(InputError::report_order);
    if list_rules {
        report.rules = enabled
            .iter()
            .map(|r| RuleInfo::new(r, severity_of(r, config)))
            .collect();
    }
}
