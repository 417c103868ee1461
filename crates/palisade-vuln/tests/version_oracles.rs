//! Each version order against the package manager's own implementation,
//! over generated pairs of the shapes real versions take (and many they
//! should not): libdpkg (dpkg's `parseversion` and
//! `dpkg_version_compare`, Debian's libdpkg-dev), rpm (`rpm.ver` from
//! Debian's python3-rpm) and PEP 440 (`packaging.version`, Debian's
//! python3-packaging). `tools/test-deps.sh` installs them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_vuln::version::{dpkg, pep440, rpm};
use std::cmp::Ordering;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const PAIRS: usize = 120_000;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Feeds `A\tB` lines to `cmd` and reads its answers.
fn ask(mut cmd: Command, pairs: &[(String, String)]) -> Vec<String> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run the oracle {cmd:?}: {e} (see tools/test-deps.sh)"));
    let mut stdin = child.stdin.take().unwrap();
    let input: String = pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "oracle {cmd:?} failed");
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), pairs.len(), "the oracle answered every pair");
    lines
}

fn answer(r: Option<Ordering>) -> String {
    match r {
        None => "error".into(),
        Some(Ordering::Less) => "-1".into(),
        Some(Ordering::Equal) => "0".into(),
        Some(Ordering::Greater) => "1".into(),
    }
}

