//! gitleaks-format configuration: `.gitleaks.toml` and friends, and the
//! built-in catalogue, which is written in the same format.
//!
//! Read: `[[rules]]` (`id`, `description`, `regex`, `secretGroup`,
//! `entropy`, `keywords`, `path`, `tags`), rule and global allowlists (the
//! current `[[allowlists]]` and the older single `[allowlist]`, with
//! `regexes`, `regexTarget`, `paths`, `stopwords`, `commits`, `condition`,
//! and `targetRules` on global ones), and `[extend]` (`useDefault`, `path`,
//! `disabledRules`). A rule whose id the extending file repeats is merged
//! into the base rule: fields given override, allowlists add up. Unknown
//! keys are ignored, as gitleaks does.
//!
//! Palisade extensions, used by the built-in catalogue and accepted in user
//! files: `palisade` (the rule's Palisade id), `severity`, `window` (bytes
//! of context around a keyword in which the regex is confirmed; 0 or absent
//! in user files: the whole input, gitleaks' behaviour), and `tp`/`fp`
//! (examples that must and must not match).

use palisade_core::secrets_config::{Allowlist as SettingsAllowlist, SecretRule, SecretsSettings};
use palisade_core::{DynamicRule, RuleMeta, Severity};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The built-in catalogue, in gitleaks format with Palisade's extensions.
pub const BUILTIN_TOML: &str = include_str!("../rules/default.toml");
const BUILTIN_PATH: &str = "palisade-secrets/rules/default.toml";

/// How deep `[extend] path` chains may go.
const MAX_EXTEND_DEPTH: usize = 3;
/// Largest configuration file read.
const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// A configuration that cannot be used, with the file and line at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ConfigError {
    /// The configuration file.
    pub path: String,
    /// Line, from 1 (1 when the whole file is at fault).
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

pub use palisade_core::secrets_config::{Condition, RegexTarget};

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
    /// Where it is written (file and line), for error messages.
    pub origin: (String, u32),
}

/// One rule after configuration is resolved, before it is compiled.
#[derive(Debug, Clone)]
pub struct RuleSpec {
    /// The rule as the catalogue knows it.
    pub meta: &'static RuleMeta,
    /// The gitleaks id (`github-pat`); for built-ins also `meta.name`.
    pub gitleaks_id: String,
    /// The detection regex (RE2 syntax); `None` for a path-only rule.
    pub regex: Option<String>,
    /// Which capture group is the secret (0: the first non-empty group, or
    /// the whole match when there is none).
    pub secret_group: usize,
    /// Minimum Shannon entropy of the secret.
    pub entropy: Option<f64>,
    /// A regex the file's path must match.
    pub path: Option<String>,
    /// Keywords, one of which must appear (any case) near a match.
    pub keywords: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Rule allowlists.
    pub allowlists: Vec<Allowlist>,
    /// Bytes of context around a keyword hit within which the regex is
    /// confirmed; 0 for the whole input.
    pub window: usize,
    /// A built-in rule: placeholder values are filtered as well.
    pub builtin: bool,
    /// Examples that must match (built-ins; see [`crate::examples`]).
    pub tp: Vec<String>,
    /// Examples that must not match.
    pub fp: Vec<String>,
    /// Where the rule is defined, for error messages.
    pub origin: (String, u32),
}

