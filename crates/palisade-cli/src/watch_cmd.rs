//! `palisade watch` (Falco-compatible runtime detection) and
//! `palisade rules test` (detection rules checked against events). Wiring
//! only: everything lives in `palisade-runtime`.

use crate::CliResult;
use clap::Args;
use palisade_runtime::listen::{DEFAULT_MAX_BODY_BYTES, ListenConfig};
use palisade_runtime::metrics::Metrics;
use palisade_runtime::sinks::{
    AlertFormat, DEFAULT_QUEUE, Dispatcher, FindingsHandle, FindingsSink, Sink, WebhookKind,
    WebhookSink, WriterSink,
};
use palisade_runtime::watch::Processor;
use palisade_runtime::{Engine, EngineOptions, MatchMode, Priority, RuleSet, Source, ruletest};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Malformed inputs reported one by one before only counting them.
const MAX_REPORTED_BAD_INPUTS: u64 = 20;
/// Most findings kept for `--findings` (the rest are counted).
const MAX_FINDINGS: usize = 100_000;

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Falco rule file or directory, loaded in order like Falco's `-r`
    /// (repeatable). Default: Palisade's rules.
    #[arg(long = "rules", short = 'r', value_name = "FILE_OR_DIR")]
    pub rules: Vec<PathBuf>,
    /// Events to read, JSON lines (repeatable; `-` for standard input).
    #[arg(long = "input", short = 'i', value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Event source of the inputs. Default: detected per event.
    #[arg(long, value_parser = ["k8s_audit", "syscall"])]
    pub source: Option<String>,
    /// Receive the API server's audit webhook (POST /k8s-audit) on this
    /// address, with /metrics and /healthz; runs until SIGTERM.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Certificate (PEM) to serve HTTPS with --listen.
    #[arg(long, requires = "tls_key", value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// Private key (PEM) to serve HTTPS with --listen.
    #[arg(long, requires = "tls_cert", value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// Do not load the rule with this name (repeatable).
    #[arg(long, value_name = "NAME")]
    pub disable_rule: Vec<String>,
    /// Do not load rules with this tag (repeatable).
    #[arg(long, value_name = "TAG")]
    pub disable_tag: Vec<String>,
    /// Load only rules at or above this priority (emergency ... debug).
    #[arg(long, default_value = "debug", value_parser = parse_priority)]
    pub min_priority: Priority,
    /// Alerts on standard output: `text` (Falco's output line) or `json`
    /// (one Falco JSON alert per line).
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Alert for every matching rule, not only the first (Falco's default).
    #[arg(long)]
    pub all_matches: bool,
    /// Also append alerts as JSON lines to this file.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Also POST each alert (Falco JSON) to this URL (repeatable).
    #[arg(long, value_name = "URL")]
    pub webhook: Vec<String>,
    /// Also POST each alert as a Slack message to this incoming-webhook URL (repeatable).
    #[arg(long, value_name = "URL")]
    pub slack_webhook: Vec<String>,
    /// At the end, write the alerts as a Palisade report of findings to this
    /// file: SARIF for `*.sarif`, JUnit for `*.xml`, else Palisade JSON.
    #[arg(long, value_name = "FILE")]
    pub findings: Option<PathBuf>,
    /// Alerts each sink may queue before new ones are dropped (and counted).
    #[arg(long, default_value_t = DEFAULT_QUEUE)]
    pub queue: usize,
}

fn parse_priority(s: &str) -> Result<Priority, String> {
    s.parse()
}

