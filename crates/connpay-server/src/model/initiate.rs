//! `POST /verification/initiate-verification`: a session for a device holding an access token,
//! and the billing and consumer data held for check.

use serde::{Deserialize, Serialize};

use super::{DeviceIn, SessionIn, access_token, length, optional_length, required, serial_number};
use crate::error::ReplyError;

#[derive(Debug, Deserialize)]
pub struct InitiateRequest {
    pub consumer: Option<ConsumerIn>,
    pub session: Option<SessionIn>,
    pub transaction: Option<TransactionIn>,
    pub billing: Option<Billing>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ConsumerIn {
    pub device: Option<DeviceIn>,
    pub email: Option<String>,
    #[serde(rename = "birthDay")]
    pub birth_day: Option<String>,
    #[serde(rename = "ipAddresses")]
    pub ip_addresses: Option<Vec<String>>,
}
#[derive(Debug, Default, Deserialize)]
pub struct TransactionIn {
    pub currency: Option<String>,
}

/// Billing data held for an invoice and answered on check. Every field optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Billing {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(rename = "postcodeZip", skip_serializing_if = "Option::is_none")]
    pub postcode_zip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street2: Option<String>,
}

/// Consumer data held for an invoice and answered on check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConsumerOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(rename = "birthDay", skip_serializing_if = "Option::is_none")]
    pub birth_day: Option<String>,
    #[serde(rename = "ipAddresses", skip_serializing_if = "Option::is_none")]
    pub ip_addresses: Option<Vec<String>>,
}

/// What we hold for an invoice besides the session: stored as JSON, answered on check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HeldData {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing: Option<Billing>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer: Option<ConsumerOut>,
}

/// A validated initiate request.
#[derive(Debug)]
pub struct Initiate {
    pub serial_number: String,
    pub access_token: String,
    pub currency: String,
    pub held: HeldData,
}

fn validate_currency(value: &Option<String>) -> Result<String, ReplyError> {
    let name = "transaction.currency";
    let v = required(value, name)?;
    if v.len() != 3 || !v.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ReplyError::InvalidField(
            name,
            "an ISO 4217 code: three upper-case letters",
        ));
    }
    Ok(v.to_owned())
}

fn validate_device_extras(device: &DeviceIn) -> Result<(), ReplyError> {
    if let Some(imei) = &device.imei {
        length(imei, 14, 16, "consumer.device.imei", "14 to 16 characters")?;
    }
    if let Some(loc) = &device.location {
        if let Some(lat) = loc.lat
            && !(-90.0..=90.0).contains(&lat)
        {
            return Err(ReplyError::InvalidField(
                "consumer.device.location.lat",
                "between -90 and 90",
            ));
        }
        if let Some(lng) = loc.lng
            && !(-180.0..=180.0).contains(&lng)
        {
            return Err(ReplyError::InvalidField(
                "consumer.device.location.lng",
                "between -180 and 180",
            ));
        }
    }
    Ok(())
}

fn validate_birth_day(value: &str) -> Result<(), ReplyError> {
    let rule = "a date written ddMMyyyy";
    let ok = value.len() == 8
        && value.bytes().all(|b| b.is_ascii_digit())
        && chrono::NaiveDate::parse_from_str(value, "%d%m%Y").is_ok();
    if ok {
        Ok(())
    } else {
        Err(ReplyError::InvalidField("consumer.birthDay", rule))
    }
}

fn validate_consumer_out(c: &ConsumerIn) -> Result<Option<ConsumerOut>, ReplyError> {
    optional_length(&c.email, 3, 128, "consumer.email", "3 to 128 characters")?;
    if let Some(b) = &c.birth_day {
        validate_birth_day(b)?;
    }
    if let Some(ips) = &c.ip_addresses {
        if ips.len() > 10 {
            return Err(ReplyError::InvalidField(
                "consumer.ipAddresses",
                "at most 10 addresses",
            ));
        }
        for ip in ips {
            let rule = "IPv4 addresses of 7 to 15 characters";
            length(ip, 7, 15, "consumer.ipAddresses", rule)?;
            if ip.parse::<std::net::Ipv4Addr>().is_err() {
                return Err(ReplyError::InvalidField("consumer.ipAddresses", rule));
            }
        }
    }
    let out = ConsumerOut {
        email: c.email.clone(),
        birth_day: c.birth_day.clone(),
        ip_addresses: c.ip_addresses.clone().filter(|v| !v.is_empty()),
    };
    Ok(if out == ConsumerOut::default() {
        None
    } else {
        Some(out)
    })
}

