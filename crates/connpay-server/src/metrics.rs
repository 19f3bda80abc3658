//! The server's own series for `/metrics`, in the Prometheus text format (0.0.4): requests by
//! route and status, request latency by route, open and refused connections (crates/server-base's
//! series), store failures,
//! and the sessions and access tokens held (counted when scraped).

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use server_base::ConnectionMetrics;

use crate::store::State;

/// What the store holds when scraped: (access tokens, sessions), and verifications by state.
pub(crate) type StoreCounts = ((u64, u64), Vec<(State, u64)>);

pub(crate) use server_base::metrics::CONTENT_TYPE;

/// What a request was for; a fixed set, so a stranger's paths cannot grow the series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Route {
    AccessToken,
    Initiate,
    Check,
    Notification,
    Callback,
    Health,
    Metrics,
    Other,
}

impl Route {
    /// The route of `path`, with the merchant callback served at `callback_path`.
    pub(crate) fn of(path: &str, callback_path: &str) -> Route {
        match path {
            "/auth/access-token" => Route::AccessToken,
            "/verification/initiate-verification" => Route::Initiate,
            "/verification/notification" => Route::Notification,
            "/healthz" => Route::Health,
            "/metrics" => Route::Metrics,
            p if p == callback_path => Route::Callback,
            p if p.starts_with("/verification/") && p.ends_with("/check") => Route::Check,
            p if p.starts_with("/verification/") && p.ends_with("/notification") => {
                Route::Notification
            }
            _ => Route::Other,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Route::AccessToken => "access_token",
            Route::Initiate => "initiate",
            Route::Check => "check",
            Route::Notification => "notification",
            Route::Callback => "callback",
            Route::Health => "healthz",
            Route::Metrics => "metrics",
            Route::Other => "other",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    route: &'static str,
    status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    route: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms to about 2 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 14))
}

pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    /// Open and refused connections, counted by the accept loop (crates/server-base).
    pub connections: ConnectionMetrics,
    store_errors: Counter,
    sessions: Gauge,
    access_tokens: Gauge,
    verifications: Family<StateLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub(crate) fn new() -> Metrics {
        let mut registry = Registry::with_prefix("connpay");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let connections = ConnectionMetrics::new();
        let store_errors = Counter::default();
        let sessions = Gauge::default();
        let access_tokens = Gauge::default();
        let verifications = Family::<StateLabels, Gauge>::default();
        registry.register(
            "http_requests",
            "Requests answered, by route and HTTP status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from the request's headers to its response, by route",
            latency.clone(),
        );
        connections.register(&mut registry);
        registry.register(
            "store_errors",
            "Failures of the session store",
            store_errors.clone(),
        );
        registry.register(
            "sessions",
            "Verification sessions held in the store (live or not yet swept)",
            sessions.clone(),
        );
        registry.register(
            "access_tokens",
            "Access tokens held in the store (live or not yet swept)",
            access_tokens.clone(),
        );
        registry.register(
            "verifications",
            "Verifications held in the store, by state (counted when scraped)",
            verifications.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            connections,
            store_errors,
            sessions,
            access_tokens,
            verifications,
        }
    }

    pub(crate) fn request(&self, route: Route, status: u16, took: Duration) {
        let route = route.label();
        self.requests
            .get_or_create(&RequestLabels { route, status })
            .inc();
        self.latency
            .get_or_create(&RouteLabels { route })
            .observe(took.as_secs_f64());
    }

    pub(crate) fn store_error(&self) {
        self.store_errors.inc();
    }

    /// The text for a scrape, with the store's counts as of now (`None` when it did not
    /// answer): access tokens and sessions, and verifications by state (every state is written,
    /// 0 when none is held).
    pub(crate) fn render(&self, counts: Option<StoreCounts>) -> String {
        if let Some(((tokens, sessions), states)) = counts {
            self.access_tokens
                .set(i64::try_from(tokens).unwrap_or(i64::MAX));
            self.sessions
                .set(i64::try_from(sessions).unwrap_or(i64::MAX));
            for state in State::ALL {
                let n = states
                    .iter()
                    .find(|(s, _)| *s == state)
                    .map_or(0, |(_, n)| *n);
                self.verifications
                    .get_or_create(&StateLabels {
                        state: state.as_str(),
                    })
                    .set(i64::try_from(n).unwrap_or(i64::MAX));
            }
        }
        server_base::metrics::render(&self.registry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use server_base::metrics::Refusal;

    #[test]
    fn routes_are_a_fixed_set() {
        let cb = "/verification/callback";
        assert_eq!(Route::of("/verification/INV1/check", cb), Route::Check);
        assert_eq!(
            Route::of("/verification/initiate-verification", cb),
            Route::Initiate
        );
        assert_eq!(Route::of("/wp-admin", cb), Route::Other);
        assert_eq!(Route::of("/healthz", cb), Route::Health);
        assert_eq!(Route::of(cb, cb), Route::Callback);
        assert_eq!(Route::of("/cb", "/cb"), Route::Callback);
        assert_eq!(
            Route::of("/verification/notification", cb),
            Route::Notification
        );
        assert_eq!(
            Route::of("/verification/I/notification", cb),
            Route::Notification
        );
    }

    #[test]
    fn text_has_types_and_values() {
        let m = Metrics::new();
        m.request(Route::Check, 200, Duration::from_millis(2));
        m.connections.refused(Refusal::PerAddress);
        m.connections.connection_opened();
        let text = m.render(Some(((3, 5), vec![(State::Approved, 2)])));
        for line in [
            "# TYPE connpay_http_requests_total counter",
            "connpay_http_requests_total{route=\"check\",status=\"200\"} 1",
            "# TYPE connpay_http_request_duration_seconds histogram",
            "connpay_refused_connections_total{reason=\"per_address\"} 1",
            "connpay_open_connections 1",
            "connpay_sessions 5",
            "connpay_access_tokens 3",
            "connpay_verifications{state=\"approved\"} 2",
            "connpay_verifications{state=\"expired\"} 0",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
    }
}
