//! The event loop of `palisade watch`: read JSON lines (or JSON documents
//! spread over several lines) from inputs, evaluate every event, hand alerts
//! to the sinks. A malformed line is reported and skipped; the stream
//! keeps flowing.

use crate::Source;
use crate::engine::Engine;
use crate::event::{self, EventError, MAX_EVENT_BYTES};
use crate::metrics::Metrics;
use crate::output::{Alert, Origin};
use crate::sinks::Dispatcher;
use std::io::{BufRead, Read};
use std::sync::Arc;

/// Longest input line accepted by default, in bytes.
pub const DEFAULT_MAX_LINE_BYTES: usize = MAX_EVENT_BYTES;

/// What the loop has seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WatchStats {
    /// Process events evaluated.
    pub syscall_events: u64,
    /// Audit events evaluated.
    pub audit_events: u64,
    /// Alerts raised.
    pub alerts: u64,
    /// Inputs that were not events (skipped).
    pub malformed: u64,
}

impl WatchStats {
    /// Events of both sources.
    pub fn events(&self) -> u64 {
        self.syscall_events + self.audit_events
    }
}

/// An input that could not be read as an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadInput {
    /// Input name.
    pub input: String,
    /// Line (from 1).
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.input, self.line, self.message)
    }
}

/// Evaluates events and dispatches their alerts.
pub struct Processor<'a> {
    engine: &'a Engine,
    dispatcher: &'a Dispatcher,
    metrics: Option<Arc<Metrics>>,
    source: Option<Source>,
    max_line_bytes: usize,
    alerts: Vec<Alert>,
    on_bad_input: Box<dyn FnMut(BadInput) + 'a>,
    /// Counters so far.
    pub stats: WatchStats,
}

impl<'a> Processor<'a> {
    /// A processor; `source` forces the events' source (else detected per
    /// event); `on_bad_input` hears about every malformed input.
    pub fn new(
        engine: &'a Engine,
        dispatcher: &'a Dispatcher,
        metrics: Option<Arc<Metrics>>,
        source: Option<Source>,
        on_bad_input: impl FnMut(BadInput) + 'a,
    ) -> Processor<'a> {
        Processor {
            engine,
            dispatcher,
            metrics,
            source,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            alerts: Vec::new(),
            on_bad_input: Box::new(on_bad_input),
            stats: WatchStats::default(),
        }
    }

    /// Sets the longest line accepted.
    pub fn with_max_line_bytes(mut self, n: usize) -> Self {
        self.max_line_bytes = n.max(1);
        self
    }

    fn bad(&mut self, input: &str, line: u64, message: String) {
        self.stats.malformed += 1;
        if let Some(m) = &self.metrics {
            m.malformed();
        }
        (self.on_bad_input)(BadInput {
            input: input.to_string(),
            line,
            message,
        });
    }

    /// Evaluates one JSON text (a line, a document, or a webhook body).
    pub fn process_text(&mut self, origin: &Origin, text: &str) -> Result<usize, EventError> {
        let engine = self.engine;
        let alerts = &mut self.alerts;
        let (mut sys, mut audit) = (0u64, 0u64);
        let n = event::decode(text, self.source, |ev| {
            match ev.source {
                Source::Syscall => sys += 1,
                Source::K8sAudit => audit += 1,
            }
            engine.evaluate(&ev, origin, alerts);
        })?;
        self.stats.syscall_events += sys;
        self.stats.audit_events += audit;
        if let Some(m) = &self.metrics {
            if sys > 0 {
                m.events(Source::Syscall.name(), sys);
            }
            if audit > 0 {
                m.events(Source::K8sAudit.name(), audit);
            }
        }
        self.stats.alerts += self.alerts.len() as u64;
        for a in self.alerts.drain(..) {
            self.dispatcher.dispatch(a);
        }
        Ok(n)
    }

    /// Reads an input to its end: one event (or audit `EventList`) per
    /// line; a JSON document spread over several lines is read whole.
    pub fn process_reader(&mut self, input: &str, mut reader: impl BufRead) -> std::io::Result<()> {
        let name: Arc<str> = input.into();
        let mut buf = Vec::new();
        let mut pending = String::new();
        let mut pending_start = 0u64;
        let mut line_no = 0u64;
        let limit = u64::try_from(self.max_line_bytes).unwrap_or(u64::MAX);
        loop {
            buf.clear();
            let n = reader
                .by_ref()
                .take(limit.saturating_add(1))
                .read_until(b'\n', &mut buf)?;
            if n == 0 {
                break;
            }
            line_no += 1;
            if buf.len() > self.max_line_bytes && !buf.ends_with(b"\n") {
                // Skip the rest of the over-long line.
                let mut scratch = Vec::new();
                loop {
                    scratch.clear();
                    let m = reader
                        .by_ref()
                        .take(64 * 1024)
                        .read_until(b'\n', &mut scratch)?;
                    if m == 0 || scratch.ends_with(b"\n") {
                        break;
                    }
                }
                pending.clear();
                let msg = format!("line longer than {} bytes; skipped", self.max_line_bytes);
                self.bad(input, line_no, msg);
                continue;
            }
            let Ok(text) = std::str::from_utf8(&buf) else {
                pending.clear();
                self.bad(input, line_no, "line is not UTF-8; skipped".to_string());
                continue;
            };
            let text = text.trim_end_matches(['\n', '\r']);
            if pending.is_empty() {
                if text.trim().is_empty() {
                    continue;
                }
                let origin = Origin {
                    input: name.clone(),
                    line: line_no,
                };
                match self.process_text(&origin, text) {
                    Ok(_) => {}
                    Err(EventError::Incomplete) => {
                        pending.push_str(text);
                        pending_start = line_no;
                    }
                    Err(e) => self.bad(input, line_no, e.to_string()),
                }
            } else {
                pending.push('\n');
                pending.push_str(text);
                if pending.len() > MAX_EVENT_BYTES {
                    pending.clear();
                    let msg = format!("JSON document over {MAX_EVENT_BYTES} bytes; skipped");
                    self.bad(input, pending_start, msg);
                    continue;
                }
                let origin = Origin {
                    input: name.clone(),
                    line: pending_start,
                };
                let doc = std::mem::take(&mut pending);
                match self.process_text(&origin, &doc) {
                    Ok(_) => {}
                    Err(EventError::Incomplete) => pending = doc,
                    Err(e) => self.bad(input, pending_start, e.to_string()),
                }
            }
        }
        if !pending.is_empty() {
            self.bad(input, pending_start, EventError::Incomplete.to_string());
        }
        Ok(())
    }
}
