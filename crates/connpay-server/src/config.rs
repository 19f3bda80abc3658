//! What the server is told: its ConnPay identity and key, its limits and deadlines, who may call
//! what, and TLS.

use std::sync::Arc;
use std::time::Duration;

use clock::{Clock, SystemClock};

use super::client::AddressList;
use super::signature::{CallbackKey, ControlKey};
use super::tls::Tls;

/// Where the merchant callback is served unless told otherwise.
pub(crate) const DEFAULT_CALLBACK_PATH: &str = "/verification/callback";

/// Checks a callback path: `/` and then letters, digits, `-`, `_`, `.` and single `/`, and none
/// of the paths the server answers otherwise.
pub(crate) fn callback_path(path: &str) -> Result<String, String> {
    let plain = path.len() <= 128
        && path.starts_with('/')
        && path.len() > 1
        && !path.contains("//")
        && !path.ends_with('/')
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
    if !plain {
        return Err(
            "the callback path must be / and then letters, digits, '-', '_', '.' and \
             single '/' (at most 128 characters)"
                .to_owned(),
        );
    }
    let taken = [
        "/auth/access-token",
        "/verification/initiate-verification",
        "/verification/notification",
        "/healthz",
        "/metrics",
    ];
    let segments: Vec<&str> = path.split('/').collect();
    let per_invoice = segments.len() == 4
        && segments[1] == "verification"
        && matches!(segments[3], "check" | "notification");
    if taken.contains(&path) || per_invoice {
        return Err("the callback path is already one of the server's own paths".to_owned());
    }
    Ok(path.to_owned())
}

/// Everything the server needs besides its listener and store.
#[derive(Clone)]
pub struct Config {
    /// Our ConnPay endpoint id, answered on initiate and part of both signatures.
    pub endpoint_id: String,
    pub control_key: ControlKey,
    /// The merchant control key the callback's `control` is computed with; by default the
    /// control key's text.
    pub callback_key: CallbackKey,
    /// Where the gateway sends the merchant callback (`GET`).
    pub callback_path: String,
    /// A checked verification with no final state this long after initiate becomes `expired`.
    pub final_within: chrono::Duration,
    /// How long checked sessions and callbacks are kept after their check (the gateway re-sends
    /// a callback for 14 days).
    pub retention: chrono::Duration,
    /// How long a verification session (and its nonce) stays valid after initiate.
    pub session_ttl: chrono::Duration,
    /// How long an access token stays valid.
    pub token_ttl: chrono::Duration,
    /// Largest request body accepted, in bytes.
    pub max_body: usize,
    /// Deadline for one request, reading the body included.
    pub deadline: Duration,
    /// Requests per second and burst per client address (0 turns the limit off).
    pub rate_per_address: (f64, f64),
    /// Requests per second and burst per access token (initiate) and per invoice (check).
    pub rate_per_token: (f64, f64),
    /// How often expired sessions and tokens are swept.
    pub sweep_every: Duration,
    /// A connection on which no byte arrives for this long is closed (idle keep-alive
    /// connections included).
    pub idle_timeout: Duration,
    /// A request's headers must have arrived this long after the server starts waiting for
    /// them (the connection's opening, or the previous answer), however slowly the client
    /// dribbles them; a TLS handshake has the same bound before that.
    pub header_read_timeout: Duration,
    /// A request's body must have arrived whole this long after its headers.
    pub body_read_timeout: Duration,
    /// Open connections at most (kept below the open-file limit); at the cap the oldest
    /// connection that has not sent a whole request is closed for a new one
    /// (crates/server-base, serve.rs).
    pub max_connections: usize,
    /// Open connections per client host at most; more are closed at once. Trusted proxies
    /// are not held to it.
    pub max_connections_per_address: usize,
    /// Who may call check and the notification (ConnPay's addresses); `None` lets every
    /// address call them.
    pub check_allow: Option<AddressList>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trust_proxy: AddressList,
    /// Who may read `/healthz` and `/metrics` (with `trust_proxy` and `ops_token`: the guard
    /// of crates/server-base, ops.rs).
    pub ops_allow: AddressList,
    /// The bearer token `/healthz` and `/metrics` then ask of all but direct loopback requests.
    pub ops_token: Option<zeroize::Zeroizing<String>>,
    /// How long shutdown waits for requests in flight; `None`: the deadline and a second.
    pub drain_timeout: Option<Duration>,
    /// HTTPS with this certificate; plain HTTP when `None`.
    pub tls: Option<Tls>,
    pub clock: Arc<dyn Clock>,
}

impl Config {
    /// The defaults: the callback at `/verification/callback` checked with the control key's
    /// text, a final state within a day, checked sessions kept 15 days, 30-minute sessions and
    /// tokens, 16 KiB bodies, 10 s deadline,
    /// 100 requests/s (burst 200) per address, 5/s (burst 10) per token, sweep every minute,
    /// connections closed after 30 s without a byte, headers within 10 s, bodies within 10 s of
    /// their headers, 1000 connections at
    /// most and 64 per client host, check open to all, operations endpoints to loopback only.
    pub fn new(endpoint_id: impl Into<String>, control_key: ControlKey) -> Config {
        Config {
            endpoint_id: endpoint_id.into(),
            callback_key: control_key.callback_key(),
            control_key,
            callback_path: DEFAULT_CALLBACK_PATH.to_owned(),
            final_within: chrono::Duration::days(1),
            retention: chrono::Duration::days(15),
            session_ttl: chrono::Duration::minutes(30),
            token_ttl: chrono::Duration::minutes(30),
            max_body: 16 * 1024,
            deadline: Duration::from_secs(10),
            rate_per_address: (100.0, 200.0),
            rate_per_token: (5.0, 10.0),
            sweep_every: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            max_connections: 1000,
            max_connections_per_address: 64,
            check_allow: None,
            trust_proxy: AddressList::default(),
            ops_allow: AddressList::loopback(),
            ops_token: None,
            drain_timeout: None,
            tls: None,
            clock: Arc::new(SystemClock),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("endpoint_id", &self.endpoint_id)
            .field("control_key", &self.control_key)
            .field("callback_key", &self.callback_key)
            .field("callback_path", &self.callback_path)
            .field("final_within", &self.final_within)
            .field("retention", &self.retention)
            .field("session_ttl", &self.session_ttl)
            .field("token_ttl", &self.token_ttl)
            .field("max_body", &self.max_body)
            .field("deadline", &self.deadline)
            .field("rate_per_address", &self.rate_per_address)
            .field("rate_per_token", &self.rate_per_token)
            .field("sweep_every", &self.sweep_every)
            .field("idle_timeout", &self.idle_timeout)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("max_connections", &self.max_connections)
            .field(
                "max_connections_per_address",
                &self.max_connections_per_address,
            )
            .field("check_allow", &self.check_allow)
            .field("trust_proxy", &self.trust_proxy)
            .field("ops_allow", &self.ops_allow)
            .field("ops_token", &self.ops_token.as_ref().map(|_| "(set)"))
            .field("drain_timeout", &self.drain_timeout)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn callback_paths() {
        for good in [
            "/verification/callback",
            "/cb",
            "/connpay/v1/final-status.php",
        ] {
            assert_eq!(super::callback_path(good).as_deref(), Ok(good));
        }
        for bad in [
            "",
            "/",
            "cb",
            "/a//b",
            "/a/",
            "/{id}",
            "/a b",
            "/healthz",
            "/verification/INV1/check",
            "/verification/x/notification",
            "/verification/notification",
        ] {
            assert!(super::callback_path(bad).is_err(), "{bad}");
        }
    }
}
