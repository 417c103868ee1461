//! The `admission:` section of `palisade.yaml`: how the webhook and
//! `palisade admit` act on what the rules find.
//!
//! ```yaml
//! admission:
//!   namespace: palisade             # Palisade's own namespace: always exempt
//!   exempt:
//!     namespaces: [kube-system]     # the default
//!     users: ["system:serviceaccount:kube-system:generic-garbage-collector"]
//!     runtime-classes: [kata]
//!   defaults:                       # PSS modes of namespaces without labels
//!     enforce: baseline             # default: pss.level (and pss.version)
//!     enforce-version: latest
//!     audit: restricted
//!     warn: restricted
//!   actions:                        # per rule id, name or group
//!     WL004: warn
//!     workload: audit
//!   default-action: fail-on         # deny at or above fail-on, warn below
//!   honour-suppressions: false      # annotations inside admitted objects
//!   mutate-label: palisade.dev/mutate   # namespaces labelled `enabled` opt in
//!   exemptions:
//!     - namespace: payments
//!       name: "legacy-*"
//!       rules: [PSS104]
//!       reason: "vendor image runs as root until ticket SEC-42 lands"
//!       expires: 2027-03-31
//!   namespace-labels:               # offline: the labels namespaces have
//!     shop: {pod-security.kubernetes.io/enforce: baseline}
//! ```

use crate::config::{ConfigError, Reader};
use crate::{PssLevel, PssVersion, RuleMeta};
use palisade_yaml::Node;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// What admission does with a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Recorded in the audit annotations only.
    Audit,
    /// Returned to the client as a warning; the request is admitted.
    Warn,
    /// The request is denied.
    Deny,
}

impl Action {
    /// The name used in configuration and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Audit => "audit",
            Action::Warn => "warn",
            Action::Deny => "deny",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "deny" | "enforce" => Ok(Action::Deny),
            "warn" => Ok(Action::Warn),
            "audit" | "dryrun" => Ok(Action::Audit),
            other => Err(format!(
                "unknown admission action `{other}` (expected deny, warn or audit)"
            )),
        }
    }
}

/// The action for rules no `actions:` entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultAction {
    /// Deny findings at or above `fail-on` (any finding when unset), warn
    /// below: the webhook fails exactly what `palisade scan` fails.
    FailOn,
    /// The same action for every rule.
    Always(Action),
}

/// A Pod Security Standards level and version, as one mode uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LevelVersion {
    /// The level.
    pub level: PssLevel,
    /// The version.
    pub version: PssVersion,
}

impl fmt::Display for LevelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.level, self.version)
    }
}

/// The three Pod Security Admission modes of a namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PssModes {
    /// Violations deny the request.
    pub enforce: LevelVersion,
    /// Violations are recorded in the audit annotations.
    pub audit: LevelVersion,
    /// Violations are returned as warnings.
    pub warn: LevelVersion,
}

impl PssModes {
    /// Every mode at one level and version.
    pub fn all(lv: LevelVersion) -> PssModes {
        PssModes {
            enforce: lv,
            audit: lv,
            warn: lv,
        }
    }
}

/// Configured default modes: level and version per mode (enforce, audit,
/// warn), each optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModeDefaults {
    /// Levels of enforce, audit and warn.
    pub levels: [Option<PssLevel>; 3],
    /// Versions of enforce, audit and warn.
    pub versions: [Option<PssVersion>; 3],
}

impl ModeDefaults {
    /// The modes, with what is not set taken from `level` and `version`.
    pub fn resolve(&self, level: PssLevel, version: PssVersion) -> PssModes {
        let lv = |i: usize| LevelVersion {
            level: self.levels.get(i).copied().flatten().unwrap_or(level),
            version: self.versions.get(i).copied().flatten().unwrap_or(version),
        };
        PssModes {
            enforce: lv(0),
            audit: lv(1),
            warn: lv(2),
        }
    }
}

/// An exemption granted by the configuration: findings of `rules` on the
/// matching objects are admitted and recorded in the audit annotations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemption {
    /// Namespace pattern (`*` wildcards); `None`: any.
    pub namespace: Option<String>,
    /// Object name pattern (`*` wildcards); `None`: any.
    pub name: Option<String>,
    /// Object kind; `None`: any.
    pub kind: Option<String>,
    /// Rule ids, names or groups; empty: every rule.
    pub rules: Vec<String>,
    /// Why: required.
    pub reason: String,
    /// Last day it applies (inclusive, UTC), as (year, month, day).
    pub expires: Option<(i32, u32, u32)>,
}

