//! The sandbox InstantPay: an HTTP server on loopback that checks requests as the real API would
//! (docs/instantpay.md) and answers in its envelope with `environment: "SANDBOX"`.
//!
//! - `outletLoginStatus` answers from today's logins until midnight IST (time from a [`Clock`]).
//! - `outletLogin` checks the five headers, every `biometricData` field, `type`, the coordinates,
//!   `externalRef` (alphanumeric, never reused: `DTX`) and `errCode`, decrypts `encryptedAadhaar`
//!   with the outlet's key and compares it with the registered Aadhaar: a mismatch is
//!   `TXN`/`LOGINREQUIRED` and charged, a match `TXN`/`LOGGEDIN` and charged; a charged reply
//!   carries `data.pool` (₹0.94 from a ₹5,000.00 wallet, less at each charge).
//! - Fault modes per path, settable while running, for the failure tests ([`Fault`]).
//! - The face-liveness routes of [`crate::liveness`] are merged in, checked by the same
//!   header check.
//!
//! Start it with [`start`] (port 0 on 127.0.0.1) or [`start_on`] (a listener you bound).

// A check's natural error here is the whole HTTP reply to send; its size does not matter in a
// test server.
#![allow(clippy::result_large_err)]

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode as Http};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::NaiveDate;
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;

use crate::liveness::{self, LivenessSandbox};
use clock::{Clock, SystemClock, ist, ist_date};
use instantpay::Aadhaar;
use instantpay::Secret;
use instantpay::{
    ClientConfig, HEADER_AUTH_CODE, HEADER_CLIENT_ID, HEADER_CLIENT_SECRET, HEADER_ENDPOINT_IP,
    HEADER_OUTLET_ID, PATH_LOGIN, PATH_LOGIN_STATUS,
};
use instantpay::{DAILY_LOGIN, valid_external_ref, validate_coordinates};

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

/// Every `biometricData` field the real API wants (all strings).
pub const BIOMETRIC_FIELDS: [&str; 25] = [
    "encryptedAadhaar",
    "dc",
    "ci",
    "hmac",
    "dpId",
    "mc",
    "pidDataType",
    "sessionKey",
    "mi",
    "rdsId",
    "errCode",
    "errInfo",
    "fCount",
    "fType",
    "iCount",
    "iType",
    "pCount",
    "pType",
    "srno",
    "sysid",
    "ts",
    "pidData",
    "qScore",
    "nmPoints",
    "rdsVer",
];

/// Fields that must also be non-empty: the ones without which no bank could verify a finger.
const BIOMETRIC_REQUIRED: [&str; 11] = [
    "encryptedAadhaar",
    "dc",
    "ci",
    "hmac",
    "dpId",
    "mc",
    "sessionKey",
    "mi",
    "rdsId",
    "pidData",
    "rdsVer",
];

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

/// A failure the sandbox plays on every request to one path, until cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 500 with an `ISE` envelope; the request is not processed.
    Http500,
    /// The request is processed (a login is charged), then the reply is truncated JSON.
    MalformedJson,
    /// The request is processed at once; the reply comes after this delay.
    Slow(Duration),
    /// The request is read in full, then the connection is closed without a reply; the request
    /// is not processed.
    DropConnection,
    /// The request is processed (a login is charged), then the connection is closed without
    /// a reply: the case that must never be resubmitted blindly.
    DropAfterProcessing,
    /// Every login is processed as a finger that does not match the right Aadhaar: charged,
    /// `TXN`/`LOGINREQUIRED`, as the bank answers a dirty or wrong finger.
    BiometricMismatch,
}

/// The sandbox wallet's opening balance, ₹5,000.00, and what a daily login costs: ₹0.80 plus
/// 18% GST, as `data.pool` reports it on a charged call.
const WALLET_START_PAISE: i64 = 500_000;
const LOGIN_PRICE_PAISE: i64 = 80;
const LOGIN_PAYABLE_PAISE: i64 = 94;

/// `data.pool` of a charged call, in InstantPay's shape (amounts as text with two decimals).
fn pool(opening_paise: i64) -> Value {
    let text = |p: i64| format!("{}.{:02}", p / 100, p % 100);
    json!({"pool": {
        "openingBalance": text(opening_paise),
        "transactionValue": text(LOGIN_PRICE_PAISE),
        "payableValue": text(LOGIN_PAYABLE_PAISE),
        "closingBalance": text(opening_paise - LOGIN_PAYABLE_PAISE),
    }})
}