fn validate_billing(b: &Billing) -> Result<Option<Billing>, ReplyError> {
    optional_length(&b.phone, 1, 20, "billing.phone", "1 to 20 characters")?;
    let address = match &b.address {
        Some(a) => {
            optional_length(
                &a.city,
                1,
                100,
                "billing.address.city",
                "1 to 100 characters",
            )?;
            if let Some(c) = &a.country
                && (c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()))
            {
                return Err(ReplyError::InvalidField(
                    "billing.address.country",
                    "an ISO 3166 alpha-3 code: three upper-case letters",
                ));
            }
            optional_length(
                &a.postcode_zip,
                1,
                10,
                "billing.address.postcodeZip",
                "1 to 10 characters",
            )?;
            optional_length(
                &a.state,
                2,
                2,
                "billing.address.state",
                "exactly 2 characters",
            )?;
            optional_length(
                &a.street,
                1,
                50,
                "billing.address.street",
                "1 to 50 characters",
            )?;
            optional_length(
                &a.street2,
                1,
                50,
                "billing.address.street2",
                "1 to 50 characters",
            )?;
            if *a == Address::default() {
                None
            } else {
                Some(a.clone())
            }
        }
        None => None,
    };
    let out = Billing {
        phone: b.phone.clone(),
        address,
    };
    Ok(if out == Billing::default() {
        None
    } else {
        Some(out)
    })
}

