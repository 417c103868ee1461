//! The serving certificate: loaded from PEM files with TLS 1.2 and 1.3 only,
//! and replaced when the files change, without dropping connections (new
//! handshakes use the new certificate; open connections keep theirs).

use axum_server::tls_rustls::RustlsConfig;
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// A certificate or key that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct TlsError {
    /// The file.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Builds a rustls server configuration from PEM files.
pub fn load(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    let err = |p: &Path, m: String| TlsError {
        path: p.display().to_string(),
        message: m,
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| err(cert, e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| err(cert, e.to_string()))?;
    if certs.is_empty() {
        return Err(err(cert, "no certificate in the file".to_string()));
    }
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| err(key, e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| err(cert, e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key_der)
        .map_err(|e| {
            err(
                key,
                format!("certificate and key do not form a usable pair: {e}"),
            )
        })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Watches the files (by modification time and size, every `interval`) and
/// swaps the served certificate when they change and load cleanly. A broken
/// pair is logged and the old certificate kept.
pub async fn reload_loop(config: RustlsConfig, cert: PathBuf, key: PathBuf, interval: Duration) {
    let stamp = |p: &Path| (modified(p), std::fs::metadata(p).map(|m| m.len()).ok());
    let mut last = (stamp(&cert), stamp(&key));
    loop {
        tokio::time::sleep(interval).await;
        let now = (stamp(&cert), stamp(&key));
        if now == last {
            continue;
        }
        match load(&cert, &key) {
            Ok(new) => {
                config.reload_from_config(new);
                tracing::info!(cert = %cert.display(), "serving certificate reloaded");
                last = now;
            }
            Err(e) => {
                // Keep `last` so that the next change is tried again; a
                // half-written pair usually completes within an interval.
                tracing::error!(error = %e, "serving certificate not reloaded; keeping the current one");
            }
        }
    }
}
