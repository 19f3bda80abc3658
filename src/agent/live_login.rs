//! The service's login: the daily-login use case assembled from the config and the secret store
//! by `crate::login::assembly`, as `rd-agent login` does, reported as a
//! [`LoginSummary`] for IPC. Nothing here formats a secret or a biometric: the messages are the
//! use case's operator sentences.

// States and outcomes are matched by name: a new one must be placed, not caught by `_`.
#![warn(clippy::wildcard_enum_match_arm)]

use super::AgentState;
use super::backend::LoginSummary;
use crate::config::Paths;
use crate::i18n::Msg;
use crate::login::{Assembled, LoginError, LoginFlags, LoginResult, Progress};
use clock::Clock;

/// Progress lines go to the service log (they name ports and steps, never data).
pub(crate) struct LogProgress;

impl Progress for LogProgress {
    fn say(&self, line: &str) {
        tracing::info!("{line}");
    }
}

/// The config, the secrets or the ledger stood in the way: nothing was sent.
fn setup_failed(reason: Msg) -> LoginSummary {
    LoginSummary::new(
        false,
        reason.clone(),
        AgentState::SetupProblem { reason },
        Some(false),
    )
}

pub(super) async fn login(
    paths: &Paths,
    clock: &dyn Clock,
    flags: LoginFlags,
    progress: &dyn Progress,
) -> LoginSummary {
    // Reading the files and opening a busy ledger block: off the runtime's threads, so the
    // service keeps answering its clients meanwhile.
    let owned = paths.clone();
    let assembled = tokio::task::spawn_blocking(move || {
        Assembled::from_files(&owned, flags, "a client of the service (tray or terminal)")
    })
    .await;
    let mut login = match assembled {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => return setup_failed(e.msg()),
        Err(_) => return setup_failed(Msg::new("agent-internal-error")),
    };
    let result = login.run(clock, progress).await;
    let ledger = &login.ledger;
    match result {
        Ok(report) => LoginSummary::new(
            true,
            Msg::new(match report.result {
                LoginResult::AlreadyLoggedIn => "agent-already-logged-in",
                LoginResult::LoggedIn => "agent-logged-in",
            }),
            AgentState::LoggedIn {
                until: report.expires_at,
            },
            Some(report.attempt.is_some()),
        ),
        Err(e) => {
            let message = e.msg();
            let charged = if e.nothing_charged() {
                Some(false)
            } else if matches!(e, LoginError::Mismatch(_)) {
                Some(true)
            } else {
                None
            };
            let state = match &e {
                LoginError::NewDevice { pinned, found } => AgentState::NewScanner {
                    pinned: pinned.clone(),
                    found: found.clone(),
                },
                LoginError::Scan(_) | LoginError::LowQuality { .. } => AgentState::DeviceProblem {
                    reason: message.clone(),
                },
                // A decline that makes two in a row holds the next login.
                LoginError::Mismatch(_) => match ledger.consecutive_declines() {
                    Ok(n) if n >= crate::ledger::DECLINE_LIMIT => {
                        AgentState::DeclinesHeld { declines: n }
                    }
                    _ => AgentState::LoginRequired,
                },
                LoginError::LocallyLoggedIn => AgentState::LoginRequired,
                LoginError::DeclineGuard { declines } => AgentState::DeclinesHeld {
                    declines: *declines,
                },
                LoginError::WrongOperator { .. } | LoginError::Aadhaar(_) => {
                    AgentState::SetupProblem {
                        reason: message.clone(),
                    }
                }
                LoginError::KeyExpired { .. } => AgentState::DeviceProblem {
                    reason: message.clone(),
                },
                // The charge may have happened: let the service re-ask InstantPay.
                LoginError::Unknown { .. } => AgentState::Unknown,
                // Nothing is sent before the earlier attempt's window ends.
                LoginError::Settling { wait_secs, .. } => AgentState::Settling {
                    until: clock.now() + chrono::Duration::seconds(*wait_secs),
                },
                LoginError::Status(_)
                | LoginError::Rejected { .. }
                | LoginError::NotSent(_)
                | LoginError::Request(_)
                | LoginError::Ledger(_)
                | LoginError::Lock(_) => AgentState::ApiProblem {
                    reason: message.clone(),
                },
            };
            LoginSummary::new(false, message, state, charged)
        }
    }
}
