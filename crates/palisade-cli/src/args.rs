//! The command line, declared with clap.

use clap::{Args, Parser, Subcommand, ValueEnum};
use palisade_core::{PssLevel, PssVersion, Severity};
use palisade_report::Format;
use std::path::PathBuf;

/// Defense-in-depth security for Kubernetes in one binary.
#[derive(Debug, Parser)]
#[command(name = "palisade", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan Kubernetes manifests and Dockerfiles.
    Scan(ScanArgs),
    /// List the rules, or explain one (`palisade rules explain PSS001`).
    Rules(RulesArgs),
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan (`-` for standard input). Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', default_value = "table", value_parser = parse_format)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Exit with 1 when an unsuppressed finding is at or above this severity
    /// (info, low, medium, high, critical), or `never`. Default: any finding.
    #[arg(long, value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,
    /// Rules to run: ids, id prefixes, names or groups (comma-separated). Default: all.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Rules not to run: ids, id prefixes, names or groups (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Paths not to scan (gitignore-style glob; repeatable).
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Pod Security Standards level to enforce.
    #[arg(long, value_parser = parse_level)]
    pub pss_level: Option<PssLevel>,
    /// Pod Security Standards version (`v1.N` or `latest`).
    #[arg(long, value_parser = parse_version)]
    pub pss_version: Option<PssVersion>,
    /// Configuration file. Default: palisade.yaml found upward from the scanned path.
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// Scanners to run. Only `config` (manifests and Dockerfiles) exists yet.
    #[arg(long, value_delimiter = ',', value_parser = ["config"])]
    pub scanners: Vec<String>,
    /// Show suppressed findings in the table.
    #[arg(long)]
    pub show_suppressed: bool,
    /// Colour the table.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: Option<RulesCommand>,
    /// Output format for the list: table or json.
    #[arg(long, short = 'f', default_value = "table", value_parser = ["table", "json"])]
    pub format: String,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print a rule's documentation.
    Explain {
        /// Rule id or name.
        rule: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// When findings fail the run.
#[derive(Debug, Clone, Copy)]
pub enum FailOn {
    /// Never fail because of findings.
    Never,
    /// Fail at or above this severity.
    At(Severity),
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse::<Format>().map_err(|e| e.to_string())
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    if s.eq_ignore_ascii_case("never") || s.eq_ignore_ascii_case("none") {
        return Ok(FailOn::Never);
    }
    s.parse().map(FailOn::At)
}

fn parse_level(s: &str) -> Result<PssLevel, String> {
    s.parse()
}

fn parse_version(s: &str) -> Result<PssVersion, String> {
    s.parse()
}
