//! Prometheus counters: alerts by rule and priority, events by source,
//! malformed events, and alerts dropped by each sink's full queue.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AlertLabels {
    rule: String,
    priority: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabels {
    source: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SinkLabels {
    sink: String,
}

/// The counters `palisade watch` keeps (shared between threads).
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    alerts: Family<AlertLabels, Counter>,
    events: Family<SourceLabels, Counter>,
    malformed: Counter,
    dropped: Family<SinkLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Registers the counters.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("palisade_watch");
        let alerts = Family::<AlertLabels, Counter>::default();
        let events = Family::<SourceLabels, Counter>::default();
        let malformed = Counter::default();
        let dropped = Family::<SinkLabels, Counter>::default();
        registry.register(
            "alerts",
            "Alerts raised, by rule and priority",
            alerts.clone(),
        );
        registry.register("events", "Events evaluated, by source", events.clone());
        registry.register(
            "malformed_events",
            "Inputs that were not valid events (skipped)",
            malformed.clone(),
        );
        registry.register(
            "alerts_dropped",
            "Alerts dropped because a sink's queue was full",
            dropped.clone(),
        );
        Metrics {
            registry,
            alerts,
            events,
            malformed,
            dropped,
        }
    }

    /// Counts an alert.
    pub fn alert(&self, rule: &str, priority: &str) {
        self.alerts
            .get_or_create(&AlertLabels {
                rule: rule.to_string(),
                priority: priority.to_string(),
            })
            .inc();
    }

    /// Counts `n` events of a source.
    pub fn events(&self, source: &str, n: u64) {
        self.events
            .get_or_create(&SourceLabels {
                source: source.to_string(),
            })
            .inc_by(n);
    }

    /// Counts a malformed input.
    pub fn malformed(&self) {
        self.malformed.inc();
    }

    /// Counts an alert a sink dropped.
    pub fn dropped(&self, sink: &str) {
        self.dropped
            .get_or_create(&SinkLabels {
                sink: sink.to_string(),
            })
            .inc();
    }

    /// The counters in Prometheus' text exposition format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
