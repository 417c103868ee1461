//! `palisade.yaml`: which rules run, how serious they are, and the settings
//! that rules read (PSS level and version, registries, labels, namespaces).
//!
//! ```yaml
//! pss:
//!   level: restricted        # baseline | restricted
//!   version: latest          # latest | v1.N
//! rules:
//!   select: [pss, workload]  # ids, id prefixes, names or groups; empty = all
//!   ignore: [WL004]
//!   severity: {WL004: medium}
//! fail-on: high
//! exclude: ["vendor/**"]     # paths not scanned (gitignore-style globs)
//! images:
//!   allowed-registries: [registry.example.com, ghcr.io/acme]
//! labels:
//!   required: [app.kubernetes.io/name]
//! namespaces:
//!   exclude: [kube-system, kube-public, kube-node-lease]
//! admission: {}              # see the `admission` module
//! policies: [policies/]      # Gatekeeper templates and constraints
//! secrets: {}                # see the `secrets_config` module
//! ```
//!
//! Unknown keys are errors, so that a typo does not silently weaken a policy.

use crate::admission::AdmissionSettings;
use crate::secrets_config::SecretsSettings;
use crate::{Selection, Severity};
use palisade_yaml::{Limits, Node, Value, parse_stream};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// The file name searched upward from the scanned path.
pub const FILE_NAME: &str = "palisade.yaml";

/// A Pod Security Standards level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PssLevel {
    /// No restrictions.
    Privileged,
    /// Prevents known privilege escalations.
    Baseline,
    /// Current pod hardening best practice.
    Restricted,
}

impl PssLevel {
    /// The name used in labels and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            PssLevel::Privileged => "privileged",
            PssLevel::Baseline => "baseline",
            PssLevel::Restricted => "restricted",
        }
    }
}

impl fmt::Display for PssLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PssLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "privileged" => Ok(PssLevel::Privileged),
            "baseline" => Ok(PssLevel::Baseline),
            "restricted" => Ok(PssLevel::Restricted),
            other => Err(format!(
                "unknown Pod Security Standards level `{other}` (expected privileged, baseline or restricted)"
            )),
        }
    }
}

/// A Pod Security Standards policy version: `v1.N` or `latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PssVersion {
    /// Kubernetes 1.N's definition of the standards.
    Minor(u32),
    /// The newest definition Palisade knows.
    Latest,
}

impl fmt::Display for PssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PssVersion::Minor(m) => write!(f, "v1.{m}"),
            PssVersion::Latest => f.write_str("latest"),
        }
    }
}

impl FromStr for PssVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t == "latest" {
            return Ok(PssVersion::Latest);
        }
        t.strip_prefix('v')
            .unwrap_or(t)
            .strip_prefix("1.")
            .and_then(|m| m.parse::<u32>().ok())
            .map(PssVersion::Minor)
            .ok_or_else(|| {
                format!("invalid Pod Security Standards version `{t}` (expected v1.N or latest)")
            })
    }
}

/// Palisade's configuration, with defaults for everything.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// PSS level the `pss` rules enforce.
    pub pss_level: PssLevel,
    /// PSS version the `pss` rules enforce.
    pub pss_version: PssVersion,
    /// Which rules run.
    pub selection: Selection,
    /// Severity overrides by rule id.
    pub severity: BTreeMap<String, Severity>,
    /// Exit with 1 when an unsuppressed finding is at or above this.
    pub fail_on: Option<Severity>,
    /// Paths not scanned (gitignore-style globs).
    pub exclude: Vec<String>,
    /// Registries images may come from (empty: any).
    pub allowed_registries: Vec<String>,
    /// Labels every workload must carry.
    pub required_labels: Vec<String>,
    /// Namespaces whose objects are not checked.
    pub excluded_namespaces: Vec<String>,
    /// How admission acts on findings.
    pub admission: AdmissionSettings,
    /// Gatekeeper policy files and directories (templates and
    /// constraints), relative to the configuration file.
    pub policies: Vec<std::path::PathBuf>,
    /// Secret-scanning rules and allowlists added to the gitleaks ones.
    pub secrets: SecretsSettings,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            pss_level: PssLevel::Restricted,
            pss_version: PssVersion::Latest,
            selection: Selection::default(),
            severity: BTreeMap::new(),
            fail_on: None,
            exclude: Vec::new(),
            allowed_registries: Vec::new(),
            required_labels: vec!["app.kubernetes.io/name".to_string()],
            excluded_namespaces: ["kube-system", "kube-public", "kube-node-lease"]
                .map(String::from)
                .to_vec(),
            admission: AdmissionSettings::default(),
            policies: Vec::new(),
            secrets: SecretsSettings::default(),
        }
    }
}