fn load_rules(paths: &[PathBuf]) -> Result<RuleSet, String> {
    let mut rules = RuleSet::new();
    let result = if paths.is_empty() {
        rules.load_str(
            palisade_runtime::defaults::DEFAULT_RULES_NAME,
            palisade_runtime::defaults::DEFAULT_RULES,
        )
    } else {
        let mut errors = Vec::new();
        for p in paths {
            if let Err(e) = rules.load_path(p) {
                errors.extend(e);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    };
    match result {
        Ok(()) => Ok(rules),
        Err(errors) => Err(rule_errors(&errors)),
    }
}

fn rule_errors(errors: &[palisade_runtime::RuleError]) -> String {
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    format!("invalid rules:\n  {}", lines.join("\n  "))
}

fn hostname() -> Option<String> {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
}

pub fn run(args: WatchArgs) -> CliResult {
    if args.inputs.is_empty() && args.listen.is_none() {
        return Err("nothing to watch: give --input FILE (or `-`) and/or --listen ADDR".into());
    }
    let rules = load_rules(&args.rules)?;
    let options = EngineOptions {
        match_mode: if args.all_matches {
            MatchMode::All
        } else {
            MatchMode::First
        },
        min_priority: args.min_priority,
        disabled_rules: args.disable_rule.clone(),
        disabled_tags: args.disable_tag.clone(),
        hostname: hostname(),
    };
    let engine = Engine::new(&rules, options).map_err(|e| rule_errors(&e))?;
    let mut err = std::io::stderr();
    for w in &engine.warnings {
        let _ = writeln!(err, "palisade: warning: {w}");
    }
    let _ = writeln!(
        err,
        "palisade: watching with {} rules ({} process, {} audit)",
        engine.rules().len(),
        engine.rule_count(Source::Syscall),
        engine.rule_count(Source::K8sAudit)
    );

    let format = if args.format == "json" {
        AlertFormat::Json
    } else {
        AlertFormat::Text
    };
    let mut sinks: Vec<Box<dyn Sink>> = vec![Box::new(WriterSink::stdout(format))];
    if let Some(p) = &args.output_file {
        let sink = WriterSink::file(p).map_err(|e| format!("cannot open {}: {e}", p.display()))?;
        sinks.push(Box::new(sink));
    }
    for (urls, kind) in [
        (&args.webhook, WebhookKind::Json),
        (&args.slack_webhook, WebhookKind::Slack),
    ] {
        for url in urls {
            let sink = WebhookSink::new(url, kind, Duration::from_secs(10))
                .map_err(|e| format!("webhook sink: {e}"))?;
            sinks.push(Box::new(sink));
        }
    }
    let findings = args.findings.as_ref().map(|_| {
        let (sink, handle) = FindingsSink::new(MAX_FINDINGS);
        sinks.push(Box::new(sink));
        handle
    });
    let metrics = Arc::new(Metrics::new());
    let dispatcher = Arc::new(Dispatcher::new(sinks, args.queue, Some(metrics.clone())));
    let source = args.source.as_deref().and_then(Source::from_name);

    let mut input_failed = false;
    let mut bad_count = 0u64;
    let stats = {
        let mut processor =
            Processor::new(&engine, &dispatcher, Some(metrics.clone()), source, |b| {
                bad_count += 1;
                if bad_count <= MAX_REPORTED_BAD_INPUTS {
                    let _ = writeln!(std::io::stderr(), "palisade: skipped {b}");
                }
            });
        for input in &args.inputs {
            let result = if input.as_os_str() == "-" {
                processor.process_reader("-", std::io::stdin().lock())
            } else {
                match std::fs::File::open(input) {
                    Ok(f) => processor
                        .process_reader(&input.display().to_string(), std::io::BufReader::new(f)),
                    Err(e) => Err(e),
                }
            };
            if let Err(e) = result {
                input_failed = true;
                let _ = writeln!(
                    std::io::stderr(),
                    "palisade: cannot read {}: {e}",
                    input.display()
                );
            }
        }
        processor.stats
    };
    let engine = Arc::new(engine);
    if let Some(addr) = args.listen {
        let config = ListenConfig {
            addr,
            tls: args.tls_cert.clone().zip(args.tls_key.clone()),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        };
        let scheme = if config.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let listen_stats = palisade_runtime::listen::serve_until_terminated(
            config,
            engine.clone(),
            dispatcher.clone(),
            metrics.clone(),
            move |a| {
                let _ = writeln!(
                    std::io::stderr(),
                    "palisade: receiving audit events on {scheme}://{a}/k8s-audit (metrics on /metrics)"
                );
            },
        )
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let _ = writeln!(
            std::io::stderr(),
            "palisade: webhook: {} requests, {} audit events, {} alerts, {} malformed requests",
            listen_stats
                .requests
                .load(std::sync::atomic::Ordering::Relaxed),
            listen_stats
                .events
                .load(std::sync::atomic::Ordering::Relaxed),
            listen_stats
                .alerts
                .load(std::sync::atomic::Ordering::Relaxed),
            listen_stats
                .malformed
                .load(std::sync::atomic::Ordering::Relaxed),
        );
    }
    let sink_stats = match Arc::try_unwrap(dispatcher) {
        Ok(d) => d.close(),
        Err(d) => d.stats(),
    };
    if !args.inputs.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "palisade: {} events ({} audit, {} process), {} alerts, {} malformed inputs skipped",
            stats.events(),
            stats.audit_events,
            stats.syscall_events,
            stats.alerts,
            stats.malformed
        );
    }
    if let (Some(path), Some(handle)) = (&args.findings, &findings) {
        write_findings(&engine, path, handle)?;
    }
    for s in &sink_stats {
        if s.dropped > 0 || s.failed > 0 {
            let _ = writeln!(
                std::io::stderr(),
                "palisade: sink {}: {} delivered, {} dropped (queue full), {} failed{}",
                s.name,
                s.delivered,
                s.dropped,
                s.failed,
                s.last_error
                    .as_deref()
                    .map(|e| format!(" (last: {e})"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::from(if input_failed { 2 } else { 0 }))
}

/// Writes the alerts collected as findings as a Palisade report.
fn write_findings(
    engine: &Engine,
    path: &std::path::Path,
    handle: &FindingsHandle,
) -> Result<(), String> {
    let findings = handle
        .findings
        .lock()
        .map(|f| f.clone())
        .unwrap_or_default();
    let overflow = handle.overflow.load(std::sync::atomic::Ordering::Relaxed);
    if overflow > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "palisade: --findings keeps {MAX_FINDINGS} findings; {overflow} more alerts are not in {}",
            path.display()
        );
    }
    let report = engine.report(findings);
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some("sarif") => palisade_report::Format::Sarif,
        Some("xml") => palisade_report::Format::Junit,
        _ => palisade_report::Format::Json,
    };
    let options = palisade_report::RenderOptions {
        color: false,
        tool_version: env!("CARGO_PKG_VERSION"),
        show_suppressed: true,
    };
    let mut file =
        std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    palisade_report::render(&report, format, &options, &mut file)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `palisade rules test FILE...`: exit 0 when every case passes, 1 when
/// one fails, 2 when a file or its rules cannot be loaded.
pub fn rules_test(files: &[PathBuf]) -> CliResult {
    let mut out = std::io::stdout().lock();
    let (mut passed, mut failed, mut broken) = (0usize, 0usize, 0usize);
    for f in files {
        match ruletest::run_file(f) {
            Err(errors) => {
                broken += 1;
                let _ = writeln!(out, "{}: {}", f.display(), rule_errors(&errors));
            }
            Ok(report) => {
                for case in &report.cases {
                    if case.passed() {
                        passed += 1;
                        let _ = writeln!(out, "ok    {} ({})", case.name, case.location);
                    } else {
                        failed += 1;
                        let detail = match &case.error {
                            Some(e) => e.clone(),
                            None => format!("expected {:?}, got {:?}", case.expected, case.got),
                        };
                        let _ = writeln!(out, "FAIL  {} ({}): {detail}", case.name, case.location);
                    }
                }
            }
        }
    }
    let _ = writeln!(out, "\n{passed} passed, {failed} failed");
    Ok(ExitCode::from(if broken > 0 {
        2
    } else {
        u8::from(failed > 0)
    }))
}
