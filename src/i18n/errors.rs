//! The protocol crates' errors as catalogue messages. `crates/rd` and `crates/instantpay` know
//! nothing of languages: their `Display` is the English of the same ids (locales/INVENTORY.md
//! lists which variant is which message), and this file is the one place that maps a variant to
//! its id and arguments, so a Hindi reader gets the same sentence.

use instantpay::AadhaarError;
use instantpay::{ApiError, RequestError, StatusCode};
use rd::CaptureFailure;
use rd::RdError;

use super::Msg;

/// An id built at run time (`rd-error-553`, `ipay-status-iac`); the caller checks it exists.
fn owned(id: String) -> Msg {
    Msg::from_id(id)
}

/// What an RD Service error says, in the catalogue.
pub(crate) fn rd_error(e: &RdError) -> Msg {
    match e {
        RdError::NotFound { host, ports } => Msg::new("rd-not-found")
            .arg("host", host.as_str())
            .arg("ports", ports.as_str()),
        RdError::Refused { port } => Msg::new("rd-refused").arg("port", *port),
        RdError::Connect { port, detail } => Msg::new("rd-connect")
            .arg("port", *port)
            .arg("detail", detail.as_str()),
        RdError::Timeout { port, verb, ms } => Msg::new("rd-timeout")
            .arg("port", *port)
            .arg("verb", *verb)
            .arg("ms", u64::try_from(*ms).unwrap_or(u64::MAX)),
        RdError::Status { port, verb, status } => Msg::new("rd-http-status")
            .arg("port", *port)
            .arg("verb", *verb)
            .arg("status", *status),
        RdError::TooLarge { port, verb, limit } => Msg::new("rd-too-large")
            .arg("port", *port)
            .arg("verb", *verb)
            .arg("limit", *limit),
        RdError::NotHttp { port, verb, detail } => Msg::new("rd-not-http")
            .arg("port", *port)
            .arg("verb", *verb)
            .arg("detail", detail.as_str()),
        RdError::Malformed { port, verb, detail } => Msg::new("rd-malformed")
            .arg("port", *port)
            .arg("verb", *verb)
            .arg("detail", detail.as_str()),
        RdError::NotReady { port, status } => Msg::new("rd-not-ready")
            .arg("port", *port)
            .arg("status", status.as_str()),
        RdError::Capture { port, failure } => Msg::new("rd-capture-failed")
            .arg("port", *port)
            .arg("failure", capture_failure(failure)),
        RdError::Options(o) => Msg::new("rd-options-invalid").arg("error", options_error(o)),
        RdError::Client(c) => Msg::new("rd-client-failed").arg("error", c.as_str()),
    }
}

/// Capture options out of range (crates/rd/src/options.rs), in the catalogue.
pub(crate) fn options_error(e: &rd::OptionsError) -> Msg {
    match e {
        rd::OptionsError::FCount(n) => Msg::new("rd-option-fcount").arg("value", *n),
        rd::OptionsError::FType(n) => Msg::new("rd-option-ftype").arg("value", *n),
        rd::OptionsError::Timeout(n) => Msg::new("rd-option-timeout").arg("value", *n),
        rd::OptionsError::Env(v) => Msg::new("rd-option-env").arg("value", v.as_str()),
    }
}

/// What an Aadhaar or key refusal says (crates/instantpay/src/aadhaar.rs), in the catalogue.
pub(crate) fn aadhaar_error(e: &AadhaarError) -> Msg {
    match e {
        AadhaarError::Length(n) => Msg::new("aadhaar-length").arg("count", *n),
        AadhaarError::NotDigits => Msg::new("aadhaar-not-digits"),
        AadhaarError::FirstDigit => Msg::new("aadhaar-first-digit"),
        AadhaarError::CheckDigit => Msg::new("aadhaar-check-digit"),
        AadhaarError::KeyLength(n) => Msg::new("aadhaar-key-length").arg("count", *n),
        AadhaarError::Encoding => Msg::new("aadhaar-encoding"),
        AadhaarError::Decrypt => Msg::new("aadhaar-decrypt"),
    }
}

