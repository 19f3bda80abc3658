//! The `rd-agent run` binary over its IPC endpoint, with the sandbox: the states each client
//! renders in its own language, a login and its events, a clean stop on SIGTERM (also with a
//! login in flight), the endpoint's resolution, and an RD Service run by another user.

use std::path::Path;

use ::sandbox::instantpay::DemoOutlet;
use chrono::Utc;
use clock::next_ist_midnight;
use rd_agent::agent::AgentState;
use rd_agent::agent::protocol::Message;

use crate::support::{
    ServiceStderr, TestEnv, connect, json_of_success, next_event, rd_agent_std,
    settled_subscription, subscribed, within,
};
// What only the Unix tests (signals, another user) use.
#[cfg(unix)]
use {
    crate::support::{ChildGuard, euid},
    ::sandbox::instantpay::Fault,
    std::process::Stdio,
    std::time::Duration as StdDuration,
};

/// The service says what is wrong as a message id and its values; each client renders it
/// in its own language: the tray in Hindi, `rd-agent status` in Hindi, `--json` in English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_problem_reaches_each_client_in_its_own_language() {
    use rd_agent::i18n::{Catalog, Lang};
    let mut env = TestEnv::start_async().await;
    env.stop_rd().await;
    let (_svc, _first) = env
        .start_service(None, ServiceStderr::Discard)
        .await
        .unwrap();
    let (_sub, state) = subscribed(&env.socket()).await;
    let AgentState::DeviceProblem { reason } = &state else {
        panic!("expected device_problem, got {state:?}");
    };
    // No RD Service answers; which sentence depends on whether USB can be read here.
    assert!(
        ["rd-not-found", "agent-scanner-not-connected"].contains(&reason.id.as_ref()),
        "{reason:?}"
    );
    // The tray renders the reason in its user's language (its tooltip: crates/tray/src/model.rs).
    let hi = Catalog::get(Lang::Hi).render(reason);
    let en = Catalog::get(Lang::En).render(reason);
    let devanagari = |t: &str| t.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c));
    assert!(devanagari(&hi), "{hi}");
    assert!(!devanagari(&en), "{en}");
    assert_eq!(Catalog::get(Lang::En).render(reason), state.sentence());

    let status = |lang: &str, json: bool| {
        let mut c = env.cmd_std();
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
    let en: serde_json::Value = serde_json::from_slice(&status("C.UTF-8", true).stdout).unwrap();
    assert_eq!(hi, en);
    assert_eq!(hi["via"], "service");
    assert!(!devanagari(&hi.to_string()), "{hi}");
}

