//! The `secrets:` section of `palisade.yaml`: secret-scanning rules and
//! allowlists, with the meaning of gitleaks' `[[rules]]` and
//! `[[allowlists]]`, added on top of the gitleaks configuration in use
//! (`.gitleaks.toml`, `--gitleaks-config`, or the built-in rules).
//!
//! ```yaml
//! secrets:
//!   rules:
//!     - id: acme-api-key            # a new rule (or, with an existing id,
//!       description: ACME API key   # changes to that rule, as gitleaks'
//!       regex: 'acme_([0-9a-f]{32})'   # [extend] merges them)
//!       secret-group: 1
//!       entropy: 3.5
//!       keywords: [acme_]
//!       path: '\.env$'
//!       tags: [acme]
//!       severity: critical
//!       allowlists:
//!         - regexes: ['^acme_0{32}$']
//!   allowlists:                     # global: every rule, or `target-rules`
//!     - description: test fixtures
//!       paths: ['^testdata/']
//!     - regexes: ['EXAMPLE']
//!       regex-target: line          # secret (default) | match | line
//!       stopwords: [dummy]
//!       commits: [4b825dc642cb]
//!       condition: and              # or (default) | and
//!       target-rules: [github-pat]
//! ```
//!
//! Keys are kebab-case like the rest of `palisade.yaml`; unknown keys are
//! errors. Regexes are Go RE2 syntax and are compiled by the secret
//! scanner, whose errors name `palisade.yaml` and the rule's line.

use crate::Severity;
use crate::config::{ConfigError, Reader};
use palisade_yaml::Node;
use std::fmt;

/// How an allowlist's criteria combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Condition {
    /// Any criterion allows the finding (gitleaks' default).
    #[default]
    Or,
    /// Every criterion given must hold.
    And,
}

impl Condition {
    /// Parses gitleaks' `OR`/`AND` (any case).
    pub fn parse(s: &str) -> Result<Condition, String> {
        match s.trim() {
            "" => Ok(Condition::Or),
            c if c.eq_ignore_ascii_case("or") => Ok(Condition::Or),
            c if c.eq_ignore_ascii_case("and") => Ok(Condition::And),
            c => Err(format!("allowlist condition `{c}` is not OR or AND")),
        }
    }
}

/// What an allowlist's `regexes` are matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegexTarget {
    /// The secret (gitleaks' default).
    #[default]
    Secret,
    /// The whole regex match.
    Match,
    /// The line(s) the match is on.
    Line,
}

impl RegexTarget {
    /// Parses gitleaks' `secret`/`match`/`line` (any case).
    pub fn parse(s: &str) -> Result<RegexTarget, String> {
        match s.trim() {
            "" => Ok(RegexTarget::Secret),
            t if t.eq_ignore_ascii_case("secret") => Ok(RegexTarget::Secret),
            t if t.eq_ignore_ascii_case("match") => Ok(RegexTarget::Match),
            t if t.eq_ignore_ascii_case("line") => Ok(RegexTarget::Line),
            t => Err(format!(
                "allowlist regexTarget `{t}` is not secret, match or line"
            )),
        }
    }
}

impl fmt::Display for RegexTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RegexTarget::Secret => "secret",
            RegexTarget::Match => "match",
            RegexTarget::Line => "line",
        })
    }
}

/// An allowlist: findings it matches are dropped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Allowlist {
    /// What it is for.
    pub description: String,
    /// How the criteria combine.
    pub condition: Condition,
    /// What `regexes` are matched against.
    pub regex_target: RegexTarget,
    /// Regexes (RE2 syntax).
    pub regexes: Vec<String>,
    /// Path regexes (RE2 syntax), matched against the file's path.
    pub paths: Vec<String>,
    /// Commit ids (full or abbreviated) whose findings are allowed.
    pub commits: Vec<String>,
    /// Words which, found in the secret (any case), allow it.
    pub stopwords: Vec<String>,
    /// For a global allowlist: the rule ids it is limited to (empty: all).
    pub target_rules: Vec<String>,
    /// Line where it is written (1 when not from a file).
    pub line: u32,
}

impl Allowlist {
    /// Whether it has nothing to match on (which gitleaks rejects).
    pub fn is_empty(&self) -> bool {
        self.regexes.is_empty()
            && self.paths.is_empty()
            && self.commits.is_empty()
            && self.stopwords.is_empty()
    }
}

