//! The agent's side of the relay: [`RelayClient`] for the daily calls, [`enroll`] once.
//!
//! Errors are [`ApiError`]s, as from InstantPay itself, so the login use case treats both
//! alike. A call is "not sent" only when the connection never opened or the relay itself
//! refused it with a [`Refusal`]: any other failure of a login (a proxy's 504, a cut reply)
//! may have been forwarded, and ends as [`LoginOutcome::Unknown`], never resent.

use std::time::Duration;

use instantpay::{ApiError, Exchange, LoginOutcome, LoginStatus, Secret, Transport};
use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use crate::wire::{
    AttemptReply, EnrollReply, EnrollRequest, LoginReply, LoginRequest, MAX_REPLY_BYTES,
    PATH_ATTEMPTS, PATH_ENROLL, PATH_LOGIN, PATH_STATUS, Refusal,
};

/// The config key the URL comes from, named in errors.
pub(crate) const URL_KEY: &str = "relay.url";

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A client of one relay, with this PC's device token. `Debug` shows the URL only.
#[derive(Clone)]
pub struct RelayClient {
    transport: Transport,
    base_url: String,
    token: Secret,
}

impl std::fmt::Debug for RelayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayClient")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// The relay's transport: InstantPay's policy and classification (crate `instantpay`,
/// src/transport.rs), with the relay's reply cap.
fn transport(base_url: &str, read_timeout: Duration) -> Result<Transport, ApiError> {
    Transport::new(base_url, CONNECT_TIMEOUT, read_timeout, MAX_REPLY_BYTES)
}

/// A login whose reply did not come back whole: it may have been forwarded, never resend it.
fn unknown_login(reason: String) -> LoginReply {
    LoginReply {
        outcome: LoginOutcome::Unknown { reason },
        shared_from: None,
    }
}

/// A non-2xx reply: the relay's refusal, or something in between that is not the relay.
fn refusal(status: u16, body: &[u8]) -> Result<Refusal, String> {
    match serde_json::from_slice::<Refusal>(body) {
        Ok(r) if !r.code.is_empty() => Ok(Refusal {
            code: r.code.chars().take(40).collect(),
            message: r.message.chars().take(400).collect(),
        }),
        _ => Err(format!("HTTP {status} without a relay refusal")),
    }
}

/// A free call's reply (status, attempt, enrolment): anything but a 200 with the expected
/// JSON is an error, and nothing is charged either way.
pub fn interpret_reply<T: DeserializeOwned>(
    base_url: &str,
    status: u16,
    body: &[u8],
) -> Result<T, ApiError> {
    if status == 200 {
        return serde_json::from_slice(body).map_err(|e| ApiError::NoAnswer {
            base_url: base_url.to_string(),
            reason: format!(
                "the relay's reply could not be read ({})",
                e.classify_text()
            ),
        });
    }
    match refusal(status, body) {
        Ok(r) => Err(ApiError::Relay {
            code: r.code,
            message: r.message,
        }),
        Err(reason) => Err(ApiError::NoAnswer {
            base_url: base_url.to_string(),
            reason,
        }),
    }
}

/// A login's reply. `Err` only for the relay's own refusal (nothing was sent); any other
/// answer that is not a readable outcome may follow a forwarded login, so it is unknown.
pub fn interpret_login_reply(status: u16, body: &[u8]) -> Result<LoginReply, ApiError> {
    let unknown = |reason: String| unknown_login(format!("the relay {reason}"));
    if status == 200 {
        return Ok(serde_json::from_slice(body).unwrap_or_else(|e| {
            unknown(format!(
                "answered something unreadable ({})",
                e.classify_text()
            ))
        }));
    }
    match refusal(status, body) {
        Ok(r) => Err(ApiError::Relay {
            code: r.code,
            message: r.message,
        }),
        Err(reason) => Ok(unknown(format!("gave no answer: {reason}"))),
    }
}

trait Classify {
    fn classify_text(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    /// What kind of error, without serde's text (which may quote the body).
    fn classify_text(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "cut off",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "a field missing or of the wrong type",
            serde_json::error::Category::Eof => "cut off",
        }
    }
}

fn decode<T: DeserializeOwned>(base_url: &str, ex: Exchange) -> Result<T, ApiError> {
    match ex {
        Exchange::Reply(status, body) => interpret_reply(base_url, status, &body),
        Exchange::NotSent(reason) => Err(ApiError::Connect {
            base_url: base_url.to_string(),
            reason,
        }),
        Exchange::MaybeSent(reason) => Err(ApiError::NoAnswer {
            base_url: base_url.to_string(),
            reason,
        }),
        Exchange::Oversize(status) => Err(ApiError::NoAnswer {
            base_url: base_url.to_string(),
            reason: oversize(status),
        }),
    }
}

fn oversize(status: u16) -> String {
    format!("the reply was larger than {MAX_REPLY_BYTES} bytes (HTTP {status})")
}

fn json_body<B: Serialize>(body: &B) -> Result<Zeroizing<Vec<u8>>, ApiError> {
    serde_json::to_vec(body)
        .map(Zeroizing::new)
        .map_err(|_| ApiError::Config("the request body could not be encoded.".into()))
}

/// Exchange a one-time enrolment code for this PC's credential.
pub async fn enroll(url: &str, code: &str, label: &str) -> Result<EnrollReply, ApiError> {
    let base_url = instantpay::check_url(url, URL_KEY)?;
    let transport = transport(&base_url, Duration::from_secs(30))?;
    let body = json_body(&EnrollRequest {
        code: code.trim().to_string(),
        label: label.chars().take(64).collect(),
    })?;
    let ex = transport
        .exchange(
            transport
                .http()
                .post(format!("{base_url}{PATH_ENROLL}"))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_vec()),
        )
        .await;
    decode(&base_url, ex)
}