#[derive(Default)]
struct Inner {
    used_refs: HashSet<String>,
    /// Outlet id -> the IST day of its last successful login.
    logins: HashMap<String, NaiveDate>,
    charges: u64,
    /// The platform wallet's debits so far, in paise (the balance is `WALLET_START_PAISE` less).
    debited_paise: i64,
    /// The externalRef of each processed (charged) login, in order.
    processed: Vec<String>,
    login_requests: u64,
    status_requests: u64,
    faults: HashMap<String, Fault>,
}

struct Shared {
    outlets: Arc<Vec<DemoOutlet>>,
    clock: Arc<dyn Clock>,
    inner: Mutex<Inner>,
    liveness: Arc<LivenessSandbox>,
}

/// The sandbox's state: shared by the handlers and by the test or command that drives it.
#[derive(Clone)]
pub struct SandboxState(Arc<Shared>);

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

    fn lock(&self) -> MutexGuard<'_, Inner> {
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

    /// Play `fault` on every request to `path` (e.g. [`PATH_LOGIN`]) until cleared with `None`.
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
    pub fn check_auth(
        &self,
        headers: &HeaderMap,
        outlet_required: bool,
    ) -> Result<Option<&DemoOutlet>, Response> {
        check_auth(&self.0.outlets, headers, outlet_required)
    }

    fn fault_for(&self, path: &str) -> Option<Fault> {
        self.lock().faults.get(path).copied()
    }
}

/// InstantPay's envelope with `environment: "SANDBOX"`, timestamp in IST.
pub fn reply(
    http: Http,
    statuscode: &str,
    actcode: Option<&str>,
    status: &str,
    data: Value,
    orderid: Option<&str>,
) -> Response {
    let now = chrono::Utc::now();
    envelope_at(now, http, statuscode, actcode, status, data, orderid)
}

