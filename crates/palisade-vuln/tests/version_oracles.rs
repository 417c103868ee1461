//! Each version order against the package manager's own implementation,
//! over generated pairs of the shapes real versions take (and many they
//! should not): libdpkg (dpkg's `parseversion` and
//! `dpkg_version_compare`, Debian's libdpkg-dev), rpm (`rpm.ver` from
//! Debian's python3-rpm) and PEP 440 (`packaging.version`, Debian's
//! python3-packaging), Go (`golang.org/x/mod/semver`, Debian's
//! golang-golang-x-mod-dev) and npm (the `semver` package, installed from
//! the npm registry into the test's folder). `tools/test-deps.sh`
//! installs the Debian ones.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_vuln::version::{dpkg, go, maven, npm, pep440, rpm, rubygems};
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
    // The corpus must exercise the order, not only the parser's refusals.
    let count = |w: &str| oracle.iter().filter(|o| o.as_str() == w).count();
    for w in ["-1", "0", "1"] {
        assert!(
            count(w) * 50 >= pairs.len(),
            "{name}: only {} of {} answers are {w} (errors: {})",
            count(w),
            pairs.len(),
            count("error")
        );
    }
    eprintln!(
        "{name}: {} pairs, {} less, {} equal, {} greater, {} refused",
        pairs.len(),
        count("-1"),
        count("0"),
        count("1"),
        count("error")
    );
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

/// Pairs from `one`: a third independent, a third a version and a small
/// edit of it (the near misses where orders differ), a third a version
/// and a rewriting `same` expects to be equal (where parsers disagree on
/// what is the same version).
fn pairs(
    seed: u64,
    one: impl Fn(&mut Rng) -> String,
    same: impl Fn(&mut Rng, &str) -> String,
    alphabet: &[&str],
) -> Vec<(String, String)> {
    let mut rng = Rng(seed);
    (0..PAIRS)
        .map(|_| {
            let a = one(&mut rng);
            let b = match rng.below(3) {
                0 => one(&mut rng),
                1 => same(&mut rng, &a),
                _ => {
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
                }
            };
            (a, b)
        })
        .collect()
}

/// `s` with a `0` before one of its digit runs (`1.2` → `1.02`).
fn zero_pad(rng: &mut Rng, s: &str) -> String {
    let starts: Vec<usize> = s
        .char_indices()
        .filter(|(i, c)| c.is_ascii_digit() && !s[..*i].ends_with(|p: char| p.is_ascii_digit()))
        .map(|(i, _)| i)
        .collect();
    if starts.is_empty() {
        return s.to_string();
    }
    let at = starts[rng.below(starts.len())];
    format!("{}0{}", &s[..at], &s[at..])
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
            repo_root().join("tools/oracles/dpkg.c").display()
        ))
        .status()
        .expect("sh");
    assert!(
        status.success(),
        "building the libdpkg oracle failed (needs gcc and libdpkg-dev)"
    );
    let same = |rng: &mut Rng, a: &str| match rng.below(3) {
        0 if !a.contains(':') => format!("0:{}", a.trim_start()),
        1 if !a.contains('-') => format!("{}-0", a.trim_end()),
        _ => zero_pad(rng, a),
    };
    let pairs = pairs(0xd9c6, dpkg_version, same, DPKG_PARTS);
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
    let same = |rng: &mut Rng, a: &str| match rng.below(2) {
        0 if !a.contains(':') => format!("0:{a}"),
        _ => zero_pad(rng, a),
    };
    let pairs = pairs(0x59a1, rpm_version, same, RPM_PARTS);
    let mut cmd = Command::new("/usr/bin/python3");
    cmd.arg(repo_root().join("tools/oracles/oracle.py"))
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
    let same = |rng: &mut Rng, a: &str| match rng.below(3) {
        0 => a.to_uppercase(),
        1 => a.replacen('.', ".0.", 1).replace("..", "."),
        _ => zero_pad(rng, a),
    };
    let pairs = pairs(0x9e44, pep440_version, same, PEP440_EDITS);
    let mut cmd = Command::new("/usr/bin/python3");
    cmd.arg(repo_root().join("tools/oracles/oracle.py"))
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

const SEMVER_PARTS: &[&str] = &[
    "0",
    "1",
    "2",
    "9",
    "10",
    "01",
    "123",
    "9007199254740991",
    "9007199254740992",
    "99999999999999999999",
    ".",
    "-",
    "+",
    "a",
    "alpha",
    "beta",
    "rc",
    "x-y",
    "A",
    "Z",
    "v",
    "=",
    " ",
    "incompatible",
    "20191109021931",
    "daa7c04131f5",
];