/// An RD error code: the service's words (or the code's meaning), then what to do.
pub(crate) fn capture_failure(f: &CaptureFailure) -> Msg {
    let known = f.code_number().and_then(rd::lookup_error).map(|r| r.code);
    let info = match known {
        _ if !f.info.is_empty() => Msg::verbatim(f.info.as_str()),
        Some(code) => owned(format!("rd-error-{code}-meaning")),
        None => Msg::new("no-description"),
    };
    // 999's sentence depends on the service's words (crates/rd/src/errors.rs); it stays as the
    // table chose it.
    let action = match known {
        Some(code) if code != 999 => owned(format!("rd-error-{code}")),
        _ => Msg::verbatim(f.sentence),
    };
    Msg::new("rd-capture-failure")
        .arg("code", f.code.as_str())
        .arg("info", info)
        .arg("action", action)
}

/// What an InstantPay status code means, in the catalogue.
pub(crate) fn status_meaning(code: &StatusCode) -> Msg {
    match code {
        StatusCode::Other(_) => Msg::new("ipay-status-unknown"),
        known => owned(format!(
            "ipay-status-{}",
            known.as_str().to_ascii_lowercase()
        )),
    }
}

/// Why a login request was not built (crates/instantpay/src/request.rs), in the catalogue.
pub(crate) fn request_error(e: &RequestError) -> Msg {
    match e {
        RequestError::CoordinateFormat { which, value } => Msg::new("request-coordinate-format")
            .arg("which", *which)
            .arg("value", value.as_str()),
        RequestError::CoordinateRange {
            which,
            value,
            min,
            max,
        } => Msg::new("request-coordinate-range")
            .arg("which", *which)
            .arg("value", value.as_str())
            .arg("min", *min)
            .arg("max", *max),
        RequestError::ExternalRef => Msg::new("request-external-ref"),
        RequestError::EncryptedAadhaar => Msg::new("request-encrypted-aadhaar"),
    }
}

/// What an InstantPay error says, in the catalogue. Inner texts (a transport error, a reply's
/// fault) stay as the lower layers wrote them.
pub(crate) fn api_error(e: &ApiError) -> Msg {
    match e {
        ApiError::Config(c) => Msg::new("api-error-config").arg("error", c.as_str()),
        ApiError::Request(r) => Msg::new("api-error-request").arg("error", request_error(r)),
        ApiError::Connect { base_url, reason } => Msg::new("api-error-connect")
            .arg("base_url", base_url.as_str())
            .arg("reason", reason.as_str()),
        ApiError::NoAnswer { base_url, reason } => Msg::new("api-error-no-answer")
            .arg("base_url", base_url.as_str())
            .arg("reason", reason.as_str()),
        ApiError::Reply { http_status, error } => Msg::new("api-error-reply")
            .arg("http_status", *http_status)
            .arg("error", error.to_string()),
        ApiError::Rejected {
            statuscode,
            message,
            ..
        } => Msg::new("api-error-rejected")
            .arg("statuscode", statuscode.as_str())
            .arg("meaning", status_meaning(statuscode))
            .arg("message", message.as_str()),
        ApiError::Unexpected {
            call,
            statuscode,
            actcode,
        } => Msg::new("api-error-unexpected")
            .arg("statuscode", statuscode.as_str())
            .arg("actcode", actcode.as_str())
            .arg("call", *call),
        ApiError::Relay { code, message } => relay_refusal(code, message),
    }
}

