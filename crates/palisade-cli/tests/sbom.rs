//! `palisade sbom`: the inventory of a root filesystem built here (a dpkg
//! database, a Cargo.lock, a Go executable), written as CycloneDX 1.6 and
//! SPDX 2.3 that the official validators accept (cyclonedx-python-lib's
//! strict JSON validator, spdx-tools; PyPI, pinned).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{code, json, out, palisade, repo, write};
use std::path::Path;
use std::process::Command;

fn validators() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sbom-validators");
    if !dir.join("cyclonedx").exists() || !dir.join("spdx_tools").exists() {
        let status = Command::new("python3")
            .args(["-m", "pip", "install", "-q", "--target"])
            .arg(&dir)
            .args([
                "cyclonedx-python-lib[json-validation]==11.12.0",
                "spdx-tools==0.8.5",
            ])
            .status()
            .expect("python3 -m pip");
        assert!(
            status.success(),
            "installing the SBOM validators from PyPI failed"
        );
    }
    dir
}

fn root(dir: &Path) {
    write(
        dir,
        "var/lib/dpkg/status",
        "Package: libc6\nStatus: install ok installed\nMaintainer: x <x@example.org>\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9+deb12u4\nDescription: C library\n\nPackage: gone\nStatus: deinstall ok config-files\nMaintainer: x <x@example.org>\nArchitecture: amd64\nVersion: 1.0\nDescription: removed\n",
    );
    write(dir, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
    std::fs::create_dir_all(dir.join("srv/app")).unwrap();
    std::fs::copy(repo().join("Cargo.lock"), dir.join("srv/app/Cargo.lock")).unwrap();
    let go = String::from_utf8(
        Command::new("sh")
            .args(["-c", "readlink -f $(command -v go)"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("usr/local/bin")).unwrap();
    std::fs::copy(go.trim(), dir.join("usr/local/bin/go")).unwrap();
}

#[test]
fn inventories_validate_as_cyclonedx_and_spdx() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("rootfs");
    root(&r);
    let o = palisade(&["sbom", r.to_str().unwrap(), "-f", "json"], dir.path());
    assert_eq!(code(&o), 0, "{}", out(&o));
    let pkgs = json(&o);
    let pkgs = pkgs.as_array().unwrap();
    let deb: Vec<_> = pkgs.iter().filter(|p| p["type"] == "deb").collect();
    assert_eq!(deb.len(), 1, "only installed packages");
    assert_eq!(
        deb[0]["purl"],
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc"
    );
    assert!(pkgs.iter().filter(|p| p["type"] == "cargo").count() > 300);
    assert!(
        pkgs.iter()
            .any(|p| p["type"] == "golang" && p["name"] == "stdlib")
    );

    let lib = validators();
    for (fmt, file) in [("cyclonedx", "bom.cdx.json"), ("spdx", "bom.spdx.json")] {
        let path = dir.path().join(file);
        let o = palisade(
            &[
                "sbom",
                r.to_str().unwrap(),
                "-f",
                fmt,
                "-o",
                path.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert_eq!(code(&o), 0, "{}", out(&o));
        let v = Command::new("python3")
            .arg(repo().join("tools/oracles/sbom_validate.py"))
            .arg(&lib)
            .arg(fmt)
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            v.status.success(),
            "{fmt}: {}{}",
            String::from_utf8_lossy(&v.stdout),
            String::from_utf8_lossy(&v.stderr)
        );
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let n = if fmt == "cyclonedx" {
            doc["components"].as_array().unwrap().len()
        } else {
            doc["packages"].as_array().unwrap().len() - 1
        };
        assert_eq!(n, pkgs.len(), "{fmt}: every package");
    }
    // Not a directory: a usage error naming it.
    let o = palisade(&["sbom", "nope.tar"], dir.path());
    assert_eq!(code(&o), 2);
    assert!(out(&o).contains("nope.tar"));
}