/// A resolved secret-scanning configuration: the rules and the global
/// allowlists. Compile it with [`crate::Scanner::new`].
#[derive(Debug, Clone, Default)]
pub struct SecretsConfig {
    /// Rules, in definition order.
    pub rules: Vec<RuleSpec>,
    /// Global allowlists.
    pub allowlists: Vec<Allowlist>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawConfig {
    #[serde(default)]
    extend: Option<RawExtend>,
    #[serde(default)]
    rules: Vec<toml::Spanned<RawRule>>,
    #[serde(default)]
    allowlist: Option<toml::Spanned<RawAllowlist>>,
    #[serde(default)]
    allowlists: Vec<toml::Spanned<RawAllowlist>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawExtend {
    #[serde(default)]
    use_default: bool,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    disabled_rules: Vec<String>,
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    #[serde(default)]
    id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    keywords: Option<Vec<String>>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    allowlist: Option<RawAllowlist>,
    #[serde(default)]
    allowlists: Vec<RawAllowlist>,
    #[serde(default)]
    palisade: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    window: Option<usize>,
    #[serde(default)]
    tp: Vec<String>,
    #[serde(default)]
    fp: Vec<String>,
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
struct RawAllowlist {
    #[serde(default)]
    description: String,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    regex_target: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    target_rules: Vec<String>,
}

/// 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> u32 {
    let upto = text.get(..offset.min(text.len())).unwrap_or(text);
    u32::try_from(
        upto.bytes()
            .filter(|&b| b == b'\n')
            .count()
            .saturating_add(1),
    )
    .unwrap_or(u32::MAX)
}

fn err(path: &str, line: u32, message: impl Into<String>) -> ConfigError {
    ConfigError {
        path: path.to_string(),
        line,
        message: message.into(),
    }
}

/// A rule in the middle of resolution: raw fields and where it was written.
#[derive(Debug, Clone)]
struct Pending {
    raw: RawRule,
    origin: (String, u32),
    builtin: bool,
}

#[derive(Debug, Default)]
struct Resolved {
    rules: Vec<Pending>,
    allowlists: Vec<Allowlist>,
}

fn parse_raw(path: &str, text: &str) -> Result<RawConfig, ConfigError> {
    toml::from_str::<RawConfig>(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        let msg = e.message().trim().to_string();
        err(path, line, format!("invalid gitleaks configuration: {msg}"))
    })
}

fn allowlist(path: &str, line: u32, raw: RawAllowlist) -> Result<Allowlist, ConfigError> {
    let condition =
        Condition::parse(raw.condition.as_deref().unwrap_or("")).map_err(|m| err(path, line, m))?;
    let regex_target = RegexTarget::parse(raw.regex_target.as_deref().unwrap_or(""))
        .map_err(|m| err(path, line, m))?;
    let a = Allowlist {
        description: raw.description,
        condition,
        regex_target,
        regexes: raw.regexes,
        paths: raw.paths,
        commits: raw.commits,
        stopwords: raw.stopwords,
        target_rules: raw.target_rules,
        origin: (path.to_string(), line),
    };
    if a.regexes.is_empty() && a.paths.is_empty() && a.commits.is_empty() && a.stopwords.is_empty()
    {
        return Err(err(
            path,
            line,
            "allowlist has no regexes, paths, commits or stopwords",
        ));
    }
    Ok(a)
}

fn load_into(
    out: &mut Resolved,
    path: &str,
    text: &str,
    dir: Option<&Path>,
    builtin: bool,
    depth: usize,
) -> Result<(), ConfigError> {
    let raw = parse_raw(path, text)?;
    // The base first, so that this file's rules can merge into it.
    if let Some(extend) = &raw.extend {
        if depth >= MAX_EXTEND_DEPTH {
            return Err(err(
                path,
                1,
                format!("[extend] chains deeper than {MAX_EXTEND_DEPTH} files"),
            ));
        }
        if extend.use_default {
            load_into(
                out,
                BUILTIN_PATH,
                BUILTIN_TOML,
                None,
                true,
                depth.saturating_add(1),
            )?;
        }
        if let Some(p) = &extend.path {
            let base = match dir {
                Some(d) => d.join(p),
                None => PathBuf::from(p),
            };
            let (bpath, btext) = read_file(&base)?;
            load_into(
                out,
                &bpath,
                &btext,
                base.parent(),
                false,
                depth.saturating_add(1),
            )?;
        }
        out.rules
            .retain(|r| !extend.disabled_rules.contains(&r.raw.id));
    }
    for spanned in raw.rules {
        let line = line_of(text, spanned.span().start);
        let rule = spanned.into_inner();
        if rule.id.trim().is_empty() {
            return Err(err(path, line, "rule has no `id`"));
        }
        match out.rules.iter_mut().find(|p| p.raw.id == rule.id) {
            Some(base) => merge(&mut base.raw, rule),
            None => out.rules.push(Pending {
                raw: rule,
                origin: (path.to_string(), line),
                builtin,
            }),
        }
    }
    if let Some(a) = raw.allowlist {
        let line = line_of(text, a.span().start);
        out.allowlists.push(allowlist(path, line, a.into_inner())?);
    }
    for a in raw.allowlists {
        let line = line_of(text, a.span().start);
        out.allowlists.push(allowlist(path, line, a.into_inner())?);
    }
    Ok(())
}

/// gitleaks' extend semantics: fields the extending rule gives win,
/// allowlists add up.
fn merge(base: &mut RawRule, over: RawRule) {
    if over.description.is_some() {
        base.description = over.description;
    }
    if over.regex.is_some() {
        base.regex = over.regex;
    }
    if over.secret_group.is_some() {
        base.secret_group = over.secret_group;
    }
    if over.entropy.is_some() {
        base.entropy = over.entropy;
    }
    if over.path.is_some() {
        base.path = over.path;
    }
    if over.keywords.is_some() {
        base.keywords = over.keywords;
    }
    if over.tags.is_some() {
        base.tags = over.tags;
    }
    if over.severity.is_some() {
        base.severity = over.severity;
    }
    if let Some(a) = over.allowlist {
        base.allowlists.push(a);
    }
    base.allowlists.extend(over.allowlists);
}

fn read_file(path: &Path) -> Result<(String, String), ConfigError> {
    let display = path.display().to_string();
    let meta =
        std::fs::metadata(path).map_err(|e| err(&display, 1, format!("cannot read: {e}")))?;
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(err(
            &display,
            1,
            format!(
                "configuration is {} bytes, over the {MAX_CONFIG_BYTES}-byte limit",
                meta.len()
            ),
        ));
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| err(&display, 1, format!("cannot read: {e}")))?;
    Ok((display, text))
}

