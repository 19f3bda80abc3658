//! What travels between an agent and the relay, as JSON. Every path is under `/v1/`; every
//! call but enrolment carries `Authorization: Bearer <device token>`.

use instantpay::{BiometricData, LoginOutcome};
use serde::{Deserialize, Serialize};

pub const PATH_ENROLL: &str = "/v1/enroll";
pub const PATH_STATUS: &str = "/v1/status";
pub const PATH_LOGIN: &str = "/v1/login";
/// Followed by `/{external_ref}`.
pub const PATH_ATTEMPTS: &str = "/v1/attempts";

/// The largest request body the relay reads: a login with its PID block is a few kilobytes.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;
/// The largest reply an agent reads.
pub const MAX_REPLY_BYTES: usize = 64 * 1024;

/// A device token is this many random bytes, written as hex after [`TOKEN_PREFIX`].
pub const TOKEN_BYTES: usize = 32;
/// Marks a relay device token wherever it turns up (a secret scanner can look for it).
pub const TOKEN_PREFIX: &str = "rdr_";

/// `POST /v1/enroll`: a one-time code, exchanged for a device credential.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub code: String,
    /// What the PC calls itself (its host name), shown in the relay's device list.
    #[serde(default)]
    pub label: String,
}

/// The credential and the outlet it is bound to. `Debug` leaves the token out.
#[derive(Clone, Serialize, Deserialize)]
pub struct EnrollReply {
    pub device_id: String,
    pub token: String,
    pub outlet_id: String,
    pub latitude: String,
    pub longitude: String,
    /// Only from a sandbox relay: the demo outlet's public test Aadhaar, so that `enroll`
    /// then `login` need nothing else. A real relay never knows an operator's Aadhaar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox_aadhaar: Option<String>,
}

impl std::fmt::Debug for EnrollReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrollReply")
            .field("device_id", &self.device_id)
            .field("outlet_id", &self.outlet_id)
            .finish_non_exhaustive()
    }
}

/// `POST /v1/login`: the capture and the operator's Aadhaar, which the relay encrypts with
/// the platform's key (the PC never holds it). `biometric_data.encrypted_aadhaar` is empty.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    /// The agent's attempt id, InstantPay's `externalRef`: the idempotency key.
    pub external_ref: String,
    pub biometric_data: BiometricData,
    /// 12 digits.
    pub aadhaar: String,
    /// The operator explicitly asked to go on despite the relay's decline guard (two biometric
    /// declines in a row). Honoured only by a relay started with `--allow-device-override`;
    /// an agent that predates it leaves it out, which is `false`.
    #[serde(default)]
    pub override_declines: bool,
}

impl Drop for LoginRequest {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.aadhaar);
        zeroize::Zeroize::zeroize(&mut self.biometric_data.pid_data);
        zeroize::Zeroize::zeroize(&mut self.biometric_data.session_key);
        zeroize::Zeroize::zeroize(&mut self.biometric_data.hmac);
    }
}

/// The outcome of a login, InstantPay's as it came, or the first device's when another PC of
/// the outlet logged it in today (`shared_from` is that attempt; nothing was charged for this one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginReply {
    pub outcome: LoginOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_from: Option<String>,
}

/// `GET /v1/attempts/{external_ref}`: what became of an attempt. `outcome` is `None` while
/// it is still in flight (or the relay never received it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptReply {
    pub external_ref: String,
    #[serde(default)]
    pub outcome: Option<LoginOutcome>,
}

/// Every refusal: a code a program acts on and a sentence for a person. Nothing was sent to
/// InstantPay for a refused call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub code: String,
    pub message: String,
}

/// The refusal codes, as constants so both sides spell them alike.
pub mod codes {
    /// No token, or one the relay does not know.
    pub const DEVICE_UNKNOWN: &str = "DEVICE_UNKNOWN";
    /// The platform revoked this PC's credential.
    pub const DEVICE_REVOKED: &str = "DEVICE_REVOKED";
    /// The enrolment code is unknown, used or expired (which one is not said).
    pub const CODE_INVALID: &str = "CODE_INVALID";
    /// Too many calls from this device or outlet; try again after a minute.
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    /// Another PC of the outlet is logging in and did not finish in time; try again.
    pub const OUTLET_BUSY: &str = "OUTLET_BUSY";
    /// An earlier attempt's outcome is not known yet: a new one could be charged twice.
    pub const SETTLING: &str = "SETTLING";
    /// The relay could not reach InstantPay; nothing was sent.
    pub const UPSTREAM: &str = "UPSTREAM";
    /// The request is malformed (a bad Aadhaar, a bad externalRef, too large).
    pub const BAD_REQUEST: &str = "BAD_REQUEST";
    /// The relay failed (its database): nothing was sent.
    pub const RELAY_FAILED: &str = "RELAY_FAILED";
    /// The Aadhaar sent is not the outlet's operator's (InstantPay's `aadhaarLastFour`): the
    /// login would be charged and declined. The message names only the expected last four.
    pub const WRONG_OPERATOR: &str = "WRONG_OPERATOR";
    /// The capture's UIDAI key (`Skey ci`) expired before today: UIDAI would refuse it and
    /// the attempt would still be charged. The RD Service needs its vendor's update.
    pub const KEY_EXPIRED: &str = "KEY_EXPIRED";
    /// Two biometric declines in a row for this outlet: a third could get the operator
    /// blocked by the bank (NPCI's advisory of November 2023). Held until the platform lifts it.
    pub const DECLINE_GUARD: &str = "DECLINE_GUARD";
    /// The outlet reached the relay's cap of charged failures for this IST day.
    pub const FAILURE_CAP: &str = "FAILURE_CAP";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_without_the_override_field_is_read_as_no_override() {
        let body = serde_json::json!({
            "external_ref": "A1",
            "biometric_data": BiometricData::default(),
            "aadhaar": "999941057058",
        });
        let mut req: LoginRequest = serde_json::from_value(body).unwrap();
        assert!(!req.override_declines);
        req.override_declines = true;
        let again: LoginRequest =
            serde_json::from_str(&serde_json::to_string(&req).unwrap()).unwrap();
        assert!(again.override_declines);
    }
}
