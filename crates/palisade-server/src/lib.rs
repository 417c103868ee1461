//! `palisade serve`: the admission webhook over HTTPS.
//!
//! This crate only serves; every decision comes from
//! [`palisade_admission::Admission`], which evaluates through the same
//! engine as `palisade scan`. Around it:
//!
//! - [`tls`]: TLS 1.2+ with rustls (ring), certificate reloaded on change;
//! - limits: request bodies over [`MAX_BODY_BYTES`] get 413, malformed
//!   reviews 400 with the reason, more than `max_in_flight` concurrent
//!   reviews 429, a review past its deadline 504 (the API server then
//!   applies the webhook's failure policy);
//! - `/healthz` (the process answers), `/readyz` (the Namespace cache has
//!   synced), `/metrics` ([`metrics`]);
//! - one JSON log line per review, with its uid;
//! - graceful shutdown: in-flight reviews finish, new connections stop.
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod install;
pub mod metrics;
pub mod namespaces;
pub mod pki;
pub mod tls;
mod yaml;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use metrics::{EndpointLabels, FindingLabels, Metrics, RequestLabels};
use palisade_admission::review::{self, MAX_BODY_BYTES};
use palisade_admission::{Admission, Decision, Namespaces, Outcome};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
    /// How often the certificate files are checked for changes.
    pub reload_interval: Duration,
    /// Reviews evaluated at once; more get 429.
    pub max_in_flight: usize,
    /// Deadline for one review.
    pub timeout: Duration,
}

impl ServeOptions {
    /// Defaults for everything but the address and files.
    pub fn new(listen: SocketAddr, cert: PathBuf, key: PathBuf) -> ServeOptions {
        ServeOptions {
            listen,
            cert,
            key,
            reload_interval: Duration::from_secs(10),
            max_in_flight: 256,
            timeout: Duration::from_secs(5),
        }
    }
}

/// A server error before serving.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The certificate or key.
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    /// Binding or serving.
    #[error("cannot serve on {0}: {1}")]
    Io(SocketAddr, std::io::Error),
}

struct AppState {
    admission: Arc<Admission>,
    namespaces: Arc<dyn Namespaces>,
    metrics: Metrics,
    ready: Arc<AtomicBool>,
    permits: Arc<Semaphore>,
    timeout: Duration,
}

/// A running server.
pub struct Running {
    /// The bound address (useful with port 0).
    pub addr: SocketAddr,
    handle: Handle<SocketAddr>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    reload: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops accepting connections and lets in-flight requests finish for
    /// up to `drain`.
    pub fn shutdown(&self, drain: Duration) {
        self.handle.graceful_shutdown(Some(drain));
    }

    /// Waits until the server has stopped.
    pub async fn wait(self) -> std::io::Result<()> {
        let result = self
            .task
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        self.reload.abort();
        result
    }
}

/// Starts serving. `ready` is reported by `/readyz`; the caller sets it
/// once the Namespace cache has synced (at once when there is none).
pub async fn start(
    admission: Arc<Admission>,
    namespaces: Arc<dyn Namespaces>,
    ready: Arc<AtomicBool>,
    options: &ServeOptions,
) -> Result<Running, ServeError> {
    let tls = RustlsConfig::from_config(tls::load(&options.cert, &options.key)?);
    let state = Arc::new(AppState {
        admission,
        namespaces,
        metrics: Metrics::default(),
        ready,
        permits: Arc::new(Semaphore::new(options.max_in_flight.max(1))),
        timeout: options.timeout,
    });
    let app = router(state);
    let handle: Handle<SocketAddr> = Handle::new();
    let server = axum_server::bind_rustls(options.listen, tls.clone()).handle(handle.clone());
    let task = tokio::spawn(server.serve(app.into_make_service()));
    let Some(addr) = handle.listening().await else {
        let e = match task.await {
            Ok(Err(e)) => e,
            _ => std::io::Error::other("the server stopped before listening"),
        };
        return Err(ServeError::Io(options.listen, e));
    };
    let reload = tokio::spawn(tls::reload_loop(
        tls,
        options.cert.clone(),
        options.key.clone(),
        options.reload_interval,
    ));
    tracing::info!(%addr, "admission webhook listening");
    Ok(Running {
        addr,
        handle,
        task,
        reload,
    })
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/validate", post(validate))
        .route("/mutate", post(mutate))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

async fn readyz(State(s): State<Arc<AppState>>) -> Response {
    if s.ready.load(Ordering::Acquire) {
        (StatusCode::OK, "ready").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "namespace cache not synced",
        )
            .into_response()
    }
}

async fn metrics_text(State(s): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        s.metrics.render(),
    )
        .into_response()
}

#[derive(Clone, Copy)]
enum Endpoint {
    Validate,
    Mutate,
}

