//! Times the advisory database: import, open, and matching 10,000
//! packages. `cargo run --release -p palisade-vuln --example match_speed
//! -- [OSV_DIR] [QUERIES]` (default: the whole Go vulnerability database
//! in ../shared/conformance/osv-go/osv, 10,000 queries).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_vuln::db::Db;
use palisade_vuln::matching::matches;
use std::path::PathBuf;
use std::time::Instant;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let src = args.next().map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/osv-go/osv"),
        PathBuf::from,
    );
    let queries: usize = args.next().map_or(10_000, |n| n.parse().expect("QUERIES"));
    let dir = tempfile::tempdir().unwrap();

    let t = Instant::now();
    let db = Db::open(dir.path()).unwrap();
    let got = db.import(std::slice::from_ref(&src)).unwrap();
    let import = t.elapsed();
    drop(db);

    let runs = 20;
    let t = Instant::now();
    for _ in 0..runs {
        drop(Db::open(dir.path()).unwrap());
    }
    let open = t.elapsed() / runs;
    let db = Db::open(dir.path()).unwrap();

    // Queries: the database's own package names (and some it lacks), at
    // versions spread below, inside and above their ranges.
    let mut names: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        if let Ok(a) = palisade_vuln::osv::Advisory::from_json(&bytes) {
            names.extend(
                a.affected
                    .iter()
                    .filter_map(|x| x.package.as_ref())
                    .map(|p| p.name.clone()),
            );
        }
    }
    names.sort();
    names.dedup();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let work: Vec<(String, String)> = (0..queries)
        .map(|i| {
            let name = if i % 10 == 9 {
                format!("example.com/not/in/db{i}")
            } else {
                names[(next() % names.len() as u64) as usize].clone()
            };
            let v = format!("v{}.{}.{}", next() % 3, next() % 30, next() % 20);
            (name, v)
        })
        .collect();

    let t = Instant::now();
    let mut hits = 0usize;
    for (name, v) in &work {
        for a in db.advisories_for("Go", name).unwrap() {
            if matches(&a, "Go", name, v, &mut Vec::new()).is_some() {
                hits += 1;
            }
        }
    }
    let matching = t.elapsed();
    println!(
        "advisories {} (from {}), import {:.2?}, open {:.2?}, {} queries matched in {:.2?} ({} hits), peak RSS {:.0} MB",
        got.advisories,
        src.canonicalize().unwrap_or(src.clone()).display(),
        import,
        open,
        work.len(),
        matching,
        hits,
        peak_rss_mb()
    );
}
