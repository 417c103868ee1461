//! The compiled scanner: every rule's regex, one keyword automaton, the
//! allowlists. Built once, shared read-only by every thread.

use crate::config::{Allowlist, Condition, ConfigError, RegexTarget, SecretsConfig};
use crate::secret::{Secret, shannon_entropy};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use palisade_core::RuleMeta;
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

/// Size limit for one compiled regex (gitleaks patterns can be large).
const REGEX_SIZE_LIMIT: usize = 64 * 1024 * 1024;
/// Bytes at the start of an input looked at for NUL (binary detection).
const BINARY_SNIFF: usize = 8192;
/// Secrets of at most this many bytes are checked against placeholder
/// words (longer ones are keys and certificates, where a word such as
/// `todo` can occur by chance in base64).
const PLACEHOLDER_MAX: usize = 100;

/// Shortest run of base64 characters decoded (12 bytes once decoded).
const MIN_BASE64: usize = 16;

/// Input limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Inputs larger than this are not scanned (path-only rules still run).
    pub max_bytes: usize,
    /// How many layers of base64 encoding are decoded and scanned (0: none,
    /// the default; 2 finds a secret base64-encoded twice).
    pub decode_depth: u32,
    /// At most this many decoded bytes per input, all layers together;
    /// runs past the budget are not decoded.
    pub max_decoded_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 32 * 1024 * 1024,
            decode_depth: 0,
            max_decoded_bytes: 8 * 1024 * 1024,
        }
    }
}

/// The commit a finding from history was introduced in (the one type
/// every finding carries; see [`palisade_core::Finding::commit`]).
pub use palisade_core::CommitInfo;

/// One secret found.
#[derive(Debug, Clone)]
pub struct SecretFinding {
    /// The rule that found it.
    pub rule: &'static RuleMeta,
    /// The file (path inside the repository for history findings).
    pub path: String,
    /// Line of the secret's first byte, from 1.
    pub line: u32,
    /// Column of the secret's first byte, from 1 (in bytes).
    pub column: u32,
    /// Line of the secret's last byte.
    pub end_line: u32,
    /// The secret (redacted whenever displayed).
    pub secret: Secret,
    /// Content fingerprint: the rule and the secret, not where it is (see
    /// [`fingerprint`]).
    pub fingerprint: String,
    /// The commit that introduced it, for history findings.
    pub commit: Option<Arc<CommitInfo>>,
    /// A `palisade:ignore` comment covering it, for findings in git blobs
    /// (findings in files get theirs from the engine).
    pub suppression: Option<palisade_core::Suppression>,
    /// Found inside base64-encoded data (see [`Limits::decode_depth`]); the
    /// position is the encoded run's.
    pub decoded: bool,
}

impl SecretFinding {
    /// The finding's message: the rule title, the secret (redacted unless
    /// `reveal`), and the commit for history findings.
    pub fn message(&self, reveal: bool) -> String {
        let shown = if reveal {
            self.secret.expose().to_string()
        } else {
            self.secret.redacted()
        };
        let mut m = format!("{}: `{shown}`", self.rule.title);
        if self.decoded {
            m.push_str(" (in base64-encoded data)");
        }
        if let Some(c) = &self.commit {
            let short = c.id.get(..12).unwrap_or(&c.id);
            m.push_str(&format!(
                " (introduced in commit {short} by {} <{}> on {})",
                c.author, c.email, c.date
            ));
        }
        m
    }

    /// gitleaks' fingerprint of this finding (`commit:path:rule:line`, or
    /// `path:rule:line` outside history), as `.gitleaksignore` lists them.
    pub fn gitleaks_fingerprint(&self) -> String {
        match &self.commit {
            Some(c) => format!("{}:{}:{}:{}", c.id, self.path, self.rule.name, self.line),
            None => format!("{}:{}:{}", self.path, self.rule.name, self.line),
        }
    }
}