impl Endpoint {
    fn as_str(self) -> &'static str {
        match self {
            Endpoint::Validate => "validate",
            Endpoint::Mutate => "mutate",
        }
    }
}

async fn validate(State(s): State<Arc<AppState>>, body: Bytes) -> Response {
    review_request(s, body, Endpoint::Validate).await
}

async fn mutate(State(s): State<Arc<AppState>>, body: Bytes) -> Response {
    review_request(s, body, Endpoint::Mutate).await
}

fn plain_error(code: StatusCode, message: String) -> Response {
    (code, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

async fn review_request(s: Arc<AppState>, body: Bytes, endpoint: Endpoint) -> Response {
    let start = Instant::now();
    let reject = |s: &AppState, why: &str| s.metrics.reject(endpoint.as_str(), why);
    let Ok(permit) = s.permits.clone().try_acquire_owned() else {
        reject(&s, "overloaded");
        return plain_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too many reviews in flight".to_string(),
        );
    };
    let worker = s.clone();
    let work = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        answer(&worker, &body, endpoint, start)
    });
    match tokio::time::timeout(s.timeout, work).await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => {
            reject(&s, "error");
            tracing::error!(error = %e, "review worker failed");
            plain_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the review could not be evaluated".to_string(),
            )
        }
        Err(_) => {
            reject(&s, "timeout");
            plain_error(
                StatusCode::GATEWAY_TIMEOUT,
                format!("the review took longer than {:?}", s.timeout),
            )
        }
    }
}

/// Parses, decides, records and renders one review.
fn answer(s: &AppState, body: &[u8], endpoint: Endpoint, start: Instant) -> Response {
    let (version, request) = match review::parse(body) {
        Ok(r) => r,
        Err(e) => {
            s.metrics.reject(endpoint.as_str(), "malformed");
            tracing::warn!(endpoint = endpoint.as_str(), error = %e, "malformed review");
            let code = match e {
                review::ReviewError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::BAD_REQUEST,
            };
            return plain_error(code, e.to_string());
        }
    };
    let outcome: Outcome = match endpoint {
        Endpoint::Validate => s.admission.validate(
            &request,
            s.namespaces.as_ref(),
            palisade_core::admission::date_from_today(0),
        ),
        Endpoint::Mutate => s.admission.mutate(&request, s.namespaces.as_ref()),
    };
    let elapsed = start.elapsed();
    record(s, endpoint, &request, &outcome, elapsed);
    if outcome.decision == Decision::Failed {
        // Not an answer: the API server applies the webhook's failurePolicy.
        let message = outcome
            .response
            .status
            .as_ref()
            .map_or_else(String::new, |st| st.message.clone());
        return plain_error(StatusCode::INTERNAL_SERVER_ERROR, message);
    }
    let body = outcome.response.to_review(version);
    axum::Json(body).into_response()
}

fn record(
    s: &AppState,
    endpoint: Endpoint,
    request: &review::Request,
    outcome: &Outcome,
    elapsed: Duration,
) {
    let m = &s.metrics;
    m.requests
        .get_or_create(&RequestLabels {
            endpoint: endpoint.as_str().to_string(),
            decision: outcome.decision.as_str().to_string(),
            kind: request.kind.kind.clone(),
        })
        .inc();
    m.latency
        .get_or_create(&EndpointLabels {
            endpoint: endpoint.as_str().to_string(),
        })
        .observe(elapsed.as_secs_f64());
    for j in &outcome.judged {
        m.findings
            .get_or_create(&FindingLabels {
                rule: j.finding.rule_id.clone(),
                action: j.action.as_str().to_string(),
            })
            .inc();
    }
    let denied: Vec<&str> = outcome
        .judged
        .iter()
        .filter(|j| j.action == palisade_core::admission::Action::Deny)
        .map(|j| j.finding.rule_id.as_str())
        .collect();
    // One line per review; `decision` says whether it was judged, denied
    // or could not be evaluated (then `reason` says why).
    tracing::info!(
        uid = %request.uid,
        endpoint = endpoint.as_str(),
        kind = %request.kind.kind,
        namespace = request.namespace(),
        name = request.name(),
        operation = request.operation.as_str(),
        user = %request.user_info.username,
        dry_run = request.is_dry_run(),
        decision = outcome.decision.as_str(),
        denied = %denied.join(","),
        warnings = outcome.response.warnings.len(),
        reason = outcome.response.status.as_ref().filter(|_| matches!(outcome.decision, Decision::Error | Decision::Failed)).map_or("", |st| st.message.as_str()),
        duration_us = elapsed.as_micros() as u64,
        "review"
    );
}

/// JSON log lines on stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_current_span(false)
        .try_init();
}
