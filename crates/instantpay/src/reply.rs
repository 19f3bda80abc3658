//! What a reply means: `outletLoginStatus` and `outletLogin` decided from `statuscode` and
//! `actcode` only, never from the free text.

use serde::{Deserialize, Serialize};

use crate::codes::{ActCode, StatusCode};
use crate::envelope::{Envelope, EnvelopeMeta, loose_bool, loose_string};
use crate::error::ApiError;

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
    use crate::envelope::parse_envelope;

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
}