/// The content fingerprint of a secret found by a rule: SHA-256 of the
/// rule id and the secret, hex, 32 characters. Independent of file, line
/// and commit, so a baseline survives rebases, squashes and moved lines,
/// while a different secret on the same line gets a new fingerprint.
pub fn fingerprint(rule_id: &str, secret: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0u8]);
    h.update(secret);
    let digest = h.finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Why an input was not scanned for content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// NUL bytes near the start: a binary file.
    Binary,
    /// Over [`Limits::max_bytes`]; the size in bytes.
    TooLarge(u64),
}

/// What scanning one input produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings, in input order.
    pub findings: Vec<SecretFinding>,
    /// Set when the content was not scanned (path-only rules still ran).
    pub skipped: Option<Skipped>,
}

/// Compiles a pattern the way gitleaks (Go RE2) means it: over bytes, with
/// ASCII `\w \s \d \b`. Patterns that need Unicode classes (`\p{L}`) are
/// compiled with Unicode on.
pub fn compile_regex(pattern: &str) -> Result<Regex, regex::Error> {
    let ascii = RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build();
    match ascii {
        Ok(r) => Ok(r),
        Err(first) => RegexBuilder::new(pattern)
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|_| first),
    }
}

fn compile_set(patterns: &[String]) -> Result<Option<RegexSet>, regex::Error> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let ascii = RegexSetBuilder::new(patterns)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build();
    match ascii {
        Ok(s) => Ok(Some(s)),
        Err(first) => RegexSetBuilder::new(patterns)
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map(Some)
            .map_err(|_| first),
    }
}

#[derive(Debug)]
struct CompiledAllowlist {
    condition: Condition,
    target: RegexTarget,
    regexes: Option<RegexSet>,
    paths: Option<RegexSet>,
    commits: Vec<String>,
    stopwords: Vec<Vec<u8>>,
    target_rules: Vec<String>,
}

/// What an allowlist looks at for one candidate.
struct Candidate<'a> {
    path: &'a str,
    commit: Option<&'a str>,
    secret: &'a [u8],
    whole: &'a [u8],
    line: &'a [u8],
}

impl CompiledAllowlist {
    fn new(a: &Allowlist) -> Result<CompiledAllowlist, ConfigError> {
        let bad = |what: &str, e: regex::Error| ConfigError {
            path: a.origin.0.clone(),
            line: a.origin.1,
            message: format!("invalid allowlist {what} regex: {e}"),
        };
        Ok(CompiledAllowlist {
            condition: a.condition,
            target: a.regex_target,
            regexes: compile_set(&a.regexes).map_err(|e| bad("", e))?,
            paths: compile_set(&a.paths).map_err(|e| bad("path", e))?,
            commits: a
                .commits
                .iter()
                .map(|c| c.trim().to_ascii_lowercase())
                .collect(),
            stopwords: a
                .stopwords
                .iter()
                .filter(|w| !w.is_empty())
                .map(|w| w.to_ascii_lowercase().into_bytes())
                .collect(),
            target_rules: a.target_rules.clone(),
        })
    }

    fn applies_to(&self, rule: &CompiledRule) -> bool {
        self.target_rules.is_empty()
            || self
                .target_rules
                .iter()
                .any(|t| *t == rule.gitleaks_id || t.eq_ignore_ascii_case(rule.meta.id))
    }

    fn allows(&self, c: &Candidate<'_>) -> bool {
        let commit = (!self.commits.is_empty()).then(|| {
            c.commit.is_some_and(|id| {
                self.commits
                    .iter()
                    .any(|a| a.len() >= 7 && id.len() >= a.len() && id.starts_with(a.as_str()))
            })
        });
        let path = self.paths.as_ref().map(|p| p.is_match(c.path.as_bytes()));
        let regex = self.regexes.as_ref().map(|r| {
            r.is_match(match self.target {
                RegexTarget::Secret => c.secret,
                RegexTarget::Match => c.whole,
                RegexTarget::Line => c.line,
            })
        });
        let stop = (!self.stopwords.is_empty()).then(|| {
            let lower = c.secret.to_ascii_lowercase();
            self.stopwords
                .iter()
                .any(|w| memchr::memmem::find(&lower, w).is_some())
        });
        let checks = [commit, path, regex, stop];
        match self.condition {
            Condition::Or => checks.contains(&Some(true)),
            Condition::And => {
                checks.iter().any(Option::is_some) && checks.iter().all(|c| *c != Some(false))
            }
        }
    }
}

