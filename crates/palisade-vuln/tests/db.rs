//! The advisory database: imports of files, directories and zip archives
//! (hostile ones included), lookups by package, status, and refusal of
//! another format.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_vuln::db::{Db, Error, FORMAT};
use std::io::Write;
use std::path::{Path, PathBuf};

fn go_sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osv-go")
}

#[test]
fn a_directory_imports_and_is_found_by_package() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path()).unwrap();
    let got = db.import(&[go_sample()]).unwrap();
    assert_eq!(got.advisories, 541, "{:?}", got.rejected);
    assert!(got.rejected.is_empty(), "{:?}", got.rejected);
    let found = db.advisories_for("Go", "github.com/gin-gonic/gin").unwrap();
    assert!(found.iter().any(|a| a.id == "GO-2020-0001"));
    assert!(
        db.advisories_for("Go", "no/such/module")
            .unwrap()
            .is_empty()
    );
    let status = db.status().unwrap();
    assert_eq!(status.advisories, 541);
    assert_eq!(status.by_ecosystem["Go"], 541);
    assert_eq!(palisade_vuln::db::rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(
        palisade_vuln::db::rfc3339(951_782_400),
        "2000-02-29T00:00:00Z"
    );
    assert_eq!(
        palisade_vuln::db::rfc3339(1_796_694_029),
        "2026-12-08T01:40:29Z"
    );
    assert_eq!(status.sources.len(), 1);
    assert!(status.updated.is_some());
    drop(db);
    // Reopening keeps everything; importing again replaces, not doubles.
    let db = Db::open_existing(dir.path()).unwrap().expect("exists");
    db.import(&[go_sample()]).unwrap();
    assert_eq!(db.status().unwrap().advisories, 541);
    assert!(
        Db::open_existing(&dir.path().join("none"))
            .unwrap()
            .is_none()
    );
}

#[test]
fn hostile_archives_import_what_is_good_and_name_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("all.zip");
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let good = std::fs::read(go_sample().join("GO-2020-0001.json")).unwrap();
        z.start_file("GO-2020-0001.json", opts).unwrap();
        z.write_all(&good).unwrap();
        z.start_file("broken.json", opts).unwrap();
        z.write_all(b"{\"id\": ").unwrap();
        // A bomb: 9 MiB of spaces, a few KiB compressed.
        z.start_file("bomb.json", opts).unwrap();
        z.write_all(&vec![b' '; 9 << 20]).unwrap();
        // A path that would escape a directory, were anything written.
        z.start_file("../../escape.json", opts).unwrap();
        z.write_all(&good).unwrap();
        z.start_file("README.txt", opts).unwrap();
        z.write_all(b"not json").unwrap();
        z.finish().unwrap();
    }
    let store = dir.path().join("db");
    let db = Db::open(&store).unwrap();
    let got = db.import(std::slice::from_ref(&zip_path)).unwrap();
    assert_eq!(got.advisories, 2, "{:?}", got.rejected);
    let reasons: Vec<String> = got
        .rejected
        .iter()
        .map(|r| format!("{}: {}", r.source, r.reason))
        .collect();
    assert_eq!(got.rejected.len(), 2, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("all.zip!broken.json") && r.contains("line 1")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("all.zip!bomb.json") && r.contains("bytes allowed")),
        "{reasons:?}"
    );
    assert!(!dir.path().join("..").join("escape.json").exists());
    // Not an archive at all: an error naming it.
    let fake = dir.path().join("fake.zip");
    std::fs::write(&fake, b"PK no").unwrap();
    let e = db.import(&[fake]).unwrap_err().to_string();
    assert!(e.contains("fake.zip"), "{e}");
}

#[test]
fn another_format_is_refused_not_misread() {
    let dir = tempfile::tempdir().unwrap();
    drop(Db::open(dir.path()).unwrap());
    {
        let raw = redb::Database::create(dir.path().join("osv.redb")).unwrap();
        let txn = raw.begin_write().unwrap();
        {
            let mut meta = txn
                .open_table(redb::TableDefinition::<&str, &str>::new("meta"))
                .unwrap();
            meta.insert("format", "palisade-vuln-db/0").unwrap();
        }
        txn.commit().unwrap();
    }
    match Db::open(dir.path()) {
        Err(Error::Format { found, .. }) => assert_eq!(found, "palisade-vuln-db/0"),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a database of another format opened"),
    }
    assert_eq!(FORMAT, "palisade-vuln-db/1");
}
