//! `palisade db update`: osv.dev's per-ecosystem dumps
//! (`{base}/{ecosystem}/all.zip`) downloaded to a temporary file, with a
//! size cap, and imported. The base URL is configurable so that a mirror
//! (or a test's local server) can stand in for osv.dev's bucket.

use crate::db::{Db, Error, Imported};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use std::io::Write;

/// A path segment keeps only RFC 3986's unreserved characters (`Red Hat` → `Red%20Hat`).
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'_')
    .remove(b'~');
use std::time::Duration;

/// osv.dev's public bucket.
pub const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The ecosystems `update` fetches when none is named: those Palisade
/// inventories and orders.
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "Alpine",
    "crates.io",
    "Debian",
    "Go",
    "Maven",
    "npm",
    "NuGet",
    "PyPI",
    "RubyGems",
    "Ubuntu",
];

/// Largest dump downloaded (osv.dev's biggest are a few hundred MiB).
pub const MAX_DOWNLOAD_BYTES: u64 = 4 << 30;

/// What one ecosystem's update did.
#[derive(Debug)]
pub struct Fetched {
    /// The ecosystem.
    pub ecosystem: String,
    /// Bytes downloaded.
    pub bytes: u64,
    /// The import, or why it failed (the others go on).
    pub result: Result<Imported, Error>,
}

/// Downloads and imports each ecosystem's dump from `base_url`.
pub fn update(
    db: &Db,
    base_url: &str,
    ecosystems: &[String],
    timeout: Duration,
) -> Result<Vec<Fetched>, Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let input = |message: String| Error::Input {
        path: base_url.to_string(),
        message,
    };
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("palisade/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| input(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| input(e.to_string()))?;
    let mut out = Vec::new();
    for eco in ecosystems {
        let url = format!(
            "{}/{}/all.zip",
            base_url.trim_end_matches('/'),
            percent_encoding::utf8_percent_encode(eco, RESERVED)
        );
        let fetched = runtime.block_on(download(&client, &url));
        out.push(match fetched {
            Ok((file, bytes)) => Fetched {
                ecosystem: eco.clone(),
                bytes,
                result: db.import(&[file.path().to_path_buf()]),
            },
            Err(message) => Fetched {
                ecosystem: eco.clone(),
                bytes: 0,
                result: Err(Error::Input { path: url, message }),
            },
        });
    }
    Ok(out)
}

/// The body of `url` in a temporary `.zip` file, at most
/// [`MAX_DOWNLOAD_BYTES`].
async fn download(
    client: &reqwest::Client,
    url: &str,
) -> Result<(tempfile::NamedTempFile, u64), String> {
    let mut resp = client.get(url).send().await.map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let mut file = tempfile::Builder::new()
        .suffix(".zip")
        .tempfile()
        .map_err(|e| e.to_string())?;
    let mut total = 0u64;
    while let Some(chunk) = resp.chunk().await.map_err(|e| e.to_string())? {
        total += chunk.len() as u64;
        if total > MAX_DOWNLOAD_BYTES {
            return Err(format!("more than {MAX_DOWNLOAD_BYTES} bytes"));
        }
        file.write_all(&chunk).map_err(|e| e.to_string())?;
    }
    file.flush().map_err(|e| e.to_string())?;
    Ok((file, total))
}