#[derive(Debug)]
struct CompiledRule {
    meta: &'static RuleMeta,
    gitleaks_id: String,
    regex: Option<Regex>,
    secret_group: usize,
    entropy: Option<f64>,
    path: Option<Regex>,
    allowlists: Vec<CompiledAllowlist>,
    window: usize,
    builtin: bool,
    generic: bool,
}

/// The compiled rule set. Build once ([`Scanner::new`]), then call
/// [`Scanner::scan`] from any number of threads.
#[derive(Debug)]
pub struct Scanner {
    rules: Vec<CompiledRule>,
    global: Vec<CompiledAllowlist>,
    prefilter: Option<AhoCorasick>,
    /// For each prefilter pattern, the rules that have it as a keyword.
    keyword_rules: Vec<Vec<usize>>,
    /// Regex rules without keywords: run over every input.
    unkeyed: Vec<usize>,
    limits: Limits,
}

impl Scanner {
    /// Compiles a configuration. Invalid regexes are reported with the file
    /// and line of the rule that holds them.
    pub fn new(config: &SecretsConfig, limits: Limits) -> Result<Scanner, ConfigError> {
        let mut rules = Vec::with_capacity(config.rules.len());
        for spec in &config.rules {
            let bad = |what: &str, e: regex::Error| ConfigError {
                path: spec.origin.0.clone(),
                line: spec.origin.1,
                message: format!("rule `{}`: invalid {what}: {e}", spec.gitleaks_id),
            };
            let regex = match &spec.regex {
                Some(p) => Some(compile_regex(p).map_err(|e| bad("regex", e))?),
                None => None,
            };
            if let Some(r) = &regex
                && spec.secret_group >= r.captures_len()
                && spec.secret_group > 0
            {
                return Err(ConfigError {
                    path: spec.origin.0.clone(),
                    line: spec.origin.1,
                    message: format!(
                        "rule `{}`: secretGroup {} but the regex has {} group(s)",
                        spec.gitleaks_id,
                        spec.secret_group,
                        r.captures_len().saturating_sub(1)
                    ),
                });
            }
            let path = match &spec.path {
                Some(p) => Some(compile_regex(p).map_err(|e| bad("path regex", e))?),
                None => None,
            };
            let allowlists = spec
                .allowlists
                .iter()
                .map(CompiledAllowlist::new)
                .collect::<Result<Vec<_>, _>>()?;
            rules.push(CompiledRule {
                meta: spec.meta,
                gitleaks_id: spec.gitleaks_id.clone(),
                regex,
                secret_group: spec.secret_group,
                entropy: spec.entropy,
                path,
                allowlists,
                window: spec.window,
                builtin: spec.builtin,
                generic: spec.gitleaks_id.starts_with("generic"),
            });
        }
        let global = config
            .allowlists
            .iter()
            .map(CompiledAllowlist::new)
            .collect::<Result<Vec<_>, _>>()?;

        let mut index: HashMap<String, usize> = HashMap::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut unkeyed = Vec::new();
        for (i, spec) in config.rules.iter().enumerate() {
            if spec.regex.is_none() {
                continue;
            }
            let kws: Vec<String> = spec
                .keywords
                .iter()
                .map(|k| k.trim().to_ascii_lowercase())
                .filter(|k| !k.is_empty())
                .collect();
            if kws.is_empty() {
                unkeyed.push(i);
            }
            for k in kws {
                let next = index.len();
                let p = *index.entry(k).or_insert(next);
                if p == keyword_rules.len() {
                    keyword_rules.push(Vec::new());
                }
                if let Some(v) = keyword_rules.get_mut(p)
                    && !v.contains(&i)
                {
                    v.push(i);
                }
            }
        }
        let mut patterns: Vec<(String, usize)> = index.into_iter().collect();
        patterns.sort_by_key(|(_, i)| *i);
        let prefilter = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    // A full DFA: a few hundred keywords fit easily, and
                    // overlapping search is a table lookup per byte.
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(patterns.iter().map(|(k, _)| k.as_bytes()))
                    .map_err(|e| ConfigError {
                        path: "keywords".to_string(),
                        line: 1,
                        message: format!("cannot build the keyword automaton: {e}"),
                    })?,
            )
        };
        Ok(Scanner {
            rules,
            global,
            prefilter,
            keyword_rules,
            unkeyed,
            limits,
        })
    }

    /// Number of rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Scans one input. `path` is matched by path rules and allowlists and
    /// named in findings; `commit` is set for inputs read from history.
    pub fn scan(&self, path: &str, data: &[u8], commit: Option<&Arc<CommitInfo>>) -> Outcome {
        let mut out = Outcome {
            findings: self.scan_path(path, commit),
            skipped: None,
        };
        if data.len() > self.limits.max_bytes {
            out.skipped = Some(Skipped::TooLarge(data.len() as u64));
            return out;
        }
        let head = data.get(..data.len().min(BINARY_SNIFF)).unwrap_or(data);
        if memchr::memchr(0, head).is_some() {
            out.skipped = Some(Skipped::Binary);
            return out;
        }
        let mut budget = self.limits.max_decoded_bytes;
        out.findings.extend(self.scan_content(
            path,
            data,
            commit,
            self.limits.decode_depth,
            &mut budget,
        ));
        out.findings
            .sort_by(|a, b| (a.line, a.column, a.rule.id).cmp(&(b.line, b.column, b.rule.id)));
        out
    }

    /// The rules over one text (a file's content, or data decoded from
    /// it), then, `depth` layers deep, over the base64 runs it holds.
    fn scan_content(
        &self,
        path: &str,
        data: &[u8],
        commit: Option<&Arc<CommitInfo>>,
        depth: u32,
        budget: &mut usize,
    ) -> Vec<SecretFinding> {
        let mut out = Vec::new();
        let windows = self.windows(data);
        let mut lines = LineIndex::new(data);
        let mut raw: Vec<(usize, usize, usize, bool)> = Vec::new(); // rule, start, end, generic
        let mut found: Vec<SecretFinding> = Vec::new();
        for (ri, spans) in windows {
            let Some(rule) = self.rules.get(ri) else {
                continue;
            };
            if let Some(p) = &rule.path
                && !p.is_match(path.as_bytes())
            {
                continue;
            }
            let Some(regex) = &rule.regex else {
                continue;
            };
            for (ws, we) in spans {
                let Some(hay) = data.get(ws..we) else {
                    continue;
                };
                for caps in regex.captures_iter(hay) {
                    let Some(whole) = caps.get(0) else {
                        continue;
                    };
                    let m = if rule.secret_group > 0 {
                        caps.get(rule.secret_group)
                    } else {
                        caps.iter()
                            .skip(1)
                            .flatten()
                            .find(|m| !m.is_empty())
                            .or(Some(whole))
                    };
                    let Some(m) = m else {
                        continue;
                    };
                    let secret = m.as_bytes();
                    if secret.is_empty() {
                        continue;
                    }
                    let (s, e) = (ws.saturating_add(m.start()), ws.saturating_add(m.end()));
                    let (whole_s, whole_e) = (
                        ws.saturating_add(whole.start()),
                        ws.saturating_add(whole.end()),
                    );
                    // The lines of the match (its last byte: a trailing
                    // newline it consumed does not pull in the next line).
                    let last = whole_e.saturating_sub(1).max(whole_s);
                    let line_bytes = data
                        .get(line_start(data, whole_s)..line_end(data, last))
                        .unwrap_or(b"");
                    if memchr::memmem::find(line_bytes, b"gitleaks:allow").is_some() {
                        continue;
                    }
                    if let Some(min) = rule.entropy {
                        if shannon_entropy(secret) <= min {
                            continue;
                        }
                        if rule.generic && !secret.iter().any(u8::is_ascii_digit) {
                            continue;
                        }
                    }
                    if rule.builtin && looks_like_placeholder(secret) {
                        continue;
                    }
                    let cand = Candidate {
                        path,
                        commit: commit.map(|c| c.id.as_str()),
                        secret,
                        whole: whole.as_bytes(),
                        line: line_bytes,
                    };
                    if self.allowed(rule, &cand) {
                        continue;
                    }
                    let (line, column) = lines.position(s);
                    let (end_line, _) = lines.position(e.saturating_sub(1).max(s));
                    raw.push((ri, s, e, rule.generic));
                    found.push(SecretFinding {
                        rule: rule.meta,
                        path: path.to_string(),
                        line,
                        column,
                        end_line,
                        secret: Secret::new(String::from_utf8_lossy(secret)),
                        fingerprint: fingerprint(rule.meta.id, secret),
                        commit: commit.cloned(),
                        suppression: None,
                        decoded: false,
                    });
                }
            }
        }
        // A generic rule stays quiet where a specific rule found the secret.
        let specific: Vec<(usize, usize)> =
            raw.iter().filter(|r| !r.3).map(|r| (r.1, r.2)).collect();
        for (f, r) in found.into_iter().zip(raw.iter()) {
            if r.3 && specific.iter().any(|(s, e)| *s < r.2 && r.1 < *e) {
                continue;
            }
            out.push(f);
        }
        if depth > 0 {
            out.extend(self.scan_decoded(path, data, commit, depth, budget));
        }
        out
    }

    /// Decodes the base64 runs of `data` that hold text and scans them
    /// (`depth` layers, within the byte `budget`). Findings point at the
    /// encoded run. A `gitleaks:allow` on the run's line covers what it
    /// holds.
    fn scan_decoded(
        &self,
        path: &str,
        data: &[u8],
        commit: Option<&Arc<CommitInfo>>,
        depth: u32,
        budget: &mut usize,
    ) -> Vec<SecretFinding> {
        let mut out = Vec::new();
        let mut lines = LineIndex::new(data);
        for (s, e) in base64_runs(data) {
            let Some(run) = data.get(s..e) else {
                continue;
            };
            let most = run.len() / 4 * 3 + 2;
            if most > *budget {
                break;
            }
            let Some(decoded) = decode_base64(run) else {
                continue;
            };
            *budget = budget.saturating_sub(decoded.len());
            if !looks_like_text(&decoded) {
                continue;
            }
            let line_bytes = data
                .get(line_start(data, s)..line_end(data, e.saturating_sub(1)))
                .unwrap_or(b"");
            if memchr::memmem::find(line_bytes, b"gitleaks:allow").is_some() {
                continue;
            }
            let inner = self.scan_content(path, &decoded, commit, depth.saturating_sub(1), budget);
            if inner.is_empty() {
                continue;
            }
            let (line, column) = lines.position(s);
            let (end_line, _) = lines.position(e.saturating_sub(1).max(s));
            for mut f in inner {
                f.line = line;
                f.column = column;
                f.end_line = end_line;
                f.decoded = true;
                out.push(f);
            }
        }
        out
    }

    /// Runs the path-only rules (key store files and the like) on a name.
    pub fn scan_path(&self, path: &str, commit: Option<&Arc<CommitInfo>>) -> Vec<SecretFinding> {
        let mut findings = Vec::new();
        for rule in &self.rules {
            if rule.regex.is_none()
                && let Some(p) = &rule.path
                && p.is_match(path.as_bytes())
            {
                let cand = Candidate {
                    path,
                    commit: commit.map(|c| c.id.as_str()),
                    secret: b"",
                    whole: b"",
                    line: b"",
                };
                if !self.allowed(rule, &cand) {
                    findings.push(SecretFinding {
                        rule: rule.meta,
                        path: path.to_string(),
                        line: 1,
                        column: 1,
                        end_line: 1,
                        secret: Secret::new(""),
                        fingerprint: fingerprint(rule.meta.id, path.as_bytes()),
                        commit: commit.cloned(),
                        suppression: None,
                        decoded: false,
                    });
                }
            }
        }
        findings
    }

    fn allowed(&self, rule: &CompiledRule, cand: &Candidate<'_>) -> bool {
        rule.allowlists.iter().any(|a| a.allows(cand))
            || self
                .global
                .iter()
                .any(|a| a.applies_to(rule) && a.allows(cand))
    }

    /// For each rule that may match, the byte ranges where its regex must
    /// be confirmed: around its keywords' hits, merged; the whole input for
    /// rules without keywords or with a window of 0.
    fn windows(&self, data: &[u8]) -> Vec<(usize, Vec<(usize, usize)>)> {
        let len = data.len();
        let mut per_rule: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
        for &ri in &self.unkeyed {
            per_rule.insert(ri, vec![(0, len)]);
        }
        if let Some(ac) = &self.prefilter {
            for m in ac.find_overlapping_iter(data) {
                let Some(rules) = self.keyword_rules.get(m.pattern().as_usize()) else {
                    continue;
                };
                for &ri in rules {
                    let Some(rule) = self.rules.get(ri) else {
                        continue;
                    };
                    let spans = per_rule.entry(ri).or_default();
                    if let Some(last) = spans.last()
                        && (rule.window == 0
                            || (last.0 <= m.start().saturating_sub(rule.window)
                                && m.end().saturating_add(rule.window) <= last.1))
                    {
                        continue;
                    }
                    let (s, e) = if rule.window == 0 {
                        (0, len)
                    } else {
                        (
                            line_start(data, m.start().saturating_sub(rule.window)),
                            line_end(data, m.end().saturating_add(rule.window).min(len)),
                        )
                    };
                    match spans.last_mut() {
                        Some(last) if s <= last.1 => last.1 = last.1.max(e),
                        _ => spans.push((s, e)),
                    }
                }
            }
        }
        let mut v: Vec<(usize, Vec<(usize, usize)>)> = per_rule.into_iter().collect();
        v.sort_by_key(|(ri, _)| *ri);
        v
    }
}

