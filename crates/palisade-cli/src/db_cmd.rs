//! `palisade db`: the offline vulnerability database (palisade-vuln).

use crate::CliResult;
use clap::{Args, Subcommand};
use palisade_vuln::db::{Db, Status, rfc3339};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct DbArgs {
    /// The database directory. Default: $PALISADE_DB, else
    /// $XDG_CACHE_HOME/palisade/db (~/.cache/palisade/db).
    #[arg(long, global = true)]
    pub db: Option<PathBuf>,
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Import OSV advisories: JSON files, directories of them, zip archives
    /// (osv.dev's per-ecosystem all.zip). Exits 2 if any entry was refused
    /// (each is named); the rest is imported.
    Import {
        /// Files, directories or .zip archives.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Download osv.dev's per-ecosystem dumps (`BASE/ECOSYSTEM/all.zip`) and
    /// import them. Exits 2 if any ecosystem failed (each is named).
    Update {
        /// Where the dumps are: osv.dev's bucket, or a mirror.
        #[arg(long, default_value = palisade_vuln::update::DEFAULT_BASE_URL)]
        base_url: String,
        /// An ecosystem to fetch (repeatable). Default: Alpine, crates.io,
        /// Debian, Go, Maven, npm, NuGet, PyPI, RubyGems, Ubuntu.
        #[arg(long = "ecosystem")]
        ecosystems: Vec<String>,
        /// Seconds one download may take.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// Show what the database holds, from where, and how old it is.
    Status {
        /// Output format: table or json.
        #[arg(long, short = 'f', default_value = "table", value_parser = ["table", "json"])]
        format: String,
        /// Warn (not fail) when the last import is older than this many days.
        #[arg(long, default_value_t = 7)]
        max_age_days: u64,
    },
}

/// Where the database lives.
pub fn db_dir(flag: Option<PathBuf>) -> Result<PathBuf, String> {
    if let Some(d) = flag {
        return Ok(d);
    }
    if let Some(d) = std::env::var_os("PALISADE_DB").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .ok_or("no --db, PALISADE_DB, XDG_CACHE_HOME or HOME to put the database in")?;
    Ok(cache.join("palisade").join("db"))
}

pub fn run(args: DbArgs) -> CliResult {
    let dir = db_dir(args.db)?;
    match args.command {
        DbCommand::Import { paths } => {
            let db = Db::open(&dir).map_err(|e| e.to_string())?;
            let got = db.import(&paths).map_err(|e| e.to_string())?;
            let mut err = std::io::stderr().lock();
            for r in &got.rejected {
                let _ = writeln!(err, "palisade: {}: {}", r.source, r.reason);
            }
            let _ = writeln!(
                std::io::stdout(),
                "imported {} advisories into {}{}",
                got.advisories,
                dir.display(),
                if got.rejected.is_empty() {
                    String::new()
                } else {
                    format!("; {} entries refused", got.rejected.len())
                }
            );
            Ok(ExitCode::from(if got.rejected.is_empty() { 0 } else { 2 }))
        }
        DbCommand::Update {
            base_url,
            ecosystems,
            timeout,
        } => {
            let ecosystems = if ecosystems.is_empty() {
                palisade_vuln::update::DEFAULT_ECOSYSTEMS
                    .iter()
                    .map(|e| e.to_string())
                    .collect()
            } else {
                ecosystems
            };
            let db = Db::open(&dir).map_err(|e| e.to_string())?;
            let fetched = palisade_vuln::update::update(
                &db,
                &base_url,
                &ecosystems,
                std::time::Duration::from_secs(timeout),
            )
            .map_err(|e| e.to_string())?;
            let mut failed = false;
            let mut out = std::io::stdout().lock();
            for f in fetched {
                match f.result {
                    Ok(got) => {
                        failed |= !got.rejected.is_empty();
                        let _ = writeln!(
                            out,
                            "{}: {} advisories ({} bytes){}",
                            f.ecosystem,
                            got.advisories,
                            f.bytes,
                            if got.rejected.is_empty() {
                                String::new()
                            } else {
                                format!(", {} entries refused", got.rejected.len())
                            }
                        );
                    }
                    Err(e) => {
                        failed = true;
                        let _ = writeln!(std::io::stderr(), "palisade: {}: {e}", f.ecosystem);
                    }
                }
            }
            Ok(ExitCode::from(if failed { 2 } else { 0 }))
        }
        DbCommand::Status {
            format,
            max_age_days,
        } => {
            let Some(db) = Db::open_existing(&dir).map_err(|e| e.to_string())? else {
                return Err(format!(
                    "no vulnerability database in {}: run `palisade db import` first",
                    dir.display()
                ));
            };
            let status = db.status().map_err(|e| e.to_string())?;
            let age_days = status.updated.map(|u| {
                u64::try_from(palisade_core::time::now_unix())
                    .unwrap_or(0)
                    .saturating_sub(u)
                    / 86_400
            });
            let mut out = std::io::stdout().lock();
            if format == "json" {
                let _ = writeln!(out, "{}", json(&status, age_days));
            } else {
                let _ = writeln!(out, "database  {}", status.path.display());
                let _ = writeln!(out, "entries   {}", status.advisories);
                for (eco, n) in &status.by_ecosystem {
                    let _ = writeln!(out, "  {eco:<20} {n} advisories");
                }
                for (src, when) in &status.sources {
                    let _ = writeln!(
                        out,
                        "source    {src} (imported at {when}, seconds since the epoch)"
                    );
                }
                if let Some(days) = age_days {
                    let _ = writeln!(out, "age       {days} days");
                }
            }
            if age_days.is_some_and(|d| d > max_age_days) {
                let _ = writeln!(
                    std::io::stderr(),
                    "palisade: warning: the vulnerability database is more than {max_age_days} days old"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn json(s: &Status, age_days: Option<u64>) -> serde_json::Value {
    serde_json::json!({
        "path": s.path.display().to_string(),
        "advisories": s.advisories,
        "by_ecosystem": s.by_ecosystem,
        "sources": s.sources.iter().map(|(p, t)| serde_json::json!({"path": p, "imported": rfc3339(*t)})).collect::<Vec<_>>(),
        "updated": s.updated.map(rfc3339),
        "age_days": age_days,
    })
}
