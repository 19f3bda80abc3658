//! The connection series both servers show on `/metrics` (Prometheus text format), registered
//! into the server's own registry under its prefix: connections open now, and connections
//! closed unserved by reason.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

pub use prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

/// Why a connection was closed without being served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The client's address already holds `--max-connections-per-address` connections.
    PerAddress,
    /// The TLS handshake failed or did not finish in time.
    Handshake,
    /// Closed at the connection cap to make room: it had not sent a whole request.
    Evicted,
    /// At the connection cap with every connection's request in flight.
    Full,
}

impl Refusal {
    const ALL: [Refusal; 4] = [
        Refusal::PerAddress,
        Refusal::Handshake,
        Refusal::Evicted,
        Refusal::Full,
    ];

    fn label(self) -> &'static str {
        match self {
            Refusal::PerAddress => "per_address",
            Refusal::Handshake => "handshake",
            Refusal::Evicted => "evicted",
            Refusal::Full => "full",
        }
    }
}

/// Open connections and refusals; cheap to clone (the series are shared).
#[derive(Debug, Clone)]
pub struct ConnectionMetrics {
    open: Gauge,
    refused: Family<ReasonLabels, Counter>,
}

impl Default for ConnectionMetrics {
    fn default() -> Self {
        ConnectionMetrics::new()
    }
}

impl ConnectionMetrics {
    pub fn new() -> Self {
        let refused = Family::<ReasonLabels, Counter>::default();
        // Every reason from the start, so the series exist (at 0) before the first refusal.
        for r in Refusal::ALL {
            let _ = refused.get_or_create(&ReasonLabels { reason: r.label() });
        }
        ConnectionMetrics {
            open: Gauge::default(),
            refused,
        }
    }

    /// Adds `open_connections` and `refused_connections` to `registry`.
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "open_connections",
            "Client connections open now",
            self.open.clone(),
        );
        registry.register(
            "refused_connections",
            "Connections closed unserved, by reason (per_address, handshake, evicted, full)",
            self.refused.clone(),
        );
    }

    pub fn connection_opened(&self) {
        self.open.inc();
    }

    pub fn connection_closed(&self) {
        self.open.dec();
    }

    pub fn refused(&self, why: Refusal) {
        self.refused
            .get_or_create(&ReasonLabels {
                reason: why.label(),
            })
            .inc();
    }
}

/// `registry` in the text format.
pub fn render(registry: &Registry) -> String {
    let mut text = String::new();
    // Writing to a String cannot fail.
    let _ = prometheus_client::encoding::prometheus_text::encode(&mut text, registry);
    text
}
