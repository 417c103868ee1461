//! The one evaluation engine behind every entry point.
//!
//! `palisade scan` (and, later, the admission webhook and policy tests) hand
//! it inputs and a [`Config`]; it returns a [`Report`]. The pipeline:
//!
//! 1. [`discover`]: files and directories become a list of candidate files
//!    (`.gitignore` honoured, `--exclude` globs applied, only formats a
//!    scanner reads).
//! 2. [`scan`]: every file is read (bounded) and checked in parallel by the
//!    scanner for its format, yielding findings, input errors, suppressions
//!    and the small facts the set rules need.
//! 3. The set rules run once over the merged facts.
//! 4. [`policy::apply`]: rule selection, severity overrides and
//!    suppressions are applied once, in one place, whatever produced the
//!    finding.
//!
//! The secret scanner ([`Scanners::secrets`], compiled once and shared by
//! every worker) reads every discovered file in the same parallel pass;
//! [`scan_git`] feeds it a repository's history or staged changes instead
//! of files, through the same policy.
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

mod discover;
mod policies;
mod policy;
mod read;
mod secrets;

pub use discover::{discover, discover_files};
pub use palisade_secrets::Baseline;
pub use policies::{Policies, issue_to_error};
pub use policy::severity_of;
pub use read::{Format, MAX_FILE_BYTES, Origin, Source};
pub use secrets::{GitMode, ScanResult, Scanners, SecretOptions, Secrets, scan_git};

use palisade_core::suppress::FileSuppressions;
use palisade_core::{Config, Finding, InputError, Report, RuleMeta, ScanStats};
use palisade_k8s::set::Facts;
use palisade_yaml::Limits;
use rayon::prelude::*;
use std::collections::HashMap;

/// The configuration scanner's rules (manifests, Dockerfiles) and
/// Palisade's own.
pub(crate) fn config_rules() -> Vec<&'static RuleMeta> {
    let mut all = palisade_k8s::rules();
    all.extend(palisade_docker::rules().iter().copied());
    all.extend(palisade_core::rules::ALL.iter().copied());
    all
}

/// Every rule Palisade knows, in catalogue order (built-in secret rules
/// included; rules from a user's gitleaks configuration are added to a
/// scan's report when they run).
pub fn catalogue() -> Vec<&'static RuleMeta> {
    let mut all = config_rules();
    all.extend(palisade_secrets::builtin_rules());
    all
}

/// The rule with this id or name.
pub fn find_rule(id_or_name: &str) -> Option<&'static RuleMeta> {
    catalogue()
        .into_iter()
        .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name.eq_ignore_ascii_case(id_or_name))
}

/// What one file produced.
#[derive(Default)]
struct FileOutcome {
    findings: Vec<Finding>,
    errors: Vec<InputError>,
    facts: Facts,
    suppressions: Option<(String, FileSuppressions)>,
    stats: ScanStats,
    /// Secrets found (hidden by a baseline or not), for `--write-baseline`.
    secrets: Vec<palisade_secrets::SecretFinding>,
    /// Objects kept for the policies.
    kept: Vec<palisade_k8s::check::KeptObject>,
}

/// Scans sources: each is checked in parallel, then the set rules run, then
/// configuration and suppressions are applied. `progress` is called with
/// the number of sources done so far.
pub fn scan(sources: Vec<Source>, config: &Config, progress: &(dyn Fn(usize) + Sync)) -> Report {
    scan_with(sources, config, &Scanners::config_only(), progress).report
}

/// [`scan`] with the scanners chosen: configuration, secrets, or both, in
/// one parallel pass over the files.
pub fn scan_with(
    sources: Vec<Source>,
    config: &Config,
    scanners: &Scanners,
    progress: &(dyn Fn(usize) + Sync),
) -> ScanResult {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let outcomes: Vec<FileOutcome> = sources
        .into_par_iter()
        .map(|source| {
            let mut outcome = check_source(source, config, scanners);
            // Sorting each file here, in parallel, leaves the final sort
            // (files arrive in path order) presorted runs to merge.
            outcome.findings.sort_by(Finding::report_order);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            progress(n.saturating_add(1));
            outcome
        })
        .collect();
    let mut report = Report::default();
    let mut facts = Facts::default();
    let mut suppressions = HashMap::new();
    let mut secrets = Vec::new();
    let mut kept = Vec::new();
    for o in outcomes {
        secrets.extend(o.secrets);
        kept.extend(o.kept);
        report.findings.extend(o.findings);
        report.errors.extend(o.errors);
        facts.merge(o.facts);
        if let Some((path, s)) = o.suppressions {
            suppressions.insert(path, s);
        }
        let s = &mut report.stats;
        s.files += o.stats.files;
        s.bytes += o.stats.bytes;
        s.documents += o.stats.documents;
        s.objects += o.stats.objects;
        s.skipped += o.stats.skipped;
    }
    if scanners.config {
        report.findings.extend(palisade_k8s::set::check_set(&facts));
    }
    if let Some(p) = &scanners.policies {
        report.errors.extend(p.issues.iter().cloned());
        let (findings, errors) = policies::judge(kept, p);
        report.findings.extend(findings);
        report.errors.extend(errors);
    }
    policy::apply(&mut report, config, &suppressions, true, &scanners.rules());
    ScanResult {
        report,
        accepted: palisade_secrets::Baseline::from_findings(&secrets),
    }
}

