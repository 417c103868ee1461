//! Times the fast path against the general (libyaml) path on one file.
//!
//! `cargo run --release -p palisade-yaml --example parse_speed -- FILE [RUNS]`
//! (`FAST_ONLY=1` skips the general run, for profiling the fast path).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use palisade_yaml::{Limits, paths};
use std::time::{Duration, Instant};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = f();
        best = best.min(t.elapsed());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: parse_speed FILE [RUNS]");
    let runs: usize = args
        .next()
        .map_or(5, |r| r.parse().expect("RUNS is a number"));
    let text = std::fs::read_to_string(&path).expect("readable UTF-8 file");
    let limits = Limits::default();
    let mb = text.len() as f64 / 1e6;
    let (fast_t, fast) = best_of(runs, || paths::fast(&text, &limits));
    let rate = |d: Duration| mb / d.as_secs_f64();
    match fast {
        Some(s) => println!(
            "fast:   {:8.1} MB/s ({} documents)",
            rate(fast_t),
            s.documents.len()
        ),
        None => println!("fast:   declined after {fast_t:?}"),
    }
    if std::env::var_os("FAST_ONLY").is_some() {
        return;
    }
    let (slow_t, slow) = best_of(runs, || paths::general(&text, &limits));
    println!(
        "general: {:7.1} MB/s ({} documents, {} errors)",
        rate(slow_t),
        slow.documents.len(),
        slow.errors.len()
    );
}