/// A semantic version with prefix `v`: three in four valid by SemVer
/// 2.0 (`short` allows Go's `v1` and `v1.2` too), the rest with one of
/// the mistakes real tags make.
fn semver_version(rng: &mut Rng, v: &str, short: bool) -> String {
    let num = |rng: &mut Rng| {
        rng.pick(&[
            "0",
            "0",
            "1",
            "1",
            "2",
            "3",
            "9",
            "10",
            "123",
            "9007199254740991",
        ])
        .to_string()
    };
    let ident = |rng: &mut Rng| {
        rng.pick(&[
            "alpha",
            "beta",
            "rc",
            "0",
            "1",
            "2",
            "11",
            "x-y",
            "-",
            "A",
            "a1",
            "1a",
            "99999999999999999999",
            "99999999999999999998",
            "9007199254740991",
            "9007199254740990",
            "20191109021931",
            "daa7c04131f5",
        ])
        .to_string()
    };
    let mut s = format!("{v}{}", num(rng));
    let parts = if short { rng.below(3) } else { 2 };
    for _ in 0..parts {
        s.push('.');
        s.push_str(&num(rng));
    }
    if parts == 2 && rng.below(2) == 0 {
        s.push('-');
        for i in 0..1 + rng.below(4) {
            if i > 0 {
                s.push('.');
            }
            s.push_str(&ident(rng));
        }
    }
    if parts == 2 && rng.below(4) == 0 {
        s.push('+');
        s.push_str(rng.pick(&["incompatible", "build.1", "001", "x-y.z"]));
    }
    if rng.below(4) == 0 {
        // One of the mistakes: a leading zero, an empty identifier, a
        // missing part, a stray character, a too-large number.
        s = match rng.below(5) {
            0 => zero_pad(rng, &s),
            1 => s.replacen('.', "..", 1),
            2 => s.rsplit_once('.').map_or(s.clone(), |(a, _)| a.to_string()),
            3 => format!("{s}{}", rng.pick(&["-", "+", "_", " x", "-01", "+"])),
            _ => s.replacen("9007199254740991", "9007199254740992", 1),
        };
    }
    s
}

#[test]
fn go_order_is_x_mod_semvers() {
    let bin = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gosemver");
    let status = Command::new("go")
        .args(["build", "-o"])
        .arg(&bin)
        .arg(".")
        .current_dir(repo_root().join("tools/oracles/gosemver"))
        .env("GOPATH", "/usr/share/gocode")
        .env("GO111MODULE", "off")
        .env(
            "GOCACHE",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-cache"),
        )
        .status()
        .expect("go (see tools/test-deps.sh)");
    assert!(status.success(), "building the x/mod/semver oracle failed");
    let one = |rng: &mut Rng| {
        let v = if rng.below(20) == 0 {
            rng.pick(&["", "V"])
        } else {
            "v"
        };
        semver_version(rng, v, true)
    };
    let same = |rng: &mut Rng, a: &str| {
        if a.contains('+') {
            a.split('+').next().unwrap_or(a).to_string()
        } else {
            format!("{a}+{}", rng.pick(&["incompatible", "meta.1"]))
        }
    };
    let pairs = pairs(0x6051, one, same, SEMVER_PARTS);
    let oracle = ask(Command::new(&bin), &pairs);
    compare_with("x/mod/semver", &pairs, &oracle, |a, b| {
        Some(go::compare(a, b))
    });
}

#[test]
fn npm_order_is_npm_semvers() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("npm-semver");
    if !dir.join("node_modules/semver/package.json").exists() {
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
            .arg(&dir)
            .arg("semver@7.8.6")
            .status()
            .expect("npm");
        assert!(
            status.success(),
            "installing semver@7.8.6 from the npm registry failed"
        );
    }
    let one = |rng: &mut Rng| {
        let v = rng.pick(&["", "", "", "", "v", " ", "=", "\u{a0}"]);
        semver_version(rng, v, false)
    };
    let same = |rng: &mut Rng, a: &str| match rng.below(3) {
        0 => format!("v{}", a.trim()),
        1 => format!(" {a}\u{3000}"),
        _ if !a.contains('+') => format!("{a}+{}", rng.pick(&["build.7", "x"])),
        _ => a.split('+').next().unwrap_or(a).to_string(),
    };
    let pairs = pairs(0x4e9d, one, same, SEMVER_PARTS);
    let mut cmd = Command::new("node");
    cmd.arg(repo_root().join("tools/oracles/npm-semver.js"))
        .arg(&dir);
    let oracle = ask(cmd, &pairs);
    compare_with("npm semver", &pairs, &oracle, |a, b| {
        Some(
            npm::Version::parse(a)
                .ok()?
                .cmp(&npm::Version::parse(b).ok()?),
        )
    });
}

