//! `rd-agent-tray`: the per-user tray icon, with the flags of `rd-agent tray` (which starts
//! this program: src/cli/agent.rs). It holds no secrets and talks only to the service over IPC
//! (docs/architecture.md). A background thread keeps a subscription to the service open
//! (reconnecting when the service restarts) and runs menu actions, each on its own connection
//! and task so the subscription's events keep coming during a login; the main thread owns the
//! icon and sleeps on a channel, so an idle tray has no timers.
//!
//! A crate of its own so that the command line's build leaves out its desktop libraries
//! (tray-icon, and on Linux ksni and zbus). On Windows it is a GUI-subsystem program: no
//! console window opens when the Startup folder starts it at logon.
#![cfg_attr(windows, windows_subsystem = "windows")]

mod app;
mod first_start;
mod icon;
mod model;
mod notify;
mod platform;

use model::{Action, Command, Day};

use std::path::PathBuf;
use std::sync::{Arc, mpsc};
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
    /// What the ledger says about today (asked when a login is due).
    Day(Day),
    /// A menu item was chosen.
    Menu(Action),
    /// The icon itself was clicked.
    IconClicked,
    /// The tray's login request was answered, or failed.
    LoginEnded,
    /// A wake-up the model asked for.
    Tick,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum TrayError {
    #[error(
        "Could not show the tray icon ({0}). Make sure a desktop session with a system tray (StatusNotifier) is running."
    )]
    Icon(String),
    #[error("Could not start the tray's background thread: {0}")]
    Runtime(String),
    #[error("Could not serve the operator's page: {0}")]
    Page(String),
}

/// Run the tray until Quit; with `--page-only`, only the operator's page, until it is left
/// unused (no icon, so no display is needed).
fn run(opts: TrayOptions) -> Result<(), TrayError> {
    if opts.page_only {
        let (_, thread) = rd_agent_page::spawn_thread(page_options(&opts, Some(PAGE_ONLY_IDLE)))
            .map_err(|e| TrayError::Page(e.to_string()))?;
        let _ = thread.join();
        return Ok(());
    }
    app::run(opts)
}

/// How long a page served without a tray waits unused before it ends.
const PAGE_ONLY_IDLE: Duration = Duration::from_secs(30 * 60);

/// The page server's options: the tray's service and language, and the file `rd-agent open`
/// finds it by.
pub(crate) fn page_options(
    opts: &TrayOptions,
    idle_exit: Option<Duration>,
) -> rd_agent_page::PageOptions {
    rd_agent_page::PageOptions {
        socket: opts.socket.clone(),
        lang: opts.lang,
        idle_exit,
        publish_in: rd_agent::page_link::dir(),
    }
}

