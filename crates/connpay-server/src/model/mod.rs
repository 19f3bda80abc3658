//! Requests and responses of the calls, one module per call, and their validation against the
//! specification's limits (docs/connpay.md). Parsing never echoes input in an error.

mod access_token;
mod callback;
mod check;
mod initiate;
mod json;
mod notification;

pub use access_token::AccessTokenRequest;
pub(crate) use access_token::{AccessTokenResponse, AccessTokenSession};
pub use callback::{CallbackQuery, parse_callback_query};
pub use check::{Check, CheckRequest};
pub(crate) use check::{CheckResponse, CheckSessionOut, TransactionOut};
pub(crate) use initiate::{HeldData, InitiateResponse, InitiateSessionOut};
pub use initiate::{Initiate, InitiateRequest};
pub use json::parse_json;
pub(crate) use notification::NotificationResponse;
pub use notification::{Notification, NotificationRequest};

use serde::Deserialize;

use crate::error::ReplyError;

fn required<'a>(value: &'a Option<String>, name: &'static str) -> Result<&'a str, ReplyError> {
    value.as_deref().ok_or(ReplyError::MissingField(name))
}

fn length(
    value: &str,
    min: usize,
    max: usize,
    name: &'static str,
    rule: &'static str,
) -> Result<(), ReplyError> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(ReplyError::InvalidField(name, rule));
    }
    Ok(())
}

fn optional_length(
    value: &Option<String>,
    min: usize,
    max: usize,
    name: &'static str,
    rule: &'static str,
) -> Result<(), ReplyError> {
    match value {
        Some(v) => length(v, min, max, name, rule),
        None => Ok(()),
    }
}

fn serial_number(value: &Option<String>) -> Result<String, ReplyError> {
    let name = "consumer.device.serialNumber";
    let v = required(value, name)?;
    length(v, 1, 50, name, "1 to 50 characters")?;
    Ok(v.to_owned())
}

fn access_token(value: &Option<String>) -> Result<String, ReplyError> {
    let name = "session.accessToken";
    let v = required(value, name)?;
    length(v, 32, 128, name, "32 to 128 characters")?;
    Ok(v.to_owned())
}

/// An invoice id as it appears in the check URL: ours are `INV` and 32 hex digits, but any
/// short, URL-safe id is looked up (and simply not found).
pub fn validate_invoice_id(value: &str) -> Result<(), ReplyError> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(ReplyError::InvalidField(
            "invoiceId",
            "1 to 64 letters, digits, '-', '_' or '.'",
        ))
    }
}

// Pieces several calls share.

#[derive(Debug, Default, Deserialize)]
pub struct DeviceIn {
    #[serde(rename = "serialNumber")]
    pub serial_number: Option<String>,
    pub imei: Option<String>,
    pub location: Option<Location>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Location {
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DeviceOnly {
    pub device: Option<DeviceIn>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SessionIn {
    #[serde(rename = "accessToken")]
    pub access_token: Option<String>,
    pub nonce: Option<String>,
    pub signature: Option<String>,
    pub token: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_ids() {
        assert!(validate_invoice_id("INV0123456789abcdef").is_ok());
        assert!(validate_invoice_id("").is_err());
        assert!(validate_invoice_id(&"a".repeat(65)).is_err());
        assert!(validate_invoice_id("a b").is_err());
        assert!(validate_invoice_id("a/../b").is_err());
    }
}