/// A secret-scanning rule written in `palisade.yaml`. Fields left out keep
/// the value of the rule with the same id, when there is one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SecretRule {
    /// The rule's id (gitleaks id; also its Palisade id when new).
    pub id: String,
    /// One-line description (the finding's title).
    pub description: Option<String>,
    /// Detection regex (RE2 syntax).
    pub regex: Option<String>,
    /// Which capture group is the secret.
    pub secret_group: Option<usize>,
    /// Minimum Shannon entropy of the secret.
    pub entropy: Option<f64>,
    /// Keywords, one of which must appear (any case) for the regex to run.
    pub keywords: Option<Vec<String>>,
    /// A regex the file's path must match.
    pub path: Option<String>,
    /// Tags (groups for `--select`).
    pub tags: Option<Vec<String>>,
    /// Severity of its findings.
    pub severity: Option<Severity>,
    /// Rule allowlists (added to the rule's own).
    pub allowlists: Vec<Allowlist>,
    /// Line where it is written.
    pub line: u32,
}

/// The `secrets:` settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SecretsSettings {
    /// The file they were read from, for errors found later (invalid
    /// regexes are reported by the scanner that compiles them).
    pub path: String,
    /// Rules added, or changes to existing rules.
    pub rules: Vec<SecretRule>,
    /// Global allowlists added.
    pub allowlists: Vec<Allowlist>,
}

impl SecretsSettings {
    /// Whether the section adds nothing.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.allowlists.is_empty()
    }

    /// Reads the `secrets:` section; `path` names the file in later errors.
    pub(crate) fn parse(
        r: &Reader<'_>,
        node: &Node,
        path: &str,
    ) -> Result<SecretsSettings, ConfigError> {
        let mut s = SecretsSettings {
            path: path.to_string(),
            ..SecretsSettings::default()
        };
        for (key, value) in r.map(node, &["rules", "allowlists"])? {
            match key {
                "rules" => {
                    for item in r.list(value)? {
                        s.rules.push(parse_rule(r, item)?);
                    }
                }
                _ => {
                    for item in r.list(value)? {
                        s.allowlists.push(parse_allowlist(r, item, true)?);
                    }
                }
            }
        }
        Ok(s)
    }
}

fn parse_rule(r: &Reader<'_>, node: &Node) -> Result<SecretRule, ConfigError> {
    let mut rule = SecretRule {
        line: node.pos.line,
        ..SecretRule::default()
    };
    for (k, v) in r.map(
        node,
        &[
            "id",
            "description",
            "regex",
            "secret-group",
            "entropy",
            "keywords",
            "path",
            "tags",
            "severity",
            "allowlists",
        ],
    )? {
        match k {
            "id" => rule.id = r.string(v)?.trim().to_string(),
            "description" => rule.description = Some(r.string(v)?),
            "regex" => rule.regex = Some(r.string(v)?),
            "secret-group" => {
                let s = r.string(v)?;
                rule.secret_group = Some(s.trim().parse::<usize>().map_err(|_| {
                    r.error(
                        v,
                        format!("secret-group must be a group number, found `{s}`"),
                    )
                })?);
            }
            "entropy" => {
                let s = r.string(v)?;
                let e = s
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|e| e.is_finite() && *e >= 0.0);
                rule.entropy = Some(e.ok_or_else(|| {
                    r.error(v, format!("entropy must be a number of bits, found `{s}`"))
                })?);
            }
            "keywords" => rule.keywords = Some(r.strings(v)?),
            "path" => rule.path = Some(r.string(v)?),
            "tags" => rule.tags = Some(r.strings(v)?),
            "severity" => {
                let s = r.string(v)?;
                rule.severity = Some(s.parse().map_err(|m| r.error(v, m))?);
            }
            _ => {
                for item in r.list(v)? {
                    rule.allowlists.push(parse_allowlist(r, item, false)?);
                }
            }
        }
    }
    if rule.id.is_empty() {
        return Err(r.error(node, "a secret rule needs an `id`".to_string()));
    }
    Ok(rule)
}

