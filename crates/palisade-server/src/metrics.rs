//! Prometheus metrics: requests by endpoint, decision and kind; findings by
//! rule and action; latency with buckets down to 50 microseconds.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Labels of the request counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// `validate` or `mutate`.
    pub endpoint: String,
    /// allowed, denied, exempt, skipped, error.
    pub decision: String,
    /// The object's kind.
    pub kind: String,
}

/// Labels of the finding counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FindingLabels {
    /// Rule id.
    pub rule: String,
    /// deny, warn, audit.
    pub action: String,
}

/// Labels of the latency histogram.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EndpointLabels {
    /// `validate` or `mutate`.
    pub endpoint: String,
}

/// Every metric the server exports.
pub struct Metrics {
    registry: Registry,
    /// Requests answered.
    pub requests: Family<RequestLabels, Counter>,
    /// Findings acted on.
    pub findings: Family<FindingLabels, Counter>,
    /// Seconds from body received to response ready.
    pub latency: Family<EndpointLabels, Histogram>,
    /// Requests refused before evaluation (too large, malformed, overload).
    pub rejected: Family<RequestLabels, Counter>,
}

/// Bucket bounds in seconds: fine below a millisecond, where answers are.
const BUCKETS: [f64; 14] = [
    0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5,
    1.0,
];

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("palisade_admission");
        let requests = Family::<RequestLabels, Counter>::default();
        let findings = Family::<FindingLabels, Counter>::default();
        let rejected = Family::<RequestLabels, Counter>::default();
        let latency = Family::<EndpointLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(BUCKETS.iter().copied())
        });
        registry.register("requests", "Admission requests answered", requests.clone());
        registry.register(
            "findings",
            "Findings acted on, by rule and action",
            findings.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "Time to answer an admission request",
            latency.clone(),
        );
        registry.register(
            "rejected",
            "Requests refused before evaluation (too large, malformed, overloaded, timed out)",
            rejected.clone(),
        );
        Metrics {
            registry,
            requests,
            findings,
            latency,
            rejected,
        }
    }
}

impl Metrics {
    /// Counts a request refused before evaluation, and why.
    pub fn reject(&self, endpoint: &str, why: &str) {
        self.rejected
            .get_or_create(&RequestLabels {
                endpoint: endpoint.to_string(),
                decision: why.to_string(),
                kind: String::new(),
            })
            .inc();
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
