//! The free status check (outletLoginStatus) under the login lock, and the settling of
//! attempts left without an outcome.

// States and outcomes are matched by name: a new one must be placed, not caught by `_`.
#![warn(clippy::wildcard_enum_match_arm)]

use chrono::{DateTime, Utc};

use crate::i18n::Msg;
use crate::ledger::{Attempt, AttemptState, Ledger, LedgerError, Outcome, Resolution};
use clock::{Clock, ist_date};
use instantpay::{LoginOutcome, LoginStatus};

use super::{InstantPayApi, LoginError, Progress, lock};

/// What the free status check found, after settling what it could.
#[derive(Debug)]
pub(crate) struct Checked {
    pub(crate) status: LoginStatus,
    /// Attempts it settled.
    pub(crate) resolved: Vec<Attempt>,
    /// An attempt too young to judge, and how long until it can be.
    pub(crate) waiting: Option<(String, chrono::Duration)>,
    /// When the answer came.
    pub(crate) at: DateTime<Utc>,
}

/// Ask outletLoginStatus (free) under the login lock, record it, and settle the attempts
/// left without an outcome (a process that died mid-request leaves one `sending`). The
/// service runs this at start and on every re-check, so `status` never shows a stale row.
pub(crate) async fn check<A: InstantPayApi>(
    api: &A,
    ledger: &mut Ledger,
    clock: &dyn Clock,
    progress: &dyn Progress,
    settle_window: chrono::Duration,
) -> Result<Checked, LoginError> {
    let _lock = lock::LoginLock::for_ledger_dir(ledger.dir(), progress).await?;
    check_locked(api, ledger, clock, progress, settle_window).await
}

/// [`check`], for a caller that holds the lock. The time is read BEFORE asking: an attempt is
/// judged by its age when the question left, so a request InstantPay finishes during the
/// status call cannot be taken for a failed one.
pub(super) async fn check_locked<A: InstantPayApi>(
    api: &A,
    ledger: &mut Ledger,
    clock: &dyn Clock,
    progress: &dyn Progress,
    settle_window: chrono::Duration,
) -> Result<Checked, LoginError> {
    let mut unresolved = ledger.unresolved()?;
    if !unresolved.is_empty() {
        progress.step(&Msg::new("login-unresolved-attempts").arg("count", unresolved.len()));
    } else {
        progress.step(&Msg::new("login-asking-status"));
    }
    // Where the other side kept a record of the attempt (a relay), its outcome settles it.
    let mut from_record = Vec::new();
    for a in &unresolved {
        if let Some(o) = api.outcome_of(&a.external_ref).await
            && !matches!(o, LoginOutcome::Unknown { .. })
        {
            ledger.finish_from_relay(&a.external_ref, &Outcome::of(&o), clock.now())?;
            if let Some(back) = ledger.get(&a.external_ref)? {
                from_record.push(back);
            }
        }
    }
    unresolved.retain(|a| !from_record.iter().any(|r| r.external_ref == a.external_ref));
    let asked_at = clock.now();
    let status = api.login_status().await.map_err(LoginError::Status)?;
    let now = clock.now();
    ledger.record_status(
        "TXN",
        if status.logged_in {
            "LOGGEDIN"
        } else {
            "LOGINREQUIRED"
        },
        now,
    )?;
    let mut settled = settle(
        ledger,
        &unresolved,
        status.logged_in,
        asked_at,
        settle_window,
        now,
    )?;
    settled.resolved.splice(0..0, from_record);
    for a in &settled.resolved {
        progress.step(
            &Msg::new("login-attempt-settled")
                .arg("attempt", a.external_ref.clone())
                .arg("resolution", a.resolution.clone().unwrap_or_default()),
        );
    }
    Ok(Checked {
        status,
        resolved: settled.resolved,
        waiting: settled.waiting,
        at: now,
    })
}

/// What settling found: the attempts it settled, and the youngest one it had to leave open,
/// with how long until it may be judged.
struct Settled {
    resolved: Vec<Attempt>,
    waiting: Option<(String, chrono::Duration)>,
}

/// Settle the attempts left without an outcome. Only today's can be judged by today's status.
/// `LOGGEDIN`: the latest of today's is the one that went through (logged in, charged).
/// `LOGINREQUIRED`: an attempt older than `window` at `asked_at` did not log in (its charge
/// stays unknown); a younger one is left open, since InstantPay may still finish it.
fn settle(
    ledger: &mut Ledger,
    unresolved: &[Attempt],
    logged_in: bool,
    asked_at: DateTime<Utc>,
    window: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<Settled, LedgerError> {
    let today = ist_date(now);
    let latest_today = unresolved
        .iter()
        .rev()
        .find(|a| ist_date(a.created_at) == today)
        .map(|a| a.external_ref.clone());
    let mut out = Settled {
        resolved: Vec::new(),
        waiting: None,
    };
    for a in unresolved {
        let r = if ist_date(a.created_at) != today {
            Resolution::Stale
        } else if logged_in && latest_today.as_deref() == Some(a.external_ref.as_str()) {
            Resolution::LoggedIn
        } else if (logged_in || asked_at - a.created_at >= window) && !sender_runs(a) {
            Resolution::NotLoggedIn
        } else {
            // A live sender past the window: look again shortly.
            let wait = (window - (asked_at - a.created_at)).max(chrono::Duration::seconds(10));
            out.waiting = Some((a.external_ref.clone(), wait));
            continue;
        };
        ledger.resolve(&a.external_ref, r, now)?;
        if let Some(back) = ledger.get(&a.external_ref)? {
            out.resolved.push(back);
        }
    }
    Ok(out)
}

/// An attempt still `sending` whose process runs is mid-request: its outcome is its own to
/// record, whatever InstantPay says meanwhile. (Under the login lock this cannot happen for
/// another process; it guards against a lock that failed to hold.)
fn sender_runs(a: &Attempt) -> bool {
    if a.state != AttemptState::Sending {
        return false;
    }
    match (a.owner_pid, &a.owner_started) {
        (Some(pid), Some(started)) if pid != std::process::id() => {
            crate::platform::process::alive(&crate::platform::ProcessId {
                pid,
                started: started.clone(),
            })
        }
        _ => false,
    }
}
