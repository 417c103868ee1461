//! `palisade`: argument parsing and wiring. Everything else lives in the
//! library crates; this file only turns flags into a [`Config`] and sources,
//! calls the engine, renders the report and picks the exit code.
//!
//! Exit codes: 0 nothing unsuppressed at or above `--fail-on`; 1 findings at
//! or above it; 2 usage errors or inputs that could not be read.

mod admit_cmd;
mod args;
mod db_cmd;
mod install_cmd;
mod policy_cmd;
mod rules_cmd;
mod sbom_cmd;
mod serve_cmd;
mod watch_cmd;

use args::{Cli, ColorChoice, Command, ScanArgs};
use clap::Parser;
use palisade_core::config::FILE_NAME;
use palisade_core::{Config, Severity};
use palisade_engine::Source;
use palisade_report::{Format, RenderOptions};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan(args),
        Command::Rules(args) => rules_cmd::run(args),
        Command::Serve(args) => serve_cmd::run(args),
        Command::Admit(args) => admit_cmd::run(args),
        Command::Install(args) => install_cmd::run(args),
        Command::Watch(args) => watch_cmd::run(args),
        Command::Policy(args) => policy_cmd::run(args),
        Command::Db(args) => db_cmd::run(args),
        Command::Sbom(args) => sbom_cmd::run(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "palisade: {message}");
            ExitCode::from(2)
        }
    }
}

/// A usage or configuration problem: printed, exit code 2.
type CliResult = Result<ExitCode, String>;

fn scan(args: ScanArgs) -> CliResult {
    if let Some(threads) = args.threads {
        palisade_engine::set_threads(threads)
            .map_err(|e| format!("cannot set --threads {threads}: {e}"))?;
    }
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let config = load_config(&args, &paths)?;
    let root = paths
        .iter()
        .find(|p| p.as_os_str() != "-")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let scanners = scanners(&args, &root, &config)?;
    let mut known = palisade_engine::catalogue();
    known.extend(scanners.rules());
    palisade_core::Selection::validate(&config.selection, &known).map_err(|e| e.to_string())?;

    let (report, accepted) = match git_mode(&args) {
        Some(mode) => {
            let secrets = scanners.secrets.as_ref().ok_or("no secret scanner")?;
            let result = palisade_engine::scan_git(&root, &mode, &config, secrets);
            (result.report, result.accepted)
        }
        None => scan_files(&paths, &config, &scanners)?,
    };
    if let Some(path) = &args.write_baseline {
        accepted.write(path).map_err(|e| e.to_string())?;
    }
    render_and_exit(&args, &config, &report)
}

