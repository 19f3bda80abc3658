//! The HTTP client: headers, deadlines, the envelope, and what a reply means.
//!
//! Plain `http://` is accepted only for a loopback `base_url` (the sandbox, a test server). The
//! HTTP policy and whether a failed exchange could have been charged are crate::transport's.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

use super::codes::{ActCode, StatusCode};
use super::envelope::{
    Envelope, EnvelopeError, EnvelopeMeta, MAX_BODY, loose_bool, loose_string, parse_envelope,
};
use super::request::{OutletLoginRequest, RequestError, validate};
use crate::secret::Secret;
use crate::transport::{Exchange, Transport};

/// The live API. The sandbox and tests set their own `base_url`.
pub const DEFAULT_BASE_URL: &str = "https://api.instantpay.in";
pub const PATH_LOGIN_STATUS: &str = "/fi/aeps/outletLoginStatus";
pub const PATH_LOGIN: &str = "/fi/aeps/outletLogin";

pub const HEADER_AUTH_CODE: &str = "X-Ipay-Auth-Code";
pub const HEADER_CLIENT_ID: &str = "X-Ipay-Client-Id";
pub const HEADER_CLIENT_SECRET: &str = "X-Ipay-Client-Secret";
pub const HEADER_ENDPOINT_IP: &str = "X-Ipay-Endpoint-Ip";
pub const HEADER_OUTLET_ID: &str = "X-Ipay-Outlet-Id";

pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything the client needs. `Debug` is safe: the secret prints redacted.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub outlet_id: String,
    /// The operator's public IP, as whitelisted with InstantPay.
    pub endpoint_ip: String,
    pub connect_timeout: Duration,
    /// How long to wait for the reply once the request is sent.
    pub read_timeout: Duration,
}

impl ClientConfig {
    /// A config with the default deadlines.
    pub fn new(
        base_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: Secret,
        outlet_id: impl Into<String>,
        endpoint_ip: impl Into<String>,
    ) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            client_id: client_id.into(),
            client_secret,
            outlet_id: outlet_id.into(),
            endpoint_ip: endpoint_ip.into(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
        }
    }
}

/// `outletLoginStatus`, decoded. (Deserialize: a login relay passes it on as it is.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginStatus {
    pub logged_in: bool,
    /// `aadhaarLastFour`, when the API gives it.
    pub aadhaar_last_four: Option<String>,
    pub is_face_auth_available: bool,
    pub is_txn_bio_login_required: bool,
    pub meta: EnvelopeMeta,
}

/// Possible biometric declines in a row at which no login is sent without someone's explicit
/// go-ahead: the bank may block an operator at three (NPCI's advisory of November 2023). The
/// agent's ledger and the relay both hold at this count.
pub const DECLINE_LIMIT: u32 = 2;

impl LoginStatus {
    /// The last four digits of the operator InstantPay has on file, when they differ from
    /// `aadhaar`'s. A login with another person's Aadhaar is a charged mismatch, so neither the
    /// agent nor the relay sends one. `None` when they match, or when the reply gave no four
    /// digits to compare (some outlets' replies leave the field out or empty).
    pub fn expected_operator_differs(&self, aadhaar: &crate::aadhaar::Aadhaar) -> Option<String> {
        let given = self.aadhaar_last_four.as_deref()?;
        let digits: Vec<char> = given.chars().filter(char::is_ascii_digit).collect();
        if digits.len() < 4 {
            return None;
        }
        let expected: String = digits[digits.len() - 4..].iter().collect();
        (expected != aadhaar.last_four()).then_some(expected)
    }

    /// "Today" on InstantPay's clock: the IST date of the reply's `timestamp`. `None` when the
    /// reply had no readable timestamp (then the caller uses this PC's clock and says so).
    pub fn ist_today(&self) -> Option<chrono::NaiveDate> {
        self.meta.ist_date()
    }
}

/// The outcome of a sent `outletLogin`: exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum LoginOutcome {
    /// `TXN` / `LOGGEDIN`: logged in until midnight IST. Charged.
    LoggedIn { meta: EnvelopeMeta },
    /// `TXN` / `LOGINREQUIRED`: the finger did not match the outlet's Aadhaar. Charged.
    LoginRequired { message: String, meta: EnvelopeMeta },
    /// Any other answer: the API's code and message.
    Rejected {
        statuscode: StatusCode,
        actcode: Option<ActCode>,
        message: String,
        meta: EnvelopeMeta,
    },
    /// The request may have been received and charged, but no usable answer came back
    /// (timeout, reset, unreadable reply, `TUP`). Never resubmit: ask `outletLoginStatus`.
    Unknown { reason: String },
}

