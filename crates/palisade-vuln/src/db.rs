//! The vulnerability database: OSV advisories imported into one redb
//! file, indexed by package, opened in milliseconds. A directory holds it:
//! `osv.redb`, whose `meta` table records the format version, the sources
//! imported and when.
//!
//! Import takes OSV JSON files, directories of them, and zip archives such
//! as osv.dev's per-ecosystem `all.zip`, with limits on entry sizes and
//! counts; a bad entry is reported with its file (and archive) and the
//! rest imports.

use crate::osv::{self, Advisory};
use redb::{
    Database, MultimapTableDefinition, ReadableDatabase, ReadableMultimapTable, ReadableTable,
    ReadableTableMetadata, TableDefinition,
};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The on-disk format; a database of another format is refused, not
/// misread.
pub const FORMAT: &str = "palisade-vuln-db/1";
const FILE: &str = "osv.redb";

const ADVISORIES: TableDefinition<&str, &[u8]> = TableDefinition::new("advisories");
/// `ecosystem base \0 package name` → advisory ids.
const BY_PACKAGE: MultimapTableDefinition<&str, &str> = MultimapTableDefinition::new("by_package");
const META: TableDefinition<&str, &str> = TableDefinition::new("meta");

/// Most entries one archive may hold.
pub const MAX_ARCHIVE_ENTRIES: usize = 2_000_000;

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store failed.
    #[error("vulnerability database {path}: {message}")]
    Store {
        /// The database file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Written by another format.
    #[error(
        "vulnerability database {path} is format {found:?}, Palisade reads {FORMAT:?}: import it again"
    )]
    Format {
        /// The database file.
        path: PathBuf,
        /// What it says it is.
        found: String,
    },
    /// An input could not be read at all.
    #[error("{path}: {message}")]
    Input {
        /// The input.
        path: String,
        /// Why.
        message: String,
    },
}

/// An open database.
pub struct Db {
    path: PathBuf,
    db: Database,
}

/// One entry that did not import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The file, or `archive.zip!entry.json`.
    pub source: String,
    /// Why.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Default, Clone)]
pub struct Imported {
    /// Advisories stored (new or replaced).
    pub advisories: usize,
    /// Entries refused, with reasons.
    pub rejected: Vec<Rejected>,
}

/// `secs` since the epoch as RFC 3339 UTC (`2026-12-08T01:02:03Z`).
pub fn rfc3339(secs: u64) -> String {
    palisade_core::time::rfc3339(i64::try_from(secs).unwrap_or(i64::MAX / 2))
}

/// What `db status` shows.
#[derive(Debug, Clone)]
pub struct Status {
    /// The database file.
    pub path: PathBuf,
    /// Advisories held.
    pub advisories: u64,
    /// Advisories per ecosystem (base name, `Debian` for `Debian:12`).
    pub by_ecosystem: BTreeMap<String, u64>,
    /// Sources imported, with when (seconds since the epoch).
    pub sources: Vec<(String, u64)>,
    /// When the last import finished (seconds since the epoch).
    pub updated: Option<u64>,
}

fn store_error(path: &Path) -> impl Fn(String) -> Error + '_ {
    move |message| Error::Store {
        path: path.to_path_buf(),
        message,
    }
}

fn package_key(ecosystem: &str, name: &str) -> String {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    format!("{base}\0{name}")
}

impl Db {
    /// Opens (or creates) the database in `dir`.
    pub fn open(dir: &Path) -> Result<Self, Error> {
        let path = dir.join(FILE);
        let err = store_error(&path);
        std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
        let db = Database::create(&path).map_err(|e| err(e.to_string()))?;
        let this = Self {
            path: path.clone(),
            db,
        };
        this.check_format()?;
        Ok(this)
    }

    /// Opens an existing database read-only in effect (nothing is
    /// written); `None` when there is none yet.
    pub fn open_existing(dir: &Path) -> Result<Option<Self>, Error> {
        if !dir.join(FILE).exists() {
            return Ok(None);
        }
        Self::open(dir).map(Some)
    }

