//! The day's state, as the service keeps it and the tray shows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the service believes about today's daily login. The tray draws one icon per variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AgentState {
    /// Not checked yet (just started, or the check is under way).
    Unknown,
    /// Today's login has not been done, or the bank invalidated it.
    LoginRequired,
    /// A capture and login are in progress.
    LoggingIn,
    /// Logged in; valid until `until` (the next midnight IST, in UTC).
    LoggedIn { until: DateTime<Utc> },
    /// An earlier attempt's outcome is still open (its charge may land): no login is sent
    /// before `until`, the end of its settle window, when the service checks again
    /// (docs/ledger.md).
    Settling { until: DateTime<Utc> },
    /// The scanner or the RD Service is not usable; `reason` says what to do.
    DeviceProblem { reason: String },
    /// The last capture came from a scanner other than the shop's pinned one: nothing was
    /// sent; the operator chooses to use it (a login that accepts it) or connects theirs.
    NewScanner { pinned: String, found: String },
    /// InstantPay could not be asked or refused us; `reason` says what to do.
    ApiProblem { reason: String },
}

impl AgentState {
    /// A short name for logs and JSON consumers.
    pub fn name(&self) -> &'static str {
        match self {
            AgentState::Unknown => "unknown",
            AgentState::LoginRequired => "login_required",
            AgentState::LoggingIn => "logging_in",
            AgentState::LoggedIn { .. } => "logged_in",
            AgentState::Settling { .. } => "settling",
            AgentState::DeviceProblem { .. } => "device_problem",
            AgentState::NewScanner { .. } => "new_scanner",
            AgentState::ApiProblem { .. } => "api_problem",
        }
    }

    /// One sentence for a person.
    pub fn sentence(&self) -> String {
        match self {
            AgentState::Unknown => "Checking today's login.".into(),
            AgentState::LoginRequired => "Daily login needed: scan your finger.".into(),
            AgentState::LoggingIn => "Logging in: place your finger on the scanner.".into(),
            AgentState::LoggedIn { until } => format!(
                "Logged in until midnight ({} IST).",
                until.with_timezone(&clock::ist()).format("%Y-%m-%d %H:%M")
            ),
            AgentState::Settling { until } => format!(
                "Checking the earlier login attempt: InstantPay may still be charging it. The next login can be tried after {} IST.",
                until.with_timezone(&clock::ist()).format("%H:%M")
            ),
            AgentState::DeviceProblem { reason } => reason.clone(),
            AgentState::NewScanner { pinned, found } => format!(
                "This scanner ({found}) is not the shop's usual one ({pinned}): log in with it \
                 only if the shop now uses it, or connect the usual scanner."
            ),
            AgentState::ApiProblem { reason } => reason.clone(),
        }
    }

    /// True when the operator has something to do today.
    pub fn needs_login(&self) -> bool {
        matches!(self, AgentState::LoginRequired)
    }

    /// Past its expiry, a login is no longer valid: the state falls back to login required.
    pub fn expire(&self, now: DateTime<Utc>) -> Option<AgentState> {
        match self {
            AgentState::LoggedIn { until } if now >= *until => Some(AgentState::LoginRequired),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn json_shape_is_tagged_and_stable() {
        let until = Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap();
        let s = serde_json::to_value(AgentState::LoggedIn { until }).unwrap();
        assert_eq!(s["state"], "logged_in");
        assert_eq!(s["until"], "2026-11-22T18:30:00Z");
        let d = serde_json::to_value(AgentState::DeviceProblem {
            reason: "Connect the scanner.".into(),
        })
        .unwrap();
        assert_eq!(d["state"], "device_problem");
        let back: AgentState = serde_json::from_value(d).unwrap();
        assert_eq!(back.name(), "device_problem");
    }

    #[test]
    fn login_expires_at_its_deadline_only() {
        let until = Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap();
        let s = AgentState::LoggedIn { until };
        assert_eq!(s.expire(until - chrono::Duration::seconds(1)), None);
        assert_eq!(s.expire(until), Some(AgentState::LoginRequired));
        assert_eq!(AgentState::LoginRequired.expire(until), None);
        assert!(s.sentence().contains("2026-11-23 00:00"));
    }

    #[test]
    fn settling_says_until_when_and_names_itself() {
        let until = Utc.with_ymd_and_hms(2026, 11, 22, 2, 32, 0).unwrap();
        let s = AgentState::Settling { until };
        assert_eq!(s.name(), "settling");
        assert!(
            s.sentence().contains("earlier login attempt"),
            "{}",
            s.sentence()
        );
        assert!(s.sentence().contains("08:02 IST"), "{}", s.sentence());
        assert!(
            !s.needs_login(),
            "no reminder to log in while a charge may land"
        );
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["state"], "settling");
        assert_eq!(v["until"], "2026-11-22T02:32:00Z");
    }
}