/// The value of a base64 character (standard or URL-safe alphabet).
fn base64_value(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Byte ranges of runs of at least [`MIN_BASE64`] base64 characters (with
/// their `=` padding), that hold at least one digit or both cases (so
/// that plain words and identifiers are not decoded).
fn base64_runs(data: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let start = i;
        let (mut digit, mut lower, mut upper) = (false, false, false);
        while let Some(&b) = data.get(i) {
            if base64_value(b).is_none() {
                break;
            }
            digit |= b.is_ascii_digit();
            lower |= b.is_ascii_lowercase();
            upper |= b.is_ascii_uppercase();
            i += 1;
        }
        let mut end = i;
        while end.saturating_sub(i) < 2 && data.get(end) == Some(&b'=') {
            end += 1;
        }
        if i.saturating_sub(start) >= MIN_BASE64 && (digit || (lower && upper)) {
            runs.push((start, end));
        }
        i = end.max(start.saturating_add(1));
    }
    runs
}

/// Decodes a run of base64 (either alphabet, padding optional); `None`
/// when it cannot be base64.
fn decode_base64(run: &[u8]) -> Option<Vec<u8>> {
    let body = run
        .iter()
        .position(|&b| b == b'=')
        .and_then(|p| run.get(..p))
        .unwrap_or(run);
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &b in body {
        acc = (acc << 6) | u32::from(base64_value(b)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap_or(0));
        }
    }
    Some(out)
}

