//! Alert sinks behind bounded queues.
//!
//! Each sink runs on its own worker thread and is fed through a bounded
//! queue; [`Dispatcher::dispatch`] never waits: when a sink's queue is full
//! (the sink is slower than the event stream) the alert is dropped for that
//! sink and counted, so a slow webhook can neither stall ingestion nor grow
//! memory without bound. Drops are reported by [`Dispatcher::close`] and in
//! the Prometheus counters.

use crate::metrics::Metrics;
use crate::output::Alert;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::Duration;

/// Alerts a sink may hold queued before new ones are dropped.
pub const DEFAULT_QUEUE: usize = 10_000;

/// A delivery failure.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// Writing failed.
    #[error("write failed: {0}")]
    Io(#[from] std::io::Error),
    /// The HTTP request failed or was refused.
    #[error("HTTP delivery failed: {0}")]
    Http(String),
}

/// Something that delivers alerts. Called from the sink's worker thread.
pub trait Sink: Send + 'static {
    /// A short name for reports and counters (`stdout`, `file:PATH`, ...).
    fn name(&self) -> String;
    /// Delivers one alert.
    fn deliver(&mut self, alert: &Alert) -> Result<(), SinkError>;
    /// Flushes buffered output (at the end of the stream).
    fn flush(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
}

/// How a writer sink prints alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertFormat {
    /// One Falco-shaped JSON alert per line.
    Json,
    /// The alert's output line, as Falco prints it.
    Text,
}

/// Writes alerts to a stream (standard output or a file), one per line.
pub struct WriterSink {
    name: String,
    out: Box<dyn Write + Send>,
    format: AlertFormat,
}

impl WriterSink {
    /// Alerts to standard output.
    pub fn stdout(format: AlertFormat) -> WriterSink {
        WriterSink {
            name: "stdout".to_string(),
            out: Box::new(std::io::LineWriter::new(std::io::stdout())),
            format,
        }
    }

    /// JSON-lines alerts appended to a file.
    pub fn file(path: &std::path::Path) -> Result<WriterSink, std::io::Error> {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(WriterSink {
            name: format!("file:{}", path.display()),
            out: Box::new(std::io::BufWriter::new(f)),
            format: AlertFormat::Json,
        })
    }

    /// Alerts to any writer.
    pub fn new(name: &str, out: Box<dyn Write + Send>, format: AlertFormat) -> WriterSink {
        WriterSink {
            name: name.to_string(),
            out,
            format,
        }
    }
}

impl Sink for WriterSink {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn deliver(&mut self, alert: &Alert) -> Result<(), SinkError> {
        let line = match self.format {
            AlertFormat::Json => alert.to_json_line(),
            AlertFormat::Text => alert.output.clone(),
        };
        self.out.write_all(line.as_bytes())?;
        self.out.write_all(b"\n")?;
        Ok(())
    }
    fn flush(&mut self) -> Result<(), SinkError> {
        self.out.flush()?;
        Ok(())
    }
}

/// Findings collected by a [`FindingsSink`], and how many did not fit.
#[derive(Debug, Clone, Default)]
pub struct FindingsHandle {
    /// The findings, in arrival order.
    pub findings: Arc<std::sync::Mutex<Vec<palisade_core::Finding>>>,
    /// Alerts beyond the sink's limit (not kept).
    pub overflow: Arc<AtomicU64>,
}

/// Keeps alerts as Palisade findings (at most `max`), for a report at the
/// end of a batch run.
pub struct FindingsSink {
    handle: FindingsHandle,
    max: usize,
}

impl FindingsSink {
    /// A sink keeping at most `max` findings; the handle reads them.
    pub fn new(max: usize) -> (FindingsSink, FindingsHandle) {
        let handle = FindingsHandle::default();
        (
            FindingsSink {
                handle: handle.clone(),
                max,
            },
            handle,
        )
    }
}

impl Sink for FindingsSink {
    fn name(&self) -> String {
        "findings".to_string()
    }
    fn deliver(&mut self, alert: &Alert) -> Result<(), SinkError> {
        let mut v = self
            .handle
            .findings
            .lock()
            .map_err(|_| SinkError::Io(std::io::Error::other("findings lock poisoned")))?;
        if v.len() < self.max {
            v.push(alert.to_finding());
        } else {
            self.handle.overflow.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// The body a webhook sink posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookKind {
    /// The Falco-shaped JSON alert.
    Json,
    /// A Slack incoming-webhook message (`text` and an attachment).
    Slack,
}

/// POSTs each alert to an HTTP(S) URL.
pub struct WebhookSink {
    url: String,
    kind: WebhookKind,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

/// Installs the ring rustls provider as the process default (once; a
/// provider already installed is kept). Palisade uses ring everywhere.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl WebhookSink {
    /// A sink posting to `url` (requests time out after `timeout`).
    pub fn new(url: &str, kind: WebhookKind, timeout: Duration) -> Result<WebhookSink, SinkError> {
        install_crypto_provider();
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("palisade/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SinkError::Http(e.to_string()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(WebhookSink {
            url: url.to_string(),
            kind,
            client,
            runtime,
        })
    }
}

/// The Slack message for an alert.
pub fn slack_message(alert: &Alert) -> serde_json::Value {
    let color = match alert.priority.severity() {
        palisade_core::Severity::Critical | palisade_core::Severity::High => "#d00000",
        palisade_core::Severity::Medium => "#f0a000",
        _ => "#2060c0",
    };
    serde_json::json!({
        "text": format!("{} {}: {}", alert.priority, alert.rule, alert.output),
        "attachments": [{
            "color": color,
            "fields": [
                {"title": "rule", "value": alert.rule, "short": true},
                {"title": "priority", "value": alert.priority.as_str(), "short": true},
                {"title": "source", "value": alert.source, "short": true},
                {"title": "time", "value": alert.time, "short": true},
            ],
        }],
    })
}

impl Sink for WebhookSink {
    fn name(&self) -> String {
        match self.kind {
            WebhookKind::Json => format!("webhook:{}", redact(&self.url)),
            WebhookKind::Slack => format!("slack:{}", redact(&self.url)),
        }
    }
    fn deliver(&mut self, alert: &Alert) -> Result<(), SinkError> {
        let body = match self.kind {
            WebhookKind::Json => serde_json::to_value(alert).unwrap_or_default(),
            WebhookKind::Slack => slack_message(alert),
        };
        let (client, url) = (&self.client, &self.url);
        let resp = self
            .runtime
            .block_on(async { client.post(url).json(&body).send().await })
            .map_err(|e| SinkError::Http(e.without_url().to_string()))?;
        if !resp.status().is_success() {
            return Err(SinkError::Http(format!("status {}", resp.status())));
        }
        Ok(())
    }
}

/// A URL with its path and query hidden (webhook URLs carry secrets).
fn redact(url: &str) -> String {
    match url.find("://") {
        Some(i) => {
            let rest = url.get(i + 3..).unwrap_or("");
            let host = rest.split('/').next().unwrap_or(rest);
            let host = host.rsplit('@').next().unwrap_or(host);
            format!("{}://{host}/…", url.get(..i).unwrap_or(""))
        }
        None => "…".to_string(),
    }
}

/// What one sink did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkStats {
    /// The sink's name.
    pub name: String,
    /// Alerts delivered.
    pub delivered: u64,
    /// Alerts dropped because the queue was full.
    pub dropped: u64,
    /// Alerts whose delivery failed.
    pub failed: u64,
    /// The last delivery error.
    pub last_error: Option<String>,
}

