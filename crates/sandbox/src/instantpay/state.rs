//! The sandbox's state: the registered outlets, the wallet, the logins of the day, the
//! faults set, and what a test reads back.

// A check's natural error here is the whole HTTP reply to send; its size does not matter in a
// test server.
#![allow(clippy::result_large_err)]

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::liveness::{self, LivenessSandbox};
use clock::{Clock, SystemClock, ist_date};
use instantpay::Aadhaar;
use instantpay::ClientConfig;
use instantpay::Secret;

use super::envelope::reply;
use super::faults::Fault;
use axum::http::StatusCode as Http;
use instantpay::{
    HEADER_AUTH_CODE, HEADER_CLIENT_ID, HEADER_CLIENT_SECRET, HEADER_ENDPOINT_IP, HEADER_OUTLET_ID,
};
use std::net::IpAddr;

/// The demo outlet's identifiers and secrets: sandbox-only values, documented for the README.
pub const DEMO_OUTLET_ID: &str = "100001";
pub const DEMO_CLIENT_ID: &str = "SBXCLIENT0001";
pub const DEMO_CLIENT_SECRET: &str = "sandbox-client-secret-not-real";
/// Exactly 32 bytes, used raw as the AES-256 key, as InstantPay's "Encryption Key" is.
pub const DEMO_ENCRYPTION_KEY: &str = "SandboxEncryptionKey0123456789AB";
/// The endpoint IP the demo client sends (any valid IP is accepted).
pub const DEMO_ENDPOINT_IP: &str = "127.0.0.1";
/// The outlet's location: New Delhi.
pub const DEMO_LATITUDE: &str = "28.6139";
pub const DEMO_LONGITUDE: &str = "77.2090";

/// One registered outlet.
#[derive(Debug, Clone)]
pub struct DemoOutlet {
    pub outlet_id: String,
    pub client_id: String,
    pub client_secret: Secret,
    /// 32 bytes, used raw.
    pub encryption_key: Secret,
    /// The operator's registered Aadhaar.
    pub aadhaar: Aadhaar,
}

impl DemoOutlet {
    /// The demo outlet: [`DEMO_OUTLET_ID`], [`DEMO_CLIENT_ID`], [`DEMO_CLIENT_SECRET`],
    /// [`DEMO_ENCRYPTION_KEY`] and the test Aadhaar [`instantpay::DEMO_AADHAAR`].
    pub fn demo() -> DemoOutlet {
        DemoOutlet {
            outlet_id: DEMO_OUTLET_ID.to_string(),
            client_id: DEMO_CLIENT_ID.to_string(),
            client_secret: Secret::new(DEMO_CLIENT_SECRET),
            encryption_key: Secret::new(DEMO_ENCRYPTION_KEY),
            aadhaar: Aadhaar::demo(),
        }
    }

    /// A client config that reaches this outlet on the sandbox at `base_url`.
    pub fn client_config(&self, base_url: &str) -> ClientConfig {
        ClientConfig::new(
            base_url,
            self.client_id.clone(),
            self.client_secret.clone(),
            self.outlet_id.clone(),
            DEMO_ENDPOINT_IP,
        )
    }
}

/// How the sandbox is set up.
#[derive(Clone)]
pub struct SandboxConfig {
    pub outlets: Vec<DemoOutlet>,
    pub clock: Arc<dyn Clock>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            outlets: vec![DemoOutlet::demo()],
            clock: Arc::new(SystemClock),
        }
    }
}

/// The sandbox wallet's opening balance, ₹5,000.00, and what a daily login costs: ₹0.80 plus
/// 18% GST, as `data.pool` reports it on a charged call.
pub(super) const WALLET_START_PAISE: i64 = 500_000;
const LOGIN_PRICE_PAISE: i64 = 80;
pub(super) const LOGIN_PAYABLE_PAISE: i64 = 94;

/// `data.pool` of a charged call, in InstantPay's shape (amounts as text with two decimals).
pub(super) fn pool(opening_paise: i64) -> Value {
    let text = |p: i64| format!("{}.{:02}", p / 100, p % 100);
    json!({"pool": {
        "openingBalance": text(opening_paise),
        "transactionValue": text(LOGIN_PRICE_PAISE),
        "payableValue": text(LOGIN_PAYABLE_PAISE),
        "closingBalance": text(opening_paise - LOGIN_PAYABLE_PAISE),
    }})
}

#[derive(Default)]
pub(super) struct Inner {
    pub(super) used_refs: HashSet<String>,
    /// Outlet id -> the IST day of its last successful login.
    pub(super) logins: HashMap<String, NaiveDate>,
    pub(super) charges: u64,
    /// The platform wallet's debits so far, in paise (the balance is `WALLET_START_PAISE` less).
    pub(super) debited_paise: i64,
    /// The externalRef of each processed (charged) login, in order.
    pub(super) processed: Vec<String>,
    pub(super) login_requests: u64,
    pub(super) status_requests: u64,
    pub(super) faults: HashMap<String, Fault>,
}

pub(super) struct Shared {
    pub(super) outlets: Arc<Vec<DemoOutlet>>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) inner: Mutex<Inner>,
    pub(super) liveness: Arc<LivenessSandbox>,
}

