//! The dpkg cataloger against dpkg itself: every package `dpkg-query`
//! lists as installed, with the same version, architecture and source,
//! on this machine's own database and on a generated one with the shapes
//! that trip parsers (removed packages with config files, held and
//! half-configured ones, sources with versions, continuation lines).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_sbom::dpkg;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

type Row = (String, String, String, String, String);

/// What dpkg-query reports installed under `admindir`.
fn dpkg_query(admindir: &Path) -> BTreeSet<Row> {
    let out = Command::new("dpkg-query")
        .arg(format!("--admindir={}", admindir.display()))
        .args([
            "-W",
            "-f",
            "${db:Status-Status}\\t${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\t${source:Version}\\n",
        ])
        .output()
        .expect("dpkg-query");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0] == "installed").then(|| {
                (
                    f[1].to_string(),
                    f[2].to_string(),
                    f[3].to_string(),
                    f[4].to_string(),
                    f[5].to_string(),
                )
            })
        })
        .collect()
}

fn ours(root: &Path) -> BTreeSet<Row> {
    dpkg::catalog(root)
        .unwrap()
        .into_iter()
        .map(|p| {
            let (s, sv) = p.source.unwrap();
            (p.name, p.version, p.arch.unwrap_or_default(), s, sv)
        })
        .collect()
}

#[test]
fn this_machines_packages_are_all_found() {
    let want = dpkg_query(Path::new("/var/lib/dpkg"));
    assert!(want.len() > 100, "{} packages", want.len());
    let got = ours(Path::new("/"));
    let missing: Vec<_> = want.difference(&got).take(10).collect();
    let extra: Vec<_> = got.difference(&want).take(10).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}\nextra {extra:?}"
    );
}

#[test]
fn a_generated_database_agrees_with_dpkg_query() {
    let root = tempfile::tempdir().unwrap();
    let admin = root.path().join("var/lib/dpkg");
    std::fs::create_dir_all(admin.join("info")).unwrap();
    std::fs::create_dir_all(admin.join("updates")).unwrap();
    let mut status = String::new();
    let states = [
        "install ok installed",
        "hold ok installed",
        "deinstall ok config-files",
        "install ok half-configured",
        "install ok unpacked",
        "purge ok not-installed",
        "deinstall ok installed",
    ];
    for i in 0..200 {
        let state = states[i % states.len()];
        status.push_str(&format!(
            "Package: pkg{i}\nStatus: {state}\nPriority: optional\n"
        ));
        status.push_str(&format!(
            "Architecture: {}\n",
            ["amd64", "all", "arm64"][i % 3]
        ));
        if i % 4 == 1 && i % 3 != 1 {
            status.push_str("Multi-Arch: same\n");
        }
        match i % 5 {
            0 => status.push_str(&format!("Source: src{i}\n")),
            1 => status.push_str(&format!("Source: src{i} (1:{i}.0-1)\n")),
            _ => {}
        }
        status.push_str(&format!(
            "Version: {}{i}.{}-{}+deb12u1\n",
            if i % 6 == 0 { "2:" } else { "" },
            i % 7,
            i % 3
        ));
        status.push_str("Description: a package\n long text\n .\n more\n\n");
    }
    std::fs::write(admin.join("status"), status).unwrap();
    let want = dpkg_query(&admin);
    assert!(want.len() > 50);
    assert_eq!(ours(root.path()), want);
}

#[test]
fn distroless_status_d_and_purls() {
    let root = tempfile::tempdir().unwrap();
    let d = root.path().join("var/lib/dpkg/status.d");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    std::fs::write(
        root.path().join("etc/os-release"),
        "ID=debian\nVERSION_ID=\"12\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("libc6"),
        "Package: libc6\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\nSource: glibc\n",
    )
    .unwrap();
    std::fs::write(d.join("libc6.md5sums"), "abc  usr/lib/x\n").unwrap();
    let doc = root.path().join("usr/share/doc/libc6");
    std::fs::create_dir_all(&doc).unwrap();
    std::fs::write(doc.join("copyright"), "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: LGPL-2.1+\n\nFiles: x\nLicense: GPL-2+\n").unwrap();
    let pkgs = dpkg::catalog(root.path()).unwrap();
    assert_eq!(pkgs.len(), 1);
    let p = &pkgs[0];
    assert_eq!(
        p.purl,
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc"
    );
    assert_eq!(p.source, Some(("glibc".into(), "2.36-9+deb12u4".into())));
    assert_eq!(p.licenses, ["LGPL-2.1+", "GPL-2+"]);
    // A broken status file is an error naming the file and line.
    std::fs::write(
        root.path().join("var/lib/dpkg/status"),
        "Package: x\ngarbage\n",
    )
    .unwrap();
    let e = dpkg::catalog(root.path()).unwrap_err().to_string();
    assert!(
        e.contains("var/lib/dpkg/status") && e.contains("line 2"),
        "{e}"
    );
    // No dpkg database at all: nothing, not an error.
    assert!(
        dpkg::catalog(&root.path().join("empty"))
            .unwrap()
            .is_empty()
    );
}
