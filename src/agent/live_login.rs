//! The service's login: the daily-login use case (`crate::login`) with its live parts,
//! reported as a [`LoginOutcome`] for IPC.

use super::AgentState;
use super::backend::LoginOutcome;
use crate::clock::Clock;
use crate::config::Paths;

pub async fn login(_paths: &Paths, _clock: &dyn Clock, _force: bool) -> LoginOutcome {
    LoginOutcome {
        ok: false,
        message: "The service cannot log in yet in this build: run `rd-agent login`.".into(),
        state: AgentState::Unknown,
        charged: Some(false),
    }
}