    fn check_format(&self) -> Result<(), Error> {
        let err = store_error(&self.path);
        let txn = self.db.begin_write().map_err(|e| err(e.to_string()))?;
        {
            let mut meta = txn.open_table(META).map_err(|e| err(e.to_string()))?;
            let found = meta
                .get("format")
                .map_err(|e| err(e.to_string()))?
                .map(|v| v.value().to_string());
            match found {
                None => {
                    meta.insert("format", FORMAT)
                        .map_err(|e| err(e.to_string()))?;
                }
                Some(f) if f == FORMAT => {}
                Some(found) => {
                    return Err(Error::Format {
                        path: self.path.clone(),
                        found,
                    });
                }
            }
            txn.open_table(ADVISORIES).map_err(|e| err(e.to_string()))?;
            txn.open_multimap_table(BY_PACKAGE)
                .map_err(|e| err(e.to_string()))?;
        }
        txn.commit().map_err(|e| err(e.to_string()))
    }

    /// Imports OSV JSON files, directories (recursively) and zip
    /// archives, in one transaction: entries are stored as they are read,
    /// never all held in memory.
    pub fn import(&self, inputs: &[PathBuf]) -> Result<Imported, Error> {
        let mut out = Imported::default();
        let err = store_error(&self.path);
        let txn = self.db.begin_write().map_err(|e| err(e.to_string()))?;
        {
            let mut adv = txn.open_table(ADVISORIES).map_err(|e| err(e.to_string()))?;
            let mut by = txn
                .open_multimap_table(BY_PACKAGE)
                .map_err(|e| err(e.to_string()))?;
            let mut store = |bytes: &[u8], a: &Advisory| -> Result<(), Error> {
                adv.insert(a.id.as_str(), bytes)
                    .map_err(|e| err(e.to_string()))?;
                for p in a.affected.iter().filter_map(|x| x.package.as_ref()) {
                    by.insert(package_key(&p.ecosystem, &p.name).as_str(), a.id.as_str())
                        .map_err(|e| err(e.to_string()))?;
                }
                Ok(())
            };
            let mut sink = Sink {
                store: &mut store,
                imported: 0,
                rejected: &mut out.rejected,
            };
            for input in inputs {
                collect(input, &mut sink)?;
            }
            out.advisories = sink.imported;
            let mut meta = txn.open_table(META).map_err(|e| err(e.to_string()))?;
            let now = palisade_core::time::now_unix().to_string();
            for input in inputs {
                let key = format!("source\0{}", input.display());
                meta.insert(key.as_str(), now.as_str())
                    .map_err(|e| err(e.to_string()))?;
            }
            meta.insert("updated", now.as_str())
                .map_err(|e| err(e.to_string()))?;
        }
        txn.commit().map_err(|e| err(e.to_string()))?;
        Ok(out)
    }

    /// The advisories naming `name` in `ecosystem` (any release of it).
    pub fn advisories_for(&self, ecosystem: &str, name: &str) -> Result<Vec<Advisory>, Error> {
        let err = store_error(&self.path);
        let txn = self.db.begin_read().map_err(|e| err(e.to_string()))?;
        let by = txn
            .open_multimap_table(BY_PACKAGE)
            .map_err(|e| err(e.to_string()))?;
        let adv = txn.open_table(ADVISORIES).map_err(|e| err(e.to_string()))?;
        let mut out = Vec::new();
        for id in by
            .get(package_key(ecosystem, name).as_str())
            .map_err(|e| err(e.to_string()))?
        {
            let id = id.map_err(|e| err(e.to_string()))?;
            if let Some(bytes) = adv.get(id.value()).map_err(|e| err(e.to_string()))? {
                // Stored entries were validated at import.
                if let Ok(a) = Advisory::from_json(bytes.value()) {
                    out.push(a);
                }
            }
        }
        Ok(out)
    }

    /// Counts, sources and age.
    pub fn status(&self) -> Result<Status, Error> {
        let err = store_error(&self.path);
        let txn = self.db.begin_read().map_err(|e| err(e.to_string()))?;
        let adv = txn.open_table(ADVISORIES).map_err(|e| err(e.to_string()))?;
        let by = txn
            .open_multimap_table(BY_PACKAGE)
            .map_err(|e| err(e.to_string()))?;
        let meta = txn.open_table(META).map_err(|e| err(e.to_string()))?;
        let mut ids_by_ecosystem: BTreeMap<String, std::collections::HashSet<String>> =
            BTreeMap::new();
        for row in by.iter().map_err(|e| err(e.to_string()))? {
            let (key, ids) = row.map_err(|e| err(e.to_string()))?;
            let eco = key.value().split('\0').next().unwrap_or("").to_string();
            let set = ids_by_ecosystem.entry(eco).or_default();
            for id in ids {
                set.insert(id.map_err(|e| err(e.to_string()))?.value().to_string());
            }
        }
        let by_ecosystem = ids_by_ecosystem
            .into_iter()
            .map(|(k, v)| (k, v.len() as u64))
            .collect();
        let mut sources = Vec::new();
        let mut updated = None;
        for row in meta.iter().map_err(|e| err(e.to_string()))? {
            let (k, v) = row.map_err(|e| err(e.to_string()))?;
            if let Some(src) = k.value().strip_prefix("source\0") {
                sources.push((src.to_string(), v.value().parse().unwrap_or(0)));
            } else if k.value() == "updated" {
                updated = v.value().parse().ok();
            }
        }
        Ok(Status {
            path: self.path.clone(),
            advisories: adv.len().map_err(|e| err(e.to_string()))?,
            by_ecosystem,
            sources,
            updated,
        })
    }
}

