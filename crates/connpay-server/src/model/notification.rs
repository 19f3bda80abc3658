//! `POST /verification/notification` (and `/verification/{invoiceId}/notification`): ConnPay
//! tells us the card a checked verification ended with. Limits from the vendor's
//! api_verification_card_mapping_notification page (docs/connpay.md).

use serde::{Deserialize, Serialize};

use super::{
    CheckSessionOut, DeviceOnly, SessionIn, access_token, length, required, serial_number,
};
use crate::error::ReplyError;

#[derive(Debug, Deserialize)]
pub struct NotificationRequest {
    pub consumer: Option<DeviceOnly>,
    pub reference: Option<ReferenceIn>,
    pub session: Option<SessionIn>,
    #[serde(rename = "sourceCard")]
    pub source_card: Option<SourceCardIn>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReferenceIn {
    #[serde(rename = "serverCardId")]
    pub server_card_id: Option<String>,
    #[serde(rename = "uniqueReferenceCardId")]
    pub unique_reference_card_id: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SourceCardIn {
    pub bin: Option<i64>,
}

/// A validated notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub serial_number: String,
    pub access_token: String,
    pub token: String,
    pub server_card_id: String,
    pub unique_reference_card_id: i64,
    /// As ConnPay gives it; no other card data exists here.
    pub bin: i64,
}

impl NotificationRequest {
    pub fn validate(&self) -> Result<Notification, ReplyError> {
        let device = self.consumer.as_ref().and_then(|c| c.device.as_ref());
        let serial_number = serial_number(&device.and_then(|d| d.serial_number.clone()))?;
        let reference = self.reference.as_ref();
        let card_id = reference.and_then(|r| r.server_card_id.clone());
        let card_id = required(&card_id, "reference.serverCardId")?;
        length(
            card_id,
            1,
            64,
            "reference.serverCardId",
            "1 to 64 characters",
        )?;
        let unique = reference
            .and_then(|r| r.unique_reference_card_id)
            .ok_or(ReplyError::MissingField("reference.uniqueReferenceCardId"))?;
        let s = self.session.as_ref();
        let access_token = access_token(&s.and_then(|s| s.access_token.clone()))?;
        let token = s.and_then(|s| s.token.clone());
        let token = required(&token, "session.token")?;
        length(token, 16, 36, "session.token", "16 to 36 characters")?;
        let bin = self
            .source_card
            .as_ref()
            .and_then(|c| c.bin)
            .ok_or(ReplyError::MissingField("sourceCard.bin"))?;
        if bin < 0 {
            return Err(ReplyError::InvalidField(
                "sourceCard.bin",
                "a non-negative integer",
            ));
        }
        Ok(Notification {
            serial_number,
            access_token,
            token: token.to_owned(),
            server_card_id: card_id.to_owned(),
            unique_reference_card_id: unique,
            bin,
        })
    }
}

/// The reply: `checkSignature` is over `nonce + endpointId + invoiceId`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct NotificationResponse {
    #[serde(rename = "invoiceId")]
    pub invoice_id: String,
    pub session: CheckSessionOut,
}

#[cfg(test)]
mod tests {
    use super::super::parse_json;
    use super::*;
    use serde_json::{Value, json};

    fn good() -> Value {
        json!({
            "consumer": {"device": {"serialNumber": "SN1"}},
            "reference": {"serverCardId": "card-1", "uniqueReferenceCardId": 42},
            "session": {"accessToken": "a".repeat(43), "token": "t".repeat(20)},
            "sourceCard": {"bin": 411111}
        })
    }

    fn parse(body: &[u8]) -> Result<Notification, ReplyError> {
        parse_json::<NotificationRequest>(body)?.validate()
    }

    #[test]
    fn a_good_notification() {
        let n = parse(good().to_string().as_bytes()).unwrap();
        assert_eq!(n.server_card_id, "card-1");
        assert_eq!((n.unique_reference_card_id, n.bin), (42, 411111));
    }

    #[test]
    fn garbage_truncation_and_oversize() {
        let body = good().to_string();
        assert_eq!(parse(b"").unwrap_err(), ReplyError::MalformedJson);
        assert_eq!(
            parse(b"\xff\x00garbage").unwrap_err(),
            ReplyError::MalformedJson
        );
        for cut in [1, body.len() / 2, body.len() - 1] {
            assert_eq!(
                parse(&body.as_bytes()[..cut]).unwrap_err(),
                ReplyError::MalformedJson,
                "{cut}"
            );
        }
        let cases: Vec<(&str, Value, &str)> = vec![
            (
                "/reference/serverCardId",
                "x".repeat(65).into(),
                "reference.serverCardId",
            ),
            (
                "/reference/serverCardId",
                "".into(),
                "reference.serverCardId",
            ),
            ("/session/token", "t".repeat(37).into(), "session.token"),
            ("/session/token", "t".repeat(15).into(), "session.token"),
            (
                "/session/accessToken",
                "a".repeat(129).into(),
                "session.accessToken",
            ),
            (
                "/consumer/device/serialNumber",
                "s".repeat(51).into(),
                "consumer.device.serialNumber",
            ),
            ("/sourceCard/bin", (-1).into(), "sourceCard.bin"),
        ];
        for (pointer, value, field) in cases {
            let mut v = good();
            *v.pointer_mut(pointer).unwrap() = value;
            match parse(v.to_string().as_bytes()) {
                Err(ReplyError::InvalidField(f, _)) => assert_eq!(f, field),
                other => panic!("{pointer}: {other:?}"),
            }
        }
    }

    #[test]
    fn wrong_types_and_missing_fields() {
        for (pointer, value) in [
            ("/reference/uniqueReferenceCardId", json!("42")),
            ("/reference/uniqueReferenceCardId", json!(4.5)),
            ("/reference/uniqueReferenceCardId", json!(u64::MAX)),
            ("/sourceCard/bin", json!("411111")),
            ("/reference/serverCardId", json!(7)),
            ("/reference", json!(["card-1", 42])),
            ("/sourceCard", json!([411111])),
        ] {
            let mut v = good();
            *v.pointer_mut(pointer).unwrap() = value;
            assert_eq!(
                parse(v.to_string().as_bytes()).unwrap_err(),
                ReplyError::WrongShape,
                "{pointer}"
            );
        }
        for (remove, field) in [
            ("reference", "reference.serverCardId"),
            ("sourceCard", "sourceCard.bin"),
            ("session", "session.accessToken"),
        ] {
            let mut v = good();
            v.as_object_mut().unwrap().remove(remove);
            assert_eq!(
                parse(v.to_string().as_bytes()).unwrap_err(),
                ReplyError::MissingField(field)
            );
        }
        let mut v = good();
        v["reference"]["serverCardId"] = "card\u{0}1".into();
        assert_eq!(
            parse(v.to_string().as_bytes()).unwrap_err(),
            ReplyError::NulCharacter
        );
    }
}