fn parse_allowlist(r: &Reader<'_>, node: &Node, global: bool) -> Result<Allowlist, ConfigError> {
    let mut a = Allowlist {
        line: node.pos.line,
        ..Allowlist::default()
    };
    let mut keys = vec![
        "description",
        "condition",
        "regex-target",
        "regexes",
        "paths",
        "commits",
        "stopwords",
    ];
    if global {
        keys.push("target-rules");
    }
    for (k, v) in r.map(node, &keys)? {
        match k {
            "description" => a.description = r.string(v)?,
            "condition" => {
                a.condition = Condition::parse(&r.string(v)?).map_err(|m| r.error(v, m))?
            }
            "regex-target" => {
                a.regex_target = RegexTarget::parse(&r.string(v)?).map_err(|m| r.error(v, m))?
            }
            "regexes" => a.regexes = r.strings(v)?,
            "paths" => a.paths = r.strings(v)?,
            "commits" => a.commits = r.strings(v)?,
            "stopwords" => a.stopwords = r.strings(v)?,
            _ => a.target_rules = r.strings(v)?,
        }
    }
    if a.is_empty() {
        return Err(r.error(
            node,
            "allowlist has no regexes, paths, commits or stopwords".to_string(),
        ));
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use crate::Config;
    use crate::Severity;
    use crate::secrets_config::{Condition, RegexTarget};

    #[test]
    fn parses_rules_and_allowlists() {
        let c = Config::parse(
            "palisade.yaml",
            "fail-on: high\nsecrets:\n  rules:\n    - id: acme-key\n      description: ACME key\n      regex: 'acme_([0-9a-f]{8})'\n      secret-group: 1\n      entropy: 2.5\n      keywords: [acme_]\n      path: '\\.env$'\n      tags: [acme]\n      severity: critical\n      allowlists:\n        - stopwords: [dead]\n  allowlists:\n    - paths: ['^testdata/']\n      regexes: [EXAMPLE]\n      regex-target: line\n      commits: [4b825dc642cb]\n      condition: AND\n      target-rules: [github-pat]\n",
        )
        .unwrap();
        let s = &c.secrets;
        assert_eq!(s.path, "palisade.yaml");
        assert_eq!(s.rules.len(), 1);
        let r = &s.rules[0];
        assert_eq!(r.id, "acme-key");
        assert_eq!(r.line, 4);
        assert_eq!(r.description.as_deref(), Some("ACME key"));
        assert_eq!(r.regex.as_deref(), Some("acme_([0-9a-f]{8})"));
        assert_eq!(r.secret_group, Some(1));
        assert_eq!(r.entropy, Some(2.5));
        assert_eq!(r.keywords, Some(vec!["acme_".to_string()]));
        assert_eq!(r.path.as_deref(), Some("\\.env$"));
        assert_eq!(r.tags, Some(vec!["acme".to_string()]));
        assert_eq!(r.severity, Some(Severity::Critical));
        assert_eq!(r.allowlists[0].stopwords, vec!["dead"]);
        assert_eq!(r.allowlists[0].line, 14);
        let a = &s.allowlists[0];
        assert_eq!(a.line, 16);
        assert_eq!(a.paths, vec!["^testdata/"]);
        assert_eq!(a.regex_target, RegexTarget::Line);
        assert_eq!(a.condition, Condition::And);
        assert_eq!(a.commits, vec!["4b825dc642cb"]);
        assert_eq!(a.target_rules, vec!["github-pat"]);
        // Without the section: nothing added.
        assert!(
            Config::parse("p.yaml", "fail-on: high\n")
                .unwrap()
                .secrets
                .is_empty()
        );
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let cases = [
            ("secrets:\n  rule: []\n", 2, "unknown key `rule`"),
            ("secrets:\n  rules:\n    - regex: x\n", 3, "needs an `id`"),
            (
                "secrets:\n  rules:\n    - id: a\n      secretGroup: 1\n",
                4,
                "unknown key `secretGroup`",
            ),
            (
                "secrets:\n  rules:\n    - id: a\n      secret-group: two\n",
                4,
                "secret-group",
            ),
            (
                "secrets:\n  rules:\n    - id: a\n      entropy: -1\n",
                4,
                "entropy",
            ),
            (
                "secrets:\n  rules:\n    - id: a\n      severity: severe\n",
                4,
                "severe",
            ),
            (
                "secrets:\n  allowlists:\n    - description: nothing\n",
                3,
                "no regexes",
            ),
            (
                "secrets:\n  allowlists:\n    - paths: [a]\n      condition: XOR\n",
                4,
                "XOR",
            ),
            (
                "secrets:\n  allowlists:\n    - paths: [a]\n      regex-target: file\n",
                4,
                "regexTarget",
            ),
            (
                "secrets:\n  rules:\n    - id: a\n      allowlists:\n        - paths: [a]\n          target-rules: [b]\n",
                6,
                "unknown key `target-rules`",
            ),
            ("secrets:\n  rules: {id: a}\n", 2, "expected a list"),
        ];
        for (text, line, needle) in cases {
            let e = Config::parse("conf/palisade.yaml", text).unwrap_err();
            assert_eq!(e.path, "conf/palisade.yaml", "{text}");
            assert_eq!(e.line, line, "{text}: {e}");
            assert!(e.message.contains(needle), "{text}: {e}");
        }
    }
}