/// A relay's refusal (crates/relay-api/src/wire.rs `codes`): the known ones in our own words,
/// since what to do about them is ours to say; any other as the relay put it.
fn relay_refusal(code: &str, message: &str) -> Msg {
    use relay_api::codes;
    match code {
        codes::DEVICE_REVOKED => Msg::new("relay-device-revoked"),
        codes::DEVICE_UNKNOWN => Msg::new("relay-device-unknown"),
        codes::RATE_LIMITED => Msg::new("relay-rate-limited"),
        codes::OUTLET_BUSY => Msg::new("relay-outlet-busy"),
        codes::SETTLING => Msg::new("relay-settling"),
        codes::CODE_INVALID => Msg::new("relay-code-invalid"),
        codes::WRONG_OPERATOR => Msg::new("relay-wrong-operator"),
        codes::KEY_EXPIRED => Msg::new("relay-key-expired"),
        codes::DECLINE_GUARD => Msg::new("relay-decline-guard"),
        codes::FAILURE_CAP => Msg::new("relay-failure-cap"),
        _ => Msg::new("api-error-relay")
            .arg("code", code)
            .arg("message", message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Catalog, Lang};

    /// The catalogue's English is the protocol crates' `Display`: one sentence, two places.
    #[test]
    fn english_is_the_errors_own_text() {
        let rd = [
            RdError::NotFound {
                host: "127.0.0.1".into(),
                ports: "11100-11120".into(),
            },
            RdError::Refused { port: 11100 },
            RdError::Timeout {
                port: 11101,
                verb: "CAPTURE",
                ms: 400,
            },
            RdError::NotReady {
                port: 11100,
                status: "NOTREADY".into(),
            },
            RdError::Capture {
                port: 11100,
                failure: CaptureFailure::new("720", ""),
            },
            RdError::Capture {
                port: 11100,
                failure: CaptureFailure::new("999", "Device not registered"),
            },
        ];
        for e in rd {
            assert_eq!(rd_error(&e).english(), e.to_string());
        }
        let api = [
            ApiError::Connect {
                base_url: "https://api.instantpay.in".into(),
                reason: "connection refused".into(),
            },
            ApiError::Rejected {
                statuscode: StatusCode::parse("IAC"),
                actcode: None,
                message: "Invalid credentials".into(),
            },
            ApiError::Rejected {
                statuscode: StatusCode::parse("ZZZ"),
                actcode: None,
                message: "?".into(),
            },
            // A relay's refusal this build has no words of its own for.
            ApiError::Relay {
                code: "MAINTENANCE".into(),
                message: "back at 10:00.".into(),
            },
        ];
        for e in api {
            assert_eq!(api_error(&e).english(), e.to_string());
        }
    }

    #[test]
    fn every_relay_refusal_code_has_its_own_sentence_in_both_languages() {
        use relay_api::codes;
        for code in [
            codes::DEVICE_REVOKED,
            codes::DEVICE_UNKNOWN,
            codes::RATE_LIMITED,
            codes::OUTLET_BUSY,
            codes::SETTLING,
            codes::CODE_INVALID,
        ] {
            let m = api_error(&ApiError::Relay {
                code: code.into(),
                message: "the relay's English".into(),
            });
            assert_ne!(m.id, "api-error-relay", "{code}");
            let hi = Catalog::get(Lang::Hi).render(&m);
            assert!(
                hi.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c)),
                "{code}: {hi}"
            );
        }
    }

    #[test]
    fn hindi_renders_the_frame_and_the_nested_meaning() {
        let e = ApiError::Rejected {
            statuscode: StatusCode::parse("IAC"),
            actcode: None,
            message: "Invalid credentials".into(),
        };
        let hi = Catalog::get(Lang::Hi).render(&api_error(&e));
        assert!(
            hi.contains("IAC") && hi.contains("Invalid credentials"),
            "{hi}"
        );
        let en_meaning = StatusCode::parse("IAC").meaning();
        assert!(
            !hi.contains(en_meaning),
            "the meaning is in Hindi too: {hi}"
        );
        let nf = rd_error(&RdError::NotFound {
            host: "127.0.0.1".into(),
            ports: "11100-11120".into(),
        });
        let hi = Catalog::get(Lang::Hi).render(&nf);
        assert!(hi.contains("11100-11120"), "{hi}");
        assert!(hi.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c)));
    }

    #[test]
    fn a_message_survives_the_wire() {
        let m = rd_error(&RdError::Capture {
            port: 11100,
            failure: CaptureFailure::new("720", ""),
        });
        let wire = serde_json::to_string(&m).unwrap();
        let back: Msg = serde_json::from_str(&wire).unwrap();
        assert_eq!(back, m);
        assert_eq!(
            Catalog::get(Lang::Hi).render(&back),
            Catalog::get(Lang::Hi).render(&m)
        );
    }
}
