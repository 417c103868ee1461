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
