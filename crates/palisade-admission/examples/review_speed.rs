//! In-process cost of one admission decision (parse the review, evaluate,
//! build the response), single-threaded, without TLS or HTTP:
//!
//!     python3 bench/admission/make_reviews.py /tmp/reviews
//!     cargo run --release -p palisade-admission --example review_speed -- /tmp/reviews/*.json
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_admission::{Admission, review};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let bodies: Vec<(String, Vec<u8>)> = std::env::args()
        .skip(1)
        .map(|p| (p.clone(), std::fs::read(&p).expect("read review")))
        .collect();
    assert!(!bodies.is_empty(), "usage: review_speed REVIEW.json...");
    let admission = Admission::new(palisade_core::Config::default());
    let namespaces: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let rounds = 20_000;
    for (name, body) in &bodies {
        let mut times = Vec::with_capacity(rounds);
        let mut denied = 0;
        for _ in 0..rounds {
            let start = Instant::now();
            let (version, req) = review::parse(body).unwrap();
            let out = admission.validate(&req, &namespaces, (2026, 11, 22));
            let json = serde_json::to_vec(&out.response.to_review(version)).unwrap();
            times.push(start.elapsed().as_nanos() as u64);
            std::hint::black_box(json);
            denied += usize::from(!out.response.allowed);
        }
        times.sort_unstable();
        let total: u64 = times.iter().sum();
        println!(
            "{:<40} {:>6} B  p50 {:>6.1} us  p99 {:>6.1} us  {:>8.0} reviews/s/core  denied {}",
            std::path::Path::new(name)
                .file_name()
                .unwrap()
                .to_string_lossy(),
            body.len(),
            times[rounds / 2] as f64 / 1e3,
            times[rounds * 99 / 100] as f64 / 1e3,
            rounds as f64 / (total as f64 / 1e9),
            denied == rounds,
        );
    }
}