const MAVEN_PARTS: &[&str] = &[
    "0",
    "1",
    "2",
    "9",
    "10",
    "01",
    "007",
    "123",
    "2147483648",
    "99999999999999999999",
    ".",
    "-",
    "alpha",
    "a",
    "beta",
    "b",
    "milestone",
    "m",
    "rc",
    "cr",
    "snapshot",
    "SNAPSHOT",
    "ga",
    "final",
    "release",
    "sp",
    "foo",
    "x",
    "Final",
    "RC",
    "jre",
    "Ü",
];

fn maven_version(rng: &mut Rng) -> String {
    tokens(rng, MAVEN_PARTS, 8)
}

#[test]
fn maven_order_is_comparable_versions() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("maven-cmp");
    let jar = "/usr/share/maven/lib/maven-artifact-3.x.jar";
    let status = Command::new("javac")
        .arg("-d")
        .arg(&dir)
        .args(["-cp", jar])
        .arg(repo_root().join("tools/oracles/maven/MavenCmp.java"))
        .status()
        .expect("javac (see tools/test-deps.sh)");
    assert!(
        status.success(),
        "compiling the ComparableVersion oracle failed"
    );
    let same = |rng: &mut Rng, a: &str| match rng.below(4) {
        0 => a.to_uppercase(),
        1 => format!("{a}.0"),
        2 => format!("{a}-ga"),
        _ => zero_pad(rng, a),
    };
    let pairs = pairs(0x3a7e, maven_version, same, MAVEN_PARTS);
    let mut cmd = Command::new("java");
    cmd.arg("-cp")
        .arg(format!("{}:{jar}", dir.display()))
        .arg("MavenCmp");
    let oracle = ask(cmd, &pairs);
    compare_with("ComparableVersion", &pairs, &oracle, |a, b| {
        Some(maven::Version::parse(a).cmp(&maven::Version::parse(b)))
    });
}

const GEM_PARTS: &[&str] = &[
    "0",
    "1",
    "2",
    "9",
    "10",
    "01",
    "007",
    "123",
    "99999999999999999999",
    ".",
    "-",
    "a",
    "b",
    "pre",
    "rc",
    "alpha",
    "beta",
    "A",
    "Z",
    "x",
    " ",
    "_",
];

fn gem_version(rng: &mut Rng) -> String {
    // Mostly well formed: numbers and letters joined by `.`, sometimes a
    // `-` part; the near-miss edits make the malformed ones.
    let seg = |rng: &mut Rng| {
        rng.pick(&[
            "0",
            "1",
            "2",
            "10",
            "01",
            "123",
            "99999999999999999999",
            "a",
            "b",
            "pre",
            "rc1",
            "alpha",
            "Z",
            "0a",
            "b2",
        ])
        .to_string()
    };
    let mut s = String::from(rng.pick(&["", "", "", "", " "]));
    s.push_str(rng.pick(&["0", "1", "2", "10", "01", "123"]));
    for _ in 0..rng.below(5) {
        s.push('.');
        s.push_str(&seg(rng));
    }
    if rng.below(4) == 0 {
        s.push('-');
        s.push_str(&seg(rng));
        if rng.below(2) == 0 {
            s.push('.');
            s.push_str(&seg(rng));
        }
    }
    s.push_str(rng.pick(&["", "", "", "", " "]));
    s
}

#[test]
fn rubygems_order_is_gem_versions() {
    let same = |rng: &mut Rng, a: &str| match rng.below(3) {
        0 => format!("{}.0", a.trim_end()),
        1 => format!(" {a} "),
        _ => zero_pad(rng, a),
    };
    let pairs = pairs(0x6e3d, gem_version, same, GEM_PARTS);
    let mut cmd = Command::new("ruby");
    cmd.arg(repo_root().join("tools/oracles/rubygems.rb"));
    let oracle = ask(cmd, &pairs);
    compare_with("Gem::Version", &pairs, &oracle, |a, b| {
        Some(
            rubygems::Version::parse(a)
                .ok()?
                .cmp(&rubygems::Version::parse(b).ok()?),
        )
    });
}
