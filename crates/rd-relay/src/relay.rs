//! The relay itself: its database, the platform's InstantPay client and key, its settings and
//! its limits. The calls it answers are in `login` and `enrol`, its HTTP face in `http`.

use std::sync::Arc;
use std::time::Duration;

use clock::Clock;
use instantpay::Secret;
use ratelimit::RateLimiter;

/// How long a second PC's login waits for the first one's outcome before being told to
/// try again (nothing sent). Well inside the agent's wait for the relay (src/login/live.rs).
pub(crate) const BUSY_WAIT: Duration = Duration::from_secs(20);

/// Charged failures per outlet and IST day unless `--max-failures-per-day` says otherwise
/// (the failure cap in `guard`).
pub(crate) const MAX_FAILURES_PER_DAY: u64 = 5;

/// What the relay does besides its parts; the defaults suit a real platform.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a second PC's login waits for the first one's outcome.
    pub busy_wait: Duration,
    /// InstantPay's read timeout: a claim older than twice this (plus a margin) belongs to an
    /// instance that died mid-call.
    pub read_timeout: Duration,
    /// How old an attempt with no known outcome must be before `LOGINREQUIRED` settles it as
    /// not logged in (as the agent's `instantpay.settle_window_secs`).
    pub settle_window: chrono::Duration,
    /// Only `--sandbox`: the demo outlet's public test Aadhaar, sent with enrolment.
    pub sandbox_aadhaar: Option<String>,
    /// Who may read `/fleet/today`, `/metrics` and `/healthz` (crates/server-base, ops.rs).
    pub ops: server_base::OpsGuard,
    /// The connection deadlines and caps (crates/server-base, serve.rs).
    pub limits: server_base::Limits,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for the limits per address).
    pub trust_proxy: server_base::address::AddressList,
    /// HTTPS with this certificate; plain HTTP when `None`.
    pub tls: Option<server_base::tls::Tls>,
    /// Calls per minute per device and per outlet (0: no limit).
    pub device_per_minute: f64,
    pub outlet_per_minute: f64,
    /// Charged failures per outlet and IST day before the relay stops sending (crate::guard).
    pub max_failures_per_day: u64,
    /// Whether an operator's `override_declines` lifts the decline guard.
    pub allow_device_override: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            busy_wait: BUSY_WAIT,
            read_timeout: Duration::from_secs(30),
            settle_window: chrono::Duration::seconds(180),
            sandbox_aadhaar: None,
            ops: server_base::OpsGuard::loopback(),
            limits: server_base::Limits {
                // A login in flight waits for InstantPay (30 s read timeout) and records its
                // outcome: the drain lets it.
                drain: Duration::from_secs(40),
                ..server_base::Limits::default()
            },
            trust_proxy: server_base::address::AddressList::default(),
            tls: None,
            device_per_minute: 20.0,
            outlet_per_minute: 60.0,
            max_failures_per_day: MAX_FAILURES_PER_DAY,
            allow_device_override: false,
        }
    }
}

impl Settings {
    pub(crate) fn stale_after(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.read_timeout * 2 + Duration::from_secs(15))
            .unwrap_or(chrono::Duration::seconds(75))
    }
}

/// The relay: its database, the platform's InstantPay client and key, and its settings.
pub struct Relay {
    pub store: crate::store::Store,
    pub instantpay: instantpay::Client,
    pub key: Secret,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    pub metrics: crate::metrics::Metrics,
    pub(crate) device_limit: RateLimiter,
    pub(crate) outlet_limit: RateLimiter,
    pub(crate) enroll_limit: RateLimiter,
    /// Enrolments per client host, checked before the global bucket so that one address
    /// cannot spend it for everyone.
    pub(crate) enroll_by_address: RateLimiter,
    /// Wrong enrolment codes per client host (taken only on a failure).
    pub(crate) failed_codes_by_address: RateLimiter,
    /// Unknown or revoked device tokens per client host (taken only on a failure): each costs
    /// a database query.
    pub(crate) bad_tokens_by_address: RateLimiter,
}

impl Relay {
    pub fn new(
        store: crate::store::Store,
        instantpay: instantpay::Client,
        key: Secret,
        clock: Arc<dyn Clock>,
        settings: Settings,
    ) -> Relay {
        let per_minute = |n: f64| RateLimiter::new(n / 60.0, (n / 2.0).max(1.0));
        Relay {
            device_limit: per_minute(settings.device_per_minute),
            outlet_limit: per_minute(settings.outlet_per_minute),
            // Codes carry about 60 bits; this only keeps a flood from costing the database.
            enroll_limit: RateLimiter::new(20.0, 100.0),
            // A shop enrols a PC or two; a NAT a few more.
            enroll_by_address: RateLimiter::new(1.0, 20.0),
            // Ten wrong codes per address, then one more every six minutes.
            failed_codes_by_address: RateLimiter::new(10.0 / 3600.0, 10.0),
            // A PC whose token was revoked retries a few times a minute at most.
            bad_tokens_by_address: RateLimiter::new(0.5, 20.0),
            store,
            instantpay,
            key,
            clock,
            settings,
            metrics: crate::metrics::Metrics::default(),
        }
    }
}