/// Decoded bytes worth scanning: UTF-8 text without control characters
/// other than tab and line breaks.
fn looks_like_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|t| {
        t.chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
    })
}

/// Start of the line holding byte `at`.
fn line_start(data: &[u8], at: usize) -> usize {
    let at = at.min(data.len());
    data.get(..at)
        .and_then(|d| memchr::memrchr(b'\n', d))
        .map_or(0, |p| p.saturating_add(1))
}

/// End (past the newline) of the line holding byte `at`.
fn line_end(data: &[u8], at: usize) -> usize {
    let at = at.min(data.len());
    data.get(at..)
        .and_then(|d| memchr::memchr(b'\n', d))
        .map_or(data.len(), |p| at.saturating_add(p).saturating_add(1))
}

/// Offsets of line starts, built on the first finding only.
struct LineIndex<'a> {
    data: &'a [u8],
    starts: Option<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    fn new(data: &'a [u8]) -> LineIndex<'a> {
        LineIndex { data, starts: None }
    }

    fn position(&mut self, at: usize) -> (u32, u32) {
        let data = self.data;
        let starts = self.starts.get_or_insert_with(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', data).map(|p| p.saturating_add(1)))
                .collect()
        });
        let idx = starts.partition_point(|&s| s <= at).saturating_sub(1);
        let start = starts.get(idx).copied().unwrap_or(0);
        let line = u32::try_from(idx.saturating_add(1)).unwrap_or(u32::MAX);
        let col = u32::try_from(at.saturating_sub(start).saturating_add(1)).unwrap_or(u32::MAX);
        (line, col)
    }
}