impl LoginOutcome {
    /// Whether the attempt was charged: `None` when it cannot be known.
    pub fn charged(&self) -> Option<bool> {
        match self {
            LoginOutcome::LoggedIn { .. } | LoginOutcome::LoginRequired { .. } => Some(true),
            LoginOutcome::Rejected { statuscode, .. } if statuscode.refused_before_processing() => {
                Some(false)
            }
            LoginOutcome::Rejected { .. } | LoginOutcome::Unknown { .. } => None,
        }
    }

    /// A charged biometric decline: `TXN`/`LOGINREQUIRED`, or a refusal whose reply carries
    /// UIDAI's 300 (biometric mismatch). NPCI's advisory of November 2023 has the bank block an
    /// operator after three in a row; the agent's ledger and the relay both count them with
    /// this one rule (docs/ledger.md, "The decline guard").
    pub fn is_biometric_decline(&self) -> bool {
        match self {
            LoginOutcome::LoginRequired { .. } => true,
            LoginOutcome::Rejected {
                actcode, message, ..
            } => {
                crate::uidai::UidaiCode::find(actcode.as_ref().map(|a| a.as_str()), message)
                    == Some(crate::uidai::UidaiCode::BiometricMismatch)
            }
            LoginOutcome::LoggedIn { .. } | LoginOutcome::Unknown { .. } => false,
        }
    }

    pub fn meta(&self) -> Option<&EnvelopeMeta> {
        match self {
            LoginOutcome::LoggedIn { meta }
            | LoginOutcome::LoginRequired { meta, .. }
            | LoginOutcome::Rejected { meta, .. } => Some(meta),
            LoginOutcome::Unknown { .. } => None,
        }
    }
}

/// A call that did not give a usable answer. Messages never carry the secret, the key, the
/// Aadhaar or biometric fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("InstantPay client settings: {0}")]
    Config(String),
    #[error("The login was not sent (nothing charged): {0}")]
    Request(#[from] RequestError),
    #[error(
        "Could not connect to InstantPay at {base_url} ({reason}): check the network and \
         instantpay.base_url. Nothing was sent."
    )]
    Connect { base_url: String, reason: String },
    #[error(
        "InstantPay at {base_url} gave no answer ({reason}): the request may have been received; \
         try again later."
    )]
    NoAnswer { base_url: String, reason: String },
    #[error("{error} (HTTP {http_status})")]
    Reply {
        http_status: u16,
        error: EnvelopeError,
    },
    #[error("InstantPay refused the request: {statuscode} ({meaning}): {message}", meaning = statuscode.meaning())]
    Rejected {
        statuscode: StatusCode,
        actcode: Option<ActCode>,
        message: String,
    },
    /// A login relay (docs/relay.md) between this machine and InstantPay refused the call
    /// before forwarding it: `code` is the relay's (`DEVICE_REVOKED`, `RATE_LIMITED`, ...).
    #[error("The login relay refused the call ({code}): {message} Nothing was sent.")]
    Relay { code: String, message: String },
    #[error(
        "InstantPay answered {statuscode}/{actcode} to {call}, which rd-agent does not \
         understand: quote these codes to InstantPay support."
    )]
    Unexpected {
        call: &'static str,
        statuscode: StatusCode,
        actcode: String,
    },
}

impl ApiError {
    /// True when the request certainly did not leave this machine.
    pub fn nothing_sent(&self) -> bool {
        matches!(
            self,
            ApiError::Config(_)
                | ApiError::Request(_)
                | ApiError::Connect { .. }
                | ApiError::Relay { .. }
        )
    }
}

