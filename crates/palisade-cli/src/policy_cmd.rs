//! Gatekeeper policies on the command line: the `--policy` flags shared by
//! `scan`, `admit` and `serve`, and `palisade policy test` (gator verify
//! suites). Wiring only: everything lives in `palisade-policy`.

use crate::CliResult;
use clap::{Args, Subcommand};
use palisade_core::Config;
use palisade_engine::Policies;
use palisade_policy::suite::{self, Outcome};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Policy flags shared by `scan`, `admit` and `serve`.
#[derive(Debug, Clone, Args)]
pub struct PolicyFlags {
    /// Gatekeeper ConstraintTemplates and constraints: a file or a
    /// directory searched recursively (repeatable; added to `policies:` in
    /// palisade.yaml).
    #[arg(long = "policy", value_name = "PATH", help_heading = "Policies")]
    pub policy: Vec<PathBuf>,
    /// Time all constraints together may take on one object before the
    /// rest are reported as errors (POL001).
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 500,
        help_heading = "Policies"
    )]
    pub policy_timeout_ms: u64,
    /// Objects (files or directories) that fill `data.inventory` for
    /// referential policies in `admit` and `serve`, which see no scanned
    /// set (repeatable). `scan` fills it from the objects it scans.
    #[arg(long, value_name = "PATH", help_heading = "Policies")]
    pub policy_inventory: Vec<PathBuf>,
}

impl PolicyFlags {
    /// The policies of the configuration and the flags; `None` when there
    /// are none.
    pub fn load(&self, config: &Config) -> Option<Policies> {
        let mut paths = config.policies.clone();
        paths.extend(self.policy.iter().cloned());
        if paths.is_empty() {
            return None;
        }
        let mut policies = Policies::load(
            &paths,
            palisade_policy::Limits {
                budget: Duration::from_millis(self.policy_timeout_ms.max(1)),
            },
        );
        if !self.policy_inventory.is_empty() {
            let with = palisade_policy::inventory::from_files(&self.policy_inventory)
                .map_err(|i| palisade_engine::issue_to_error(&i))
                .and_then(|inv| {
                    policies
                        .set
                        .with_inventory(&inv)
                        .map_err(|message| palisade_core::InputError {
                            path: "--policy-inventory".into(),
                            line: None,
                            column: None,
                            message,
                        })
                });
            match with {
                Ok(set) => policies.set = std::sync::Arc::new(set),
                Err(e) => policies.issues.push(e),
            }
        }
        Some(policies)
    }
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run Gatekeeper test suites (`kind: Suite`, the `gator verify`
    /// format) found in files and directories. Exits 1 when a case fails.
    Test(TestArgs),
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Suite files or directories searched for them. Default: the current
    /// directory.
    pub paths: Vec<PathBuf>,
    /// Print passing and skipped cases too, not only failures.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

pub fn run(args: PolicyArgs) -> CliResult {
    match args.command {
        PolicyCommand::Test(t) => test(t),
    }
}

fn test(args: TestArgs) -> CliResult {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let (suites, issues) = suite::find_suites(&paths);
    if let Some(i) = issues.first() {
        return Err(i.to_string());
    }
    if suites.is_empty() {
        return Err("no test suites (kind: Suite) found".into());
    }
    let mut out = std::io::stdout().lock();
    let (mut passed, mut failed, mut skipped) = (0usize, 0usize, 0usize);
    for path in &suites {
        let result = suite::run_suite(path);
        for r in &result.results {
            let name = if r.case.is_empty() {
                r.test.clone()
            } else {
                format!("{}/{}", r.test, r.case)
            };
            let line = match &r.outcome {
                Outcome::Pass => {
                    passed += 1;
                    args.verbose
                        .then(|| format!("ok    {} {name}", result.path))
                }
                Outcome::Skip => {
                    skipped += 1;
                    args.verbose
                        .then(|| format!("skip  {} {name}", result.path))
                }
                Outcome::Fail(why) => {
                    failed += 1;
                    Some(format!("FAIL  {} {name}: {why}", result.path))
                }
            };
            if let Some(line) = line {
                let _ = writeln!(out, "{line}");
            }
        }
        if result.results.is_empty() {
            let _ = writeln!(out, "FAIL  {}: the suite has no tests", result.path);
            failed += 1;
        }
    }
    let _ = writeln!(
        out,
        "{} suite{}: {passed} passed, {failed} failed, {skipped} skipped",
        suites.len(),
        if suites.len() == 1 { "" } else { "s" }
    );
    Ok(ExitCode::from(u8::from(failed > 0)))
}
