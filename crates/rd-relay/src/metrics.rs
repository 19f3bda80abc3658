//! `/metrics`, in the Prometheus text format: logins by result, refusals by code, the guards'
//! refusals by reason, status calls, InstantPay's latency for logins.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

pub(crate) use prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct CodeLabels {
    code: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

pub struct Metrics {
    registry: Registry,
    logins: Family<ResultLabels, Counter>,
    refusals: Family<CodeLabels, Counter>,
    guard_refusals: Family<ReasonLabels, Counter>,
    pub status_calls: Counter,
    pub upstream_seconds: Histogram,
    /// Open and refused connections, counted by the accept loop (crates/server-base).
    pub connections: server_base::ConnectionMetrics,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("rd_relay");
        let logins = Family::<ResultLabels, Counter>::default();
        let refusals = Family::<CodeLabels, Counter>::default();
        let guard_refusals = Family::<ReasonLabels, Counter>::default();
        let status_calls = Counter::default();
        // 10 ms to about 40 s.
        let upstream_seconds = Histogram::new(exponential_buckets(0.01, 2.0, 13));
        registry.register(
            "logins",
            "Logins answered, by result (loggedin, login_required, rejected, unknown, not_sent, shared, already_logged_in)",
            logins.clone(),
        );
        registry.register("refusals", "Calls refused, by code", refusals.clone());
        registry.register(
            "guard_refusals",
            "Logins refused before a charge, by reason (wrong_operator, key_expired, decline_guard, failure_cap)",
            guard_refusals.clone(),
        );
        registry.register(
            "status_calls",
            "outletLoginStatus calls forwarded",
            status_calls.clone(),
        );
        registry.register(
            "upstream_login_seconds",
            "InstantPay's time to answer outletLogin",
            upstream_seconds.clone(),
        );
        let connections = server_base::ConnectionMetrics::new();
        connections.register(&mut registry);
        Metrics {
            connections,
            registry,
            logins,
            refusals,
            guard_refusals,
            status_calls,
            upstream_seconds,
        }
    }
}

impl Metrics {
    pub fn login(&self, result: &'static str) {
        self.logins.get_or_create(&ResultLabels { result }).inc();
    }

    pub fn refusal(&self, code: &'static str) {
        self.refusals.get_or_create(&CodeLabels { code }).inc();
    }

    /// A login the guards refused before it was sent (crate::guard).
    pub(crate) fn guard_refusal(&self, reason: &'static str) {
        self.guard_refusals
            .get_or_create(&ReasonLabels { reason })
            .inc();
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
