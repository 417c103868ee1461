//! `palisade sbom`: the software inventory of a directory or root
//! filesystem (palisade-sbom), as CycloneDX 1.6, SPDX 2.3, JSON or a table.

use crate::CliResult;
use clap::Args;
use palisade_sbom::inventory::{Inventory, inventory};
use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct SbomArgs {
    /// A project directory or an unpacked root filesystem.
    pub source: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', default_value = "table", value_parser = ["cyclonedx", "spdx", "json", "table"])]
    pub format: String,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
}

/// A random RFC 4122 version 4 UUID (the document's serial number).
fn uuid4() -> String {
    let mut bytes = [0u8; 16];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(i);
        h.write_i64(palisade_core::time::now_unix());
        h.write_u32(std::process::id());
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    if let Some(b) = bytes.get_mut(6) {
        *b = (*b & 0x0f) | 0x40;
    }
    if let Some(b) = bytes.get_mut(8) {
        *b = (*b & 0x3f) | 0x80;
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        hex.get(0..8).unwrap_or(""),
        hex.get(8..12).unwrap_or(""),
        hex.get(12..16).unwrap_or(""),
        hex.get(16..20).unwrap_or(""),
        hex.get(20..32).unwrap_or("")
    )
}

fn table(inv: &Inventory) -> String {
    let mut out = String::new();
    let w = inv
        .packages
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    out.push_str(&format!(
        "{:<w$}  {:<24}  {:<7}  FOUND IN\n",
        "NAME", "VERSION", "TYPE"
    ));
    for p in &inv.packages {
        out.push_str(&format!(
            "{:<w$}  {:<24}  {:<7}  {}\n",
            p.name,
            p.version,
            p.kind,
            p.found_in.display()
        ));
    }
    out.push_str(&format!("{} packages\n", inv.packages.len()));
    out
}

pub fn run(args: SbomArgs) -> CliResult {
    if !args.source.is_dir() {
        return Err(format!(
            "{}: not a directory (images and archives are not read yet)",
            args.source.display()
        ));
    }
    let inv = inventory(&args.source);
    let subject = args.source.display().to_string();
    let version = env!("CARGO_PKG_VERSION");
    let (serial, now) = (uuid4(), palisade_core::time::now_rfc3339());
    let text = match args.format.as_str() {
        "cyclonedx" => palisade_sbom::cyclonedx::document(&inv, &subject, version, &serial, &now).to_string(),
        "spdx" => palisade_sbom::spdx::document(&inv, &subject, version, &serial, &now).to_string(),
        "json" => serde_json::Value::Array(
            inv.packages
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "name": p.name, "version": p.version, "type": p.kind, "purl": p.purl,
                        "arch": p.arch, "source": p.source.as_ref().map(|(n, v)| serde_json::json!({"name": n, "version": v})),
                        "found_in": p.found_in.display().to_string(), "licenses": p.licenses,
                    })
                })
                .collect(),
        )
        .to_string(),
        _ => table(&inv),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => {
            let _ = writeln!(std::io::stdout(), "{text}");
        }
    }
    let mut err = std::io::stderr().lock();
    for e in &inv.errors {
        let _ = writeln!(err, "palisade: {e}");
    }
    Ok(ExitCode::from(if inv.errors.is_empty() { 0 } else { 2 }))
}