fn envelope_at(
    now: chrono::DateTime<chrono::Utc>,
    http: Http,
    statuscode: &str,
    actcode: Option<&str>,
    status: &str,
    data: Value,
    orderid: Option<&str>,
) -> Response {
    let body = json!({
        "statuscode": statuscode,
        "actcode": actcode,
        "status": status,
        "data": data,
        "timestamp": now.with_timezone(&ist()).format("%Y-%m-%d %H:%M:%S").to_string(),
        "ipay_uuid": format!("SBX{:016X}", rand::random::<u64>()),
        "orderid": orderid,
        "environment": "SANDBOX",
    });
    (http, axum::Json(body)).into_response()
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

/// Content type and JSON object body, or the `RPI` reply.
fn json_object(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, Box<Response>> {
    let rpi = |msg: &str| Box::new(reply(Http::OK, "RPI", None, msg, Value::Null, None));
    if !header(headers, "content-type")
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(rpi(
            "Invalid parameters: Content-Type must be application/json",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(rpi("Invalid parameters: the body must be a JSON object")),
    }
}

impl SandboxState {
    fn envelope(
        &self,
        statuscode: &str,
        actcode: Option<&str>,
        status: &str,
        data: Value,
        orderid: Option<&str>,
    ) -> Response {
        envelope_at(
            self.0.clock.now(),
            Http::OK,
            statuscode,
            actcode,
            status,
            data,
            orderid,
        )
    }

    fn rpi(&self, status: &str) -> Response {
        self.envelope("RPI", None, status, Value::Null, None)
    }

    /// The auth check of the outlet calls: the outlet the headers name, or the reply to send.
    fn require_outlet(&self, headers: &HeaderMap) -> Result<DemoOutlet, Response> {
        match self.check_auth(headers, true)? {
            Some(o) => Ok(o.clone()),
            None => Err(self.rpi("Invalid parameters: X-Ipay-Outlet-Id is required")),
        }
    }
}

async fn login_status(
    State(st): State<SandboxState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    st.lock().status_requests += 1;
    let outlet = match st.require_outlet(&headers) {
        Ok(o) => o,
        Err(r) => return r,
    };
    // An empty body is taken as `{}`; otherwise it must be an object.
    if !body.iter().all(u8::is_ascii_whitespace) {
        let o = match json_object(&headers, &body) {
            Ok(o) => o,
            Err(r) => return *r,
        };
        if let Some(t) = o.get("type")
            && t.as_str() != Some(DAILY_LOGIN)
        {
            return st.rpi("Invalid parameters: type must be DAILY_LOGIN");
        }
    }
    let logged_in = st.logged_in_today(&outlet.outlet_id);
    let data = json!({
        "isFaceAuthAvailable": false,
        "aadhaarLastFour": outlet.aadhaar.last_four(),
        "isTxnBioLoginRequired": false,
    });
    if logged_in {
        st.envelope("TXN", Some("LOGGEDIN"), "Outlet is logged in", data, None)
    } else {
        st.envelope(
            "TXN",
            Some("LOGINREQUIRED"),
            "Outlet login required: do the daily biometric login",
            data,
            None,
        )
    }
}

async fn login(
    State(st): State<SandboxState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    st.lock().login_requests += 1;
    let outlet = match st.require_outlet(&headers) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let o = match json_object(&headers, &body) {
        Ok(o) => o,
        Err(r) => return *r,
    };
    let text = |k: &str| o.get(k).and_then(Value::as_str);
    if text("type") != Some(DAILY_LOGIN) {
        return st.rpi("Invalid parameters: type must be DAILY_LOGIN");
    }
    let (Some(lat), Some(long)) = (text("latitude"), text("longitude")) else {
        return st.rpi("Invalid parameters: latitude and longitude are required, as strings");
    };
    if validate_coordinates(lat, long).is_err() {
        return st.rpi(
            "Invalid parameters: latitude/longitude must be decimal degrees with 4 to 6 decimals, inside India",
        );
    }
    let Some(ext) = text("externalRef").filter(|r| valid_external_ref(r)) else {
        return st.rpi("Invalid parameters: externalRef must be 1 to 40 letters and digits");
    };
    let Some(bio) = o.get("biometricData").and_then(Value::as_object) else {
        return st.rpi("Invalid parameters: biometricData is required, as an object");
    };
    for field in BIOMETRIC_FIELDS {
        if !bio.get(field).is_some_and(Value::is_string) {
            return st.rpi(&format!(
                "Invalid parameters: biometricData.{field} is required, as a string"
            ));
        }
    }
    let bio_text = |k: &str| bio.get(k).and_then(Value::as_str).unwrap_or("");
    for field in BIOMETRIC_REQUIRED {
        if bio_text(field).trim().is_empty() {
            return st.rpi(&format!(
                "Invalid parameters: biometricData.{field} must not be empty"
            ));
        }
    }
    if bio_text("errCode") != "0" {
        return st.rpi("Invalid biometric data: the capture failed (errCode is not 0)");
    }
    let submitted = match Aadhaar::decrypt(bio_text("encryptedAadhaar"), st_key(&outlet).as_bytes())
    {
        Ok(a) => a,
        Err(_) => {
            return st.rpi(
                "Invalid parameters: encryptedAadhaar could not be decrypted with the outlet's encryption key",
            );
        }
    };
    let orderid = format!("SBXO{:012}", rand::random_range(0..1_000_000_000_000u64));
    let fault = st.fault_for(PATH_LOGIN);
    let mut inner = st.lock();
    if !inner.used_refs.insert(ext.to_string()) {
        drop(inner);
        return st.envelope(
            "DTX",
            None,
            "Duplicate transaction: externalRef already used",
            Value::Null,
            None,
        );
    }
    // Processed from here: the bank was asked, the attempt is charged.
    inner.charges += 1;
    inner.processed.push(ext.to_string());
    let charged = pool(WALLET_START_PAISE - inner.debited_paise);
    inner.debited_paise += LOGIN_PAYABLE_PAISE;
    let finger_matches = fault != Some(Fault::BiometricMismatch);
    if submitted == outlet.aadhaar && finger_matches {
        inner
            .logins
            .insert(outlet.outlet_id.clone(), ist_date(st.0.clock.now()));
        drop(inner);
        st.envelope(
            "TXN",
            Some("LOGGEDIN"),
            "Outlet login successful",
            charged,
            Some(&orderid),
        )
    } else {
        drop(inner);
        st.envelope(
            "TXN",
            Some("LOGINREQUIRED"),
            "Biometric authentication failed: the finger does not match the outlet's Aadhaar",
            charged,
            Some(&orderid),
        )
    }
}

fn st_key(outlet: &DemoOutlet) -> &str {
    outlet.encryption_key.expose()
}

async fn not_found(State(st): State<SandboxState>) -> Response {
    let mut r = st.envelope(
        "RPI",
        None,
        "Invalid API path: this sandbox serves /fi/aeps/outletLoginStatus, /fi/aeps/outletLogin \
         and /identity/faceLiveness/*",
        Value::Null,
        None,
    );
    *r.status_mut() = Http::NOT_FOUND;
    r
}

/// Closes its connection when triggered: how [`Fault::DropConnection`] hangs up.
#[derive(Clone, Default)]
struct KillSwitch(Arc<Notify>);

async fn faults(State(st): State<SandboxState>, req: Request, next: Next) -> Response {
    let Some(fault) = st.fault_for(req.uri().path()) else {
        return next.run(req).await;
    };
    let kill = req.extensions().get::<KillSwitch>().cloned();
    // Read the whole request first: the server has received it, whatever happens next.
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, 4 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => return st.rpi("Invalid parameters: the body could not be read"),
    };
    let req = Request::from_parts(parts, Body::from(bytes));
    let hang_up = || async move {
        if let Some(k) = kill {
            k.0.notify_one();
        }
        std::future::pending::<Response>().await
    };
    match fault {
        Fault::Http500 => envelope_at(
            st.0.clock.now(),
            Http::INTERNAL_SERVER_ERROR,
            "ISE",
            None,
            "Internal server error",
            Value::Null,
            None,
        ),
        Fault::MalformedJson => {
            let _processed = next.run(req).await;
            (
                Http::OK,
                [("content-type", "application/json")],
                r#"{"statuscode":"TXN","actcode":"LOGG"#,
            )
                .into_response()
        }
        Fault::Slow(delay) => {
            let resp = next.run(req).await;
            tokio::time::sleep(delay).await;
            resp
        }
        Fault::DropConnection => hang_up().await,
        // Played by the login handler itself: the request is processed as usual.
        Fault::BiometricMismatch => next.run(req).await,
        Fault::DropAfterProcessing => {
            let _processed = next.run(req).await;
            hang_up().await
        }
    }
}

/// All routes with their state: InstantPay's AePS login routes, the face-liveness routes, the
/// fault layer around them all, and an enveloped 404 for anything else.
pub fn router(state: SandboxState) -> Router {
    Router::new()
        .route(PATH_LOGIN_STATUS, post(login_status))
        .route(PATH_LOGIN, post(login))
        .fallback(not_found)
        .with_state(state.clone())
        // Other engineers' routes go here, each checked by `SandboxState::check_auth`.
        .merge(liveness::router(state.liveness().clone()))
        .layer(axum::middleware::from_fn_with_state(state, faults))
}

/// A running sandbox InstantPay. Dropping it stops the server.
pub struct SandboxInstantPay {
    addr: SocketAddr,
    base_url: String,
    state: SandboxState,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SandboxInstantPay {
    /// `http://127.0.0.1:PORT`: put it in `instantpay.base_url`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &SandboxState {
        &self.state
    }

    /// Chargeable login attempts processed so far.
    pub fn charges(&self) -> u64 {
        self.state.charges()
    }

    /// A client config for the demo outlet (the first registered outlet) on this server.
    pub fn client_config(&self) -> ClientConfig {
        match self.state.outlets().first() {
            Some(o) => o.client_config(&self.base_url),
            None => DemoOutlet::demo().client_config(&self.base_url),
        }
    }

    /// Stop accepting, close every connection, and wait for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxInstantPay {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Start on `127.0.0.1:0` (a free port).
pub async fn start(config: SandboxConfig) -> std::io::Result<SandboxInstantPay> {
    let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
    start_on(listener, config).await
}

/// Start on a listener the caller bound (e.g. a fixed port for `rd-agent sandbox`).
// Async though it awaits nothing: it spawns the server task, which needs a running runtime,
// and being async makes callers be on one.
#[allow(clippy::unused_async)]
pub async fn start_on(
    listener: TcpListener,
    config: SandboxConfig,
) -> std::io::Result<SandboxInstantPay> {
    let addr = listener.local_addr()?;
    let state = SandboxState::new(config);
    let app = router(state.clone());
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(serve(listener, app, rx));
    Ok(SandboxInstantPay {
        addr,
        base_url: format!("http://{addr}"),
        state,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// The accept loop. Each connection gets a [`KillSwitch`] so a fault can hang up on it; on
/// shutdown every connection is closed.
async fn serve(listener: TcpListener, app: Router, mut shutdown: oneshot::Receiver<()>) {
    use hyper_util::rt::TokioIo;
    use hyper_util::service::TowerToHyperService;

    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors and the like: wait a little, keep serving.
                        tracing::warn!("sandbox InstantPay: accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let kill = KillSwitch::default();
                let svc = TowerToHyperService::new(app.clone().layer(axum::Extension(kill.clone())));
                conns.spawn(async move {
                    let conn = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc);
                    // Dropping the connection future closes the socket without a reply.
                    tokio::select! {
                        _ = conn => {}
                        _ = kill.0.notified() => {}
                    }
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.abort_all();
    while conns.join_next().await.is_some() {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use instantpay::DEMO_AADHAAR;

    #[test]
    fn demo_outlet_is_consistent() {
        let o = DemoOutlet::demo();
        assert_eq!(o.encryption_key.len(), 32);
        assert_eq!(o.aadhaar.expose_digits(), DEMO_AADHAAR.replace(' ', ""));
        assert!(validate_coordinates(DEMO_LATITUDE, DEMO_LONGITUDE).is_ok());
        assert!(!format!("{o:?}").contains(DEMO_CLIENT_SECRET));
        assert!(!format!("{o:?}").contains(DEMO_ENCRYPTION_KEY));
    }
}
