//! Go build information against `go version -m`: the Go toolchain's own
//! executables, and a module built here with a dependency and a
//! replacement.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_sbom::go_binary::{BuildInfo, read};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `go version -m` parsed the same way.
fn go_says(bin: &Path) -> Option<BuildInfo> {
    let out = Command::new("go")
        .args(["version", "-m"])
        .arg(bin)
        .output()
        .expect("go");
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let first = lines.next()?;
    let go_version = first.rsplit(": ").next()?.trim().to_string();
    let mut info = BuildInfo {
        go_version,
        ..BuildInfo::default()
    };
    let mut last_is_main = false;
    for l in lines {
        let f: Vec<&str> = l.trim_start_matches('\t').split('\t').collect();
        match f.as_slice() {
            ["path", p, ..] => info.path = Some((*p).into()),
            ["mod", p, v, ..] => {
                info.main = Some(((*p).into(), (*v).into()));
                last_is_main = true;
            }
            ["dep", p, v, ..] => {
                info.deps.push(((*p).into(), (*v).into()));
                last_is_main = false;
            }
            ["=>", p, v, ..] => {
                let t = if last_is_main {
                    info.main.as_mut()
                } else {
                    info.deps.last_mut()
                };
                *t.unwrap() = ((*p).into(), (*v).into());
            }
            _ => {}
        }
    }
    Some(info)
}

fn toolchain_binaries() -> Vec<PathBuf> {
    let go = std::fs::canonicalize(which("go")).unwrap();
    let root = go.parent().unwrap().parent().unwrap();
    let mut out = vec![go.clone()];
    for dir in [root.join("bin"), root.join("pkg/tool/linux_amd64")] {
        if let Ok(rd) = std::fs::read_dir(dir) {
            out.extend(
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file()),
            );
        }
    }
    out.sort();
    out.dedup();
    out
}

fn which(cmd: &str) -> PathBuf {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {cmd}"))
        .output()
        .unwrap();
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

#[test]
fn the_go_toolchains_own_executables() {
    let bins = toolchain_binaries();
    assert!(bins.len() > 10, "{bins:?}");
    for b in &bins {
        let bytes = std::fs::read(b).unwrap();
        assert_eq!(read(&bytes), go_says(b), "{}", b.display());
    }
}

#[test]
fn a_module_with_a_replaced_dependency() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("dep")).unwrap();
    std::fs::write(d.join("dep/go.mod"), "module example.com/dep\n\ngo 1.19\n").unwrap();
    std::fs::write(
        d.join("dep/dep.go"),
        "package dep\n\nfunc Hi() string { return \"hi\" }\n",
    )
    .unwrap();
    std::fs::write(
        d.join("go.mod"),
        "module example.com/app\n\ngo 1.19\n\nrequire example.com/dep v1.2.3\n\nreplace example.com/dep v1.2.3 => ./dep\n",
    )
    .unwrap();
    std::fs::write(
        d.join("main.go"),
        "package main\n\nimport \"example.com/dep\"\n\nfunc main() { println(dep.Hi()) }\n",
    )
    .unwrap();
    let bin = d.join("app");
    let status = Command::new("go")
        .args(["build", "-o"])
        .arg(&bin)
        .arg(".")
        .current_dir(d)
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOCACHE", d.join("cache"))
        .env("GOPATH", d.join("gopath"))
        .status()
        .unwrap();
    assert!(status.success());
    let bytes = std::fs::read(&bin).unwrap();
    let ours = read(&bytes).unwrap();
    assert_eq!(Some(ours.clone()), go_says(&bin));
    assert_eq!(ours.deps, [("./dep".to_string(), "(devel)".to_string())]);
    let pkgs = palisade_sbom::go_binary::catalog(&bin).unwrap();
    assert_eq!(pkgs[0].name, "stdlib");
    assert!(
        pkgs[0].purl.starts_with("pkg:golang/stdlib@1."),
        "{}",
        pkgs[0].purl
    );
    // Not a Go executable: nothing.
    assert!(
        palisade_sbom::go_binary::catalog(Path::new("/bin/sh"))
            .unwrap()
            .is_empty()
    );
}
