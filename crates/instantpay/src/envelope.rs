//! The reply envelope every InstantPay API answers with:
//! `{statuscode, actcode, status, data, timestamp, ipay_uuid, orderid, environment}`.
//!
//! Parsed whatever the HTTP status; only `statuscode` is required. Text fields accept a string,
//! a number or null (real replies vary), and anything else is refused as a wrong type.

use serde::{Deserialize, Deserializer, Serialize};

use super::codes::{ActCode, StatusCode};
use super::pool::Pool;

/// Largest reply body read. InstantPay's envelopes are a few hundred bytes; a face-liveness
/// result with images is the largest we expect.
pub(crate) const MAX_BODY: usize = 8 * 1024 * 1024;

/// The parsed envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub statuscode: StatusCode,
    #[serde(default, deserialize_with = "opt_code")]
    pub actcode: Option<ActCode>,
    /// Free text for people; never used for decisions.
    #[serde(default, deserialize_with = "lenient_string")]
    pub status: String,
    /// The API's payload: an object, or null.
    #[serde(default, deserialize_with = "opt_object")]
    pub data: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub timestamp: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub ipay_uuid: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub orderid: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub environment: String,
}

/// The envelope's bookkeeping fields, kept with every result (for the ledger and support).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeMeta {
    /// `YYYY-MM-DD HH:MM:SS`, IST, as the API wrote it.
    pub timestamp: String,
    pub ipay_uuid: String,
    pub orderid: String,
    /// `LIVE` or `SANDBOX`.
    pub environment: String,
    /// What the call cost, when the reply says (`data.pool`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<Pool>,
}

impl EnvelopeMeta {
    /// The IST date of `timestamp` (`YYYY-MM-DD HH:MM:SS`, written in IST).
    pub fn ist_date(&self) -> Option<chrono::NaiveDate> {
        let date = self.timestamp.trim().get(..10)?;
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
    }
}

impl Envelope {
    pub fn meta(&self) -> EnvelopeMeta {
        EnvelopeMeta {
            timestamp: self.timestamp.clone(),
            ipay_uuid: self.ipay_uuid.clone(),
            orderid: self.orderid.clone(),
            environment: self.environment.clone(),
            pool: Pool::of(self.data.as_ref()),
        }
    }
}

/// Why a reply body is not an envelope. Messages never quote the body (it may carry data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("InstantPay's reply was empty.")]
    Empty,
    #[error("InstantPay's reply is larger than {MAX_BODY} bytes: refused.")]
    TooLarge,
    #[error(
        "InstantPay's reply is not a JSON envelope ({0}): the server may be down or not InstantPay."
    )]
    Malformed(String),
}

/// Parse a reply body, with the size cap.
pub fn parse_envelope(body: &[u8]) -> Result<Envelope, EnvelopeError> {
    if body.len() > MAX_BODY {
        return Err(EnvelopeError::TooLarge);
    }
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(EnvelopeError::Empty);
    }
    serde_json::from_slice(body).map_err(|e| {
        // serde_json's message names the problem and position, not the content.
        EnvelopeError::Malformed(format!(
            "{} at line {} column {}",
            kind(&e),
            e.line(),
            e.column()
        ))
    })
}

fn kind(e: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => "read error",
        Category::Syntax => "invalid JSON",
        Category::Data => "missing field or wrong type",
        Category::Eof => "truncated",
    }
}

fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    use serde_json::Value;
    match Value::deserialize(d)? {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(serde::de::Error::custom("expected a string")),
    }
}

fn opt_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ActCode>, D::Error> {
    let s = lenient_string(d)?;
    Ok(if s.is_empty() {
        None
    } else {
        Some(ActCode::parse(&s))
    })
}

fn opt_object<'de, D: Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    use serde_json::Value;
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        // Some APIs answer an empty list or string for "no data".
        Value::Array(a) if a.is_empty() => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        v @ (Value::Object(_) | Value::Array(_)) => Ok(Some(v)),
        _ => Err(serde::de::Error::custom(
            "expected an object or null for data",
        )),
    }
}