/// Values that are not credentials: placeholders, templates, variable
/// references, runs of one character, well-known example values.
pub fn looks_like_placeholder(secret: &[u8]) -> bool {
    let s = String::from_utf8_lossy(secret);
    let t = s.trim().trim_matches(['"', '\'']);
    if t.contains("${") || t.contains("{{") || t.contains("$(") || t.contains("#{") {
        return true;
    }
    if is_variable_reference(t) {
        return true;
    }
    if t.len() > PLACEHOLDER_MAX {
        return false;
    }
    let wrapped = |open: &str, close: &str| t.starts_with(open) && t.ends_with(close);
    if wrapped("<", ">") || wrapped("%", "%") || wrapped("[", "]") {
        return true;
    }
    let mut distinct: Vec<u8> = t.bytes().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if t.len() >= 6 && distinct.len() <= 3 {
        return true;
    }
    let lower = t.to_ascii_lowercase();
    const MARKERS: &[&str] = &[
        "changeme",
        "change_me",
        "change-me",
        "placeholder",
        "dummy",
        "example",
        "redacted",
        "replace_me",
        "replaceme",
        "your_",
        "your-",
        "yourpassword",
        "yoursecret",
        "yourtoken",
        "xxxx",
        "****",
        "sample",
        "fake",
        "foobar",
        "secret123",
        "password123",
        "1234567890",
        "0123456789",
        "abcdefgh",
    ];
    MARKERS.iter().any(|w| lower.contains(w))
}

/// `$NAME`, `%NAME%`-free shell and CI references: a `$` followed by an
/// identifier of three or more characters, or by `{` or `(`.
fn is_variable_reference(t: &str) -> bool {
    let b = t.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        if c != b'$' {
            return false;
        }
        let rest = b.get(i.saturating_add(1)..).unwrap_or(&[]);
        match rest.first() {
            Some(b'{') | Some(b'(') => true,
            _ => {
                let n = rest
                    .iter()
                    .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || **c == b'_')
                    .count();
                n >= 3
                    && (i == 0
                        || n == rest.len()
                        || rest.get(n).is_some_and(|c| !c.is_ascii_alphanumeric()))
            }
        }
    })
}
