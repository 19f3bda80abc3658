//! The service over its real IPC endpoint (a Unix socket in a temp dir; on Windows a named
//! pipe per temp dir): the state machine, the scheduler with a set clock, subscriptions and
//! the peer check. The end-to-end tests with the `rd-agent run` binary and the sandbox are
//! further down. What needs signals, another Unix user or the Linux packaging is Unix-only.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
use clock::{Clock, ist, next_ist_midnight};
use rd_agent::agent::backend::BoxFuture;
use rd_agent::agent::ipc::{self, Message, PeerPolicy};
use rd_agent::agent::schedule::Schedule;
use rd_agent::agent::watchdog::Watchdog;
use rd_agent::agent::{Agent, AgentState, Backend, LoginSummary};

/// The clock the tests set (one shared handle, `clock::ManualClock`).
type SetClock = clock::ManualClock;

/// InstantPay and the scanner, reduced to what the agent sees: logged in until some instant.
struct FakeBackend {
    clock: SetClock,
    until: Mutex<Option<DateTime<Utc>>>,
    logins: Mutex<u32>,
    /// When set, the next check never returns (a hung call), after saying it started.
    hang: std::sync::atomic::AtomicBool,
    hung: tokio::sync::Notify,
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
        _flags: rd_agent::agent::backend::LoginFlags,
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

    fn devices(&self) -> BoxFuture<'_, serde_json::Value> {
        Box::pin(async { serde_json::json!([{"port": 11100, "status": "READY"}]) })
    }
}

/// IST wall time on 2026-11-`d`.
fn ist_at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    ist()
        .with_ymd_and_hms(2026, 11, d, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

struct Running {
    _dir: tempfile::TempDir,
    sock: std::path::PathBuf,
    agent: Arc<Agent>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        within(self.task).await.unwrap();
        assert!(
            !self.sock.exists(),
            "the socket file is removed on shutdown"
        );
    }
}

async fn start(clock: SetClock, policy: PeerPolicy) -> (Running, Arc<FakeBackend>) {
    start_with(clock, policy, None).await
}

async fn start_with(
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

/// Bound every wait so a broken service fails the test instead of hanging it.
async fn within<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(StdDuration::from_secs(20), f)
        .await
        .expect("the service answered")
}

async fn next_event(c: &mut ipc::Connection) -> Message {
    within(c.next()).await.unwrap().expect("an event")
}

/// Subscribe and return once the start-up check has settled the state.
async fn subscribed(sock: &std::path::Path) -> (ipc::Connection, AgentState) {
    let mut sub = connect(sock).await.unwrap();
    let mut state = match within(sub.subscribe()).await.unwrap() {
        Message::Status { state, .. } => state,
        m => panic!("unexpected {m:?}"),
    };
    while state == AgentState::Unknown {
        state = match next_event(&mut sub).await {
            Message::State { state, .. } => state,
            m => panic!("unexpected {m:?}"),
        };
    }
    (sub, state)
}

/// Connect as the tray and the CLI do, expecting (with no Windows service registered) the
/// `rd-agent` program this test starts, or this test process itself.
async fn connect(sock: &std::path::Path) -> Result<ipc::Connection, ipc::IpcError> {
    ipc::connect_expecting(sock, assert_cmd::cargo::cargo_bin!("rd-agent")).await
}

#[cfg(unix)]
fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() }
}