impl RelayClient {
    /// A client of the relay at `url` (https, or http to loopback) with `token`. Sends nothing.
    pub fn new(url: &str, token: Secret, read_timeout: Duration) -> Result<RelayClient, ApiError> {
        let base_url = instantpay::check_url(url, URL_KEY)?;
        if token.is_empty() {
            return Err(ApiError::Config(
                "the relay device token is empty: run `rd-agent enroll` again.".into(),
            ));
        }
        Ok(RelayClient {
            transport: transport(&base_url, read_timeout)?,
            base_url,
            token,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.transport
            .http()
            .post(format!("{}{path}", self.base_url))
            .bearer_auth(self.token.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
    }

    /// outletLoginStatus, through the relay: free.
    pub async fn status(&self) -> Result<LoginStatus, ApiError> {
        let ex = self
            .transport
            .exchange(self.post(PATH_STATUS).body("{}"))
            .await;
        decode(&self.base_url, ex)
    }

    /// outletLogin, through the relay: chargeable. `Err` only when nothing was sent.
    pub async fn login(&self, req: &LoginRequest) -> Result<LoginReply, ApiError> {
        let body = json_body(req)?;
        let ex = self
            .transport
            .exchange(self.post(PATH_LOGIN).body(body.to_vec()))
            .await;
        match ex {
            Exchange::Reply(status, body) => interpret_login_reply(status, &body),
            Exchange::NotSent(reason) => Err(ApiError::Connect {
                base_url: self.base_url.clone(),
                reason,
            }),
            Exchange::MaybeSent(reason) => Ok(unknown_login(format!(
                "the relay gave no answer ({reason})"
            ))),
            Exchange::Oversize(status) => Ok(unknown_login(format!(
                "the relay gave no answer ({})",
                oversize(status)
            ))),
        }
    }

    /// What became of an attempt (to settle one whose reply never came): free.
    pub async fn attempt(&self, external_ref: &str) -> Result<AttemptReply, ApiError> {
        if !instantpay::valid_external_ref(external_ref) {
            return Err(ApiError::Config("not an attempt id".into()));
        }
        let ex = self
            .transport
            .exchange(
                self.transport
                    .http()
                    .get(format!("{}{PATH_ATTEMPTS}/{external_ref}", self.base_url))
                    .bearer_auth(self.token.expose()),
            )
            .await;
        decode(&self.base_url, ex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(r: Result<LoginReply, ApiError>) -> bool {
        matches!(
            r,
            Ok(LoginReply {
                outcome: LoginOutcome::Unknown { .. },
                ..
            })
        )
    }

    #[test]
    fn only_the_relays_own_refusal_says_a_login_was_not_sent() {
        let refused = interpret_login_reply(401, br#"{"code":"DEVICE_REVOKED","message":"no"}"#);
        assert!(
            matches!(&refused, Err(e) if e.nothing_sent()),
            "{refused:?}"
        );
        // A proxy's page, an empty 502, a cut or mistyped refusal: maybe forwarded.
        for (status, body) in [
            (504, &b"<html>Gateway Timeout</html>"[..]),
            (502, b""),
            (409, br#"{"code":"OUTLET_BU"#),
            (409, br#"{"code":7,"message":[]}"#),
            (409, br#"{"code":"","message":"x"}"#),
        ] {
            assert!(
                unknown(interpret_login_reply(status, body)),
                "{status} {body:?}"
            );
        }
    }

    #[test]
    fn a_200_that_is_not_an_outcome_is_unknown_never_an_error() {
        let big = vec![b'x'; MAX_REPLY_BYTES + 1];
        for body in [
            &b"garbage"[..],
            br#"{"outcome":{"outcome":"logged_in""#,
            br#"{"outcome":{"outcome":"paid_twice"}}"#,
            br#"{"outcome":42}"#,
            &big,
        ] {
            assert!(unknown(interpret_login_reply(200, body)));
        }
        let ok = interpret_login_reply(
            200,
            br#"{"outcome":{"outcome":"logged_in","meta":{"timestamp":"","ipay_uuid":"U1","orderid":"","environment":"SANDBOX"}},"shared_from":"RDA1"}"#,
        )
        .unwrap();
        assert!(matches!(ok.outcome, LoginOutcome::LoggedIn { .. }));
        assert_eq!(ok.shared_from.as_deref(), Some("RDA1"));
    }

    #[test]
    fn a_free_calls_unreadable_reply_is_an_error_that_quotes_nothing() {
        let e = interpret_reply::<EnrollReply>(
            "http://127.0.0.1:1",
            200,
            br#"{"device_id":"d","token":999941057058}"#,
        )
        .unwrap_err();
        assert!(!e.to_string().contains("999941057058"), "{e}");
        let e = interpret_reply::<AttemptReply>(
            "http://127.0.0.1:1",
            403,
            br#"{"code":"CODE_INVALID","message":"used"}"#,
        )
        .unwrap_err();
        assert!(matches!(e, ApiError::Relay { ref code, .. } if code == "CODE_INVALID"));
    }

    #[test]
    fn a_relay_url_must_be_https_or_loopback() {
        let t = Secret::new("rdr_x");
        assert!(RelayClient::new("http://relay.example.com", t.clone(), CONNECT_TIMEOUT).is_err());
        assert!(RelayClient::new("https://relay.example.com", t.clone(), CONNECT_TIMEOUT).is_ok());
        assert!(RelayClient::new("http://127.0.0.1:8700", t, CONNECT_TIMEOUT).is_ok());
        assert!(
            RelayClient::new(
                "https://relay.example.com",
                Secret::new(""),
                CONNECT_TIMEOUT
            )
            .is_err()
        );
    }
}
