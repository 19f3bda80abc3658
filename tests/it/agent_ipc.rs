//! The service's state machine over its real IPC endpoint (a Unix socket in a temp dir; on
//! Windows a named pipe per temp dir), in-process with a fake backend: status, login and
//! subscriptions, the client cap and the peer check. The scheduler is in agent_schedule.rs; the
//! `rd-agent run` binary with the sandbox in agent_run.rs.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, TimeZone, Utc};
use clock::{Clock, ist, next_ist_midnight};
use rd_agent::agent::BoxFuture;
use rd_agent::agent::Schedule;
use rd_agent::agent::Watchdog;
use rd_agent::agent::ipc::{self, PeerPolicy};
use rd_agent::agent::protocol::Message;
use rd_agent::agent::{Agent, AgentState, Backend, LoginSummary};
use rd_agent::devices::DeviceReport;

#[cfg(unix)]
use crate::support::euid;
use crate::support::{connect, next_event, subscribed, within};

/// The clock the tests set (one shared handle, `clock::ManualClock`).
pub(crate) type SetClock = clock::ManualClock;

/// InstantPay and the scanner, reduced to what the agent sees: logged in until some instant.
pub(crate) struct FakeBackend {
    clock: SetClock,
    until: Mutex<Option<DateTime<Utc>>>,
    logins: Mutex<u32>,
    /// When set, the next check never returns (a hung call), after saying it started.
    pub(crate) hang: std::sync::atomic::AtomicBool,
    pub(crate) hung: tokio::sync::Notify,
}

impl Backend for FakeBackend {
    fn check(&self) -> BoxFuture<'_, AgentState> {
        Box::pin(async move {
            if self.hang.load(std::sync::atomic::Ordering::SeqCst) {
                self.hung.notify_one();
                std::future::pending::<()>().await;
            }
            match *self.until.lock().unwrap() {
                Some(until) if self.clock.now() < until => AgentState::LoggedIn { until },
                _ => AgentState::LoginRequired,
            }
        })
    }

    fn login<'a>(
        &'a self,
        _flags: rd_agent::login::LoginFlags,
        progress: &'a dyn rd_agent::login::Progress,
    ) -> BoxFuture<'a, LoginSummary> {
        Box::pin(async move {
            // The wait for the finger, as the live scanner reports it.
            progress.countdown(rd_agent::login::Countdown::Left(10));
            progress.countdown(rd_agent::login::Countdown::Done);
            *self.logins.lock().unwrap() += 1;
            let until = next_ist_midnight(self.clock.now());
            *self.until.lock().unwrap() = Some(until);
            LoginSummary::new(
                true,
                rd_agent::i18n::Msg::new("agent-logged-in"),
                AgentState::LoggedIn { until },
                Some(true),
            )
        })
    }

    fn devices(&self) -> BoxFuture<'_, DeviceReport> {
        Box::pin(async {
            DeviceReport {
                error: Some("no scan in this test".into()),
                ..DeviceReport::default()
            }
        })
    }
}

/// IST wall time on 2026-11-`d`.
pub(crate) fn ist_at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    ist()
        .with_ymd_and_hms(2026, 11, d, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

pub(crate) struct Running {
    _dir: tempfile::TempDir,
    pub(crate) sock: std::path::PathBuf,
    pub(crate) agent: Arc<Agent>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub(crate) task: tokio::task::JoinHandle<()>,
}

impl Running {
    pub(crate) async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        within(self.task).await.unwrap();
        assert!(
            !self.sock.exists(),
            "the socket file is removed on shutdown"
        );
    }
}

pub(crate) async fn start(clock: SetClock, policy: PeerPolicy) -> (Running, Arc<FakeBackend>) {
    start_with(clock, policy, None).await
}

pub(crate) async fn start_with(
    clock: SetClock,
    policy: PeerPolicy,
    watchdog: Option<Watchdog>,
) -> (Running, Arc<FakeBackend>) {
    let dir = tempfile::tempdir().unwrap();
    let sock = ipc::socket_path(Some(dir.path()));
    let backend = Arc::new(FakeBackend {
        clock: clock.clone(),
        until: Mutex::new(None),
        logins: Mutex::new(0),
        hang: Default::default(),
        hung: Default::default(),
    });
    let agent = Agent::new(backend.clone(), Arc::new(clock), Schedule::default());
    if let Some(w) = watchdog {
        agent.set_watchdog(w);
    }
    let listener = ipc::bind(&sock).await.unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(rd_agent::agent::run(
        listener,
        async move {
            let _ = rx.await;
        },
        agent.clone(),
        policy,
    ));
    let running = Running {
        _dir: dir,
        sock,
        agent,
        stop: Some(tx),
        task,
    };
    (running, backend)
}

/// This test's own account: its uid on Unix; on Windows the production policy (the pipe's
/// DACL, and a token check this account passes as the service's own).
pub(crate) fn own_policy() -> PeerPolicy {
    #[cfg(unix)]
    return PeerPolicy::only(vec![euid()], vec![]);
    #[cfg(windows)]
    return PeerPolicy::system();
}

