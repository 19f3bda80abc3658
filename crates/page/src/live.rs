//! The page server's side of the IPC: one subscription to the service, kept open and
//! reopened, whose events update [`Live`]; and the logins the page asks for, each on its own
//! connection, as the tray does. The service applies its own rules to every request: the page
//! can ask for nothing the user could not ask with `rd-agent login`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rd_agent::agent::ipc::{self, IpcError};
use rd_agent::agent::protocol::{HISTORY_DAYS, Message};
use rd_agent::i18n::Msg;
use rd_agent::ledger::History;

use crate::Shared;
use crate::checks::Answers;
use crate::today::{Choice, Outcome};

/// Keep a subscription open for the life of the server.
pub(crate) async fn follow(shared: Arc<Shared>, socket: PathBuf) {
    let mut backoff = Duration::from_secs(1);
    loop {
        if let Ok(mut c) = ipc::connect(&socket).await
            && let Ok(Message::Status { state, summary, .. }) = c.subscribe().await
        {
            backoff = Duration::from_secs(1);
            shared.update(|l| {
                l.reached = true;
                l.state = Some(state);
                if let Some(s) = &summary {
                    l.logged_in_here = s.attempt_logged_in_today;
                    l.last_charge = s.last_charge.clone();
                }
            });
            ask_day(&shared, &socket).await;
            // The page speaks the configuration's language when it names one.
            if let Ok(mut asking) = ipc::connect(&socket).await
                && let Ok(view) = asking.config_show().await
            {
                shared.set_configured_lang(view.language());
            }
            while let Ok(Some(msg)) = c.next().await {
                event(&shared, &socket, msg).await;
            }
        }
        shared.update(|l| {
            l.state = None;
            l.finger = None;
            l.scanned = false;
        });
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}

async fn event(shared: &Arc<Shared>, socket: &Path, msg: Message) {
    match msg {
        Message::State { state, .. } => {
            let changed = shared.update(|l| {
                let logging_in = state == rd_agent::agent::AgentState::LoggingIn;
                if logging_in {
                    // A new login (this page's or another client's): the last outcome is old.
                    l.outcome = None;
                } else {
                    l.finger = None;
                    l.scanned = false;
                }
                let changed = l.state.as_ref() != Some(&state);
                if changed {
                    // The day moved on from what the last login left: its outcome is old.
                    l.outcome = None;
                }
                l.state = Some(state);
                changed
            });
            if changed {
                ask_day(shared, socket).await;
            }
        }
        Message::Capture { seconds_left } => shared.update(|l| {
            l.finger = seconds_left;
            l.scanned = seconds_left.is_none();
        }),
        Message::Login(o) => shared.update(|l| {
            l.outcome = Some(Outcome {
                title: o.title(),
                said: o.said(),
                ok: o.ok,
            });
            l.state = Some(o.state.clone());
            l.finger = None;
            l.scanned = false;
        }),
        Message::Status { .. }
        | Message::Devices(_)
        | Message::Config(_)
        | Message::History(_)
        | Message::Reminder { .. }
        | Message::Error { .. } => {}
    }
}

/// The ledger's facts about today (whether the bank cancelled a login that went through,
/// what a login costs), asked on a connection of its own.
async fn ask_day(shared: &Arc<Shared>, socket: &Path) {
    let Ok(mut c) = ipc::connect(socket).await else {
        return;
    };
    if let Ok(Message::Status {
        summary: Some(s), ..
    }) = c.status().await
    {
        shared.update(|l| {
            l.logged_in_here = s.attempt_logged_in_today;
            l.last_charge = s.last_charge.clone();
        });
    }
}

/// Ask the service for the login `choice` names; the answer (and the countdown before it)
/// arrives on the subscription too, so this only notes a failure to ask.
pub(crate) async fn login(shared: Arc<Shared>, socket: PathBuf, choice: Choice) {
    let result = match ipc::connect(&socket).await {
        Ok(mut c) => c.login_with(choice.flags()).await.map(|_| ()),
        Err(e) => Err(e),
    };
    shared.update(|l| {
        l.asked = false;
        if let Err(e) = &result {
            l.refused = Some(refusal(e));
        }
    });
}

pub(crate) fn refusal(e: &IpcError) -> Msg {
    match e {
        IpcError::NotRunning(_) => Msg::new("tray-service-not-running"),
        e => e.msg(),
    }
}

/// The ledger's last days, and whether the service logs in through a relay (whose wallet is
/// the platform's).
pub(crate) async fn history(socket: &Path) -> (Result<History, Msg>, bool) {
    let mut c = match ipc::connect(socket).await {
        Ok(c) => c,
        Err(e) => return (Err(refusal(&e)), false),
    };
    let got = c.history(HISTORY_DAYS).await.map_err(|e| match e {
        IpcError::Refused(said) => said,
        e => refusal(&e),
    });
    let relay = c.config_show().await.is_ok_and(|v| v.relay_mode());
    (got, relay)
}

/// What the checks screen asks: the state, the configuration, the scanners.
pub(crate) async fn checks(socket: &Path) -> Answers {
    let said = |e: IpcError| match e {
        IpcError::Refused(said) => said,
        e => refusal(&e),
    };
    let mut c = match ipc::connect(socket).await {
        Ok(c) => c,
        Err(e) => {
            let why = refusal(&e);
            return Answers {
                state: Err(why.clone()),
                view: Err(why.clone()),
                devices: Err(why),
            };
        }
    };
    let state = match c.status().await {
        Ok(Message::Status { state, summary, .. }) => Ok((state, summary.map(|s| *s))),
        Ok(_) => Err(refusal(&IpcError::Protocol)),
        Err(e) => Err(said(e)),
    };
    let view = c.config_show().await.map_err(said);
    let devices = c.devices().await.map_err(said);
    Answers {
        state,
        view,
        devices,
    }
}
