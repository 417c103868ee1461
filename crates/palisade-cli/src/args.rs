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
    /// Run the admission webhook (HTTPS) that enforces the same rules.
    Serve(ServeArgs),
    /// Print the webhook's answer for an object or AdmissionReview, offline.
    Admit(AdmitArgs),
    /// Print the manifests that run the admission webhook in a cluster.
    Install(InstallArgs),
    /// Falco-compatible runtime detection over audit and process events.
    Watch(crate::watch_cmd::WatchArgs),
    /// Gatekeeper policies: run their test suites (`palisade policy test`).
    Policy(crate::policy_cmd::PolicyArgs),
    /// The offline vulnerability database: import OSV advisories, show its status.
    Db(crate::db_cmd::DbArgs),
    /// The software inventory of a directory or root filesystem (CycloneDX, SPDX, JSON, table).
    Sbom(crate::sbom_cmd::SbomArgs),
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan (`-` for standard input). Default: the current directory.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub policies: crate::policy_cmd::PolicyFlags,
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
    /// Scanners to run: `config` (manifests and Dockerfiles), `secret`
    /// (credentials in every file, gitleaks-compatible). Default: config.
    #[arg(long, value_delimiter = ',', value_parser = ["config", "secret"])]
    pub scanners: Vec<String>,
    /// Secret scanning: scan the git history of the repository at PATH
    /// (every unique blob on every ref) instead of its files.
    #[arg(long, help_heading = "Secret scanning")]
    pub history: bool,
    /// Secret scanning: scan only what commits after REV introduced (CI).
    #[arg(long, value_name = "REV", help_heading = "Secret scanning")]
    pub since_commit: Option<String>,
    /// Secret scanning: scan the changes staged for commit (pre-commit hook).
    #[arg(long, conflicts_with_all = ["history", "since_commit"], help_heading = "Secret scanning")]
    pub staged: bool,
    /// Secret scanning: gitleaks configuration to use. Default:
    /// .gitleaks.toml found from PATH up to the repository root, else the
    /// built-in rules.
    #[arg(long, value_name = "FILE", help_heading = "Secret scanning")]
    pub gitleaks_config: Option<PathBuf>,
    /// Secret scanning: hide the findings recorded in this baseline (one
    /// written by --write-baseline, or a gitleaks JSON report).
    #[arg(long, value_name = "FILE", help_heading = "Secret scanning")]
    pub baseline: Option<PathBuf>,
    /// Secret scanning: write a baseline accepting every secret found.
    #[arg(long, value_name = "FILE", help_heading = "Secret scanning")]
    pub write_baseline: Option<PathBuf>,
    /// Secret scanning: print secrets in full (they are redacted by default).
    #[arg(long, help_heading = "Secret scanning")]
    pub no_redact: bool,
    /// Secret scanning: decode base64 data and scan what it holds, up to N
    /// layers deep (0: no decoding). Findings point at the encoded text.
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::value_parser!(u32).range(0..=5), help_heading = "Secret scanning")]
    pub max_decode_depth: u32,
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
pub struct ServeArgs {
    #[command(flatten)]
    pub policies: crate::policy_cmd::PolicyFlags,
    /// Address to listen on.
    #[arg(long, default_value = "0.0.0.0:8443")]
    pub listen: std::net::SocketAddr,
    /// Serving certificate chain (PEM); reloaded when it changes.
    #[arg(long)]
    pub cert: PathBuf,
    /// Serving private key (PEM); reloaded when it changes.
    #[arg(long)]
    pub key: PathBuf,
    /// Configuration file. Default: ./palisade.yaml if present.
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// Where namespace labels come from: a watch of the cluster's
    /// Namespaces, or `admission.namespace-labels` in the configuration.
    #[arg(long, value_enum, default_value = "cluster")]
    pub namespaces: NamespaceSource,
    /// Reviews evaluated at once; more are refused with 429.
    #[arg(long, default_value_t = 256)]
    pub max_in_flight: usize,
    /// Deadline for one review, in milliseconds.
    #[arg(long, default_value_t = 5000)]
    pub timeout_ms: u64,
    /// How often the certificate files are checked, in seconds.
    #[arg(long, default_value_t = 10)]
    pub reload_interval_s: u64,
    /// On SIGTERM, how long in-flight reviews may take to finish, in seconds.
    #[arg(long, default_value_t = 25)]
    pub drain_s: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NamespaceSource {
    /// Watch Namespaces through the Kubernetes API (in-cluster or kubeconfig).
    Cluster,
    /// Use `admission.namespace-labels` from the configuration.
    Config,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Palisade's namespace.
    #[arg(long, short = 'n', default_value = "palisade")]
    pub namespace: String,
    /// The container image (pin it: REPO@sha256:DIGEST).
    #[arg(long, default_value = concat!("ghcr.io/palisade-dev/palisade:", env!("CARGO_PKG_VERSION")))]
    pub image: String,
    /// Webhook replicas (at least 2).
    #[arg(long, default_value_t = 2)]
    pub replicas: u32,
    /// Take the serving certificate from this cert-manager issuer instead
    /// of generating a CA now.
    #[arg(long)]
    pub cert_manager_issuer: Option<String>,
    /// The cert-manager issuer's kind.
    #[arg(long, default_value = "Issuer", value_parser = ["Issuer", "ClusterIssuer"])]
    pub issuer_kind: String,
    /// Validating webhook failure policy (README: "Failure policy").
    #[arg(long, default_value = "Fail", value_parser = ["Fail", "Ignore"])]
    pub failure_policy: String,
    /// Seconds the API server waits for an answer (1-30).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub timeout_seconds: u32,
    /// Validity of generated certificates, in days.
    #[arg(long, default_value_t = 365)]
    pub validity_days: u32,
    /// The palisade.yaml the webhook runs with (embedded in a ConfigMap).
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// Write the manifests to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AdmitArgs {
    #[command(flatten)]
    pub policies: crate::policy_cmd::PolicyFlags,
    /// The object (YAML or JSON), or a whole AdmissionReview.
    #[arg(long, short = 'f')]
    pub file: PathBuf,
    /// CREATE (default) or UPDATE (default when --old is given).
    #[arg(long, value_parser = ["CREATE", "UPDATE", "DELETE", "CONNECT"], ignore_case = true)]
    pub operation: Option<String>,
    /// Namespace of the object (default: its metadata.namespace, else `default`).
    #[arg(long, short = 'n')]
    pub namespace: Option<String>,
    /// The stored object an UPDATE replaces.
    #[arg(long)]
    pub old: Option<PathBuf>,
    /// The requesting user (for user exemptions).
    #[arg(long)]
    pub user: Option<String>,
    /// Answer as the mutating webhook would (the JSONPatch) instead.
    #[arg(long)]
    pub mutate: bool,
    /// Configuration file. Default: palisade.yaml found upward from the file.
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
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
    /// Check detection rules against events with expected alerts
    /// (test files: see palisade-runtime's `ruletest`).
    Test {
        /// Test files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
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