/// A problem in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ConfigError {
    /// The configuration file.
    pub path: String,
    /// Line of the problem.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

impl Config {
    /// Parses a configuration file's text; `path` names it in errors.
    pub fn parse(path: &str, text: &str) -> Result<Config, ConfigError> {
        let err = |line: u32, message: String| ConfigError {
            path: path.to_string(),
            line,
            message,
        };
        let limits = Limits {
            max_bytes: 1024 * 1024,
            max_documents: 1,
            ..Limits::default()
        };
        let stream = parse_stream(text, &limits);
        if let Some(e) = stream.errors.first() {
            return Err(err(e.pos.line, e.kind.to_string()));
        }
        let mut config = Config::default();
        let Some(doc) = stream.documents.first() else {
            return Ok(config);
        };
        let r = Reader { path };
        let root = r.map(
            &doc.root,
            &[
                "pss",
                "rules",
                "fail-on",
                "exclude",
                "images",
                "labels",
                "namespaces",
                "admission",
                "secrets",
                "policies",
            ],
        )?;
        for (key, value) in root {
            match key {
                "pss" => {
                    for (k, v) in r.map(value, &["level", "version"])? {
                        let s = r.string(v)?;
                        match k {
                            "level" => {
                                config.pss_level = s.parse().map_err(|m| err(v.pos.line, m))?
                            }
                            _ => config.pss_version = s.parse().map_err(|m| err(v.pos.line, m))?,
                        }
                    }
                }
                "rules" => {
                    for (k, v) in r.map(value, &["select", "ignore", "severity"])? {
                        match k {
                            "select" => config.selection.select = r.strings(v)?,
                            "ignore" => config.selection.ignore = r.strings(v)?,
                            _ => {
                                for (id, sev) in r.map(v, &[])? {
                                    let s = r.string(sev)?;
                                    let s = s.parse().map_err(|m| err(sev.pos.line, m))?;
                                    config.severity.insert(id.to_string(), s);
                                }
                            }
                        }
                    }
                }
                "fail-on" => {
                    let s = r.string(value)?;
                    config.fail_on = Some(s.parse().map_err(|m| err(value.pos.line, m))?);
                }
                "exclude" => config.exclude = r.strings(value)?,
                "images" => {
                    for (_, v) in r.map(value, &["allowed-registries"])? {
                        config.allowed_registries = r.strings(v)?;
                    }
                }
                "labels" => {
                    for (_, v) in r.map(value, &["required"])? {
                        config.required_labels = r.strings(v)?;
                    }
                }
                "admission" => config.admission = AdmissionSettings::parse(&r, value)?,
                "policies" => {
                    // Relative to the configuration file, like a path
                    // written in any other file.
                    let base = std::path::Path::new(path)
                        .parent()
                        .unwrap_or(std::path::Path::new(""));
                    config.policies = r
                        .strings(value)?
                        .into_iter()
                        .map(|p| base.join(p))
                        .collect();
                }
                "secrets" => config.secrets = SecretsSettings::parse(&r, value, path)?,
                _ => {
                    for (_, v) in r.map(value, &["exclude"])? {
                        config.excluded_namespaces = r.strings(v)?;
                    }
                }
            }
        }
        Ok(config)
    }
}

/// Typed reads from the config tree, with errors that name the line.
pub(crate) struct Reader<'a> {
    path: &'a str,
}

