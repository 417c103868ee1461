//! `palisade db`: import OSV advisories, refuse bad ones by name, report
//! status; the database directory from --db or PALISADE_DB.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{code, json, out, palisade, repo, write};

#[test]
fn import_then_status() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let db = db.to_str().unwrap();
    let sample = repo().join("crates/palisade-vuln/tests/data/osv-go");
    let o = palisade(
        &["db", "--db", db, "import", sample.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("imported 541 advisories"), "{}", out(&o));

    let o = palisade(&["db", "--db", db, "status", "-f", "json"], dir.path());
    assert_eq!(code(&o), 0, "{}", out(&o));
    let s = json(&o);
    assert_eq!(s["advisories"], 541);
    assert_eq!(s["by_ecosystem"]["Go"], 541);
    assert_eq!(s["age_days"], 0);
    assert!(s["updated"].as_str().unwrap().ends_with('Z'));

    // A bad entry is named, the rest imports, the exit code says so.
    let bad = write(dir.path(), "bad.json", "{\"id\": ");
    let good = sample.join("GO-2020-0001.json");
    let o = palisade(
        &[
            "db",
            "--db",
            db,
            "import",
            bad.to_str().unwrap(),
            good.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert!(
        out(&o).contains("bad.json") && out(&o).contains("imported 1 advisories"),
        "{}",
        out(&o)
    );
}

#[test]
fn status_without_a_database_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = palisade(
        &[
            "db",
            "--db",
            dir.path().join("none").to_str().unwrap(),
            "status",
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 2);
    assert!(
        out(&o).contains("run `palisade db import` first"),
        "{}",
        out(&o)
    );
}

/// `db update` from a local HTTP server standing in for osv.dev's bucket:
/// the dump is downloaded and imported; a missing ecosystem is named and
/// the rest still imports.
#[test]
fn update_downloads_and_imports_dumps() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("Go")).unwrap();
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(site.join("Go/all.zip")).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        let sample = repo().join("crates/palisade-vuln/tests/data/osv-go");
        let mut names: Vec<_> = std::fs::read_dir(&sample)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        names.sort();
        for p in names {
            z.start_file(p.file_name().unwrap().to_str().unwrap(), opts)
                .unwrap();
            z.write_all(&std::fs::read(&p).unwrap()).unwrap();
        }
        z.finish().unwrap();
    }
    // A free port, then python's static file server on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = std::process::Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(&site)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 -m http.server");
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let db = dir.path().join("db");
    let o = palisade(
        &[
            "db",
            "--db",
            db.to_str().unwrap(),
            "update",
            "--base-url",
            &base,
            "--ecosystem",
            "Go",
            "--ecosystem",
            "Hex",
        ],
        dir.path(),
    );
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert!(out(&o).contains("Go: 541 advisories"), "{}", out(&o));
    assert!(
        out(&o).contains("Hex") && out(&o).contains("HTTP 404"),
        "{}",
        out(&o)
    );
    let o = palisade(
        &["db", "--db", db.to_str().unwrap(), "status", "-f", "json"],
        dir.path(),
    );
    assert_eq!(json(&o)["advisories"], 541);
}