impl Exemption {
    /// Whether it covers a finding of `rule` on this object on `today`.
    pub fn covers(
        &self,
        namespace: &str,
        name: &str,
        kind: &str,
        rule: &RuleMeta,
        today: (i32, u32, u32),
    ) -> bool {
        self.expires.is_none_or(|e| today <= e)
            && self
                .namespace
                .as_deref()
                .is_none_or(|p| wildcard(p, namespace))
            && self.name.as_deref().is_none_or(|p| wildcard(p, name))
            && self
                .kind
                .as_deref()
                .is_none_or(|k| k.eq_ignore_ascii_case(kind))
            && (self.rules.is_empty() || self.rules.iter().any(|t| rule.matches(t)))
    }
}

/// `*` matches any run of characters; everything else matches itself.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else {
        return text.is_empty();
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = rest.get(i + part.len()..).unwrap_or(""),
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The `admission:` settings.
#[derive(Debug, Clone, PartialEq)]
pub struct AdmissionSettings {
    /// Palisade's own namespace, always exempt.
    pub namespace: String,
    /// Namespaces whose requests are admitted unexamined.
    pub exempt_namespaces: Vec<String>,
    /// Users (`system:serviceaccount:NS:NAME` for service accounts) whose
    /// requests are admitted unexamined.
    pub exempt_users: Vec<String>,
    /// RuntimeClasses whose pods are admitted unexamined.
    pub exempt_runtime_classes: Vec<String>,
    /// PSS modes of namespaces without `pod-security.kubernetes.io` labels;
    /// what is not set comes from `pss.level` and `pss.version`.
    pub defaults: ModeDefaults,
    /// Per-rule actions, by rule id, name or group.
    pub actions: BTreeMap<String, Action>,
    /// The action for every other rule.
    pub default_action: DefaultAction,
    /// Honour suppression annotations inside admitted objects.
    pub honour_suppressions: bool,
    /// The Namespace label that opts a namespace into mutation (value
    /// `enabled`).
    pub mutate_label: String,
    /// Exemptions.
    pub exemptions: Vec<Exemption>,
    /// Namespace labels known without a cluster (`palisade admit`, tests).
    pub namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
}

impl Default for AdmissionSettings {
    fn default() -> Self {
        AdmissionSettings {
            namespace: "palisade".to_string(),
            exempt_namespaces: vec!["kube-system".to_string()],
            exempt_users: Vec::new(),
            exempt_runtime_classes: Vec::new(),
            defaults: ModeDefaults::default(),
            actions: BTreeMap::new(),
            default_action: DefaultAction::FailOn,
            honour_suppressions: false,
            mutate_label: "palisade.dev/mutate".to_string(),
            exemptions: Vec::new(),
            namespace_labels: BTreeMap::new(),
        }
    }
}

impl AdmissionSettings {
    /// Whether requests in `namespace` are admitted unexamined.
    pub fn namespace_exempt(&self, namespace: &str) -> bool {
        namespace == self.namespace || self.exempt_namespaces.iter().any(|n| n == namespace)
    }

    /// The configured action for a rule (`actions:` by id, then name, then
    /// group), if any.
    pub fn configured_action(&self, rule: &RuleMeta) -> Option<Action> {
        let by = |pred: &dyn Fn(&str) -> bool| {
            self.actions
                .iter()
                .find(|(k, _)| pred(k.as_str()))
                .map(|(_, a)| *a)
        };
        by(&|k| k.eq_ignore_ascii_case(rule.id))
            .or_else(|| by(&|k| k.eq_ignore_ascii_case(rule.name)))
            .or_else(|| by(&|k| rule.groups.iter().any(|g| g.eq_ignore_ascii_case(k))))
    }