/// Read a JSON boolean that may arrive as `true`, `"true"`, `1` or `"1"`; anything else is false.
pub(crate) fn loose_bool(v: Option<&serde_json::Value>) -> bool {
    use serde_json::Value;
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => {
            matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes")
        }
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

/// Read a JSON string that may arrive as a number; empty when absent or of another type.
pub(crate) fn loose_string(v: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    match v {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"{"statuscode":"TXN","actcode":"LOGGEDIN","status":"Outlet logged in",
        "data":{"aadhaarLastFour":"7058"},"timestamp":"2026-11-22 10:00:00",
        "ipay_uuid":"h0069abc","orderid":null,"environment":"SANDBOX"}"#;

    #[test]
    fn parses_a_full_envelope() {
        let e = parse_envelope(FULL.as_bytes()).unwrap();
        assert_eq!(e.statuscode, StatusCode::Txn);
        assert_eq!(e.actcode, Some(ActCode::LoggedIn));
        assert_eq!(e.orderid, "");
        assert_eq!(e.meta().ipay_uuid, "h0069abc");
        assert_eq!(e.data.unwrap()["aadhaarLastFour"], "7058");
    }

    #[test]
    fn minimal_and_lenient_fields() {
        let e = parse_envelope(br#"{"statuscode":"IAC"}"#).unwrap();
        assert_eq!(e.statuscode, StatusCode::Iac);
        assert_eq!(e.actcode, None);
        assert_eq!(e.data, None);
        let e = parse_envelope(br#"{"statuscode":"X9","orderid":12345,"data":[],"extra":{"a":1}}"#)
            .unwrap();
        assert_eq!(e.statuscode, StatusCode::Other("X9".into()));
        assert_eq!(e.orderid, "12345");
        assert_eq!(e.data, None);
    }

    #[test]
    fn garbage_truncation_oversize_and_wrong_types() {
        assert_eq!(parse_envelope(b""), Err(EnvelopeError::Empty));
        assert_eq!(parse_envelope(b"  \n"), Err(EnvelopeError::Empty));
        assert!(matches!(
            parse_envelope(b"<html>502 Bad Gateway</html>"),
            Err(EnvelopeError::Malformed(_))
        ));
        assert!(matches!(
            parse_envelope(&FULL.as_bytes()[..40]),
            Err(EnvelopeError::Malformed(_))
        ));
        assert!(matches!(
            parse_envelope(b"[]"),
            Err(EnvelopeError::Malformed(_))
        ));
        assert!(matches!(
            parse_envelope(b"{}"),
            Err(EnvelopeError::Malformed(_))
        ));
        assert!(matches!(
            parse_envelope(br#"{"statuscode":1}"#),
            Err(EnvelopeError::Malformed(_))
        ));
        assert!(matches!(
            parse_envelope(br#"{"statuscode":null}"#),
            Err(EnvelopeError::Malformed(_))
        ));
        assert!(matches!(
            parse_envelope(br#"{"statuscode":"TXN","data":5}"#),
            Err(EnvelopeError::Malformed(_))
        ));
        assert!(matches!(
            parse_envelope(br#"{"statuscode":"TXN","timestamp":{}}"#),
            Err(EnvelopeError::Malformed(_))
        ));
        let big = vec![b' '; MAX_BODY + 1];
        assert_eq!(parse_envelope(&big), Err(EnvelopeError::TooLarge));
    }

    #[test]
    fn errors_do_not_quote_the_body() {
        let secret_body = br#"{"statuscode":"TXN","data":"SECRETPIDBLOCK"}"#;
        let err = parse_envelope(secret_body).unwrap_err().to_string();
        assert!(!err.contains("SECRETPIDBLOCK"), "{err}");
    }

    #[test]
    fn loose_values() {
        let v = serde_json::json!({"a": true, "b": "true", "c": 1, "d": "no", "e": 7058});
        assert!(loose_bool(v.get("a")) && loose_bool(v.get("b")) && loose_bool(v.get("c")));
        assert!(!loose_bool(v.get("d")) && !loose_bool(v.get("zz")));
        assert_eq!(loose_string(v.get("e")), "7058");
    }
}