fn parse_severity(path: &str, line: u32, s: &str) -> Result<Severity, ConfigError> {
    s.parse::<Severity>()
        .map_err(|e| err(path, line, format!("invalid severity `{s}`: {e}")))
}

/// The built-in rules' metadata, leaked once per process.
fn builtin_metas() -> &'static Result<Vec<&'static RuleMeta>, ConfigError> {
    static METAS: OnceLock<Result<Vec<&'static RuleMeta>, ConfigError>> = OnceLock::new();
    METAS.get_or_init(|| {
        let mut r = Resolved::default();
        load_into(&mut r, BUILTIN_PATH, BUILTIN_TOML, None, true, 0)?;
        r.rules
            .iter()
            .map(|p| builtin_meta(p).map(DynamicRule::leak))
            .collect()
    })
}

fn builtin_meta(p: &Pending) -> Result<DynamicRule, ConfigError> {
    let (path, line) = (&p.origin.0, p.origin.1);
    let raw = &p.raw;
    let id = raw.palisade.clone().ok_or_else(|| {
        err(
            path,
            line,
            format!("built-in rule `{}` has no palisade id", raw.id),
        )
    })?;
    let severity = parse_severity(path, line, raw.severity.as_deref().unwrap_or("high"))?;
    let title = raw.description.clone().unwrap_or_else(|| raw.id.clone());
    let example = raw
        .tp
        .first()
        .map(|t| crate::examples::expand(t, 0))
        .unwrap_or_default();
    let doc = format!(
        "## What it does\nFinds credentials of this kind committed to files or to git \
         history: {title} (gitleaks rule `{gid}`).\n\n\
         ## Why is this bad?\nAnyone who can read the repository, any clone of it, or any \
         build log that prints it can use the credential. Deleting it in a later commit does \
         not help: it stays in the history.\n\n\
         ## Example\n```\n{example}\n```\n\n\
         ## Use instead\nRead the credential at run time from the environment or a secret \
         store (a Kubernetes Secret mounted from an external secret manager, Vault, a cloud \
         secret manager).",
        gid = raw.id,
    );
    let mut groups = vec!["secret".to_string()];
    groups.extend(raw.tags.clone().unwrap_or_default());
    Ok(DynamicRule {
        id,
        name: raw.id.clone(),
        title,
        severity,
        groups,
        doc,
        remediation: "Revoke the credential at its provider and issue a new one; remove it from \
                      the file and keep it in a secret store. Rewriting history does not undo a \
                      leak: rotate first."
            .to_string(),
        urls: vec!["https://cwe.mitre.org/data/definitions/798.html".to_string()],
    })
}

/// Every built-in rule's metadata, in catalogue order.
pub fn builtin_rules() -> Vec<&'static RuleMeta> {
    match builtin_metas() {
        Ok(v) => v.clone(),
        Err(_) => Vec::new(),
    }
}

impl SecretsConfig {
    /// The built-in catalogue.
    pub fn builtin() -> Result<SecretsConfig, ConfigError> {
        SecretsConfig::from_toml(BUILTIN_PATH, BUILTIN_TOML, None)
    }

    /// Reads a gitleaks configuration file (`[extend] path` is resolved
    /// from its directory).
    pub fn from_file(path: &Path) -> Result<SecretsConfig, ConfigError> {
        let (display, text) = read_file(path)?;
        SecretsConfig::from_toml(&display, &text, path.parent())
    }