    /// Reads the `admission:` section.
    pub(crate) fn parse(r: &Reader<'_>, node: &Node) -> Result<AdmissionSettings, ConfigError> {
        let mut a = AdmissionSettings::default();
        for (key, value) in r.map(
            node,
            &[
                "namespace",
                "exempt",
                "defaults",
                "actions",
                "default-action",
                "honour-suppressions",
                "mutate-label",
                "exemptions",
                "namespace-labels",
            ],
        )? {
            match key {
                "namespace" => a.namespace = r.string(value)?,
                "exempt" => {
                    for (k, v) in r.map(value, &["namespaces", "users", "runtime-classes"])? {
                        let list = r.strings(v)?;
                        match k {
                            "namespaces" => a.exempt_namespaces = list,
                            "users" => a.exempt_users = list,
                            _ => a.exempt_runtime_classes = list,
                        }
                    }
                }
                "defaults" => a.defaults = parse_defaults(r, value)?,
                "actions" => {
                    for (k, v) in r.map(value, &[])? {
                        let action = r.string(v)?.parse().map_err(|m| r.error(v, m))?;
                        a.actions.insert(k.to_string(), action);
                    }
                }
                "default-action" => {
                    let s = r.string(value)?;
                    a.default_action = if s == "fail-on" {
                        DefaultAction::FailOn
                    } else {
                        DefaultAction::Always(
                            s.parse()
                                .map_err(|m: String| r.error(value, format!("{m}, or fail-on")))?,
                        )
                    };
                }
                "honour-suppressions" => a.honour_suppressions = r.boolean(value)?,
                "mutate-label" => a.mutate_label = r.string(value)?,
                "exemptions" => {
                    for item in r.list(value)? {
                        a.exemptions.push(parse_exemption(r, item)?);
                    }
                }
                _ => {
                    for (ns, labels) in r.map(value, &[])? {
                        let mut map = BTreeMap::new();
                        for (k, v) in r.map(labels, &[])? {
                            map.insert(k.to_string(), r.string(v)?);
                        }
                        a.namespace_labels.insert(ns.to_string(), map);
                    }
                }
            }
        }
        Ok(a)
    }
}

fn parse_defaults(r: &Reader<'_>, node: &Node) -> Result<ModeDefaults, ConfigError> {
    let mut d = ModeDefaults::default();
    for (k, v) in r.map(
        node,
        &[
            "enforce",
            "enforce-version",
            "audit",
            "audit-version",
            "warn",
            "warn-version",
        ],
    )? {
        let s = r.string(v)?;
        let (mode, is_version) = match k.strip_suffix("-version") {
            Some(m) => (m, true),
            None => (k, false),
        };
        let i = match mode {
            "enforce" => 0,
            "audit" => 1,
            _ => 2,
        };
        if is_version {
            let parsed = s.parse().map_err(|m| r.error(v, m))?;
            if let Some(slot) = d.versions.get_mut(i) {
                *slot = Some(parsed);
            }
        } else {
            let parsed = s.parse().map_err(|m| r.error(v, m))?;
            if let Some(slot) = d.levels.get_mut(i) {
                *slot = Some(parsed);
            }
        }
    }
    Ok(d)
}

fn parse_exemption(r: &Reader<'_>, node: &Node) -> Result<Exemption, ConfigError> {
    let mut e = Exemption {
        namespace: None,
        name: None,
        kind: None,
        rules: Vec::new(),
        reason: String::new(),
        expires: None,
    };
    for (k, v) in r.map(
        node,
        &["namespace", "name", "kind", "rules", "reason", "expires"],
    )? {
        match k {
            "namespace" => e.namespace = Some(r.string(v)?),
            "name" => e.name = Some(r.string(v)?),
            "kind" => e.kind = Some(r.string(v)?),
            "rules" => e.rules = r.strings(v)?,
            "reason" => e.reason = r.string(v)?,
            _ => {
                let s = r.string(v)?;
                e.expires = Some(parse_date(&s).ok_or_else(|| {
                    r.error(v, format!("invalid date `{s}` (expected YYYY-MM-DD)"))
                })?);
            }
        }
    }
    if e.reason.trim().is_empty() {
        return Err(r.error(node, "an exemption needs a `reason`".to_string()));
    }
    Ok(e)
}

/// `YYYY-MM-DD` as (year, month, day), checked.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut it = s.trim().splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days_in_month).contains(&d).then_some((y, m, d))
}

/// The UTC date `days` days from now (negative: in the past), from the
/// system clock.
pub fn date_from_today(days: i64) -> (i32, u32, u32) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2));
    date_of_unix(now.saturating_add(days.saturating_mul(86_400)))
}

/// The UTC date of a Unix time in seconds, as (year, month, day).
pub fn date_of_unix(secs: i64) -> (i32, u32, u32) {
    // Howard Hinnant's days-to-civil algorithm.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("legacy-*", "legacy-api"));
        assert!(wildcard("*", ""));
        assert!(wildcard("a*b*c", "aXbYc"));
        assert!(!wildcard("a*b*c", "aXbY"));
        assert!(wildcard("exact", "exact"));
        assert!(!wildcard("exact", "exactly"));
        assert!(!wildcard("*-api", "api"));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2027-02-29"), None);
        assert_eq!(parse_date("2028-02-29"), Some((2028, 2, 29)));
        assert_eq!(parse_date("2027-13-01"), None);
        assert_eq!(date_of_unix(0), (1970, 1, 1));
        assert_eq!(date_of_unix(1_795_305_600), (2026, 11, 22));
    }
}