/// The InstantPay client. Cheap to clone (the connection pool is shared).
#[derive(Clone)]
pub struct Client {
    transport: Transport,
    base_url: String,
    headers: HeaderMap,
    secret: Secret,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// `instantpay.base_url` as the client uses it (no trailing `/`): a URL, https, or plain http
/// to a loopback test server only. The config checks its value with this too.
pub fn check_base_url(raw: &str) -> Result<String, ApiError> {
    check_url(raw, "instantpay.base_url")
}

/// A server URL as a client of ours uses it (no trailing `/`): https, or plain http to a
/// loopback test server only. `key` names the setting in the error.
pub fn check_url(raw: &str, key: &str) -> Result<String, ApiError> {
    let base_url = raw.trim_end_matches('/').to_string();
    let url = reqwest::Url::parse(&base_url).map_err(|_| {
        ApiError::Config(format!(
            "{key} \"{base_url}\" is not a URL (e.g. {DEFAULT_BASE_URL})."
        ))
    })?;
    match url.scheme() {
        "https" => Ok(base_url),
        "http" if is_loopback_host(&url) => Ok(base_url),
        _ => Err(ApiError::Config(format!(
            "{key} \"{base_url}\" must use https (plain http only to a loopback test server)."
        ))),
    }
}

/// Plain HTTP is allowed to loopback only (the sandbox); the one loopback test is the RD crate's.
fn is_loopback_host(url: &reqwest::Url) -> bool {
    rd::is_loopback(url.host_str().unwrap_or(""))
}

fn header(
    name: &'static str,
    value: &str,
    what: &str,
) -> Result<(HeaderName, HeaderValue), ApiError> {
    if value.is_empty() {
        return Err(ApiError::Config(format!(
            "{what} is empty: set it in the config."
        )));
    }
    let v = HeaderValue::from_str(value).map_err(|_| {
        // The value itself is not quoted: it may be the secret.
        ApiError::Config(format!(
            "{what} contains characters that cannot go in an HTTP header (a newline or non-ASCII?): re-enter it."
        ))
    })?;
    let n = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| ApiError::Config(format!("bad header name {name}")))?;
    Ok((n, v))
}

