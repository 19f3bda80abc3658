//! `rd-agent-tray`: the per-user tray icon, with the flags of `rd-agent tray` (which starts
//! this program: src/cli/agent.rs). It holds no secrets and talks only to the service over IPC
//! (docs/architecture.md). A background thread keeps a subscription to the service open
//! (reconnecting when the service restarts) and runs menu actions; the main thread owns the
//! icon and sleeps on a channel, so an idle tray has no timers.
//!
//! A crate of its own so that the command line's build leaves out its desktop libraries
//! (tray-icon, and on Linux ksni and zbus). On Windows it is a GUI-subsystem program: no
//! console window opens when the Startup folder starts it at logon.
#![cfg_attr(windows, windows_subsystem = "windows")]

mod app;
mod icon;
mod model;
mod notify;
mod platform;

use model::Action;

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use model::IconKind;
use rd_agent::agent::AgentState;
use rd_agent::agent::ipc;
use rd_agent::agent::protocol::Message;
use rd_agent::cli::TrayOptions;
use rd_agent::i18n::Catalog;

fn main() -> std::process::ExitCode {
    rd_agent::cli::tray_main(|opts| run(opts).map_err(|e| e.to_string()))
}

/// What the UI thread is told.
#[derive(Debug, Clone)]
pub(crate) enum UiEvent {
    /// The service's state, or `None` when it is not reachable.
    State(Option<AgentState>),
    /// Seconds left for the finger while the service captures; `None` when it ended.
    Capture(Option<u32>),
    /// A menu item or the icon was clicked.
    Menu(Action),
    /// The icon itself was clicked.
    IconClicked,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum TrayError {
    #[error(
        "Could not show the tray icon ({0}). Make sure a desktop session with a system tray (StatusNotifier) is running."
    )]
    Icon(String),
    #[error("Could not start the tray's background thread: {0}")]
    Runtime(String),
}

/// Run the tray until Quit.
fn run(opts: TrayOptions) -> Result<(), TrayError> {
    app::run(opts)
}

/// Commands from the UI thread to the IPC thread.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Command {
    Run(Action),
}