/// Windows: a client expecting another program on the pipe than the one answering it
/// (here `rd-agent run`, while this test expects itself) refuses before sending anything.
#[cfg(windows)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_checks_the_program_answering_the_pipe() {
    let env = TestEnv::start_async().await;
    let (_svc, _first) = env
        .start_service(None, ServiceStderr::Discard)
        .await
        .unwrap();
    let sock = env.socket();
    let me = std::env::current_exe().unwrap();
    match rd_agent::agent::ipc::connect_expecting(&sock, &me).await {
        Err(rd_agent::agent::ipc::IpcError::NotTheService { pid, program, .. }) => {
            assert_ne!(pid, std::process::id());
            assert!(program.to_lowercase().contains("rd-agent.exe"), "{program}");
        }
        other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
async fn rd_agent_run_with_the_sandbox_over_ipc() {
    let env = TestEnv::start_async().await;
    let sock = env.socket();
    let (svc, mut sub) = env.start_service(None, ServiceStderr::Keep).await.unwrap();
    // Subscribe first, so every change below is seen.
    let first = settled_subscription(&mut sub).await;
    assert_eq!(first, AgentState::LoginRequired);

    let mut c = connect(&sock).await.unwrap();
    match within(c.status()).await.unwrap() {
        Message::Status { state, summary, .. } => {
            assert_eq!(state, AgentState::LoginRequired);
            assert_eq!(summary.unwrap().charged_today, 0);
        }
        m => panic!("unexpected {m:?}"),
    }

    let before = next_ist_midnight(Utc::now());
    let outcome = within(c.login(false)).await.unwrap();
    let after = next_ist_midnight(Utc::now());
    assert!(outcome.ok, "{outcome:?}");
    assert_eq!(outcome.charged, Some(true));
    assert_eq!(env.ipay.charges(), 1);
    let AgentState::LoggedIn { until } = outcome.state else {
        panic!("{outcome:?}")
    };
    assert!(until == before || until == after);

    match within(c.status()).await.unwrap() {
        Message::Status { state, summary, .. } => {
            assert_eq!(state, AgentState::LoggedIn { until });
            assert_eq!(summary.unwrap().charged_today, 1);
        }
        m => panic!("unexpected {m:?}"),
    }
    // A second login is refused by the use case's remote check: nothing charged.
    let again = within(c.login(false)).await.unwrap();
    assert!(again.ok && again.charged == Some(false), "{again:?}");
    assert_eq!(env.ipay.charges(), 1);

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
    let (st, stderr) = within(tokio::task::spawn_blocking(move || svc.stop()))
        .await
        .unwrap();
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
    for e in std::fs::read_dir(env.state().join("logs")).unwrap() {
        logs.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
    }
    assert!(logs.contains("state changed"), "the log file was written");
    let outlet = DemoOutlet::demo();
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
    let env = TestEnv::start_async().await;
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
    let _impostor = ChildGuard::new(impostor);
    within(async {
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
    })
    .await;
    // The config names the impostor's port alone (the env's own RD Service is not tried).
    env.use_rd_port(port);
    let mut login = env.cmd_std();
    let out = within(tokio::task::spawn_blocking(move || {
        login.arg("login").output().unwrap()
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
    assert_eq!(env.ipay.state().login_requests(), 0, "nothing was sent");
}

/// A stop (SIGTERM) while the service's chargeable request is in flight: the service
/// waits for the reply and records it, so no `sending` row and no unknown charge is left.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_a_login_in_flight_finish_and_be_recorded() {
    let env = TestEnv::start_async().await;
    let sock = env.socket();
    let (svc, _) = env.start_service(None, ServiceStderr::Keep).await.unwrap();
    // Let the start-up check finish first (it settles the state).
    drop(subscribed(&sock).await);
    env.ipay.state().set_fault(
        instantpay::PATH_LOGIN,
        Some(Fault::Slow(StdDuration::from_secs(3))),
    );
    let login = tokio::spawn({
        let sock = sock.clone();
        async move { connect(&sock).await.unwrap().login(false).await }
    });
    within(async {
        while env.ipay.state().login_requests() == 0 {
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
    })
    .await;
    let (st, stderr) = within(tokio::task::spawn_blocking(move || svc.stop()))
        .await
        .unwrap();
    assert!(st.success(), "exit {st}: {stderr}");
    assert!(
        stderr.contains("waiting for the login in progress"),
        "{stderr}"
    );
    let outcome = login.await.unwrap().unwrap();
    assert!(outcome.ok, "{outcome:?}");
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, rd_agent::ledger::AttemptState::LoggedIn);
    assert_eq!(env.ipay.state().login_requests(), 1);
}

/// Every command finds the service through the one endpoint resolver: `--socket`,
/// `RD_AGENT_SOCKET`, and the endpoint the service recorded in its state directory.
// Multi-threaded: the CLI children are waited for on this thread while the sandbox serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_reach_a_service_on_an_explicit_socket() {
    let env = TestEnv::start_async().await;
    let elsewhere = tempfile::tempdir().unwrap();
    let sock = elsewhere.path().join("custom.sock");
    let (_svc, _) = env
        .start_service(Some(&sock), ServiceStderr::Discard)
        .await
        .unwrap();

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
    assert_eq!(json_of_success(&status)["via"], "service");

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
    let doc = json_of_success(&login);
    assert_eq!(doc["via"], "service", "{doc}");
    assert_eq!(env.ipay.charges(), 1);

    // Given only the service's state dir, a client reads the endpoint it recorded there.
    let status = cli(
        &[
            "--state-dir".as_ref(),
            env.state().as_os_str(),
            "status".as_ref(),
        ],
        None,
    )
    .output()
    .unwrap();
    assert_eq!(json_of_success(&status)["via"], "service");
}

/// A user the socket's permissions keep out (here `nobody`, in no group of the service's) is
/// told that, in words that say what to do; never that the service is not running, and no
/// login is made beside the service with a ledger of the user's own.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_kept_out_by_the_socket_is_told_so_and_nothing_runs_beside_the_service() {
    if euid() != 0 {
        assert!(
            std::env::var("CI").is_err(),
            "CI runs as root: this test must run there"
        );
        eprintln!("skipped: running a command as another user needs root (CI runs as root)");
        return;
    }
    let env = TestEnv::start_async().await;
    let (_svc, _conn) = env
        .start_service(None, ServiceStderr::Discard)
        .await
        .unwrap();
    let as_nobody = |args: &[&str]| {
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(assert_cmd::cargo::cargo_bin!("rd-agent"))
            .arg("--config")
            .arg(env.config())
            .arg("--state-dir")
            .arg(env.state())
            .args(args)
            .env("LANG", "en_IN.UTF-8")
            .output()
            .expect("setpriv (util-linux) runs rd-agent as nobody")
    };
    for args in [&["status"][..], &["login"][..]] {
        let out = as_nobody(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {err}");
        assert!(err.contains("Permission denied on"), "{args:?}: {err}");
        assert!(err.contains("rd-agent group"), "{args:?}: {err}");
        assert!(!err.contains("not running"), "{args:?}: {err}");
    }
    assert_eq!(env.ipay.charges(), 0, "a login ran beside the service");
}
