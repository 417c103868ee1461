//! Secret scanning inside the one pipeline: the compiled scanner (built
//! once, shared read-only by every worker), `.gitleaks.toml` discovery,
//! baselines and `.gitleaksignore`, and git history and staged changes as
//! sources. Findings go through the same policy, suppressions and reports
//! as every other scanner's.

use crate::read::MAX_FILE_BYTES;
use palisade_core::secrets_config::SecretsSettings;
use palisade_core::suppress::FileSuppressions;
use palisade_core::{CommitInfo, Config, Finding, InputError, Location, Report, RuleMeta};
use palisade_secrets::git::{GitScan, scan_history, scan_staged};
use palisade_secrets::{
    Baseline, IgnoreList, Limits, Scanner, SecretFinding, SecretsConfig, Skipped,
};
use std::path::{Path, PathBuf};

/// Which scanners a scan runs.
#[derive(Default)]
pub struct Scanners {
    /// Kubernetes manifests and Dockerfiles.
    pub config: bool,
    /// Secrets, in every file read.
    pub secrets: Option<Secrets>,
    /// Gatekeeper policies, over every Kubernetes object read.
    pub policies: Option<crate::policies::Policies>,
}

impl Scanners {
    /// The configuration scanner alone (what `palisade scan` runs by default).
    pub fn config_only() -> Scanners {
        Scanners {
            config: true,
            ..Scanners::default()
        }
    }

    /// Every rule these scanners can report, for policy and the report.
    pub fn rules(&self) -> Vec<&'static RuleMeta> {
        let mut all = if self.config {
            crate::config_rules()
        } else {
            palisade_core::rules::ALL.to_vec()
        };
        if let Some(s) = &self.secrets {
            all.extend(s.rules.iter().copied());
        }
        if let Some(p) = &self.policies {
            all.extend(p.set.rules());
        }
        all
    }
}

/// How the secret scanner is set up for a scan.
#[derive(Debug, Clone, Default)]
pub struct SecretOptions {
    /// Where `.gitleaks.toml` and `.gitleaksignore` are looked for (the
    /// scanned directory or repository).
    pub root: PathBuf,
    /// A gitleaks configuration to use instead of the one found from `root`
    /// (or the built-in rules).
    pub gitleaks_config: Option<PathBuf>,
    /// Print secrets in full.
    pub reveal: bool,
    /// A baseline whose findings are hidden: Palisade's own, or a gitleaks
    /// JSON report.
    pub baseline: Option<PathBuf>,
    /// Rules and allowlists from `palisade.yaml`'s `secrets:` section,
    /// added on top of the gitleaks configuration.
    pub settings: SecretsSettings,
    /// Layers of base64 encoding decoded and scanned (0: none).
    pub decode_depth: u32,
}

/// The secret scanner, ready to run.
pub struct Secrets {
    scanner: Scanner,
    rules: Vec<&'static RuleMeta>,
    reveal: bool,
    baseline: Option<Baseline>,
    ignore: IgnoreList,
    /// The gitleaks configuration in use, if not the built-in rules.
    pub config_file: Option<PathBuf>,
}

impl Secrets {
    /// Reads the configuration (the file given, else `.gitleaks.toml` found
    /// from `root` up to the repository root, else the built-in rules),
    /// adds `palisade.yaml`'s rules and allowlists, compiles it, and reads
    /// the baseline and `.gitleaksignore`. Errors name the file and line.
    pub fn load(options: &SecretOptions) -> Result<Secrets, String> {
        let file = options
            .gitleaks_config
            .clone()
            .or_else(|| palisade_secrets::discover_gitleaks_config(&options.root));
        let mut config = match &file {
            Some(p) => SecretsConfig::from_file(p),
            None => SecretsConfig::builtin(),
        }
        .map_err(|e| e.to_string())?;
        config
            .extend_with(&options.settings)
            .map_err(|e| e.to_string())?;
        let scanner = Scanner::new(
            &config,
            Limits {
                max_bytes: MAX_FILE_BYTES,
                decode_depth: options.decode_depth,
                ..Limits::default()
            },
        )
        .map_err(|e| e.to_string())?;
        let baseline = match &options.baseline {
            Some(p) => Some(Baseline::load(p).map_err(|e| e.to_string())?),
            None => None,
        };
        let ignore_dir = match &file {
            Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            None if options.root.is_dir() => options.root.clone(),
            None => options
                .root
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        };
        Ok(Secrets {
            rules: config.metas(),
            scanner,
            reveal: options.reveal,
            baseline,
            ignore: IgnoreList::load_dir(&ignore_dir),
            config_file: file,
        })
    }

