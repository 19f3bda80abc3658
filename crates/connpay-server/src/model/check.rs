//! `POST /verification/{invoiceId}/check`: ConnPay's check of what initiate issued.

use serde::{Deserialize, Serialize};

use super::initiate::{Billing, ConsumerOut};
use super::{DeviceOnly, SessionIn, access_token, length, required, serial_number};
use crate::error::ReplyError;

#[derive(Debug, Deserialize)]
pub struct CheckRequest {
    pub consumer: Option<DeviceOnly>,
    pub session: Option<SessionIn>,
}

/// A validated check request.
#[derive(Debug)]
pub struct Check {
    pub serial_number: String,
    pub access_token: String,
    pub nonce: String,
    pub signature: String,
    pub token: String,
}

impl CheckRequest {
    pub fn validate(&self) -> Result<Check, ReplyError> {
        let device = self.consumer.as_ref().and_then(|c| c.device.as_ref());
        let serial_number = serial_number(&device.and_then(|d| d.serial_number.clone()))?;
        let s = self.session.as_ref();
        let access_token = access_token(&s.and_then(|s| s.access_token.clone()))?;
        let nonce = s.and_then(|s| s.nonce.clone());
        let nonce_v = required(&nonce, "session.nonce")?;
        length(nonce_v, 32, 128, "session.nonce", "32 to 128 characters")?;
        let signature = s.and_then(|s| s.signature.clone());
        let sig_v = required(&signature, "session.signature")?;
        length(sig_v, 32, 128, "session.signature", "32 to 128 characters")?;
        let token = s.and_then(|s| s.token.clone());
        let token_v = required(&token, "session.token")?;
        length(token_v, 16, 36, "session.token", "16 to 36 characters")?;
        Ok(Check {
            serial_number,
            access_token,
            nonce: nonce_v.to_owned(),
            signature: sig_v.to_owned(),
            token: token_v.to_owned(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CheckResponse {
    #[serde(rename = "invoiceId")]
    pub invoice_id: String,
    pub session: CheckSessionOut,
    pub transaction: TransactionOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing: Option<Billing>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer: Option<ConsumerOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CheckSessionOut {
    #[serde(rename = "checkSignature")]
    pub check_signature: String,
    pub nonce: String,
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TransactionOut {
    pub currency: String,
}

#[cfg(test)]
mod tests {
    use super::super::parse_json;
    use super::*;

    const TOKEN: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

    #[test]
    fn check_limits() {
        let good = serde_json::json!({
            "consumer": {"device": {"serialNumber": "SN1"}},
            "session": {"accessToken": TOKEN, "nonce": "n".repeat(32),
                        "signature": "S".repeat(40), "token": "t".repeat(16)}
        });
        let parse = |v: &serde_json::Value| {
            parse_json::<CheckRequest>(v.to_string().as_bytes())?.validate()
        };
        assert!(parse(&good).is_ok());
        for (field, value) in [
            ("nonce", "n".repeat(31)),
            ("nonce", "n".repeat(129)),
            ("signature", "S".repeat(31)),
            ("token", "t".repeat(15)),
            ("token", "t".repeat(37)),
        ] {
            let mut v = good.clone();
            v["session"][field] = value.into();
            assert!(
                matches!(parse(&v), Err(ReplyError::InvalidField(..))),
                "{field}"
            );
        }
        let mut v = good.clone();
        v["session"].as_object_mut().unwrap().remove("token");
        assert_eq!(
            parse(&v).unwrap_err(),
            ReplyError::MissingField("session.token")
        );
    }
}