impl Reader<'_> {
    pub(crate) fn boolean(&self, node: &Node) -> Result<bool, ConfigError> {
        node.as_bool().ok_or_else(|| {
            self.error(
                node,
                format!("expected true or false, found `{}`", node.display()),
            )
        })
    }

    pub(crate) fn list<'n>(&self, node: &'n Node) -> Result<&'n [Node], ConfigError> {
        match &node.value {
            Value::Seq(items) => Ok(items),
            Value::Null => Ok(&[]),
            _ => Err(self.error(node, format!("expected a list, found `{}`", node.display()))),
        }
    }

    pub(crate) fn error(&self, node: &Node, message: String) -> ConfigError {
        ConfigError {
            path: self.path.to_string(),
            line: node.pos.line,
            message,
        }
    }

    /// The entries of a mapping; `allowed` (when not empty) lists the keys
    /// it may have.
    pub(crate) fn map<'n>(
        &self,
        node: &'n Node,
        allowed: &[&str],
    ) -> Result<Vec<(&'n str, &'n Node)>, ConfigError> {
        let Some(m) = node.as_map() else {
            if node.is_null() {
                return Ok(Vec::new());
            }
            return Err(self.error(
                node,
                format!("expected a mapping, found `{}`", node.display()),
            ));
        };
        let mut out = Vec::with_capacity(m.len());
        for (k, v) in m.iter() {
            if !allowed.is_empty() && !allowed.contains(&k.text.as_str()) {
                return Err(ConfigError {
                    path: self.path.to_string(),
                    line: k.pos.line,
                    message: format!(
                        "unknown key `{}` (expected one of: {})",
                        k.text,
                        allowed.join(", ")
                    ),
                });
            }
            out.push((k.text.as_str(), v));
        }
        Ok(out)
    }

    pub(crate) fn string(&self, node: &Node) -> Result<String, ConfigError> {
        match &node.value {
            Value::Str(s) => Ok(s.clone()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => Ok(node.display()),
            _ => Err(self.error(
                node,
                format!("expected a string, found `{}`", node.display()),
            )),
        }
    }

    pub(crate) fn strings(&self, node: &Node) -> Result<Vec<String>, ConfigError> {
        match &node.value {
            Value::Seq(items) => items.iter().map(|n| self.string(n)).collect(),
            Value::Null => Ok(Vec::new()),
            _ => Err(self.error(node, format!("expected a list, found `{}`", node.display()))),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_every_section() {
        let c = Config::parse(
            "palisade.yaml",
            "pss:\n  level: baseline\n  version: v1.25\nrules:\n  select: [pss]\n  ignore: [PSS005]\n  severity: {PSS005: low}\nfail-on: high\nimages:\n  allowed-registries: [ghcr.io/acme]\nlabels:\n  required: [team]\nnamespaces:\n  exclude: [infra]\n",
        )
        .unwrap();
        assert_eq!(c.pss_level, PssLevel::Baseline);
        assert_eq!(c.pss_version, PssVersion::Minor(25));
        assert_eq!(c.selection.select, vec!["pss"]);
        assert_eq!(c.severity.get("PSS005"), Some(&Severity::Low));
        assert_eq!(c.fail_on, Some(Severity::High));
        assert_eq!(c.allowed_registries, vec!["ghcr.io/acme"]);
        assert_eq!(c.required_labels, vec!["team"]);
        assert_eq!(c.excluded_namespaces, vec!["infra"]);
    }

    #[test]
    fn errors_name_the_line() {
        let e = Config::parse("p.yaml", "pss:\n  levle: baseline\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("unknown key `levle`"), "{e}");
        let e = Config::parse("p.yaml", "pss:\n  level: strict\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = Config::parse("p.yaml", "fail-on: [x\n").unwrap_err();
        assert_eq!(e.path, "p.yaml");
    }

    #[test]
    fn versions() {
        assert_eq!("v1.35".parse::<PssVersion>(), Ok(PssVersion::Minor(35)));
        assert_eq!("1.0".parse::<PssVersion>(), Ok(PssVersion::Minor(0)));
        assert_eq!("latest".parse::<PssVersion>(), Ok(PssVersion::Latest));
        assert!("v2.1".parse::<PssVersion>().is_err());
    }
}
