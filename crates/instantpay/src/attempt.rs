//! What a login attempt's record holds, for the agent's ledger (src/ledger.rs) and the relay's
//! store (crates/rd-relay/src/store) alike: its state, the one mapping from a [`LoginOutcome`]
//! to what is recorded, and how long an unknown outcome stays unsettled.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::pool::Pool;
use crate::reply::LoginOutcome;

/// Where an attempt stands. Stored as [`AttemptState::as_str`]'s text, in both databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AttemptState {
    /// Recorded, request possibly on the wire; no reply yet (or the process died).
    #[serde(rename = "sending")]
    Sending,
    #[serde(rename = "loggedin")]
    LoggedIn,
    #[serde(rename = "rejected")]
    Rejected,
    /// Sent, no usable reply: the charge may have happened. Never resubmitted automatically.
    #[serde(rename = "unknown")]
    Unknown,
    /// The relay's: answered with another attempt's login (or the status's), not charged.
    #[serde(rename = "shared")]
    Shared,
    /// The relay's: certainly not sent, nothing charged.
    #[serde(rename = "not_sent")]
    NotSent,
    /// The relay's: an unknown outcome the status settled as not logged in.
    #[serde(rename = "not_logged_in")]
    NotLoggedIn,
}

impl AttemptState {
    const ALL: [AttemptState; 7] = [
        AttemptState::Sending,
        AttemptState::LoggedIn,
        AttemptState::Rejected,
        AttemptState::Unknown,
        AttemptState::Shared,
        AttemptState::NotSent,
        AttemptState::NotLoggedIn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttemptState::Sending => "sending",
            AttemptState::LoggedIn => "loggedin",
            AttemptState::Rejected => "rejected",
            AttemptState::Unknown => "unknown",
            AttemptState::Shared => "shared",
            AttemptState::NotSent => "not_sent",
            AttemptState::NotLoggedIn => "not_logged_in",
        }
    }
}

impl fmt::Display for AttemptState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored state that is none of [`AttemptState`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an attempt state: {0:?}")]
pub struct UnknownAttemptState(pub String);

impl FromStr for AttemptState {
    type Err = UnknownAttemptState;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AttemptState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| UnknownAttemptState(s.chars().take(40).collect()))
    }
}

/// What is recorded of a sent login once its outcome is in: the final state and the API's
/// codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeRecord {
    pub state: AttemptState,
    pub statuscode: Option<String>,
    pub actcode: Option<String>,
    pub ipay_uuid: Option<String>,
    pub message: Option<String>,
    /// `None`: not known whether InstantPay charged it.
    pub charged: Option<bool>,
    /// What it cost, when the reply said.
    pub pool: Option<Pool>,
    /// A charged biometric decline ([`LoginOutcome::is_biometric_decline`]): it counts toward
    /// the decline guard.
    pub biometric_decline: bool,
}

impl OutcomeRecord {
    /// The one mapping from an outcome to its record.
    pub fn of(o: &LoginOutcome) -> OutcomeRecord {
        let meta = o.meta();
        let (state, statuscode, actcode, message) = match o {
            LoginOutcome::LoggedIn { .. } => (
                AttemptState::LoggedIn,
                Some("TXN".to_string()),
                Some("LOGGEDIN".to_string()),
                None,
            ),
            LoginOutcome::LoginRequired { message, .. } => (
                AttemptState::Rejected,
                Some("TXN".to_string()),
                Some("LOGINREQUIRED".to_string()),
                Some(message.clone()),
            ),
            LoginOutcome::Rejected {
                statuscode,
                actcode,
                message,
                ..
            } => (
                AttemptState::Rejected,
                Some(statuscode.as_str().to_string()),
                actcode.as_ref().map(|a| a.as_str().to_string()),
                Some(message.clone()),
            ),
            LoginOutcome::Unknown { reason } => {
                (AttemptState::Unknown, None, None, Some(reason.clone()))
            }
        };
        OutcomeRecord {
            state,
            statuscode,
            actcode,
            ipay_uuid: meta.map(|m| m.ipay_uuid.clone()).filter(|u| !u.is_empty()),
            message,
            charged: o.charged(),
            pool: meta.and_then(|m| m.pool.clone()),
            biometric_decline: o.is_biometric_decline(),
        }
    }
}

/// The shortest settle window for a read timeout, in seconds: how old an attempt with no known
/// outcome must be before "login required" may settle it. Twice the read timeout (the reply may
/// have been that late, and the request as late again) plus a minute for InstantPay to record
/// it; a shorter window could pay twice for one login.
pub fn min_settle_window_secs(read_timeout_secs: u64) -> u64 {
    read_timeout_secs.saturating_mul(2).saturating_add(60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::parse_envelope;

    #[test]
    fn every_state_reads_back_from_its_text_and_its_json() {
        for state in AttemptState::ALL {
            assert_eq!(state.as_str().parse::<AttemptState>(), Ok(state));
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(json, format!("\"{}\"", state.as_str()));
        }
        assert!("LoggedIn".parse::<AttemptState>().is_err());
    }

    #[test]
    fn outcomes_map_to_their_records() {
        let record = |json: &str| {
            let env = parse_envelope(json.as_bytes()).unwrap();
            OutcomeRecord::of(&crate::reply::interpret_login(&env))
        };
        let r = record(r#"{"statuscode":"TXN","actcode":"LOGGEDIN","ipay_uuid":"U1"}"#);
        assert_eq!(
            (r.state, r.charged, r.ipay_uuid.as_deref(), r.message),
            (AttemptState::LoggedIn, Some(true), Some("U1"), None)
        );
        let r = record(r#"{"statuscode":"TXN","actcode":"LOGINREQUIRED","status":"no match"}"#);
        assert_eq!(
            (r.state, r.actcode.as_deref(), r.biometric_decline),
            (AttemptState::Rejected, Some("LOGINREQUIRED"), true)
        );
        let r = record(r#"{"statuscode":"RPI","status":"Invalid latitude"}"#);
        assert_eq!(
            (r.state, r.statuscode.as_deref(), r.charged, r.ipay_uuid),
            (AttemptState::Rejected, Some("RPI"), Some(false), None)
        );
        let r = record(r#"{"statuscode":"TUP"}"#);
        assert_eq!((r.state, r.charged), (AttemptState::Unknown, None));
        assert!(r.message.is_some_and(|m| m.contains("TUP")));
    }

    #[test]
    fn the_settle_window_floor_is_twice_the_read_timeout_plus_a_minute() {
        assert_eq!(min_settle_window_secs(30), 120);
        assert_eq!(min_settle_window_secs(u64::MAX), u64::MAX);
    }
}
