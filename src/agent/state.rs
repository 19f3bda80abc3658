//! The day's state, as the service keeps it and the tray shows it.

// States and outcomes are matched by name: a new one must be placed, not caught by `_`.
#![warn(clippy::wildcard_enum_match_arm)]

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::Msg;

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
    /// The scanner or the RD Service is not usable; `reason` says what to do (a catalogue
    /// message: each client renders it in its own language).
    DeviceProblem { reason: Msg },
    /// The last capture came from a scanner other than the shop's pinned one: nothing was
    /// sent; the operator chooses to use it (a login that accepts it) or connects theirs.
    NewScanner { pinned: String, found: String },
    /// InstantPay could not be asked or refused us; `reason` says what to do.
    ApiProblem { reason: Msg },
    /// The config or the secrets must be fixed first (a missing key, an Aadhaar that is not
    /// the operator InstantPay expects); `reason` says how.
    SetupProblem { reason: Msg },
    /// Two possible biometric declines in a row (src/ledger/declines.rs): no login is sent
    /// until the operator chooses to go on, knowing a third can block their AePS.
    DeclinesHeld { declines: u32 },
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
            AgentState::SetupProblem { .. } => "setup_problem",
            AgentState::DeclinesHeld { .. } => "declines_held",
        }
    }

    /// One sentence for a person, as a catalogue message.
    pub fn msg(&self) -> Msg {
        let ist =
            |t: &DateTime<Utc>, fmt: &str| t.with_timezone(&clock::ist()).format(fmt).to_string();
        match self {
            AgentState::Unknown => Msg::new("state-checking"),
            AgentState::LoginRequired => Msg::new("state-login-required"),
            AgentState::LoggingIn => Msg::new("state-logging-in"),
            AgentState::LoggedIn { until } => {
                Msg::new("state-logged-in").arg("until", ist(until, "%Y-%m-%d %H:%M"))
            }
            AgentState::Settling { until } => {
                Msg::new("state-settling").arg("time", ist(until, "%H:%M"))
            }
            AgentState::DeviceProblem { reason }
            | AgentState::ApiProblem { reason }
            | AgentState::SetupProblem { reason } => reason.clone(),
            AgentState::DeclinesHeld { declines } => {
                Msg::new("state-declines-held").arg("declines", *declines)
            }
            AgentState::NewScanner { pinned, found } => Msg::new("state-new-scanner")
                .arg("pinned", pinned.as_str())
                .arg("found", found.as_str()),
        }
    }

    /// The sentence in English (logs, `--json`).
    pub fn sentence(&self) -> String {
        self.msg().english()
    }

    /// True when the operator has something to do today.
    pub fn needs_login(&self) -> bool {
        matches!(self, AgentState::LoginRequired)
    }

    /// Past its expiry, a login is no longer valid: the state falls back to login required.
    pub(crate) fn expire(&self, now: DateTime<Utc>) -> Option<AgentState> {
        match self {
            AgentState::LoggedIn { until } if now >= *until => Some(AgentState::LoginRequired),
            AgentState::LoggedIn { .. }
            | AgentState::Unknown
            | AgentState::LoginRequired
            | AgentState::LoggingIn
            | AgentState::Settling { .. }
            | AgentState::DeviceProblem { .. }
            | AgentState::NewScanner { .. }
            | AgentState::ApiProblem { .. }
            | AgentState::SetupProblem { .. }
            | AgentState::DeclinesHeld { .. } => None,
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
            reason: Msg::new("agent-scanner-not-connected"),
        })
        .unwrap();
        assert_eq!(d["state"], "device_problem");
        assert_eq!(d["reason"]["id"], "agent-scanner-not-connected");
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