impl InitiateRequest {
    pub fn validate(&self) -> Result<Initiate, ReplyError> {
        let consumer = self.consumer.as_ref();
        let device = consumer.and_then(|c| c.device.as_ref());
        let serial_number = serial_number(&device.and_then(|d| d.serial_number.clone()))?;
        if let Some(d) = device {
            validate_device_extras(d)?;
        }
        let session = self.session.as_ref();
        let access_token = access_token(&session.and_then(|s| s.access_token.clone()))?;
        let currency =
            validate_currency(&self.transaction.as_ref().and_then(|t| t.currency.clone()))?;
        let consumer_out = match consumer {
            Some(c) => validate_consumer_out(c)?,
            None => None,
        };
        let billing = match &self.billing {
            Some(b) => validate_billing(b)?,
            None => None,
        };
        Ok(Initiate {
            serial_number,
            access_token,
            currency,
            held: HeldData {
                billing,
                consumer: consumer_out,
            },
        })
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct InitiateResponse {
    #[serde(rename = "endpointId")]
    pub endpoint_id: String,
    #[serde(rename = "invoiceId")]
    pub invoice_id: String,
    pub session: InitiateSessionOut,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct InitiateSessionOut {
    pub nonce: String,
    pub signature: String,
}

#[cfg(test)]
mod tests {
    use super::super::parse_json;
    use super::*;
    use serde_json::Value;

    const TOKEN: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

    fn initiate(json: &str) -> Result<Initiate, ReplyError> {
        parse_json::<InitiateRequest>(json.as_bytes())?.validate()
    }

    fn minimal() -> serde_json::Value {
        serde_json::json!({
            "consumer": {"device": {"serialNumber": "SN1"}},
            "session": {"accessToken": TOKEN},
            "transaction": {"currency": "EUR"}
        })
    }

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        let twice = r#"{"consumer": {"device": {"serialNumber": "A", "serialNumber": "B"}},
            "session": {"accessToken": "t"}, "transaction": {"currency": "EUR"}}"#;
        assert_eq!(initiate(twice).unwrap_err(), ReplyError::DuplicateKey);
        let top = r#"{"session": {}, "session": {}}"#;
        assert_eq!(initiate(top).unwrap_err(), ReplyError::DuplicateKey);
        let deep = r#"{"a": [{"b": {"c": 1, "c": 2}}]}"#;
        assert_eq!(
            parse_json::<Value>(deep.as_bytes()).unwrap_err(),
            ReplyError::DuplicateKey
        );
        // The same key in different objects is fine.
        let apart = r#"{"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 2}]}"#;
        assert!(parse_json::<Value>(apart.as_bytes()).is_ok());
        assert_eq!(initiate("{").unwrap_err(), ReplyError::MalformedJson);
    }

    #[test]
    fn minimal_initiate_holds_nothing_extra() {
        let i = initiate(&minimal().to_string()).unwrap();
        assert_eq!(i.serial_number, "SN1");
        assert_eq!(i.currency, "EUR");
        assert_eq!(i.held, HeldData::default());
        assert_eq!(serde_json::to_string(&i.held).unwrap(), "{}");
    }

    #[test]
    fn garbage_truncation_and_wrong_types() {
        assert_eq!(initiate("").unwrap_err(), ReplyError::MalformedJson);
        assert_eq!(
            initiate("{\"consumer\":").unwrap_err(),
            ReplyError::MalformedJson
        );
        assert_eq!(
            initiate("\u{0}\u{1}garbage").unwrap_err(),
            ReplyError::MalformedJson
        );
        assert_eq!(initiate("[]").unwrap_err(), ReplyError::WrongShape);
        assert_eq!(
            initiate(r#"{"consumer":{"device":{"serialNumber":5}}}"#).unwrap_err(),
            ReplyError::WrongShape
        );
        assert_eq!(
            initiate("{}").unwrap_err(),
            ReplyError::MissingField("consumer.device.serialNumber")
        );
    }

    #[test]
    fn objects_written_as_arrays_and_nul_characters_are_refused() {
        // serde's derived structs would take these positionally.
        for body in [
            r#"[[["SN1",null,null]],["tok"],["EUR"],null]"#,
            r#"{"consumer":{"device":{"serialNumber":"SN1","location":[null,null]}},
                "session":{"accessToken":"0123456789012345678901234567890123456789"},
                "transaction":{"currency":"EUR"}}"#,
            r#"{"consumer":[["SN1"]]}"#,
        ] {
            assert_eq!(
                initiate(body).unwrap_err(),
                ReplyError::WrongShape,
                "{body}"
            );
        }
        // Fields the specification does not know are ignored, whatever they hold.
        let mut extra = minimal();
        extra["consumer"]["x-extra"] = serde_json::json!([["a\u{0}"], {"y": []}]);
        extra["other"] = serde_json::json!([1, 2]);
        assert!(initiate(&extra.to_string()).is_ok());
        for body in [
            r#"{"consumer":{"device":{"serialNumber":"SN\u0000X"}}}"#,
            r#"{"consumer":{"device":{"serialNumber":"SN1"},"ipAddresses":["1.2.3.4\u0000"]}}"#,
        ] {
            assert_eq!(
                initiate(body).unwrap_err(),
                ReplyError::NulCharacter,
                "{body}"
            );
        }
        // The one array of the specification is still read.
        let mut ok = minimal();
        ok["consumer"]["ipAddresses"] = serde_json::json!(["192.0.2.1"]);
        assert!(initiate(&ok.to_string()).is_ok());
    }

    #[test]
    fn limits_are_enforced() {
        let cases: Vec<(&str, serde_json::Value, &str)> = vec![
            (
                "/consumer/device/serialNumber",
                "".into(),
                "consumer.device.serialNumber",
            ),
            (
                "/consumer/device/serialNumber",
                "x".repeat(51).into(),
                "consumer.device.serialNumber",
            ),
            (
                "/session/accessToken",
                "x".repeat(31).into(),
                "session.accessToken",
            ),
            (
                "/session/accessToken",
                "x".repeat(129).into(),
                "session.accessToken",
            ),
            (
                "/transaction/currency",
                "eur".into(),
                "transaction.currency",
            ),
            (
                "/transaction/currency",
                "EURO".into(),
                "transaction.currency",
            ),
        ];
        for (pointer, value, field) in cases {
            let mut v = minimal();
            *v.pointer_mut(pointer).unwrap() = value;
            match initiate(&v.to_string()) {
                Err(ReplyError::InvalidField(f, _)) => assert_eq!(f, field),
                other => panic!("{pointer}: {other:?}"),
            }
        }
        let extras: Vec<(serde_json::Value, &str)> = vec![
            (
                serde_json::json!({"consumer": {"device": {"serialNumber": "S", "imei": "1234567890123"}}}),
                "consumer.device.imei",
            ),
            (
                serde_json::json!({"consumer": {"device": {"serialNumber": "S", "location": {"lat": 90.5}}}}),
                "consumer.device.location.lat",
            ),
            (
                serde_json::json!({"consumer": {"device": {"serialNumber": "S", "location": {"lng": -180.1}}}}),
                "consumer.device.location.lng",
            ),
            (
                serde_json::json!({"consumer": {"device": {"serialNumber": "S"}, "birthDay": "31022000"}}),
                "consumer.birthDay",
            ),
            (
                serde_json::json!({"consumer": {"device": {"serialNumber": "S"}, "ipAddresses": ["1.2.3"]}}),
                "consumer.ipAddresses",
            ),
            (
                serde_json::json!({"consumer": {"device": {"serialNumber": "S"}, "ipAddresses": ["1.2.3.400"]}}),
                "consumer.ipAddresses",
            ),
            (
                serde_json::json!({"consumer": {"device": {"serialNumber": "S"}, "email": "a@"}}),
                "consumer.email",
            ),
            (
                serde_json::json!({"consumer": {"device": {"serialNumber": "S"}}, "billing": {"phone": ""}}),
                "billing.phone",
            ),
            (
                serde_json::json!({"consumer": {"device": {"serialNumber": "S"}}, "billing": {"address": {"state": "CAL"}}}),
                "billing.address.state",
            ),
        ];
        for (patch, field) in extras {
            let mut v = minimal();
            for (k, val) in patch.as_object().unwrap() {
                v[k] = val.clone();
            }
            match initiate(&v.to_string()) {
                Err(ReplyError::InvalidField(f, _)) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn held_data_is_kept() {
        let mut v = minimal();
        v["consumer"]["email"] = "a@b.c".into();
        v["consumer"]["birthDay"] = "29022000".into();
        v["consumer"]["ipAddresses"] = serde_json::json!(["10.0.0.1"]);
        v["billing"] =
            serde_json::json!({"phone": "+91", "address": {"city": "Pune", "country": "IND"}});
        let i = initiate(&v.to_string()).unwrap();
        let c = i.held.consumer.unwrap();
        assert_eq!(c.birth_day.as_deref(), Some("29022000"));
        let b = i.held.billing.unwrap();
        assert_eq!(b.address.unwrap().city.as_deref(), Some("Pune"));
    }
}