/// Stores one advisory (its JSON as read, and the parsed form).
type Store<'a> = dyn FnMut(&[u8], &Advisory) -> Result<(), Error> + 'a;

/// Where read entries go: stored when they parse, listed when not.
struct Sink<'a> {
    store: &'a mut Store<'a>,
    imported: usize,
    rejected: &'a mut Vec<Rejected>,
}

impl Sink<'_> {
    fn take(&mut self, source: String, bytes: &[u8]) -> Result<(), Error> {
        match Advisory::from_json(bytes) {
            Ok(a) => {
                (self.store)(bytes, &a)?;
                self.imported += 1;
            }
            Err(e) => self.reject(source, e.to_string()),
        }
        Ok(())
    }

    fn reject(&mut self, source: String, reason: String) {
        self.rejected.push(Rejected { source, reason });
    }
}

/// Reads one input: a file, a directory (recursively: `.json` files and
/// `.zip` archives) or an archive.
fn collect(input: &Path, sink: &mut Sink<'_>) -> Result<(), Error> {
    let meta = std::fs::metadata(input).map_err(|e| Error::Input {
        path: input.display().to_string(),
        message: e.to_string(),
    })?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(input)
            .map_err(|e| Error::Input {
                path: input.display().to_string(),
                message: e.to_string(),
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            // Links are not followed: a loop cannot make the walk endless.
            let Ok(m) = std::fs::symlink_metadata(&e) else {
                continue;
            };
            let ext = e.extension().and_then(|x| x.to_str()).unwrap_or("");
            if m.is_dir() || (m.is_file() && (ext == "json" || ext == "zip")) {
                collect(&e, sink)?;
            }
        }
        return Ok(());
    }
    let name = input.display().to_string();
    if input.extension().is_some_and(|e| e == "zip") {
        return collect_zip(input, &name, sink);
    }
    if meta.len() > osv::MAX_ADVISORY_BYTES as u64 {
        sink.reject(
            name,
            format!(
                "{} bytes, more than the {} allowed",
                meta.len(),
                osv::MAX_ADVISORY_BYTES
            ),
        );
        return Ok(());
    }
    match std::fs::read(input) {
        Ok(bytes) => sink.take(name, &bytes),
        Err(e) => {
            sink.reject(name, e.to_string());
            Ok(())
        }
    }
}

/// The JSON entries of a zip archive, each read through a size cap (a
/// zip bomb's declared sizes are not trusted) and never written to disk.
fn collect_zip(path: &Path, name: &str, sink: &mut Sink<'_>) -> Result<(), Error> {
    let bad = |message: String| Error::Input {
        path: name.to_string(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| bad(e.to_string()))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| bad(e.to_string()))?;
    if archive.len() > MAX_ARCHIVE_ENTRIES {
        return Err(bad(format!(
            "{} entries, more than the {MAX_ARCHIVE_ENTRIES} allowed",
            archive.len()
        )));
    }
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                sink.reject(format!("{name}!#{i}"), e.to_string());
                continue;
            }
        };
        let entry_name = entry
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| format!("#{i}"));
        let source = format!("{name}!{entry_name}");
        if entry.is_dir() || !entry_name.ends_with(".json") {
            continue;
        }
        let mut bytes = Vec::new();
        let cap = osv::MAX_ADVISORY_BYTES as u64 + 1;
        match (&mut entry).take(cap).read_to_end(&mut bytes) {
            Ok(_) if bytes.len() as u64 >= cap => sink.reject(
                source,
                format!("more than the {} bytes allowed", osv::MAX_ADVISORY_BYTES),
            ),
            Ok(_) => sink.take(source, &bytes)?,
            Err(e) => sink.reject(source, e.to_string()),
        }
    }
    Ok(())
}