/// This test's own account: its uid on Unix; on Windows the production policy (the pipe's
/// DACL, and a token check this account passes as the service's own).
fn own_policy() -> PeerPolicy {
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
    assert_eq!(devices[0]["status"], "READY");

    // Garbage gets an error and the connection stays usable.
    c.send_raw(b"{\"cmd\":\"reboot\"}\n").await.unwrap();
    assert!(matches!(
        within(c.next()).await.unwrap(),
        Some(Message::Error { .. })
    ));
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
async fn midnight_rollover_and_reminders_with_a_set_clock() {
    let clock = SetClock::new(ist_at(22, 7, 59));
    let (svc, _backend) = start(clock.clone(), own_policy()).await;
    let (mut sub, first) = subscribed(&svc.sock).await;
    assert_eq!(first, AgentState::LoginRequired);

    // 08:00 IST, login still required: the reminder.
    clock.set(ist_at(22, 8, 0));
    svc.agent.wake();
    assert!(matches!(
        next_event(&mut sub).await,
        Message::Reminder { .. }
    ));

    // Log in at 08:30: logged in until midnight IST.
    clock.set(ist_at(22, 8, 30));
    let mut c = connect(&svc.sock).await.unwrap();
    assert!(within(c.login(false)).await.unwrap().ok);
    assert!(matches!(
        next_event(&mut sub).await,
        Message::State {
            state: AgentState::LoggingIn,
            ..
        }
    ));
    assert!(matches!(
        next_event(&mut sub).await,
        Message::Capture { .. }
    ));
    assert!(matches!(
        next_event(&mut sub).await,
        Message::Capture { .. }
    ));
    assert!(matches!(
        next_event(&mut sub).await,
        Message::State {
            state: AgentState::LoggedIn { .. },
            ..
        }
    ));
    assert!(matches!(next_event(&mut sub).await, Message::Login(_)));

    // 09:00: logged in, so the 09:00 slot passes without a reminder. Then midnight: the next
    // event is the state falling back to login required (no stale reminder before it).
    clock.set(ist_at(22, 9, 0));
    svc.agent.wake();
    let _ = within(c.status()).await.unwrap();
    clock.set(ist_at(23, 0, 0) + Duration::seconds(1));
    svc.agent.wake();
    match next_event(&mut sub).await {
        Message::State { state, since, .. } => {
            assert_eq!(state, AgentState::LoginRequired);
            assert_eq!(since, ist_at(23, 0, 0) + Duration::seconds(1));
        }
        m => panic!("expected the midnight rollover, got {m:?}"),
    }

    // The next morning's reminder comes at 08:00 again.
    clock.set(ist_at(23, 8, 0));
    svc.agent.wake();
    assert!(matches!(
        next_event(&mut sub).await,
        Message::Reminder { .. }
    ));
    svc.stop().await;
}

/// The watchdog's view: pinged at least every `every` while the scheduler loop turns; once a
/// check hangs the pings stop, so the manager, waiting twice `every` (WatchdogSec), sees a hung
/// service and restarts it.
#[tokio::test]
async fn the_scheduler_loop_pings_the_watchdog_and_a_hung_check_stops_the_pings() {
    let every = StdDuration::from_millis(20);
    let pings = Arc::new(Mutex::new(Vec::<std::time::Instant>::new()));
    let record = pings.clone();
    let watchdog = Watchdog::new(every, move || {
        record.lock().unwrap().push(std::time::Instant::now())
    });
    let clock = SetClock::new(ist_at(22, 10, 0));
    let (svc, backend) = start_with(clock, own_policy(), Some(watchdog)).await;

    // Idle (the next scheduled wake is hours away), the loop still comes round to ping.
    within(async {
        while pings.lock().unwrap().len() < 10 {
            tokio::time::sleep(every).await;
        }
    })
    .await;

    // A check that never returns: the loop is stuck inside it and pings no more.
    backend
        .hang
        .store(true, std::sync::atomic::Ordering::SeqCst);
    svc.agent.trigger(rd_agent::agent::Trigger::Recheck);
    within(backend.hung.notified()).await;
    let before = pings.lock().unwrap().len();
    let last = *pings.lock().unwrap().last().unwrap();
    tokio::time::sleep(every * 10).await;
    assert_eq!(
        pings.lock().unwrap().len(),
        before,
        "a hung loop does not ping"
    );
    assert!(
        last.elapsed() > every * 2,
        "past WatchdogSec without a ping: the manager sees the service as hung"
    );
    // IPC still answers (its tasks are not the loop): the hang is only visible to the watchdog.
    let mut c = connect(&svc.sock).await.unwrap();
    assert!(within(c.status()).await.is_ok());
    // The hung check holds the login lock, so a stop would wait out the login drain: abort.
    svc.task.abort();
}

#[tokio::test]
async fn idle_clients_past_the_cap_are_refused_and_the_service_recovers() {
    let clock = SetClock::new(ist_at(22, 10, 0));
    let (svc, _backend) = start(clock, own_policy()).await;
    let mut held = Vec::new();
    for _ in 0..rd_agent::agent::server::MAX_CLIENTS {
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

// ---- End to end: the `rd-agent run` binary with the sandbox ----------------------------------

mod e2e {
    use super::*;
    use rd_agent::config::{Secrets, StoredAadhaar};
    use sandbox::instantpay::{self as ipay, SandboxConfig};
    use sandbox::rd::{SimOptions, SimulatedRd, vendor};
    use std::path::Path;
    use std::process::{Child, Stdio};

    use crate::support::{ChildGuard as Service, rd_agent_std};

    fn write_config(dir: &Path, base_url: &str, rd_port: u16) -> std::path::PathBuf {
        let cfg = dir.join("config.toml");
        std::fs::write(
            &cfg,
            format!(
                r#"[instantpay]
base_url = "{base_url}"
client_id = "{}"
outlet_id = "{}"
endpoint_ip = "{}"

[outlet]
latitude = "{}"
longitude = "{}"

[rd]
host = "127.0.0.1"
ports = "{rd_port}-{rd_port}"
"#,
                ipay::DEMO_CLIENT_ID,
                ipay::DEMO_OUTLET_ID,
                ipay::DEMO_ENDPOINT_IP,
                ipay::DEMO_LATITUDE,
                ipay::DEMO_LONGITUDE,
            ),
        )
        .unwrap();
        let outlet = ipay::DemoOutlet::demo();
        Secrets {
            client_secret: Some(outlet.client_secret.clone()),
            encryption_key: Some(outlet.encryption_key.clone()),
            aadhaar: Some(StoredAadhaar::Valid(outlet.aadhaar.clone())),
            relay_token: None,
        }
        .save(&dir.join("secrets.toml"))
        .unwrap();
        cfg
    }

    async fn wait_for_socket(sock: &Path, child: &mut Child) -> ipc::Connection {
        for _ in 0..400 {
            if let Ok(c) = connect(sock).await {
                return c;
            }
            if let Ok(Some(st)) = child.try_wait() {
                panic!("rd-agent run exited early: {st}");
            }
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        panic!("rd-agent run never opened {}", sock.display());
    }

    /// Both sandboxes, and a config for them (with the demo secrets) in `dir`.
    async fn sandboxes(dir: &Path) -> (ipay::SandboxInstantPay, SimulatedRd, std::path::PathBuf) {
        let ipay = ipay::start(SandboxConfig::default()).await.unwrap();
        let rd = SimulatedRd::start(SimOptions::new(vendor("mantra-mfs100").unwrap()))
            .await
            .unwrap();
        let cfg = write_config(dir, ipay.base_url(), rd.port());
        (ipay, rd, cfg)
    }

    /// `rd-agent run` on `state` (on `socket` when given), stderr piped for the test to read,
    /// once it answers on its endpoint.
    async fn start_service(
        cfg: &Path,
        state: &Path,
        socket: Option<&Path>,
    ) -> (Service, ipc::Connection) {
        let mut cmd = rd_agent_std();
        cmd.arg("--config").arg(cfg).arg("--state-dir").arg(state);
        if let Some(s) = socket {
            cmd.arg("--socket").arg(s);
        }
        let child = cmd
            .arg("run")
            .env("RD_AGENT_LOG", "debug")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut svc = Service::new(child);
        let sock = socket
            .map(Path::to_path_buf)
            .unwrap_or_else(|| ipc::socket_path(Some(state)));
        let conn = wait_for_socket(&sock, svc.child()).await;
        (svc, conn)
    }

    /// The service says what is wrong as a message id and its values; each client renders it
    /// in its own language: the tray in Hindi, `rd-agent status` in Hindi, `--json` in English.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_device_problem_reaches_each_client_in_its_own_language() {
        use rd_agent::i18n::{Catalog, Lang};
        let dir = tempfile::tempdir().unwrap();
        let (_ipay, rd, cfg) = sandboxes(dir.path()).await;
        rd.shutdown().await;
        let (_svc, _first) = start_service(&cfg, dir.path(), None).await;
        let sock = ipc::socket_path(Some(dir.path()));
        let (_sub, state) = subscribed(&sock).await;
        let AgentState::DeviceProblem { reason } = &state else {
            panic!("expected device_problem, got {state:?}");
        };
        // No RD Service answers; which sentence depends on whether USB can be read here.
        assert!(
            ["rd-not-found", "agent-scanner-not-connected"].contains(&reason.id.as_ref()),
            "{reason:?}"
        );
        let hi = rd_agent::tray::model::view(Some(&state), Lang::Hi);
        let en = rd_agent::tray::model::view(Some(&state), Lang::En);
        let devanagari = |t: &str| t.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c));
        assert!(devanagari(&hi.tooltip), "{}", hi.tooltip);
        assert!(!devanagari(&en.tooltip), "{}", en.tooltip);
        assert_eq!(Catalog::get(Lang::En).render(reason), state.sentence());

        let status = |lang: &str, json: bool| {
            let mut c = rd_agent_std();
            c.arg("--config")
                .arg(&cfg)
                .arg("--state-dir")
                .arg(dir.path());
            c.arg("status");
            if json {
                c.arg("--json");
            }
            c.env_remove("LC_ALL")
                .env_remove("LC_MESSAGES")
                .env("LANG", lang);
            c.output().unwrap()
        };
        let out = status("hi_IN.UTF-8", false);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(text.starts_with("सर्विस: "), "{text}");
        assert!(devanagari(text.lines().next().unwrap_or("")), "{text}");
        let hi: serde_json::Value =
            serde_json::from_slice(&status("hi_IN.UTF-8", true).stdout).unwrap();
        let en: serde_json::Value =
            serde_json::from_slice(&status("C.UTF-8", true).stdout).unwrap();
        assert_eq!(hi, en);
        assert_eq!(hi["via"], "service");
        assert!(!devanagari(&hi.to_string()), "{hi}");
    }

    /// Windows: a client expecting another program on the pipe than the one answering it
    /// (here `rd-agent run`, while this test expects itself) refuses before sending anything.
    #[cfg(windows)]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_client_checks_the_program_answering_the_pipe() {
        let dir = tempfile::tempdir().unwrap();
        let (_ipay, _rd, cfg) = sandboxes(dir.path()).await;
        let (_svc, _first) = start_service(&cfg, dir.path(), None).await;
        let sock = ipc::socket_path(Some(dir.path()));
        let me = std::env::current_exe().unwrap();
        match ipc::connect_expecting(&sock, &me).await {
            Err(ipc::IpcError::NotTheService { pid, program, .. }) => {
                assert_ne!(pid, std::process::id());
                assert!(program.to_lowercase().contains("rd-agent.exe"), "{program}");
            }
            other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
        }
    }

    /// A login died a moment ago with its request in flight: the service shows it is checking
    /// that attempt (the tray's "checking the earlier attempt"), refuses to send another, and
    /// names the time after which it will ask again.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_service_shows_it_is_settling_an_earlier_attempt_and_sends_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (ipay, _rd, cfg) = sandboxes(dir.path()).await;
        {
            let mut l = rd_agent::ledger::Ledger::open(&dir.path().join("ledger.sqlite3")).unwrap();
            l.begin(
                &rd_agent::ledger::NewAttempt {
                    external_ref: "RDACRASHED0002".into(),
                    ..Default::default()
                },
                chrono::Utc::now(),
            )
            .unwrap();
        }
        let (_svc, _first) = start_service(&cfg, dir.path(), None).await;
        let (_sub, state) = subscribed(&ipc::socket_path(Some(dir.path()))).await;
        let AgentState::Settling { until } = state else {
            panic!("expected settling, got {state:?}");
        };
        // The default window is 120 s from the attempt.
        assert!(
            until > chrono::Utc::now() + Duration::seconds(60),
            "{until}"
        );
        let view = rd_agent::tray::model::view(Some(&state), rd_agent::i18n::Lang::En);
        assert!(
            view.tooltip
                .starts_with("Checking the earlier login attempt"),
            "{}",
            view.tooltip
        );

        let mut c = connect(&ipc::socket_path(Some(dir.path()))).await.unwrap();
        let outcome = within(c.login(false)).await.unwrap();
        assert!(!outcome.ok);
        assert!(
            matches!(outcome.state, AgentState::Settling { .. }),
            "{outcome:?}"
        );
        assert_eq!(
            ipay.state().login_requests(),
            0,
            "nothing sent while it may be charged"
        );
    }

    /// Two declined fingers over IPC: the service holds the next login (state
    /// `declines_held`, nothing captured or sent) and the tray's first entry becomes the
    /// confirming "Log in anyway"; that login goes out, and the service never retried alone.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_declines_hold_the_service_until_the_tray_confirms() {
        use ::sandbox::instantpay::Fault;
        let dir = tempfile::tempdir().unwrap();
        let (ipay, _rd, cfg) = sandboxes(dir.path()).await;
        ipay.state()
            .set_fault(instantpay::PATH_LOGIN, Some(Fault::BiometricMismatch));
        let (_svc, _first) = start_service(&cfg, dir.path(), None).await;
        let sock = ipc::socket_path(Some(dir.path()));
        let mut c = connect(&sock).await.unwrap();
        let first = within(c.login(false)).await.unwrap();
        assert_eq!(first.state, AgentState::LoginRequired, "{first:?}");
        let second = within(c.login(false)).await.unwrap();
        assert_eq!(
            second.state,
            AgentState::DeclinesHeld { declines: 2 },
            "{second:?}"
        );
        let held = within(c.login(false)).await.unwrap();
        assert!(!held.ok && held.charged == Some(false), "{held:?}");
        assert_eq!(ipay.state().login_requests(), 2);
        let view = rd_agent::tray::model::view(Some(&held.state), rd_agent::i18n::Lang::En);
        assert_eq!(
            view.menu[0].0,
            rd_agent::tray::model::Action::LoginDespiteDeclines
        );
        assert!(
            view.tooltip.contains("2 logins in a row were declined"),
            "{view:?}"
        );

        let anyway = within(c.login_with(rd_agent::agent::backend::LoginFlags {
            despite_declines: true,
            ..Default::default()
        }))
        .await
        .unwrap();
        assert!(!anyway.ok, "the finger still does not match: {anyway:?}");
        assert_eq!(
            ipay.state().login_requests(),
            3,
            "the confirmed login went out"
        );
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        assert_eq!(
            ipay.state().login_requests(),
            3,
            "the service never retries a decline"
        );
    }

    /// The shop's pinned scanner is another one: a login over IPC (the tray's "Log in now")
    /// sends nothing and leaves the service in `new_scanner`; the tray's "Log in with this new
    /// scanner" (a login that accepts it) logs in and pins the scanner it used.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_new_scanner_is_refused_over_ipc_until_the_tray_accepts_it() {
        let dir = tempfile::tempdir().unwrap();
        let (ipay, _rd, cfg) = sandboxes(dir.path()).await;
        let usual = rd_agent::ledger::Device {
            dp_id: "STARTEK.ACPL".into(),
            mi: "FM220U".into(),
            srno: "S0001".into(),
            mc_sha256: "00".repeat(32),
        };
        rd_agent::ledger::Ledger::open(&dir.path().join("ledger.sqlite3"))
            .unwrap()
            .pin_device(&usual, chrono::Utc::now() - Duration::days(3))
            .unwrap();
        let (_svc, _first) = start_service(&cfg, dir.path(), None).await;
        let sock = ipc::socket_path(Some(dir.path()));
        let (_sub, state) = subscribed(&sock).await;
        assert_eq!(state, AgentState::LoginRequired);

        let mut c = connect(&sock).await.unwrap();
        let refused = within(c.login(false)).await.unwrap();
        assert!(!refused.ok);
        let AgentState::NewScanner { pinned, found } = &refused.state else {
            panic!("expected new_scanner, got {refused:?}");
        };
        assert!(
            pinned.contains("serial S0001") && found.contains("MFS100"),
            "{refused:?}"
        );
        assert_eq!(
            ipay.state().login_requests(),
            0,
            "nothing sent from an unaccepted scanner"
        );
        let view = rd_agent::tray::model::view(Some(&refused.state), rd_agent::i18n::Lang::En);
        assert_eq!(view.menu[0].0, rd_agent::tray::model::Action::UseNewScanner);

        let accepted = within(c.login_with(rd_agent::agent::backend::LoginFlags {
            accept_new_device: true,
            ..Default::default()
        }))
        .await
        .unwrap();
        assert!(accepted.ok, "{accepted:?}");
        assert_eq!(ipay.state().login_requests(), 1);
        let now = rd_agent::ledger::Ledger::open(&dir.path().join("ledger.sqlite3"))
            .unwrap()
            .pinned_device()
            .unwrap()
            .unwrap();
        assert_eq!(now.device.mi, "MFS100");
    }

    #[tokio::test]
    async fn rd_agent_run_with_the_sandbox_over_ipc() {
        let dir = tempfile::tempdir().unwrap();
        let (ipay, rd, cfg) = sandboxes(dir.path()).await;
        let sock = ipc::socket_path(Some(dir.path()));
        let (mut svc, mut sub) = start_service(&cfg, dir.path(), None).await;
        // Subscribe first, so every change below is seen.
        let mut first = match within(sub.subscribe()).await.unwrap() {
            Message::Status { state, .. } => state,
            m => panic!("unexpected {m:?}"),
        };
        while first == AgentState::Unknown {
            first = match next_event(&mut sub).await {
                Message::State { state, .. } => state,
                m => panic!("unexpected {m:?}"),
            };
        }
        assert_eq!(first, AgentState::LoginRequired);

        let mut c = connect(&sock).await.unwrap();
        match within(c.status()).await.unwrap() {
            Message::Status { state, detail, .. } => {
                assert_eq!(state, AgentState::LoginRequired);
                assert_eq!(detail["charged_today"], 0, "{detail}");
            }
            m => panic!("unexpected {m:?}"),
        }

        let before = next_ist_midnight(Utc::now());
        let outcome = within(c.login(false)).await.unwrap();
        let after = next_ist_midnight(Utc::now());
        assert!(outcome.ok, "{outcome:?}");
        assert_eq!(outcome.charged, Some(true));
        assert_eq!(ipay.charges(), 1);
        let AgentState::LoggedIn { until } = outcome.state else {
            panic!("{outcome:?}")
        };
        assert!(until == before || until == after);

        match within(c.status()).await.unwrap() {
            Message::Status { state, detail, .. } => {
                assert_eq!(state, AgentState::LoggedIn { until });
                assert_eq!(detail["charged_today"], 1, "{detail}");
            }
            m => panic!("unexpected {m:?}"),
        }
        // A second login is refused by the use case's remote check: nothing charged.
        let again = within(c.login(false)).await.unwrap();
        assert!(again.ok && again.charged == Some(false), "{again:?}");
        assert_eq!(ipay.charges(), 1);

        // The subscriber saw each change.
        let mut seen = Vec::new();
        while seen
            .iter()
            .filter(|m| matches!(m, Message::Login(_)))
            .count()
            < 2
        {
            seen.push(next_event(&mut sub).await);
        }
        let states: Vec<_> = seen
            .iter()
            .filter_map(|m| match m {
                Message::State { state, .. } => Some(state.name()),
                _ => None,
            })
            .collect();
        assert_eq!(
            states,
            ["logging_in", "logged_in", "logging_in", "logged_in"],
            "{seen:?}"
        );
        // The first login captured: the tray was told the seconds left, then the end.
        let capture: Vec<_> = seen
            .iter()
            .filter_map(|m| match m {
                Message::Capture { seconds_left } => Some(*seconds_left),
                _ => None,
            })
            .collect();
        assert_eq!(capture.first(), Some(&Some(10)), "{seen:?}");
        assert_eq!(capture.last(), Some(&None), "{seen:?}");

        // SIGTERM: a clean stop, the socket removed. (Windows: a console service stops on
        // Ctrl-C, which a test cannot send its child alone; the SCM's Stop is the smoke run's.)
        let mut child = svc.take();
        #[cfg(unix)]
        // SAFETY: signalling our own child by its pid.
        unsafe {
            libc::kill(child.id() as i32, libc::SIGTERM)
        };
        #[cfg(windows)]
        child.kill().unwrap();
        let status = tokio::task::spawn_blocking(move || {
            let st = child.wait().unwrap();
            let mut err = String::new();
            use std::io::Read;
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            (st, err)
        });
        let (st, stderr) = within(status).await.unwrap();
        #[cfg(unix)]
        {
            assert!(st.success(), "exit {st}: {stderr}");
            assert!(!sock.exists());
            assert!(stderr.contains("SIGTERM received"), "{stderr}");
        }
        #[cfg(windows)]
        let _ = (st, &sock);

        // Nothing secret or biometric in the log file or on stderr.
        let mut logs = stderr;
        for e in std::fs::read_dir(dir.path().join("logs")).unwrap() {
            logs.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
        }
        assert!(logs.contains("state changed"), "the log file was written");
        let outlet = ipay::DemoOutlet::demo();
        for secret in [
            outlet.client_secret.expose(),
            outlet.encryption_key.expose(),
            instantpay::DEMO_AADHAAR,
            &instantpay::DEMO_AADHAAR.replace(' ', ""),
        ] {
            assert!(!logs.contains(secret), "a secret reached the log");
        }
        for field in ["pidData", "sessionKey", "hmac"] {
            assert!(!logs.contains(field), "{field} reached the log");
        }
        rd.shutdown().await;
        ipay.shutdown().await;
    }

    /// An RD Service another unprivileged user started on the range (here: `nobody`) is not
    /// used for a chargeable login, even though it answers READY with a well-formed capture.
    #[cfg(unix)]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_rd_service_run_by_another_user_is_refused_and_nothing_is_sent() {
        if euid() != 0 {
            eprintln!("skipped: starting a process as another user needs root (CI runs as root)");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let ipay = ipay::start(SandboxConfig::default()).await.unwrap();
        let free = || {
            std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port()
        };
        let (port, api_port) = (free(), free());
        let impostor = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(assert_cmd::cargo::cargo_bin!("rd-agent"))
            .args(["sandbox", "--rd-port", &port.to_string()])
            .args(["--api-port", &api_port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("setpriv (util-linux) starts the impostor as nobody");
        let _impostor = Service::new(impostor);
        within(async {
            while tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_err()
            {
                tokio::time::sleep(StdDuration::from_millis(20)).await;
            }
        })
        .await;
        let cfg = write_config(dir.path(), ipay.base_url(), port);
        let out = within(tokio::task::spawn_blocking({
            let (cfg, state) = (cfg.clone(), dir.path().to_path_buf());
            move || {
                rd_agent_std()
                    .arg("--config")
                    .arg(cfg)
                    .arg("--state-dir")
                    .arg(state)
                    .arg("login")
                    .output()
                    .unwrap()
            }
        }))
        .await
        .unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{text}");
        assert!(
            text.contains(&format!("port {port}")) && text.contains("nobody"),
            "{text}"
        );
        // Root sees which program it is: the impostor's pid and executable.
        assert!(
            text.contains("(pid ") && text.contains("rd-agent"),
            "{text}"
        );
        assert!(text.contains("add nobody to rd.trusted_users"), "{text}");
        assert_eq!(ipay.state().login_requests(), 0, "nothing was sent");
        ipay.shutdown().await;
    }

    /// A stop (SIGTERM) while the service's chargeable request is in flight: the service
    /// waits for the reply and records it, so no `sending` row and no unknown charge is left.
    #[cfg(unix)]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sigterm_lets_a_login_in_flight_finish_and_be_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let (ipay, rd, cfg) = sandboxes(dir.path()).await;
        let sock = ipc::socket_path(Some(dir.path()));
        let (mut svc, _) = start_service(&cfg, dir.path(), None).await;
        // Let the start-up check finish first (it settles the state).
        drop(subscribed(&sock).await);
        ipay.state().set_fault(
            instantpay::PATH_LOGIN,
            Some(ipay::Fault::Slow(StdDuration::from_secs(3))),
        );
        let login = tokio::spawn({
            let sock = sock.clone();
            async move { connect(&sock).await.unwrap().login(false).await }
        });
        within(async {
            while ipay.state().login_requests() == 0 {
                tokio::time::sleep(StdDuration::from_millis(20)).await;
            }
        })
        .await;
        let mut child = svc.take();
        // SAFETY: signalling our own child by its pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let (st, stderr) = within(tokio::task::spawn_blocking(move || {
            let st = child.wait().unwrap();
            let mut err = String::new();
            use std::io::Read;
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            (st, err)
        }))
        .await
        .unwrap();
        assert!(st.success(), "exit {st}: {stderr}");
        assert!(
            stderr.contains("waiting for the login in progress"),
            "{stderr}"
        );
        let outcome = login.await.unwrap().unwrap();
        assert!(outcome.ok, "{outcome:?}");
        let rows = rd_agent::ledger::Ledger::open(&dir.path().join("ledger.sqlite3"))
            .unwrap()
            .all()
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].state, rd_agent::ledger::AttemptState::LoggedIn);
        assert_eq!(ipay.state().login_requests(), 1);
        rd.shutdown().await;
        ipay.shutdown().await;
    }

    /// Every command finds the service through the one endpoint resolver: `--socket`,
    /// `RD_AGENT_SOCKET`, and the endpoint the service recorded in its state directory.
    // Multi-threaded: the CLI children are waited for on this thread while the sandbox serves.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn clients_reach_a_service_on_an_explicit_socket() {
        let state = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let (ipay, rd, cfg) = sandboxes(state.path()).await;
        let sock = elsewhere.path().join("custom.sock");
        let (_svc, _) = start_service(&cfg, state.path(), Some(&sock)).await;

        // A client with an empty state dir of its own: only the socket can lead it there.
        let empty = tempfile::tempdir().unwrap();
        let cli = |extra: &[&std::ffi::OsStr], env: Option<&Path>| {
            let mut c = rd_agent_std();
            c.arg("--config").arg(empty.path().join("none.toml"));
            c.arg("--json").args(extra);
            c.env_remove("RD_AGENT_SOCKET");
            if let Some(s) = env {
                c.env("RD_AGENT_SOCKET", s);
            }
            c
        };
        let json_of = |out: std::process::Output| -> serde_json::Value {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice(&out.stdout).unwrap()
        };
        let status = cli(
            &[
                "--state-dir".as_ref(),
                empty.path().as_os_str(),
                "--socket".as_ref(),
                sock.as_os_str(),
                "status".as_ref(),
            ],
            None,
        )
        .output()
        .unwrap();
        assert_eq!(json_of(status)["via"], "service");

        let login = cli(
            &[
                "--state-dir".as_ref(),
                empty.path().as_os_str(),
                "login".as_ref(),
            ],
            Some(&sock),
        )
        .output()
        .unwrap();
        let doc = json_of(login);
        assert_eq!(doc["via"], "service", "{doc}");
        assert_eq!(ipay.charges(), 1);

        // Given only the service's state dir, a client reads the endpoint it recorded there.
        let status = cli(
            &[
                "--state-dir".as_ref(),
                state.path().as_os_str(),
                "status".as_ref(),
            ],
            None,
        )
        .output()
        .unwrap();
        assert_eq!(json_of(status)["via"], "service");

        rd.shutdown().await;
        ipay.shutdown().await;
    }

    #[tokio::test]
    async fn doctor_checks_everything_against_the_sandbox() {
        let dir = tempfile::tempdir().unwrap();
        let ipay = ipay::start(SandboxConfig::default()).await.unwrap();
        let rd = SimulatedRd::start(SimOptions::new(vendor("mantra-mfs100").unwrap()))
            .await
            .unwrap();
        let cfg = write_config(dir.path(), ipay.base_url(), rd.port());
        let run = |args: Vec<std::ffi::OsString>| {
            tokio::task::spawn_blocking(move || rd_agent_std().args(args).output().unwrap())
        };
        let base: Vec<std::ffi::OsString> = vec![
            "--config".into(),
            cfg.clone().into(),
            "--state-dir".into(),
            dir.path().into(),
        ];
        let mut args = base.clone();
        args.extend(["doctor".into(), "--json".into()]);
        let out = within(run(args)).await.unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let verdict = |name: &str| {
            doc["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == name)
                .unwrap_or_else(|| panic!("no {name} check in {doc}"))["verdict"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(verdict("config"), "ok", "{doc}");
        assert_eq!(verdict("secrets"), "ok", "{doc}");
        assert_eq!(verdict("rd_service"), "ok", "{doc}");
        assert_ne!(verdict("device_certificate"), "skipped", "{doc}");
        assert_eq!(verdict("api"), "ok", "{doc}");
        assert_eq!(verdict("clock"), "ok", "{doc}");
        assert_eq!(verdict("service"), "warn", "{doc}");
        let text = String::from_utf8_lossy(&out.stdout);
        let outlet = ipay::DemoOutlet::demo();
        assert!(!text.contains(outlet.client_secret.expose()));
        assert!(!text.contains(outlet.encryption_key.expose()));

        // With the RD Service gone and a secret missing, the lines say what to do.
        rd.shutdown().await;
        std::fs::write(dir.path().join("secrets.toml"), "").unwrap();
        let mut args = base;
        args.push("doctor".into());
        let out = within(run(args)).await.unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(
            text.contains("[FAIL] secrets") && text.contains("rd-agent config set-secret"),
            "{text}"
        );
        assert!(
            text.contains("[FAIL] rd_service") && text.contains("start the scanner's RD Service"),
            "{text}"
        );
        assert!(text.contains("[skip] api"), "{text}");
        ipay.shutdown().await;
    }
}

#[cfg(unix)]
#[test]
fn service_install_stages_unit_udev_rules_and_autostart_under_a_root() {
    let root = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin!("rd-agent");
    let out = std::process::Command::new(bin)
        .args(["service", "install", "--json", "--root"])
        .arg(root.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["files"].as_array().unwrap().len(), 3, "{doc}");
    assert_eq!(
        doc["commands"].as_array().unwrap().len(),
        0,
        "no systemctl under --root"
    );
    let unit =
        std::fs::read_to_string(root.path().join("etc/systemd/system/rd-agent.service")).unwrap();
    assert!(
        unit.contains(&format!("ExecStart={} run", bin.display())),
        "{unit}"
    );
    assert!(unit.contains("Type=notify"));
    let rules =
        std::fs::read_to_string(root.path().join("etc/udev/rules.d/70-rd-agent.rules")).unwrap();
    assert!(rules.contains("GROUP=\"rd-agent\""));
    let desktop =
        std::fs::read_to_string(root.path().join("etc/xdg/autostart/rd-agent-tray.desktop"))
            .unwrap();
    assert!(desktop.contains(&format!("Exec={} tray", bin.display())));

    let out = std::process::Command::new(bin)
        .args(["service", "uninstall", "--root"])
        .arg(root.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        !root
            .path()
            .join("etc/systemd/system/rd-agent.service")
            .exists()
    );
    assert!(
        !root
            .path()
            .join("etc/xdg/autostart/rd-agent-tray.desktop")
            .exists()
    );
}
