//! CVSS base scores against Red Hat's `cvss` library (PyPI, pinned), over
//! generated vectors of every version: each base metric drawn from its
//! values, sometimes with optional metrics, sometimes broken.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_vuln::severity::Cvss;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

fn vector(rng: &mut Rng) -> String {
    let metrics: &[(&str, &[&str])] = match rng.next() % 4 {
        0 => &[
            ("AV", &["L", "A", "N"]),
            ("AC", &["H", "M", "L"]),
            ("Au", &["M", "S", "N"]),
            ("C", &["N", "P", "C"]),
            ("I", &["N", "P", "C"]),
            ("A", &["N", "P", "C"]),
        ],
        1 | 2 => &[
            ("AV", &["N", "A", "L", "P"]),
            ("AC", &["L", "H"]),
            ("PR", &["N", "L", "H"]),
            ("UI", &["N", "R"]),
            ("S", &["U", "C"]),
            ("C", &["H", "L", "N"]),
            ("I", &["H", "L", "N"]),
            ("A", &["H", "L", "N"]),
        ],
        _ => &[
            ("AV", &["N", "A", "L", "P"]),
            ("AC", &["L", "H"]),
            ("AT", &["N", "P"]),
            ("PR", &["N", "L", "H"]),
            ("UI", &["N", "P", "A"]),
            ("VC", &["H", "L", "N"]),
            ("VI", &["H", "L", "N"]),
            ("VA", &["H", "L", "N"]),
            ("SC", &["H", "L", "N"]),
            ("SI", &["H", "L", "N"]),
            ("SA", &["H", "L", "N"]),
        ],
    };
    let prefix = match metrics.len() {
        6 => "",
        8 => rng.pick(&["CVSS:3.1/", "CVSS:3.0/"]),
        _ => "CVSS:4.0/",
    };
    let mut parts: Vec<String> = metrics
        .iter()
        .map(|(k, vs)| format!("{k}:{}", rng.pick(vs)))
        .collect();
    if metrics.len() == 11 && rng.next().is_multiple_of(3) {
        parts.push(format!("E:{}", rng.pick(&["X", "A", "P", "U"])));
    }
    if rng.next().is_multiple_of(50) {
        // A broken vector: a metric missing or a bad value.
        if rng.next().is_multiple_of(2) {
            parts.pop();
        } else {
            parts[0] = "AV:Q".into();
        }
    }
    format!("{prefix}{}", parts.join("/"))
}

#[test]
fn base_scores_agree_with_red_hats_cvss() {
    let lib = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pycvss");
    if !lib.join("cvss").exists() {
        let status = Command::new("python3")
            .args(["-m", "pip", "install", "-q", "--target"])
            .arg(&lib)
            .arg("cvss==3.6")
            .status()
            .expect("python3 -m pip");
        assert!(status.success(), "installing cvss==3.6 from PyPI failed");
    }
    let mut rng = Rng(0xc5_55);
    let vectors: Vec<String> = (0..40_000).map(|_| vector(&mut rng)).collect();
    let mut child = Command::new("python3")
        .arg(repo_root().join("tools/oracles/cvss_score.py"))
        .arg(&lib)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut stdin = child.stdin.take().unwrap();
    let input: String = vectors.iter().map(|v| format!("{v}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let want: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(want.len(), vectors.len());
    let mut failures = Vec::new();
    for (v, w) in vectors.iter().zip(&want) {
        let got = Cvss::parse(v).map_or("error".to_string(), |c| format!("{:.1}", c.score));
        if &got != w {
            failures.push(format!("{v}: cvss {w}, Palisade {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        vectors.len(),
        failures
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