/// The files named (or found in the directories named), scanned.
fn scan_files(
    paths: &[PathBuf],
    config: &Config,
    scanners: &palisade_engine::Scanners,
) -> Result<(palisade_core::Report, palisade_engine::Baseline), String> {
    let stdin_wanted = paths.iter().any(|p| p.as_os_str() == "-");
    let files: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    let (mut sources, discovery_errors) =
        palisade_engine::discover_files(&files, &config.exclude, scanners.secrets.is_some());
    if stdin_wanted {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(palisade_engine::MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        sources.insert(0, Source::stdin(bytes));
    }

    let progress = progress_bar(sources.len());
    let tick = |n: usize| {
        if let Some(p) = &progress {
            p.set_position(n as u64);
        }
    };
    let result = palisade_engine::scan_with(sources, config, scanners, &tick);
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let mut report = result.report;
    report.errors.splice(0..0, discovery_errors);
    Ok((report, result.accepted))
}

/// `--history`, `--since-commit` or `--staged`.
fn git_mode(args: &ScanArgs) -> Option<palisade_engine::GitMode> {
    if args.staged {
        Some(palisade_engine::GitMode::Staged)
    } else if args.history || args.since_commit.is_some() {
        Some(palisade_engine::GitMode::History {
            since: args.since_commit.clone(),
        })
    } else {
        None
    }
}

/// The scanners `--scanners` and the secret-scanning flags ask for. The
/// git modes imply the secret scanner; secret-only flags need it.
fn scanners(
    args: &ScanArgs,
    root: &Path,
    settings: &Config,
) -> Result<palisade_engine::Scanners, String> {
    let git = git_mode(args).is_some();
    let wants = |s: &str| args.scanners.iter().any(|x| x == s);
    let secret = wants("secret") || (args.scanners.is_empty() && git);
    let config = if args.scanners.is_empty() {
        !git
    } else {
        wants("config")
    };
    if git && (config || !secret) {
        return Err(
            "--history, --since-commit and --staged read git, not files: use them with \
             --scanners secret alone"
                .to_string(),
        );
    }
    let secret_flags = args.baseline.is_some()
        || args.write_baseline.is_some()
        || args.no_redact
        || args.max_decode_depth > 0
        || args.gitleaks_config.is_some();
    if secret_flags && !secret {
        return Err(
            "--baseline, --write-baseline, --no-redact, --max-decode-depth and \
             --gitleaks-config need --scanners secret"
                .to_string(),
        );
    }
    let secrets = if secret {
        Some(palisade_engine::Secrets::load(
            &palisade_engine::SecretOptions {
                root: root.to_path_buf(),
                gitleaks_config: args.gitleaks_config.clone(),
                reveal: args.no_redact,
                baseline: args.baseline.clone(),
                settings: settings.secrets.clone(),
                decode_depth: args.max_decode_depth,
            },
        )?)
    } else {
        None
    };
    Ok(palisade_engine::Scanners {
        config,
        secrets,
        policies: args.policies.load(settings),
    })
}

/// Renders the report and picks the exit code.
fn render_and_exit(args: &ScanArgs, config: &Config, report: &palisade_core::Report) -> CliResult {
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let options = RenderOptions {
        color,
        tool_version: VERSION,
        show_suppressed: args.show_suppressed,
    };
    let format: Format = args.format;
    let written = match &args.output {
        Some(path) => {
            let mut file = std::fs::File::create(path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            palisade_report::render(report, format, &options, &mut file)
        }
        None => palisade_report::render(report, format, &options, &mut std::io::stdout().lock()),
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("cannot write the report: {e}"));
    }

    if !report.errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    let failing = match args.fail_on.or(config.fail_on.map(args::FailOn::At)) {
        Some(args::FailOn::Never) => false,
        Some(args::FailOn::At(s)) => report.failing(s).next().is_some(),
        None => report.failing(Severity::Info).next().is_some(),
    };
    Ok(ExitCode::from(u8::from(failing)))
}

/// The configuration file: `config` when given, else `palisade.yaml` found
/// upward from the first of `paths` (or the current directory), else the
/// defaults.
pub(crate) fn load_config_file(config: Option<&Path>, paths: &[PathBuf]) -> Result<Config, String> {
    let file = match config {
        Some(p) => Some(p.to_path_buf()),
        None => paths
            .iter()
            .find(|p| p.as_os_str() != "-")
            .map(|p| p.as_path())
            .or(Some(Path::new(".")))
            .and_then(find_config),
    };
    match file {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Config::parse(&path.display().to_string(), &text).map_err(|e| e.to_string())
        }
        None => Ok(Config::default()),
    }
}

/// The configuration: `--config`, else `palisade.yaml` found upward from
/// the first scanned path, else defaults; then the command-line flags.
fn load_config(args: &ScanArgs, paths: &[PathBuf]) -> Result<Config, String> {
    let mut config = load_config_file(args.config.as_deref(), paths)?;
    if let Some(level) = args.pss_level {
        config.pss_level = level;
    }
    if let Some(version) = args.pss_version {
        config.pss_version = version;
    }
    if !args.select.is_empty() {
        config.selection.select = args.select.clone();
    }
    config.selection.ignore.extend(args.ignore.iter().cloned());
    config.exclude.extend(args.exclude.iter().cloned());
    Ok(config)
}

/// `palisade.yaml` in `start` (or its directory) or the nearest ancestor.
fn find_config(start: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(start).ok()?;
    let mut dir = if abs.is_dir() {
        abs
    } else {
        abs.parent()?.to_path_buf()
    };
    loop {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !dir.pop() {
            return None;
        }
    }
}

/// A progress bar on stderr for scans of many files, only on a terminal.
fn progress_bar(total: usize) -> Option<indicatif::ProgressBar> {
    if total < 200 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} scanning {pos}/{len} files {wide_bar} {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

/// mimalloc: far fewer cycles per allocation than glibc malloc for the
/// many small strings and vectors of parsed manifests.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