/// The IPC side: keep a subscription open, forward state to the UI, run commands. Runs until
/// the UI side hangs up.
pub(crate) async fn ipc_loop(
    opts: TrayOptions,
    ui: impl Fn(UiEvent) + Send + Sync + 'static,
    mut commands: tokio::sync::mpsc::UnboundedReceiver<Command>,
    page: Option<rd_agent_page::Link>,
) {
    let ui: Ui = Arc::new(ui);
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
                    if state.needs_login() {
                        ask_day(&opts, &ui);
                    }
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
                    Ok(Some(Message::State { state, .. })) => {
                        if state.needs_login() {
                            ask_day(&opts, &ui);
                        }
                        ui(UiEvent::State(Some(state)));
                    }
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
                // Each on its own task: a login waits ~10 s for the finger, and the countdown
                // comes on the subscription meanwhile.
                cmd = commands.recv() => match cmd {
                    None => return,
                    Some(Command::Login(flags)) => {
                        let (opts, ui) = (opts.clone(), ui.clone());
                        tokio::spawn(async move {
                            login(flags, &opts).await;
                            ui(UiEvent::LoginEnded);
                        });
                    }
                    Some(Command::Run(a)) => {
                        tokio::spawn(run_action(a, opts.clone(), log_dir.clone(), page.clone()));
                    }
                    Some(Command::WakeIn(after)) => {
                        let ui = ui.clone();
                        tokio::spawn(async move {
                            tokio::time::sleep(after).await;
                            ui(UiEvent::Tick);
                        });
                    }
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

/// The UI callback, shared with the tasks.
type Ui = Arc<dyn Fn(UiEvent) + Send + Sync + 'static>;

/// Ask the service for the ledger's facts about today (whether the bank cancelled a login
/// that went through, what a login costs), for the first menu entry. A service that does not
/// send them leaves the plain "Log in now".
fn ask_day(opts: &TrayOptions, ui: &Ui) {
    let (socket, ui) = (opts.socket.clone(), ui.clone());
    tokio::spawn(async move {
        let Ok(mut c) = ipc::connect(&socket).await else {
            return;
        };
        if let Ok(Message::Status {
            summary: Some(s), ..
        }) = c.status().await
        {
            ui(UiEvent::Day(Day::of(&s)));
        }
    });
}

/// Not running is the usual case and has the tray's own sentence; an impostor on the pipe is
/// named as the error says.
fn unreached(e: ipc::IpcError, cat: &Catalog) -> String {
    match e {
        ipc::IpcError::NotRunning(_) => cat.tr("tray-service-not-running"),
        e => cat.render(&e.msg()),
    }
}

/// One login request, on its own connection. Its result arrives as a Login event on the
/// subscription and is shown there; only a failure to ask is shown here.
async fn login(flags: rd_agent::login::LoginFlags, opts: &TrayOptions) {
    let cat = Catalog::get(opts.lang);
    let failed = cat.tr("tray-notify-login-failed");
    match ipc::connect(&opts.socket).await {
        Ok(mut c) => {
            if let Err(e) = c.login_with(flags).await {
                notify::show(IconKind::Problem, &failed, &cat.render(&e.msg())).await;
            }
        }
        Err(e) => notify::show(IconKind::ServiceDown, &failed, &unreached(e, cat)).await,
    }
}

/// Run one menu action other than a login; report through a notification. "Status" is where
/// a problem's full sentence is, the tooltip having only its short one.
async fn run_action(
    action: Action,
    opts: TrayOptions,
    log_dir: PathBuf,
    page: Option<rd_agent_page::Link>,
) {
    let cat = Catalog::get(opts.lang);
    match action {
        Action::Status => {
            let text = match ipc::connect(&opts.socket).await {
                Ok(mut c) => match c.status().await {
                    Ok(Message::Status { state, .. }) => cat.render(&state.msg()),
                    Ok(_) => cat.tr("tray-unexpected-reply"),
                    Err(e) => cat.render(&e.msg()),
                },
                Err(e) => unreached(e, cat),
            };
            notify::show(IconKind::Working, &cat.tr("tray-notify-status"), &text).await;
        }
        Action::Devices => {
            let text = match ipc::connect(&opts.socket).await {
                Ok(mut c) => match c.devices().await {
                    Ok(d) => d.summary(cat),
                    Err(e) => cat.render(&e.msg()),
                },
                Err(e) => unreached(e, cat),
            };
            notify::show(IconKind::Working, &cat.tr("tray-notify-devices"), &text).await;
        }
        Action::OpenLogFolder => open_folder(&log_dir),
        Action::OpenPage => match page {
            Some(link) => {
                if let Err(e) = rd_agent::page_link::open_in_browser(&link.fresh_url()) {
                    tracing::warn!(error = %e, "could not open the browser");
                }
            }
            None => tracing::warn!("the operator's page is not served"),
        },
        // Logins are `Command::Login`s; Quit ends the UI loop.
        Action::LoginNow
        | Action::UseNewScanner
        | Action::LoginDespiteDeclines
        | Action::LoginAgain
        | Action::ConfirmLoginAgain
        | Action::Quit => {}
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
