//! The Cargo.lock cataloger against the lockfile itself, read by an
//! independent TOML parser (Python's tomllib): this repository's own
//! lockfile, every package with a source, nothing else.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_sbom::cargo_lock;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

#[test]
fn this_repositorys_lockfile_is_read_whole() {
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, tomllib\n\
             d = tomllib.load(open(sys.argv[1], 'rb'))\n\
             for p in d['package']:\n\
             \x20   if 'source' in p: print(p['name'], p['version'])\n",
        )
        .arg(&lock)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want: BTreeSet<(String, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (n, v) = l.split_once(' ').unwrap();
            (n.to_string(), v.to_string())
        })
        .collect();
    assert!(want.len() > 300, "{}", want.len());
    let pkgs = cargo_lock::catalog(&lock).unwrap();
    let got: BTreeSet<(String, String)> = pkgs
        .iter()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    assert_eq!(got, want);
    assert!(
        pkgs.iter()
            .all(|p| p.purl == format!("pkg:cargo/{}@{}", p.name, p.version.replace('+', "%2B")))
    );
    assert!(
        !got.iter().any(|(n, _)| n == "palisade-core"),
        "workspace crates are the project, not dependencies"
    );
}

#[test]
fn git_sources_and_bad_lockfiles() {
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join("Cargo.lock");
    std::fs::write(
        &lock,
        "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\nsource = \"git+https://github.com/o/a?rev=abc#abcdef\"\n\n[[package]]\nname = \"me\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let pkgs = cargo_lock::catalog(&lock).unwrap();
    assert_eq!(pkgs.len(), 1);
    assert!(
        pkgs[0]
            .purl
            .starts_with("pkg:cargo/a@0.1.0?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com"),
        "{}",
        pkgs[0].purl
    );
    std::fs::write(&lock, "[[package]]\nname = ").unwrap();
    let e = cargo_lock::catalog(&lock).unwrap_err().to_string();
    assert!(e.contains("Cargo.lock") && e.contains("line 2"), "{e}");
}