#[derive(Default)]
struct Counters {
    delivered: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
    last_error: std::sync::Mutex<Option<String>>,
}

struct Worker {
    name: String,
    tx: Option<SyncSender<Arc<Alert>>>,
    counters: Arc<Counters>,
    handle: Option<JoinHandle<()>>,
}

/// Fans alerts out to sinks through bounded queues, and counts them.
pub struct Dispatcher {
    workers: Vec<Worker>,
    metrics: Option<Arc<Metrics>>,
}

impl Dispatcher {
    /// Starts one worker per sink, each with a queue of `capacity` alerts.
    pub fn new(
        sinks: Vec<Box<dyn Sink>>,
        capacity: usize,
        metrics: Option<Arc<Metrics>>,
    ) -> Dispatcher {
        let workers = sinks
            .into_iter()
            .map(|sink| {
                let name = sink.name();
                let (tx, rx) = sync_channel::<Arc<Alert>>(capacity.max(1));
                let counters = Arc::new(Counters::default());
                let c = counters.clone();
                let handle = std::thread::Builder::new()
                    .name(format!("sink {name}"))
                    .spawn(move || run_worker(sink, rx, &c))
                    .ok();
                Worker {
                    name,
                    tx: Some(tx),
                    counters,
                    handle,
                }
            })
            .collect();
        Dispatcher { workers, metrics }
    }

    /// Queues an alert for every sink, without waiting; a full queue drops
    /// the alert for that sink and counts it.
    pub fn dispatch(&self, alert: Alert) {
        if let Some(m) = &self.metrics {
            m.alert(&alert.rule, alert.priority.as_str());
        }
        let alert = Arc::new(alert);
        for w in &self.workers {
            let Some(tx) = &w.tx else { continue };
            match tx.try_send(alert.clone()) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                    let n = w.counters.dropped.fetch_add(1, Ordering::Relaxed);
                    if n == 0 {
                        tracing::warn!(sink = %w.name, "sink queue full: dropping alerts");
                    }
                    if let Some(m) = &self.metrics {
                        m.dropped(&w.name);
                    }
                }
            }
        }
    }

    /// Current counters of every sink.
    pub fn stats(&self) -> Vec<SinkStats> {
        self.workers
            .iter()
            .map(|w| SinkStats {
                name: w.name.clone(),
                delivered: w.counters.delivered.load(Ordering::Relaxed),
                dropped: w.counters.dropped.load(Ordering::Relaxed),
                failed: w.counters.failed.load(Ordering::Relaxed),
                last_error: w.counters.last_error.lock().ok().and_then(|e| e.clone()),
            })
            .collect()
    }

    /// Closes the queues, waits for the sinks to deliver what is queued,
    /// and returns their counters.
    pub fn close(mut self) -> Vec<SinkStats> {
        for w in &mut self.workers {
            w.tx = None;
        }
        for w in &mut self.workers {
            if let Some(h) = w.handle.take() {
                let _ = h.join();
            }
        }
        self.stats()
    }
}

fn record(c: &Counters, r: Result<(), SinkError>) -> bool {
    match r {
        Ok(()) => true,
        Err(e) => {
            c.failed.fetch_add(1, Ordering::Relaxed);
            if let Ok(mut last) = c.last_error.lock() {
                *last = Some(e.to_string());
            }
            false
        }
    }
}

fn run_worker(mut sink: Box<dyn Sink>, rx: Receiver<Arc<Alert>>, c: &Counters) {
    let deliver = |alert: &Alert, sink: &mut Box<dyn Sink>| {
        if record(c, sink.deliver(alert)) {
            c.delivered.fetch_add(1, Ordering::Relaxed);
        }
    };
    while let Ok(first) = rx.recv() {
        deliver(&first, &mut sink);
        // Drain what is queued, then flush, so a quiet stream shows its alerts.
        while let Ok(next) = rx.try_recv() {
            deliver(&next, &mut sink);
        }
        record(c, sink.flush());
    }
    record(c, sink.flush());
}