    /// Reads a gitleaks configuration from text. `path` names it in errors;
    /// `dir` resolves `[extend] path`.
    pub fn from_toml(
        path: &str,
        text: &str,
        dir: Option<&Path>,
    ) -> Result<SecretsConfig, ConfigError> {
        let builtin = path == BUILTIN_PATH;
        let mut r = Resolved::default();
        load_into(&mut r, path, text, dir, builtin, 0)?;
        let metas = match builtin_metas() {
            Ok(m) => m,
            Err(e) => return Err(e.clone()),
        };
        let mut rules = Vec::with_capacity(r.rules.len());
        for p in r.rules {
            let (opath, line) = (p.origin.0.clone(), p.origin.1);
            let raw = p.raw;
            let meta = match metas.iter().find(|m| m.name == raw.id) {
                Some(m) => *m,
                None => {
                    let severity = match &raw.severity {
                        Some(s) => parse_severity(&opath, line, s)?,
                        None => Severity::High,
                    };
                    user_meta(
                        raw.palisade.as_deref().unwrap_or(&raw.id),
                        &raw.id,
                        raw.description.as_deref(),
                        severity,
                        raw.tags.as_deref().unwrap_or_default(),
                        &p.origin,
                    )
                }
            };
            if raw.regex.as_deref().is_none_or(str::is_empty)
                && raw.path.as_deref().is_none_or(str::is_empty)
            {
                return Err(err(
                    &opath,
                    line,
                    format!("rule `{}` has neither `regex` nor `path`", raw.id),
                ));
            }
            let mut allowlists = Vec::new();
            for a in raw.allowlist.into_iter().chain(raw.allowlists) {
                allowlists.push(allowlist(&opath, line, a)?);
            }
            rules.push(RuleSpec {
                meta,
                gitleaks_id: raw.id,
                regex: raw.regex.filter(|r| !r.is_empty()),
                secret_group: raw.secret_group.unwrap_or(0),
                entropy: raw.entropy.filter(|e| *e > 0.0),
                path: raw.path.filter(|r| !r.is_empty()),
                keywords: raw.keywords.unwrap_or_default(),
                tags: raw.tags.unwrap_or_default(),
                allowlists,
                window: raw.window.unwrap_or(if p.builtin { 1024 } else { 0 }),
                builtin: p.builtin,
                tp: raw.tp,
                fp: raw.fp,
                origin: (opath, line),
            });
        }
        Ok(SecretsConfig {
            rules,
            allowlists: r.allowlists,
        })
    }

    /// Metadata of every rule, for the catalogue and policy.
    pub fn metas(&self) -> Vec<&'static RuleMeta> {
        self.rules.iter().map(|r| r.meta).collect()
    }

    /// Adds the `secrets:` section of `palisade.yaml` on top of this
    /// configuration. A rule whose id (gitleaks id or Palisade id) is
    /// already defined is changed as gitleaks' `[extend]` changes a base
    /// rule: the fields given win, allowlists add up. Any other rule is
    /// added (it needs a `regex` or a `path`). Global allowlists are added.
    /// Errors name the settings' file and the rule's line; invalid regexes
    /// are reported the same way by [`crate::Scanner::new`].
    pub fn extend_with(&mut self, settings: &SecretsSettings) -> Result<(), ConfigError> {
        let path = settings.path.as_str();
        for rule in &settings.rules {
            let origin = (path.to_string(), rule.line);
            let allowlists = rule.allowlists.iter().map(|a| from_settings(a, path));
            let existing = self
                .rules
                .iter_mut()
                .find(|r| r.gitleaks_id == rule.id || r.meta.id.eq_ignore_ascii_case(&rule.id));
            match existing {
                Some(spec) => {
                    if rule.regex.is_some() || rule.path.is_some() || rule.secret_group.is_some() {
                        // Compile errors of what is given here name this file.
                        spec.origin = origin;
                    }
                    if let Some(r) = &rule.regex {
                        spec.regex = Some(r.clone()).filter(|r| !r.is_empty());
                        // A new regex is confirmed over the whole input, as
                        // gitleaks does, not in a built-in rule's window.
                        spec.window = 0;
                    }
                    if let Some(g) = rule.secret_group {
                        spec.secret_group = g;
                    }
                    if let Some(e) = rule.entropy {
                        spec.entropy = Some(e).filter(|e| *e > 0.0);
                    }
                    if let Some(p) = &rule.path {
                        spec.path = Some(p.clone()).filter(|p| !p.is_empty());
                    }
                    if let Some(k) = &rule.keywords {
                        spec.keywords = k.clone();
                    }
                    if let Some(t) = &rule.tags {
                        spec.tags = t.clone();
                    }
                    spec.allowlists.extend(allowlists);
                    if rule.description.is_some() || rule.severity.is_some() || rule.tags.is_some()
                    {
                        spec.meta = changed_meta(spec.meta, rule);
                    }
                    if spec.regex.is_none() && spec.path.is_none() {
                        return Err(err(
                            path,
                            rule.line,
                            format!("rule `{}` has neither `regex` nor `path`", rule.id),
                        ));
                    }
                }
                None => {
                    let regex = rule.regex.clone().filter(|r| !r.is_empty());
                    let rpath = rule.path.clone().filter(|p| !p.is_empty());
                    if regex.is_none() && rpath.is_none() {
                        return Err(err(
                            path,
                            rule.line,
                            format!(
                                "rule `{}` is not a known rule and has neither `regex` nor `path`",
                                rule.id
                            ),
                        ));
                    }
                    let tags = rule.tags.clone().unwrap_or_default();
                    let meta = user_meta(
                        &rule.id,
                        &rule.id,
                        rule.description.as_deref(),
                        rule.severity.unwrap_or(Severity::High),
                        &tags,
                        &origin,
                    );
                    self.rules.push(RuleSpec {
                        meta,
                        gitleaks_id: rule.id.clone(),
                        regex,
                        secret_group: rule.secret_group.unwrap_or(0),
                        entropy: rule.entropy.filter(|e| *e > 0.0),
                        path: rpath,
                        keywords: rule.keywords.clone().unwrap_or_default(),
                        tags,
                        allowlists: allowlists.collect(),
                        window: 0,
                        builtin: false,
                        tp: Vec::new(),
                        fp: Vec::new(),
                        origin,
                    });
                }
            }
        }
        self.allowlists
            .extend(settings.allowlists.iter().map(|a| from_settings(a, path)));
        Ok(())
    }
}