    /// Whether a finding is hidden by the baseline or `.gitleaksignore`.
    fn hidden(&self, f: &SecretFinding) -> bool {
        self.baseline.as_ref().is_some_and(|b| b.contains(f)) || self.ignore.contains(f)
    }

    fn finding(&self, f: &SecretFinding) -> Finding {
        let mut finding = Finding::new(
            f.rule,
            f.message(self.reveal),
            Location {
                path: f.path.clone(),
                line: f.line,
                column: f.column,
            },
        )
        .with_fingerprint(f.fingerprint.clone());
        if let Some(c) = &f.commit {
            finding = finding.with_commit(CommitInfo::clone(c));
        }
        finding.suppression = f.suppression.clone();
        finding
    }
}

/// What one file gave the secret scanner.
#[derive(Default)]
pub(crate) struct FileSecrets {
    pub findings: Vec<Finding>,
    pub raw: Vec<SecretFinding>,
    pub skipped: bool,
    pub suppressions: Option<FileSuppressions>,
}

/// Scans one file's bytes.
pub(crate) fn check_bytes(path: &str, bytes: &[u8], secrets: &Secrets) -> FileSecrets {
    let outcome = secrets.scanner.scan(path, bytes, None);
    let mut out = FileSecrets {
        skipped: matches!(
            outcome.skipped,
            Some(Skipped::Binary | Skipped::TooLarge(_))
        ),
        ..FileSecrets::default()
    };
    for f in outcome.findings {
        if secrets.hidden(&f) {
            out.raw.push(f);
            continue;
        }
        out.findings.push(secrets.finding(&f));
        out.raw.push(f);
    }
    if !out.findings.is_empty() {
        out.suppressions = Some(FileSuppressions::from_source(&String::from_utf8_lossy(
            bytes,
        )));
    }
    out
}

/// Runs the path-only rules on a file not read (over the size limit).
pub(crate) fn check_name(path: &str, secrets: &Secrets) -> FileSecrets {
    let mut out = FileSecrets::default();
    for f in secrets.scanner.scan_path(path, None) {
        if !secrets.hidden(&f) {
            out.findings.push(secrets.finding(&f));
        }
        out.raw.push(f);
    }
    out
}

/// Which part of a repository's history to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitMode {
    /// Every unique blob reachable from any ref; with `since`, only what
    /// commits after that revision introduced.
    History {
        /// `--since-commit`.
        since: Option<String>,
    },
    /// The changes staged for the next commit (pre-commit hooks).
    Staged,
}

/// A scan's report, and the baseline that would accept every secret found.
pub struct ScanResult {
    /// The report.
    pub report: Report,
    /// Every secret found (hidden or not), for `--write-baseline`.
    pub accepted: Baseline,
}

/// Scans a git repository's history or staged changes for secrets, through
/// the same policy as file scans.
pub fn scan_git(repo: &Path, mode: &GitMode, config: &Config, secrets: &Secrets) -> ScanResult {
    let result = match mode {
        GitMode::History { since } => scan_history(repo, &secrets.scanner, since.as_deref()),
        GitMode::Staged => scan_staged(repo, &secrets.scanner),
    };
    let mut report = Report::default();
    let display = repo.display().to_string();
    let mut raw = Vec::new();
    match result {
        Err(e) => report.errors.push(InputError {
            path: display,
            line: None,
            column: None,
            message: e.to_string(),
        }),
        Ok(GitScan {
            findings,
            commits,
            blobs,
            bytes,
            skipped,
            errors,
            unexplained,
        }) => {
            report.stats.files = blobs;
            report.stats.objects = commits;
            report.stats.bytes = bytes;
            report.stats.skipped = skipped;
            report
                .errors
                .extend(errors.into_iter().map(|message| InputError {
                    path: display.clone(),
                    line: None,
                    column: None,
                    message,
                }));
            for f in findings {
                if !secrets.hidden(&f) {
                    report.findings.push(secrets.finding(&f));
                }
                raw.push(f);
            }
            // PAL001 for reason-less suppression comments, as for files.
            report.findings.extend(unexplained);
        }
    }
    let scanners = Scanners::default();
    let mut rules = scanners.rules();
    rules.extend(secrets.rules.iter().copied());
    crate::policy::apply(
        &mut report,
        config,
        &std::collections::HashMap::new(),
        true,
        &rules,
    );
    ScanResult {
        report,
        accepted: Baseline::from_findings(&raw),
    }
}