/// Evaluates one object held in memory (the admission webhook's and
/// `palisade admit`'s input) exactly as [`scan`] evaluates a file holding
/// it: the same parser, checks, selection and severities. Two differences,
/// both because the input is one object arriving at the cluster's door:
///
/// - The set rules do not run: they judge a whole set of manifests (is
///   there a NetworkPolicy in this namespace? does this service account
///   disable token mounting?), and one object is not the set. A pod that
///   itself asks for a token is still reported.
/// - The object's own suppressions (annotations, comments) are honoured
///   only when `honour_suppressions` is set: a workload must not be able to
///   exempt itself from admission.
///
/// The report's `rules` list is left empty: a per-request caller does not
/// need the catalogue's documentation.
pub fn evaluate(source: Source, config: &Config, honour_suppressions: bool) -> Report {
    let outcome = check_source(source, config, &Scanners::config_only());
    let mut report = Report {
        findings: outcome.findings,
        errors: outcome.errors,
        stats: outcome.stats,
        ..Report::default()
    };
    report.findings.extend(
        outcome
            .facts
            .automount
            .into_iter()
            .filter(|p| p.service_account.is_none())
            .map(|p| p.finding),
    );
    let mut suppressions = HashMap::new();
    if honour_suppressions && let Some((path, s)) = outcome.suppressions {
        suppressions.insert(path, s);
    }
    policy::apply(&mut report, config, &suppressions, false, &config_rules());
    report
}

/// Checks one source: the secret scanner on its bytes, when it runs; the
/// configuration scanner for its format, when it runs and reads it.
fn check_source(mut source: Source, config: &Config, scanners: &Scanners) -> FileOutcome {
    let mut out = FileOutcome::default();
    // A file found only for the secret scanner that is over the size limit
    // is passed over and counted, like a binary one, not an input error.
    if source.format == read::Format::Other
        && let (Origin::File(p), Some(secrets)) = (&source.origin, &scanners.secrets)
        && std::fs::metadata(p).is_ok_and(|m| m.len() > MAX_FILE_BYTES as u64)
    {
        let found = secrets::check_name(&source.display, secrets);
        out.findings = found.findings;
        out.secrets = found.raw;
        out.stats.skipped = 1;
        return out;
    }
    let bytes = match source.read_bytes() {
        Ok(b) => b,
        Err(e) => {
            out.errors.push(e);
            return out;
        }
    };
    let config_reads = scanners.config && source.format != read::Format::Other;
    let mut secret_suppressions = None;
    if let Some(secrets) = &scanners.secrets {
        let found = secrets::check_bytes(&source.display, &bytes, secrets);
        out.findings = found.findings;
        out.secrets = found.raw;
        secret_suppressions = found.suppressions;
        if !config_reads {
            if found.skipped {
                out.stats.skipped = 1;
            } else {
                out.stats.files = 1;
                out.stats.bytes = bytes.len() as u64;
            }
            out.suppressions = secret_suppressions.map(|s| (source.display, s));
            return out;
        }
    }
    if !config_reads {
        return out;
    }
    let display = source.display.clone();
    let keep = scanners.policies.is_some();
    let mut out = check_config(source, bytes, config, keep, out);
    if out.suppressions.is_none()
        && let Some(s) = secret_suppressions
    {
        out.suppressions = Some((display, s));
    }
    out
}

/// The configuration scanner on one source's bytes; `out` may already hold
/// the secret scanner's findings.
fn check_config(
    source: Source,
    bytes: Vec<u8>,
    config: &Config,
    keep: bool,
    mut out: FileOutcome,
) -> FileOutcome {
    let text = match source.text(bytes) {
        Ok(read::Content::Text(t)) => t,
        Ok(read::Content::Skipped) => {
            out.stats.skipped = 1;
            return out;
        }
        Err(e) => {
            out.errors.push(e);
            return out;
        }
    };
    let path = source.display;
    let is_dockerfile = source.format == read::Format::Dockerfile
        || (source.format == read::Format::Sniff && palisade_docker::looks_like_dockerfile(&text));
    if is_dockerfile {
        let result = palisade_docker::check(&path, &text, config);
        out.findings.extend(result.findings);
        out.errors.extend(result.errors);
        out.stats.objects = 1;
        out.suppressions = Some((path, FileSuppressions::from_source(&text)));
    } else {
        let limits = Limits {
            max_bytes: MAX_FILE_BYTES,
            ..Limits::default()
        };
        let mut result = palisade_k8s::check::check_file_keeping(
            &path,
            &text,
            config,
            source.explicit,
            &limits,
            keep,
        );
        if result.skipped.is_some() {
            out.stats.skipped = 1;
            return out;
        }
        out.findings.extend(result.findings);
        out.errors.extend(result.errors);
        out.facts = result.facts;
        out.stats.documents = result.documents;
        out.stats.objects = result.objects;
        out.kept = std::mem::take(&mut result.kept);
        out.suppressions = Some((path, result.suppressions));
    }
    out.stats.files = 1;
    out.stats.bytes = text.len() as u64;
    out
}

/// Sets the number of worker threads (once, before the first scan).
pub fn set_threads(n: usize) -> Result<(), String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| e.to_string())
}