/// The IPC side: keep a subscription open, forward state to the UI, run commands. Runs until
/// the UI side hangs up.
pub(crate) async fn ipc_loop(
    opts: TrayOptions,
    ui: impl Fn(UiEvent) + Send + Sync + 'static,
    mut commands: tokio::sync::mpsc::UnboundedReceiver<Command>,
) {
    let ui = std::sync::Arc::new(ui);
    let cat = Catalog::get(opts.lang);
    let mut backoff = Duration::from_secs(1);
    let mut log_dir = opts.fallback_log_dir.clone();
    let mut was_up = None;
    loop {
        let mut sub = match ipc::connect(&opts.socket).await {
            Ok(mut c) => match c.subscribe().await {
                Ok(Message::Status {
                    state, log_dir: ld, ..
                }) => {
                    if let Some(ld) = ld {
                        log_dir = PathBuf::from(ld);
                    }
                    backoff = Duration::from_secs(1);
                    ui(UiEvent::State(Some(state)));
                    was_up = Some(true);
                    Some(c)
                }
                Ok(_) => None,
                Err(e) => {
                    tracing::warn!(error = %e, "the service refused the subscription");
                    None
                }
            },
            Err(_) => None,
        };
        if sub.is_none() && was_up != Some(false) {
            ui(UiEvent::State(None));
            was_up = Some(false);
        }
        // Serve commands while subscribed (or while waiting to reconnect).
        let subscribed = sub.is_some();
        loop {
            let next = async {
                match sub.as_mut() {
                    Some(c) => c.next().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                msg = next => match msg {
                    Ok(Some(Message::State { state, .. })) => ui(UiEvent::State(Some(state))),
                    Ok(Some(Message::Capture { seconds_left })) => ui(UiEvent::Capture(seconds_left)),
                    Ok(Some(Message::Reminder { .. })) => {
                        notify::show(
                            IconKind::LoginRequired,
                            &cat.tr("tray-notify-login-needed"),
                            &cat.tr("agent-reminder"),
                        )
                        .await;
                    }
                    Ok(Some(Message::Login(o))) => {
                        let kind = if o.ok { IconKind::LoggedIn } else { IconKind::Problem };
                        notify::show(kind, &cat.render(&o.title()), &cat.render(&o.said())).await;
                    }
                    Ok(Some(_)) => {}
                    // The service went away: show it, then reconnect.
                    Ok(None) | Err(_) => break,
                },
                cmd = commands.recv() => match cmd {
                    None => return,
                    Some(Command::Run(a)) => run_action(a, &opts, &log_dir).await,
                },
                // Not subscribed: retry with a growing pause (at most once a minute).
                _ = tokio::time::sleep(backoff), if !subscribed => {
                    backoff = (backoff * 2).min(Duration::from_secs(60));
                    break;
                }
            }
        }
        if sub.is_some() {
            ui(UiEvent::State(None));
            was_up = Some(false);
        }
    }
}

/// Run one menu action against the service; report through a notification.
async fn run_action(action: Action, opts: &TrayOptions, log_dir: &std::path::Path) {
    let cat = Catalog::get(opts.lang);
    let down = cat.tr("tray-service-not-running");
    let failed = cat.tr("tray-notify-login-failed");
    // Not running is the usual case and has the tray's own sentence; an impostor on the pipe
    // is named as the error says.
    let unreached = |e: ipc::IpcError| match e {
        ipc::IpcError::NotRunning(_) => down.clone(),
        e => cat.render(&e.msg()),
    };
    let (unreached_ref, failed_ref) = (&unreached, &failed);
    let login = |flags: rd_agent::login::LoginFlags| async move {
        let (unreached, failed) = (unreached_ref, failed_ref);
        match ipc::connect(&opts.socket).await {
            // The result arrives as a Login event on the subscription and is shown there.
            Ok(mut c) => {
                if let Err(e) = c.login_with(flags).await {
                    notify::show(IconKind::Problem, failed, &cat.render(&e.msg())).await;
                }
            }
            Err(e) => notify::show(IconKind::ServiceDown, failed, &unreached(e)).await,
        }
    };
    match action {
        Action::LoginNow => login(Default::default()).await,
        Action::UseNewScanner => {
            login(rd_agent::login::LoginFlags {
                accept_new_device: true,
                ..Default::default()
            })
            .await
        }
        Action::LoginDespiteDeclines => {
            login(rd_agent::login::LoginFlags {
                despite_declines: true,
                ..Default::default()
            })
            .await
        }
        Action::Status => {
            let text = match ipc::connect(&opts.socket).await {
                Ok(mut c) => match c.status().await {
                    Ok(Message::Status { state, .. }) => cat.render(&state.msg()),
                    Ok(_) => cat.tr("tray-unexpected-reply"),
                    Err(e) => cat.render(&e.msg()),
                },
                Err(e) => unreached(e),
            };
            notify::show(IconKind::Working, &cat.tr("tray-notify-status"), &text).await;
        }
        Action::Devices => {
            let text = match ipc::connect(&opts.socket).await {
                Ok(mut c) => match c.devices().await {
                    Ok(d) => d.summary(cat),
                    Err(e) => cat.render(&e.msg()),
                },
                Err(e) => unreached(e),
            };
            notify::show(IconKind::Working, &cat.tr("tray-notify-devices"), &text).await;
        }
        Action::OpenLogFolder => open_folder(log_dir),
        Action::Quit => {}
    }
}

fn open_folder(dir: &std::path::Path) {
    let _ = std::fs::create_dir_all(dir);
    if let Err(e) = std::process::Command::new(platform::FOLDER_OPENER)
        .arg(dir)
        .spawn()
    {
        tracing::warn!(error = %e, dir = %dir.display(), "could not open the log folder");
    }
}

/// A std channel sender as the UI callback (used by the platform loop).
pub(crate) fn channel_ui(tx: mpsc::Sender<UiEvent>) -> impl Fn(UiEvent) + Send + Sync + 'static {
    let tx = std::sync::Mutex::new(tx);
    move |e| {
        if let Ok(tx) = tx.lock() {
            let _ = tx.send(e);
        }
    }
}
