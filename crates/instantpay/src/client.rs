//! The HTTP client: headers, deadlines, the envelope; what a reply means is crate::reply.
//!
//! Plain `http://` is accepted only for a loopback `base_url` (the sandbox, a test server). The
//! HTTP policy and whether a failed exchange could have been charged are crate::transport's.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use super::envelope::{Envelope, EnvelopeError, MAX_BODY, parse_envelope};
use super::request::{OutletLoginRequest, validate};
use crate::error::ApiError;
use crate::reply::{LoginOutcome, LoginStatus, interpret_login, interpret_status};
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

#[cfg(test)]
mod tests {
    use super::*;

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