#[tokio::test]
async fn status_login_subscribe_and_clean_shutdown() {
    let clock = SetClock::new(ist_at(22, 10, 0));
    let (svc, backend) = start(clock.clone(), own_policy()).await;
    let (mut sub, first) = subscribed(&svc.sock).await;
    assert_eq!(first, AgentState::LoginRequired);

    let mut c = connect(&svc.sock).await.unwrap();
    match within(c.status()).await.unwrap() {
        Message::Status {
            state, sentence, ..
        } => {
            assert_eq!(state, AgentState::LoginRequired);
            assert!(sentence.contains("Daily login needed"));
        }
        m => panic!("unexpected {m:?}"),
    }

    let outcome = within(c.login(false)).await.unwrap();
    assert!(outcome.ok);
    let midnight = ist_at(23, 0, 0);
    assert_eq!(outcome.state, AgentState::LoggedIn { until: midnight });
    assert_eq!(*backend.logins.lock().unwrap(), 1);

    // The subscriber saw each change, in order, the wait for the finger (the tray's
    // countdown), then the login result.
    assert!(matches!(
        next_event(&mut sub).await,
        Message::State {
            state: AgentState::LoggingIn,
            ..
        }
    ));
    assert_eq!(
        next_event(&mut sub).await,
        Message::Capture {
            seconds_left: Some(10)
        }
    );
    assert_eq!(
        next_event(&mut sub).await,
        Message::Capture { seconds_left: None }
    );
    assert!(matches!(next_event(&mut sub).await,
        Message::State { state: AgentState::LoggedIn { until }, .. } if until == midnight));
    assert!(matches!(next_event(&mut sub).await, Message::Login(o) if o.ok));

    match within(c.status()).await.unwrap() {
        Message::Status { state, .. } => {
            assert_eq!(state, AgentState::LoggedIn { until: midnight })
        }
        m => panic!("unexpected {m:?}"),
    }
    let devices = within(c.devices()).await.unwrap();
    assert_eq!(devices.error.as_deref(), Some("no scan in this test"));

    // Garbage gets an error and the connection stays usable.
    c.send_raw(b"{\"v\":2,\"cmd\":\"reboot\"}\n").await.unwrap();
    assert!(matches!(
        within(c.next()).await.unwrap(),
        Some(Message::Error { said: Some(m), .. }) if m.id == "agent-request-not-understood"
    ));
    // A tray from before the protocol had versions is told to restart, in words.
    c.send_raw(b"{\"cmd\":\"status\"}\n").await.unwrap();
    match within(c.next()).await.unwrap() {
        Some(Message::Error { message, .. }) => {
            assert!(
                message.contains("older than the rd-agent service"),
                "{message}"
            )
        }
        m => panic!("unexpected {m:?}"),
    }
    assert!(matches!(
        within(c.status()).await.unwrap(),
        Message::Status { .. }
    ));

    svc.stop().await;
    // Clients see the hang-up.
    assert!(
        within(sub.next())
            .await
            .map(|m| m.is_none())
            .unwrap_or(true)
    );
}

#[tokio::test]
async fn idle_clients_past_the_cap_are_refused_and_the_service_recovers() {
    let clock = SetClock::new(ist_at(22, 10, 0));
    let (svc, _backend) = start(clock, own_policy()).await;
    let mut held = Vec::new();
    for _ in 0..rd_agent::agent::MAX_CLIENTS {
        held.push(connect(&svc.sock).await.unwrap());
    }
    // One more: told the service is busy, and nothing else.
    let mut extra = connect(&svc.sock).await.unwrap();
    match within(extra.status()).await {
        Err(ipc::IpcError::Refused(m)) => assert!(m.english().contains("busy"), "{m}"),
        other => panic!("expected busy, got {other:?}"),
    }
    // The idle ones hang up: their slots come back and a client is served again.
    drop(held);
    within(async {
        loop {
            let mut c = connect(&svc.sock).await.unwrap();
            if c.status().await.is_ok() {
                break;
            }
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
    })
    .await;
    svc.stop().await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_client_failing_the_peer_check_is_refused() {
    // Only root and an unused uid may connect; this test runs as neither (or, as root, the
    // allowed set is some other uid).
    let me = euid();
    let other = if me == 4_000_000 {
        4_000_001
    } else {
        4_000_000
    };
    let clock = SetClock::new(ist_at(22, 10, 0));
    let (svc, backend) = start(clock, PeerPolicy::only(vec![other], vec![])).await;
    let mut c = connect(&svc.sock).await.unwrap();
    match within(c.login(false)).await {
        Err(ipc::IpcError::Refused(m)) => assert!(m.english().contains("rd-agent group"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        *backend.logins.lock().unwrap(),
        0,
        "nothing was done for the refused client"
    );
    // And the connection is closed.
    assert!(matches!(within(c.next()).await, Ok(None) | Err(_)));
    svc.stop().await;
}

/// Windows: a program that took the pipe's name (here this test process, serving a fake
/// service on a state directory's pipe) is not the service, and `rd-agent status` and
/// `rd-agent login` send it nothing: they name its pid and program and fail.
#[cfg(windows)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_will_not_talk_to_another_program_on_the_pipe() {
    let clock = SetClock::new(ist_at(22, 10, 0));
    let (svc, backend) = start(clock, own_policy()).await;
    let state = svc.sock.parent().unwrap().to_path_buf();
    for command in ["status", "login"] {
        let out = tokio::task::spawn_blocking({
            let state = state.clone();
            move || {
                crate::support::rd_agent_std()
                    .arg("--state-dir")
                    .arg(&state)
                    .arg("--socket")
                    .arg(ipc::socket_path(Some(&state)))
                    .arg(command)
                    .output()
                    .unwrap()
            }
        });
        let out = within(out).await.unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{command}: {text}");
        assert!(
            text.contains("is not the rd-agent service")
                && text.contains(&format!("process {}", std::process::id())),
            "{command}: {text}"
        );
    }
    assert_eq!(
        *backend.logins.lock().unwrap(),
        0,
        "nothing was asked of it"
    );
    svc.stop().await;
}