/// The sandbox's state: shared by the handlers and by the test or command that drives it.
#[derive(Clone)]
pub struct SandboxState(pub(super) Arc<Shared>);

impl SandboxState {
    pub fn new(config: SandboxConfig) -> SandboxState {
        let outlets = Arc::new(config.outlets);
        let for_liveness = outlets.clone();
        let auth: liveness::AuthCheck = Arc::new(move |headers: &HeaderMap| {
            check_auth(&for_liveness, headers, false).map(|_| ())
        });
        let liveness = LivenessSandbox::with_auth(config.clock.clone(), auth);
        SandboxState(Arc::new(Shared {
            outlets,
            clock: config.clock,
            inner: Mutex::new(Inner::default()),
            liveness,
        }))
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Inner> {
        // The counters stay meaningful even if a handler panicked mid-way.
        self.0.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Chargeable login attempts processed so far (matches and mismatches).
    pub fn charges(&self) -> u64 {
        self.lock().charges
    }

    /// The externalRef of each chargeable login processed so far, in order.
    pub fn processed_refs(&self) -> Vec<String> {
        self.lock().processed.clone()
    }

    /// `outletLogin` requests received, processed or not.
    pub fn login_requests(&self) -> u64 {
        self.lock().login_requests
    }

    /// `outletLoginStatus` requests received.
    pub fn status_requests(&self) -> u64 {
        self.lock().status_requests
    }

    /// Play `fault` on every request to `path` (e.g. `instantpay::PATH_LOGIN`) until cleared with `None`.
    pub fn set_fault(&self, path: &str, fault: Option<Fault>) {
        let mut inner = self.lock();
        match fault {
            Some(f) => inner.faults.insert(path.to_string(), f),
            None => inner.faults.remove(path),
        };
    }

    /// The bank invalidated today's login: `outletLoginStatus` says `LOGINREQUIRED` again.
    pub fn invalidate_login(&self, outlet_id: &str) {
        self.lock().logins.remove(outlet_id);
    }

    /// Whether the outlet is logged in for the current IST day.
    pub fn logged_in_today(&self, outlet_id: &str) -> bool {
        let today = ist_date(self.0.clock.now());
        self.lock().logins.get(outlet_id) == Some(&today)
    }

    /// The registered outlets.
    pub fn outlets(&self) -> &[DemoOutlet] {
        &self.0.outlets
    }

    /// The face-liveness part, for tests that plan sessions.
    pub fn liveness(&self) -> &Arc<LivenessSandbox> {
        &self.0.liveness
    }

    /// Check the auth headers as the real API does; `Err` is the whole reply to send.
    pub(crate) fn check_auth(
        &self,
        headers: &HeaderMap,
        outlet_required: bool,
    ) -> Result<Option<&DemoOutlet>, Response> {
        check_auth(&self.0.outlets, headers, outlet_required)
    }

    pub(super) fn fault_for(&self, path: &str) -> Option<Fault> {
        self.lock().faults.get(path).copied()
    }
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// The header check, shared with the face-liveness routes.
fn check_auth<'a>(
    outlets: &'a [DemoOutlet],
    h: &HeaderMap,
    outlet_required: bool,
) -> Result<Option<&'a DemoOutlet>, Response> {
    let deny = |http, code, msg: &str| Err(reply(http, code, None, msg, Value::Null, None));
    if header(h, HEADER_AUTH_CODE) != "1" {
        return deny(
            Http::UNAUTHORIZED,
            "IAT",
            "Invalid auth code: X-Ipay-Auth-Code must be 1",
        );
    }
    let client_id = header(h, HEADER_CLIENT_ID);
    let secret = header(h, HEADER_CLIENT_SECRET);
    let of_client: Vec<&DemoOutlet> = outlets
        .iter()
        .filter(|o| o.client_id == client_id)
        .collect();
    let secret_ok = of_client.first().is_some_and(|o| {
        subtle::ConstantTimeEq::ct_eq(o.client_secret.expose().as_bytes(), secret.as_bytes()).into()
    });
    if client_id.is_empty() || !secret_ok {
        return deny(
            Http::UNAUTHORIZED,
            "IAC",
            "Invalid credentials: unknown X-Ipay-Client-Id or wrong X-Ipay-Client-Secret",
        );
    }
    if header(h, HEADER_ENDPOINT_IP).parse::<IpAddr>().is_err() {
        return deny(
            Http::FORBIDDEN,
            "UAD",
            "Access denied: X-Ipay-Endpoint-Ip must be the caller's IP address",
        );
    }
    let outlet_id = header(h, HEADER_OUTLET_ID);
    if outlet_id.is_empty() {
        if outlet_required {
            return deny(
                Http::OK,
                "RPI",
                "Invalid parameters: X-Ipay-Outlet-Id is required",
            );
        }
        return Ok(None);
    }
    match of_client.into_iter().find(|o| o.outlet_id == outlet_id) {
        Some(o) => Ok(Some(o)),
        None => deny(
            Http::OK,
            "OUI",
            "Outlet unauthorized or inactive: X-Ipay-Outlet-Id is not an outlet of this client",
        ),
    }
}
