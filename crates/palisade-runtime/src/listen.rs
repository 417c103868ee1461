//! The audit webhook receiver: an HTTP(S) endpoint for the API server's
//! audit webhook backend (`POST /k8s-audit`, an `EventList` per request, as
//! Falco's k8saudit plugin takes it), with `/metrics` (Prometheus) and
//! `/healthz`.

use crate::Source;
use crate::engine::Engine;
use crate::event::{self, EventError};
use crate::metrics::Metrics;
use crate::output::{Alert, Origin};
use crate::sinks::{Dispatcher, install_crypto_provider};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Largest request body accepted, in bytes.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Where and how to listen.
#[derive(Debug, Clone)]
pub struct ListenConfig {
    /// Address to bind (port 0 picks one).
    pub addr: SocketAddr,
    /// Certificate and key (PEM) for HTTPS; plain HTTP without them.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Largest request body.
    pub max_body_bytes: usize,
}

/// What the receiver has seen.
#[derive(Debug, Default)]
pub struct ListenStats {
    /// Requests received on the audit endpoint.
    pub requests: AtomicU64,
    /// Audit events evaluated.
    pub events: AtomicU64,
    /// Alerts raised.
    pub alerts: AtomicU64,
    /// Requests rejected as malformed.
    pub malformed: AtomicU64,
}

struct AppState {
    engine: Arc<Engine>,
    dispatcher: Arc<Dispatcher>,
    metrics: Arc<Metrics>,
    stats: Arc<ListenStats>,
}

/// The receiver's routes.
fn router(state: Arc<AppState>, max_body: usize) -> Router {
    Router::new()
        .route("/k8s-audit", post(receive))
        .route("/", post(receive))
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

async fn metrics(State(st): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        st.metrics.encode(),
    )
}

async fn receive(State(st): State<Arc<AppState>>, body: Bytes) -> impl IntoResponse {
    st.stats.requests.fetch_add(1, Ordering::Relaxed);
    let state = st.clone();
    let result = tokio::task::spawn_blocking(move || evaluate_body(&state, &body)).await;
    match result {
        Ok(Ok((events, alerts))) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"events": events, "alerts": alerts})),
        ),
        Ok(Err(msg)) => {
            st.stats.malformed.fetch_add(1, Ordering::Relaxed);
            st.metrics.malformed();
            tracing::warn!(error = %msg, "malformed audit webhook request");
            (
                StatusCode::BAD_REQUEST,
                axum::Json(serde_json::json!({"error": msg})),
            )
        }
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(serde_json::json!({"error": "evaluation failed"})),
        ),
    }
}

/// Evaluates a webhook body: an `EventList`, one `Event`, or JSON lines.
fn evaluate_body(st: &AppState, body: &[u8]) -> Result<(u64, u64), String> {
    let text = std::str::from_utf8(body).map_err(|_| "body is not UTF-8".to_string())?;
    let origin = Origin {
        input: "webhook".into(),
        line: 0,
    };
    let mut alerts: Vec<Alert> = Vec::new();
    let mut events = 0u64;
    let mut eval = |t: &str| -> Result<(), EventError> {
        event::decode(t, Some(Source::K8sAudit), |ev| {
            events += 1;
            st.engine.evaluate(&ev, &origin, &mut alerts);
        })
        .map(|_| ())
    };
    if let Err(first) = eval(text) {
        // JSON lines: bad lines are skipped (and counted); a body with no
        // good line is rejected.
        if !text.trim_start().starts_with('{') || !text.contains('\n') {
            return Err(first.to_string());
        }
        let (mut good, mut bad) = (0u64, Vec::new());
        for (i, line) in text.lines().enumerate() {
            if !line.trim().is_empty() {
                match eval(line) {
                    Ok(()) => good += 1,
                    Err(e) => bad.push(format!("line {}: {e}", i + 1)),
                }
            }
        }
        if good == 0 {
            return Err(bad.join("; "));
        }
        for b in &bad {
            st.stats.malformed.fetch_add(1, Ordering::Relaxed);
            st.metrics.malformed();
            tracing::warn!(error = %b, "malformed line in audit webhook request");
        }
    }
    st.metrics.events(Source::K8sAudit.name(), events);
    st.stats.events.fetch_add(events, Ordering::Relaxed);
    let n = alerts.len() as u64;
    st.stats.alerts.fetch_add(n, Ordering::Relaxed);
    for a in alerts {
        st.dispatcher.dispatch(a);
    }
    Ok((events, n))
}

/// A running receiver.
pub struct Server {
    handle: axum_server::Handle<SocketAddr>,
    /// The counters.
    pub stats: Arc<ListenStats>,
}

impl Server {
    /// The bound address, once listening (`None` if binding failed).
    pub fn local_addr(&self) -> impl Future<Output = Option<SocketAddr>> + Send + 'static {
        let handle = self.handle.clone();
        async move { handle.listening().await }
    }
}

/// Serves until `shutdown` completes, then drains connections for up to 10
/// seconds. Returns the counters.
pub async fn serve(
    config: ListenConfig,
    engine: Arc<Engine>,
    dispatcher: Arc<Dispatcher>,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_start: impl FnOnce(&Server),
) -> std::io::Result<Arc<ListenStats>> {
    install_crypto_provider();
    let stats = Arc::new(ListenStats::default());
    let state = Arc::new(AppState {
        engine,
        dispatcher,
        metrics,
        stats: stats.clone(),
    });
    let app = router(state, config.max_body_bytes);
    let handle = axum_server::Handle::new();
    let server = Server {
        handle: handle.clone(),
        stats: stats.clone(),
    };
    on_start(&server);
    let h = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        h.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    match &config.tls {
        Some((cert, key)) => {
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await?;
            axum_server::bind_rustls(config.addr, tls)
                .handle(handle)
                .serve(app.into_make_service())
                .await?;
        }
        None => {
            axum_server::bind(config.addr)
                .handle(handle)
                .serve(app.into_make_service())
                .await?;
        }
    }
    Ok(stats)
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn termination_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Runs the receiver on a new multi-threaded runtime until SIGTERM/Ctrl-C.
pub fn serve_until_terminated(
    config: ListenConfig,
    engine: Arc<Engine>,
    dispatcher: Arc<Dispatcher>,
    metrics: Arc<Metrics>,
    on_start: impl FnOnce(SocketAddr) + Send + 'static,
) -> std::io::Result<Arc<ListenStats>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let mut announce = Some(on_start);
        serve(
            config,
            engine,
            dispatcher,
            metrics,
            termination_signal(),
            move |server| {
                let addr = server.local_addr();
                if let Some(f) = announce.take() {
                    tokio::spawn(async move {
                        if let Some(addr) = addr.await {
                            f(addr);
                        }
                    });
                }
            },
        )
        .await
    })
}
