//! Events: decoding JSON lines of either source, detecting the source, and
//! unpacking audit `EventList`s.

use crate::Source;
use crate::json::Json;
use crate::time::{now_ns, parse_rfc3339};

/// Largest event (one JSON line or one webhook body item) accepted, in bytes.
pub const MAX_EVENT_BYTES: usize = 4 * 1024 * 1024;

/// One event, borrowing from its JSON text.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Which source the event belongs to.
    pub source: Source,
    /// The event's JSON.
    pub json: Json<'a>,
    /// Event time, read on first use ([`Event::time_ns`]).
    time: std::cell::OnceCell<i64>,
    /// Where each field a rule set reads is in the event's object, built by
    /// the engine on first use: (engine id, entry index per slot).
    pub(crate) slots: std::cell::OnceCell<(u32, Box<[u32]>)>,
}

/// Why a line is not an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// Not JSON.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// The text ends inside a JSON value (more lines may complete it).
    #[error("incomplete JSON: the input ends inside a value")]
    Incomplete,
    /// Over [`MAX_EVENT_BYTES`].
    #[error("event is {0} bytes, over the limit of {MAX_EVENT_BYTES}")]
    TooLarge(usize),
    /// JSON, but not an event of a known source.
    #[error("{0}")]
    NotAnEvent(String),
}

impl<'a> Event<'a> {
    /// An event of `source` from parsed JSON.
    pub fn new(source: Source, json: Json<'a>) -> Event<'a> {
        Event {
            source,
            json,
            time: std::cell::OnceCell::new(),
            slots: std::cell::OnceCell::new(),
        }
    }
}

impl Event<'_> {
    /// Event time, nanoseconds since the epoch: `evt.rawtime`/`evt.time`
    /// for process events, `stageTimestamp` (else
    /// `requestReceivedTimestamp`) for audit events; the time it is first
    /// asked for when the event has none.
    pub fn time_ns(&self) -> i64 {
        *self
            .time
            .get_or_init(|| event_time(self.source, &self.json).unwrap_or_else(now_ns))
    }
}

/// The source an event object belongs to: an `audit.k8s.io` `Event`, or
/// a flat object with Falco field names (`evt.type`, `proc.name`, ...).
pub fn detect_source(json: &Json<'_>) -> Option<Source> {
    let Json::Object(entries) = json else {
        return None;
    };
    // One pass: an audit Event has apiVersion audit.k8s.io/* (or kind
    // Event and an auditID); a process event has Falco field names.
    let (mut kind_event, mut audit_id, mut falco_keys) = (false, false, false);
    for (k, v) in entries {
        match k.as_ref() {
            "apiVersion" => {
                if v.as_str().is_some_and(|a| a.starts_with("audit.k8s.io/")) {
                    return Some(Source::K8sAudit);
                }
            }
            "kind" => kind_event = v.as_str() == Some("Event"),
            "auditID" => audit_id = true,
            k => {
                falco_keys = falco_keys
                    || k.starts_with("evt.")
                    || k.starts_with("proc.")
                    || k.starts_with("fd.");
            }
        }
    }
    if kind_event && audit_id {
        Some(Source::K8sAudit)
    } else if falco_keys {
        Some(Source::Syscall)
    } else {
        None
    }
}

fn event_time(source: Source, json: &Json<'_>) -> Option<i64> {
    match source {
        Source::K8sAudit => ["stageTimestamp", "requestReceivedTimestamp"]
            .iter()
            .find_map(|k| json.get(k).and_then(Json::as_str).and_then(parse_rfc3339)),
        Source::Syscall => ["evt.rawtime", "evt.time"]
            .iter()
            .find_map(|k| match json.get(k)? {
                Json::Int(i) => Some(*i),
                Json::Str(s) => parse_rfc3339(s).or_else(|| s.parse().ok()),
                _ => None,
            }),
    }
}

/// Decodes one JSON text (a line, or a webhook body) into events, calling
/// `each` for every event: an audit `EventList` yields its items. With
/// `source` set, objects are taken to be of that source; otherwise it is
/// detected per event.
pub fn decode<'a>(
    text: &'a str,
    source: Option<Source>,
    mut each: impl FnMut(Event<'a>),
) -> Result<usize, EventError> {
    if text.len() > MAX_EVENT_BYTES {
        return Err(EventError::TooLarge(text.len()));
    }
    let json = Json::parse(text).map_err(|e| {
        if e.is_eof() {
            EventError::Incomplete
        } else {
            EventError::Json(e.to_string())
        }
    })?;
    let is_list = json.get("kind").and_then(Json::as_str) == Some("EventList");
    if is_list {
        let Json::Object(entries) = json else {
            return Ok(0);
        };
        let mut n = 0;
        for (k, v) in entries {
            if k == "items"
                && let Json::Array(items) = v
            {
                for item in items {
                    let src = source
                        .or_else(|| detect_source(&item))
                        .unwrap_or(Source::K8sAudit);
                    each(Event::new(src, item));
                    n += 1;
                }
            }
        }
        return Ok(n);
    }
    if !matches!(json, Json::Object(_)) {
        return Err(EventError::NotAnEvent(
            "expected a JSON object (an event) or an audit EventList".to_string(),
        ));
    }
    let src = match source.or_else(|| detect_source(&json)) {
        Some(s) => s,
        None => {
            return Err(EventError::NotAnEvent(
                "cannot tell the event's source: neither an audit.k8s.io Event nor an object \
                 keyed by Falco field names (use --source)"
                    .to_string(),
            ));
        }
    };
    each(Event::new(src, json));
    Ok(1)
}