impl Client {
    /// Build a client; checks the settings, sends nothing.
    pub fn new(cfg: ClientConfig) -> Result<Client, ApiError> {
        let base_url = check_base_url(&cfg.base_url)?;
        if cfg.endpoint_ip.parse::<IpAddr>().is_err() {
            return Err(ApiError::Config(format!(
                "instantpay.endpoint_ip \"{}\" is not an IP address: set this machine's public IP as whitelisted with InstantPay.",
                cfg.endpoint_ip
            )));
        }
        let mut headers = HeaderMap::new();
        for (name, value, what) in [
            (HEADER_AUTH_CODE, "1", "the auth code"),
            (
                HEADER_CLIENT_ID,
                cfg.client_id.as_str(),
                "instantpay.client_id",
            ),
            (
                HEADER_CLIENT_SECRET,
                cfg.client_secret.expose(),
                "the client secret (rd-agent config set-secret instantpay.client_secret)",
            ),
            (
                HEADER_ENDPOINT_IP,
                cfg.endpoint_ip.as_str(),
                "instantpay.endpoint_ip",
            ),
            (
                HEADER_OUTLET_ID,
                cfg.outlet_id.as_str(),
                "instantpay.outlet_id",
            ),
        ] {
            let (n, mut v) = header(name, value, what)?;
            if name == HEADER_CLIENT_SECRET {
                v.set_sensitive(true);
            }
            headers.insert(n, v);
        }
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));

        let transport = Transport::new(&base_url, cfg.connect_timeout, cfg.read_timeout, MAX_BODY)?;
        Ok(Client {
            transport,
            base_url,
            headers,
            secret: cfg.client_secret,
        })
    }

    /// The same client (credentials, connection pool) acting for another outlet: a relay
    /// holds one platform client and sends each outlet's calls under its own id.
    pub fn for_outlet(&self, outlet_id: &str) -> Result<Client, ApiError> {
        let (name, value) = header(HEADER_OUTLET_ID, outlet_id, "the outlet id")?;
        let mut headers = self.headers.clone();
        headers.insert(name, value);
        Ok(Client {
            headers,
            ..self.clone()
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Send one POST and read the reply (crate::transport classifies how it ended).
    async fn exchange(&self, path: &str, body: Vec<u8>) -> Exchange {
        let req = self
            .transport
            .http()
            .post(format!("{}{}", self.base_url, path))
            .headers(self.headers.clone())
            .body(body);
        self.transport.exchange(req).await
    }

    /// POST `body` to `path` and parse the envelope, whatever the HTTP status. For the calls
    /// that are free (status checks, liveness results); `outletLogin` uses [`Client::outlet_login`].
    pub async fn post<B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<Envelope, ApiError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|_| ApiError::Config("the request body could not be encoded.".into()))?;
        match self.exchange(path, bytes).await {
            Exchange::Reply(http_status, body) => {
                let mut env = parse_envelope(&body)
                    .map_err(|error| ApiError::Reply { http_status, error })?;
                env.status = self.scrub(&env.status);
                Ok(env)
            }
            Exchange::NotSent(reason) => Err(ApiError::Connect {
                base_url: self.base_url.clone(),
                reason,
            }),
            Exchange::MaybeSent(reason) => Err(ApiError::NoAnswer {
                base_url: self.base_url.clone(),
                reason,
            }),
            Exchange::Oversize(http_status) => Err(ApiError::Reply {
                http_status,
                error: EnvelopeError::TooLarge,
            }),
        }
    }

    /// `outletLoginStatus`: free; ask it before any chargeable login.
    pub async fn outlet_login_status(&self) -> Result<LoginStatus, ApiError> {
        let env = self
            .post(
                PATH_LOGIN_STATUS,
                &serde_json::json!({"type": super::request::DAILY_LOGIN}),
            )
            .await?;
        interpret_status(&env)
    }

    /// `outletLogin`: chargeable. `Err` means the request was not sent (invalid request, no
    /// connection): nothing charged. Every sent request ends in a [`LoginOutcome`].
    pub async fn outlet_login(&self, req: &OutletLoginRequest) -> Result<LoginOutcome, ApiError> {
        validate(req)?;
        let bytes = serde_json::to_vec(&req.body())
            .map_err(|_| ApiError::Config("the login body could not be encoded.".into()))?;
        match self.exchange(PATH_LOGIN, bytes).await {
            Exchange::Reply(http_status, body) => Ok(match parse_envelope(&body) {
                Ok(env) => {
                    let mut outcome = interpret_login(&env);
                    self.scrub_outcome(&mut outcome);
                    outcome
                }
                Err(e) => LoginOutcome::Unknown {
                    reason: format!("the reply could not be read: {e} (HTTP {http_status})"),
                },
            }),
            Exchange::NotSent(reason) => Err(ApiError::Connect {
                base_url: self.base_url.clone(),
                reason,
            }),
            Exchange::MaybeSent(reason) => Ok(LoginOutcome::Unknown {
                reason: format!("the request was sent but {reason}"),
            }),
            Exchange::Oversize(http_status) => Ok(LoginOutcome::Unknown {
                reason: format!("the reply was larger than {MAX_BODY} bytes (HTTP {http_status})"),
            }),
        }
    }

    /// The API's free text is shown to people: make sure it cannot echo our secret or an
    /// Aadhaar-like number back into logs.
    fn scrub(&self, text: &str) -> String {
        scrub_text(text, self.secret.expose())
    }

    fn scrub_outcome(&self, outcome: &mut LoginOutcome) {
        match outcome {
            LoginOutcome::LoginRequired { message, .. }
            | LoginOutcome::Rejected { message, .. } => {
                *message = self.scrub(message);
            }
            LoginOutcome::LoggedIn { .. } | LoginOutcome::Unknown { .. } => {}
        }
    }
}

/// Remove `secret` and any run of 12 or more digits from text received from the server, and cap
/// its length.
pub fn scrub_text(text: &str, secret: &str) -> String {
    let mut s: String = text.chars().take(500).collect();
    if secret.len() >= 4 {
        s = s.replace(secret, "<redacted>");
    }
    let mut out = String::with_capacity(s.len());
    let mut digits = String::new();
    for ch in s.chars().chain(std::iter::once('\u{0}')) {
        if ch.is_ascii_digit() || (ch == ' ' && !digits.is_empty()) {
            digits.push(ch);
            continue;
        }
        let count = digits.bytes().filter(u8::is_ascii_digit).count();
        if count >= 12 {
            out.push_str("<number removed>");
            if digits.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push_str(&digits);
        }
        digits.clear();
        if ch != '\u{0}' {
            out.push(ch);
        }
    }
    out
}