fn compare_with(
    name: &str,
    pairs: &[(String, String)],
    oracle: &[String],
    ours: impl Fn(&str, &str) -> Option<Ordering>,
) {
    let mut failures = Vec::new();
    for ((a, b), want) in pairs.iter().zip(oracle) {
        let got = answer(ours(a, b));
        if &got != want {
            failures.push(format!("{a:?} vs {b:?}: {name} {want}, Palisade {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} pairs differ:\n{}",
        failures.len(),
        pairs.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// xorshift: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// Pairs from `one`: half independent, half a version and a small edit
/// of it (the near misses where orders differ).
fn pairs(seed: u64, one: impl Fn(&mut Rng) -> String, alphabet: &[&str]) -> Vec<(String, String)> {
    let mut rng = Rng(seed);
    (0..PAIRS)
        .map(|_| {
            let a = one(&mut rng);
            let b = if rng.below(2) == 0 {
                one(&mut rng)
            } else {
                let mut chars: Vec<String> = a.chars().map(String::from).collect();
                let at = rng.below(chars.len() + 1);
                match rng.below(3) {
                    0 => chars.insert(at, rng.pick(alphabet).to_string()),
                    1 if at < chars.len() => {
                        chars[at] = rng.pick(alphabet).to_string();
                    }
                    _ if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ => chars.push(rng.pick(alphabet).to_string()),
                }
                chars.concat()
            };
            (a, b)
        })
        .collect()
}

fn tokens(rng: &mut Rng, parts: &[&str], max: usize) -> String {
    (0..1 + rng.below(max)).map(|_| rng.pick(parts)).collect()
}

const DPKG_PARTS: &[&str] = &[
    "0",
    "1",
    "2",
    "9",
    "10",
    "01",
    "007",
    "123",
    "99999999999999999999",
    "a",
    "b",
    "z",
    "A",
    "Z",
    "~",
    "~~",
    "+",
    ".",
    "-",
    "~a",
    "rc1",
    "dfsg",
    "+deb12u1",
    "ubuntu0.1",
    ":",
    "_",
    "é",
];

fn dpkg_version(rng: &mut Rng) -> String {
    let epoch = rng.pick(&[
        "",
        "",
        "",
        "",
        "0:",
        "1:",
        "2:",
        "10:",
        "+1:",
        "-0:",
        "01:",
        "a:",
        ":",
        "-1:",
        "4294967296:",
    ]);
    let upstream = tokens(rng, DPKG_PARTS, 6);
    let revision = match rng.below(3) {
        0 => String::new(),
        _ => format!("-{}", tokens(rng, DPKG_PARTS, 3)),
    };
    // (Tabs, blanks to dpkg too, are the pairs' separator here; the unit
    // tests cover them.)
    let pad = rng.pick(&["", "", "", "", " ", "  "]);
    format!(
        "{pad}{epoch}{upstream}{revision}{}",
        rng.pick(&["", "", "", " "])
    )
}

#[test]
fn dpkg_order_is_dpkgs() {
    let bin = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dpkg-cmp");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "gcc -O2 -o '{}' '{}' $(pkg-config --cflags libdpkg) -ldpkg -lmd -lz -llzma -lzstd -lbz2",
            bin.display(),
            repo_root().join("tools/version-oracle/dpkg.c").display()
        ))
        .status()
        .expect("sh");
    assert!(
        status.success(),
        "building the libdpkg oracle failed (needs gcc and libdpkg-dev)"
    );
    let pairs = pairs(0xd9c6, dpkg_version, DPKG_PARTS);
    let oracle = ask(Command::new(&bin), &pairs);
    compare_with("dpkg", &pairs, &oracle, |a, b| {
        Some(
            dpkg::Version::parse(a)
                .ok()?
                .cmp(&dpkg::Version::parse(b).ok()?),
        )
    });
}

const RPM_PARTS: &[&str] = &[
    "0",
    "1",
    "2",
    "9",
    "10",
    "01",
    "007",
    "123",
    "99999999999999999999",
    "a",
    "b",
    "z",
    "A",
    "Z",
    "~",
    "^",
    ".",
    "-",
    "_",
    "+",
    "rc1",
    "el9",
    "fc40",
    "git",
    "p1",
    ":",
    "é",
];

fn rpm_version(rng: &mut Rng) -> String {
    let epoch = rng.pick(&["", "", "", "0:", "1:", "2:", "10:", ":", "a:"]);
    let version = tokens(rng, RPM_PARTS, 6);
    let release = match rng.below(3) {
        0 => String::new(),
        _ => format!("-{}", tokens(rng, RPM_PARTS, 3)),
    };
    format!("{epoch}{version}{release}")
}

#[test]
fn rpm_order_is_rpms() {
    let pairs = pairs(0x59a1, rpm_version, RPM_PARTS);
    let mut cmd = Command::new("/usr/bin/python3");
    cmd.arg(repo_root().join("tools/version-oracle/oracle.py"))
        .arg("rpm");
    let oracle = ask(cmd, &pairs);
    compare_with("rpm", &pairs, &oracle, |a, b| {
        Some(
            rpm::Version::parse(a)
                .ok()?
                .cmp(&rpm::Version::parse(b).ok()?),
        )
    });
}

const PEP440_EDITS: &[&str] = &[
    "0", "1", "9", ".", "-", "_", "+", "a", "b", "c", "rc", "post", "dev", "r", "v", "!", "x", " ",
];

fn pep440_version(rng: &mut Rng) -> String {
    let num = |rng: &mut Rng| {
        rng.pick(&[
            "0",
            "1",
            "2",
            "9",
            "10",
            "01",
            "007",
            "123",
            "99999999999999999999999",
        ])
        .to_string()
    };
    let sep = |rng: &mut Rng| rng.pick(&["", "", ".", "-", "_"]).to_string();
    let mut s = String::new();
    s.push_str(rng.pick(&["", "", "", " ", "v", "V"]));
    if rng.below(8) == 0 {
        s.push_str(&num(rng));
        s.push('!');
    }
    s.push_str(&num(rng));
    for _ in 0..rng.below(4) {
        s.push('.');
        s.push_str(&num(rng));
    }
    if rng.below(3) == 0 {
        s.push_str(&sep(rng));
        s.push_str(rng.pick(&[
            "a", "A", "alpha", "b", "beta", "B", "c", "rc", "RC", "pre", "preview",
        ]));
        s.push_str(&sep(rng));
        if rng.below(3) > 0 {
            s.push_str(&num(rng));
        }
    }
    match rng.below(5) {
        0 => {
            s.push('-');
            s.push_str(&num(rng));
        }
        1 => {
            s.push_str(&sep(rng));
            s.push_str(rng.pick(&["post", "rev", "r", "POST"]));
            s.push_str(&sep(rng));
            if rng.below(2) == 0 {
                s.push_str(&num(rng));
            }
        }
        _ => {}
    }
    if rng.below(4) == 0 {
        s.push_str(&sep(rng));
        s.push_str(rng.pick(&["dev", "DEV"]));
        if rng.below(2) == 0 {
            s.push_str(&num(rng));
        }
    }
    if rng.below(4) == 0 {
        s.push('+');
        let seg = |rng: &mut Rng| {
            rng.pick(&["abc", "1", "01", "x9", "ubuntu", "0", "Z"])
                .to_string()
        };
        s.push_str(&seg(rng));
        for _ in 0..rng.below(3) {
            s.push_str(rng.pick(&[".", "-", "_"]));
            s.push_str(&seg(rng));
        }
    }
    s.push_str(
        rng.pick(&["", "", "", "", " ", "\n"])
            .trim_end_matches('\n'),
    );
    s
}

#[test]
fn pep440_order_is_packagings() {
    let pairs = pairs(0x9e44, pep440_version, PEP440_EDITS);
    let mut cmd = Command::new("/usr/bin/python3");
    cmd.arg(repo_root().join("tools/version-oracle/oracle.py"))
        .arg("pep440");
    let oracle = ask(cmd, &pairs);
    compare_with("packaging", &pairs, &oracle, |a, b| {
        Some(
            pep440::Version::parse(a)
                .ok()?
                .cmp(&pep440::Version::parse(b).ok()?),
        )
    });
}