/// An allowlist from `palisade.yaml`, with its file and line.
fn from_settings(a: &SettingsAllowlist, path: &str) -> Allowlist {
    Allowlist {
        description: a.description.clone(),
        condition: a.condition,
        regex_target: a.regex_target,
        regexes: a.regexes.clone(),
        paths: a.paths.clone(),
        commits: a.commits.clone(),
        stopwords: a.stopwords.clone(),
        target_rules: a.target_rules.clone(),
        origin: (path.to_string(), a.line),
    }
}

/// Metadata of a rule defined by a user (gitleaks file or `palisade.yaml`).
fn user_meta(
    id: &str,
    name: &str,
    description: Option<&str>,
    severity: Severity,
    tags: &[String],
    origin: &(String, u32),
) -> &'static RuleMeta {
    let mut groups = vec!["secret".to_string()];
    groups.extend(tags.iter().cloned());
    let title = description
        .filter(|d| !d.trim().is_empty())
        .unwrap_or(name)
        .to_string();
    DynamicRule {
        id: id.to_string(),
        name: name.to_string(),
        title: title.clone(),
        severity,
        groups,
        doc: format!(
            "## What it does\n{title}.\n\nDefined in `{}` at line {}.",
            origin.0, origin.1
        ),
        remediation: "Revoke the credential and keep it in a secret store.".to_string(),
        urls: Vec::new(),
    }
    .leak()
}

/// A rule's metadata with the title, severity and tags `palisade.yaml`
/// gives it (same id and name, so selection and suppressions still apply).
fn changed_meta(old: &'static RuleMeta, rule: &SecretRule) -> &'static RuleMeta {
    let groups = match &rule.tags {
        Some(tags) => std::iter::once("secret".to_string())
            .chain(tags.iter().cloned())
            .collect(),
        None => old.groups.iter().map(|g| (*g).to_string()).collect(),
    };
    DynamicRule {
        id: old.id.to_string(),
        name: old.name.to_string(),
        title: rule
            .description
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| old.title.to_string()),
        severity: rule.severity.unwrap_or(old.severity),
        groups,
        doc: old.doc.to_string(),
        remediation: old.remediation.to_string(),
        urls: old.references.iter().map(|r| r.url()).collect(),
    }
    .leak()
}

/// The gitleaks configuration for a scan rooted at `root`: `.gitleaks.toml`
/// in `root` (or its directory when it is a file) or the nearest ancestor,
/// as gitleaks finds it at the repository root.
pub fn discover_gitleaks_config(root: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(root).ok()?;
    let mut dir = if abs.is_dir() {
        abs
    } else {
        abs.parent()?.to_path_buf()
    };
    loop {
        let candidate = dir.join(".gitleaks.toml");
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() || !dir.pop() {
            return None;
        }
    }
}