/// What an `outletLogin` reply means, from `statuscode` and `actcode` only.
pub fn interpret_login(env: &Envelope) -> LoginOutcome {
    let meta = env.meta();
    match (&env.statuscode, &env.actcode) {
        (StatusCode::Txn, Some(ActCode::LoggedIn)) => LoginOutcome::LoggedIn { meta },
        (StatusCode::Txn, Some(ActCode::LoginRequired)) => LoginOutcome::LoginRequired {
            message: env.status.clone(),
            meta,
        },
        (StatusCode::Txn, other) => LoginOutcome::Unknown {
            reason: format!(
                "InstantPay answered TXN with actcode {:?}, which is neither LOGGEDIN nor LOGINREQUIRED",
                other.as_ref().map(|a| a.as_str()).unwrap_or("")
            ),
        },
        (StatusCode::Tup, _) => LoginOutcome::Unknown {
            reason: "InstantPay says the login is under process (TUP)".to_string(),
        },
        (code, act) => LoginOutcome::Rejected {
            statuscode: code.clone(),
            actcode: act.clone(),
            message: env.status.clone(),
            meta,
        },
    }
}

/// What an `outletLoginStatus` reply means.
pub fn interpret_status(env: &Envelope) -> Result<LoginStatus, ApiError> {
    let logged_in = match (&env.statuscode, &env.actcode) {
        (StatusCode::Txn, Some(ActCode::LoggedIn)) => true,
        (StatusCode::Txn, Some(ActCode::LoginRequired)) => false,
        (StatusCode::Txn, act) => {
            return Err(ApiError::Unexpected {
                call: "outletLoginStatus",
                statuscode: StatusCode::Txn,
                actcode: act
                    .as_ref()
                    .map(|a| a.as_str().to_string())
                    .unwrap_or_default(),
            });
        }
        (code, act) => {
            return Err(ApiError::Rejected {
                statuscode: code.clone(),
                actcode: act.clone(),
                message: env.status.clone(),
            });
        }
    };
    let data = env.data.as_ref();
    let field = |k: &str| data.and_then(|d| d.get(k));
    let last_four = loose_string(field("aadhaarLastFour"));
    Ok(LoginStatus {
        logged_in,
        aadhaar_last_four: (!last_four.is_empty()).then_some(last_four),
        is_face_auth_available: loose_bool(field("isFaceAuthAvailable")),
        is_txn_bio_login_required: loose_bool(field("isTxnBioLoginRequired")),
        meta: env.meta(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(json: &str) -> Envelope {
        parse_envelope(json.as_bytes()).unwrap()
    }

    #[test]
    fn biometric_declines_are_told_by_codes() {
        let decline = |json: &str| interpret_login(&env(json)).is_biometric_decline();
        assert!(decline(
            r#"{"statuscode":"TXN","actcode":"LOGINREQUIRED","status":"x"}"#
        ));
        assert!(decline(
            r#"{"statuscode":"ERR","status":"UIDAI Error 300: Biometric data did not match"}"#
        ));
        assert!(decline(
            r#"{"statuscode":"ERR","actcode":"300","status":"Failed"}"#
        ));
        assert!(!decline(r#"{"statuscode":"TXN","actcode":"LOGGEDIN"}"#));
        assert!(!decline(
            r#"{"statuscode":"ERR","status":"UIDAI Error 330: biometrics locked"}"#
        ));
        assert!(!decline(
            r#"{"statuscode":"OUI","status":"Outlet inactive"}"#
        ));
        assert!(!decline(r#"{"statuscode":"TUP","status":"Under process"}"#));
        assert!(!decline(
            r#"{"statuscode":"ERR","status":"Ref 13000 failed"}"#
        ));
    }

    #[test]
    fn the_expected_operator_is_compared_by_its_last_four_digits() {
        let demo = crate::aadhaar::Aadhaar::demo(); // ...7058
        let status = |four: &str| {
            interpret_status(&env(&format!(
                r#"{{"statuscode":"TXN","actcode":"LOGINREQUIRED","timestamp":"2026-12-07 23:59:59","data":{{"aadhaarLastFour":"{four}"}}}}"#
            )))
            .unwrap()
        };
        assert_eq!(status("7058").expected_operator_differs(&demo), None);
        assert_eq!(
            status("XXXXXXXX7058").expected_operator_differs(&demo),
            None
        );
        assert_eq!(
            status("2651").expected_operator_differs(&demo),
            Some("2651".into())
        );
        // Nothing to compare: not refused on a guess.
        assert_eq!(status("").expected_operator_differs(&demo), None);
        assert_eq!(status("XX5").expected_operator_differs(&demo), None);
        assert_eq!(
            status("7058").ist_today(),
            chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
        );
        let no_time =
            interpret_status(&env(r#"{"statuscode":"TXN","actcode":"LOGGEDIN"}"#)).unwrap();
        assert_eq!(no_time.ist_today(), None);
    }

    #[test]
    fn login_decided_on_codes_not_text() {
        let e = env(r#"{"statuscode":"TXN","actcode":"LOGGEDIN","status":"Failed"}"#);
        assert!(matches!(interpret_login(&e), LoginOutcome::LoggedIn { .. }));
        let e = env(r#"{"statuscode":"TXN","actcode":"LOGINREQUIRED","status":"Success"}"#);
        let o = interpret_login(&e);
        assert!(matches!(o, LoginOutcome::LoginRequired { .. }));
        assert_eq!(o.charged(), Some(true));
        let e = env(r#"{"statuscode":"ERR","actcode":"LOGGEDIN","status":"Success"}"#);
        assert!(matches!(interpret_login(&e), LoginOutcome::Rejected { .. }));
        let e = env(r#"{"statuscode":"TUP","status":"Success"}"#);
        assert!(matches!(interpret_login(&e), LoginOutcome::Unknown { .. }));
        let e = env(r#"{"statuscode":"TXN","actcode":"NEWCODE"}"#);
        assert!(matches!(interpret_login(&e), LoginOutcome::Unknown { .. }));
        let e = env(r#"{"statuscode":"RPI","status":"Invalid latitude"}"#);
        let o = interpret_login(&e);
        assert_eq!(o.charged(), Some(false));
        assert!(
            matches!(o, LoginOutcome::Rejected { statuscode: StatusCode::Rpi, ref message, .. } if message == "Invalid latitude")
        );
    }

    #[test]
    fn status_decoded() {
        let e = env(
            r#"{"statuscode":"TXN","actcode":"LOGGEDIN","data":{"aadhaarLastFour":"7058",
            "isFaceAuthAvailable":true,"isTxnBioLoginRequired":"false"},"ipay_uuid":"u1"}"#,
        );
        let s = interpret_status(&e).unwrap();
        assert!(s.logged_in && s.is_face_auth_available && !s.is_txn_bio_login_required);
        assert_eq!(s.aadhaar_last_four.as_deref(), Some("7058"));
        assert_eq!(s.meta.ipay_uuid, "u1");
        let e = env(r#"{"statuscode":"TXN","actcode":"LOGINREQUIRED","data":null}"#);
        assert!(!interpret_status(&e).unwrap().logged_in);
        let e = env(r#"{"statuscode":"OUI","status":"Outlet inactive"}"#);
        let err = interpret_status(&e).unwrap_err().to_string();
        assert!(err.contains("OUI") && err.contains("re-onboard"), "{err}");
        let e = env(r#"{"statuscode":"TXN"}"#);
        assert!(matches!(
            interpret_status(&e),
            Err(ApiError::Unexpected { .. })
        ));
    }

    #[test]
    fn scrub_removes_secret_and_long_numbers() {
        let s = scrub_text(
            "bad secret s3cr3t-value for 9999 4105 7058 at 2026-11-22",
            "s3cr3t-value",
        );
        assert!(!s.contains("s3cr3t"), "{s}");
        assert!(!s.contains("7058"), "{s}");
        assert!(s.contains("2026-11-22"), "{s}");
        assert_eq!(scrub_text("order 12345", "xx"), "order 12345");
    }

    #[test]
    fn config_refuses_plain_http_off_loopback_and_bad_values() {
        let cfg = |url: &str| ClientConfig::new(url, "id", Secret::new("sec"), "1", "203.0.113.5");
        assert!(Client::new(cfg("https://api.instantpay.in")).is_ok());
        assert!(Client::new(cfg("http://127.0.0.1:9")).is_ok());
        assert!(Client::new(cfg("http://localhost:9")).is_ok());
        assert!(matches!(
            Client::new(cfg("http://api.instantpay.in")),
            Err(ApiError::Config(_))
        ));
        assert!(matches!(
            Client::new(cfg("ftp://127.0.0.1")),
            Err(ApiError::Config(_))
        ));
        assert!(matches!(
            Client::new(cfg("not a url")),
            Err(ApiError::Config(_))
        ));
        let mut c = cfg("https://x.example");
        c.endpoint_ip = "my-pc".into();
        assert!(matches!(Client::new(c), Err(ApiError::Config(_))));
        let mut c = cfg("https://x.example");
        c.client_secret = Secret::new("line1\nSECRETLINE2");
        let err = Client::new(c).unwrap_err().to_string();
        assert!(
            !err.contains("SECRETLINE2") && err.contains("client secret"),
            "{err}"
        );
    }
}
