//! A login whose outcome is not known, as real `rd-agent` processes against the sandbox: no
//! answer, a dropped connection, a process killed mid-send, a crash a moment ago or long ago,
//! and a sender still running. Each is settled by the status before anything new is sent, and
//! never paid twice.

use std::process::Stdio;
use std::time::{Duration, Instant};

use ::sandbox::instantpay::Fault;
use rd_agent::ledger::AttemptState;

use crate::support::{ChildGuard, TestEnv, code, text};

/// Let time pass for the ledger's attempts (as if they were made `by` earlier).
fn age_attempts(env: &TestEnv, by: chrono::Duration) {
    let rows = env.ledger().all().unwrap();
    let conn = rusqlite::Connection::open(env.state().join("ledger.sqlite3")).unwrap();
    for a in rows {
        let earlier = (a.created_at - by)
            .format("%Y-%m-%dT%H:%M:%S%.6fZ")
            .to_string();
        conn.execute(
            "UPDATE attempts SET created_at = ?1 WHERE external_ref = ?2",
            rusqlite::params![earlier, a.external_ref],
        )
        .unwrap();
    }
}

#[test]
fn no_answer_leaves_unknown_exit_5_and_the_next_login_asks_the_status_first() {
    let env = TestEnv::start();
    env.write_config(2);
    // The sandbox reads and processes the login, then never answers within the deadline.
    env.set_fault(Some(Fault::Slow(Duration::from_secs(3600))));
    let out = env.login();
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(text(&out).contains("unknown"), "{}", text(&out));
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, AttemptState::Unknown);
    assert_eq!(rows[0].charged, None);
    assert_eq!(env.ipay.state().login_requests(), 1);

    // Next run: the status comes first and settles it; nothing is resubmitted.
    env.set_fault(None);
    let status_before = env.ipay.state().status_requests();
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        text(&out).contains("Settled earlier attempt"),
        "{}",
        text(&out)
    );
    assert!(env.ipay.state().status_requests() > status_before);
    assert_eq!(env.ipay.state().login_requests(), 1);
    let row = env.ledger().get(&rows[0].external_ref).unwrap().unwrap();
    assert_eq!(row.state, AttemptState::LoggedIn);
    assert_eq!(row.resolution.as_deref(), Some("status_loggedin"));
}

#[test]
fn a_dropped_unprocessed_login_is_settled_as_not_logged_in_then_a_new_attempt_runs() {
    let env = TestEnv::start();
    env.set_fault(Some(Fault::DropConnection));
    let out = env.login();
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert_eq!(env.ledger().unresolved().unwrap().len(), 1);
    env.set_fault(None);
    // At once: InstantPay may still be working on it; nothing new is sent.
    let sent = env.ipay.state().login_requests();
    let out = env.login();
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(text(&out).contains("not known yet"), "{}", text(&out));
    assert_eq!(env.ipay.state().login_requests(), sent);
    // Past the settle window, login required means it did not log in: a new attempt runs.
    age_attempts(&env, chrono::Duration::minutes(3));
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].state, AttemptState::Unknown);
    assert_eq!(rows[0].resolution.as_deref(), Some("status_loginrequired"));
    assert_eq!(rows[1].state, AttemptState::LoggedIn);
}

#[test]
fn a_process_killed_after_the_ledger_write_leaves_sending_resolved_on_the_next_start() {
    let env = TestEnv::start();
    env.write_config(600);
    env.set_fault(Some(Fault::Slow(Duration::from_secs(3600))));
    let mut login = ChildGuard::new(
        env.cmd_std()
            .arg("login")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // Wait until the sandbox holds the request, then kill the process.
    let start = Instant::now();
    while env.ipay.state().login_requests() == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the login never arrived"
        );
        assert!(
            login.child().try_wait().unwrap().is_none(),
            "the login process ended early"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    login.child().kill().unwrap();
    login.child().wait().unwrap();
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, AttemptState::Sending);

    env.set_fault(None);
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        text(&out).contains("Settled earlier attempt"),
        "{}",
        text(&out)
    );
    assert_eq!(env.ipay.state().login_requests(), 1, "nothing resubmitted");
    let row = env.ledger().get(&rows[0].external_ref).unwrap().unwrap();
    assert_eq!(row.state, AttemptState::LoggedIn);
}

/// A `sending` row left by a process that died at `created`, written as the crash left it.
fn crashed_attempt(env: &TestEnv, created: chrono::DateTime<chrono::Utc>) {
    std::fs::create_dir_all(env.state()).unwrap();
    let mut l = env.ledger();
    l.begin(
        &rd_agent::ledger::NewAttempt {
            external_ref: "RDACRASHED0001".into(),
            ..Default::default()
        },
        created,
    )
    .unwrap();
}

#[test]
fn a_login_right_after_a_crashed_one_waits_and_sends_nothing() {
    // The first login died a second ago with its request in flight: InstantPay may still be
    // processing it and says LOGINREQUIRED until then. A re-run must not pay again.
    let env = TestEnv::start();
    crashed_attempt(&env, chrono::Utc::now());
    let out = env.login();
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(text(&out).contains("not known yet"), "{}", text(&out));
    assert_eq!(env.ipay.state().login_requests(), 0, "nothing sent");
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].is_unresolved(), "left open until it can be judged");
}

#[test]
fn a_sending_row_older_than_the_settle_window_is_settled_before_any_new_attempt() {
    let env = TestEnv::start();
    crashed_attempt(&env, chrono::Utc::now() - chrono::Duration::minutes(3));
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].external_ref, "RDACRASHED0001");
    assert_eq!(rows[0].state, AttemptState::Unknown);
    assert_eq!(rows[0].resolution.as_deref(), Some("status_loginrequired"));
    assert!(rows[0].resolved_at.unwrap() <= rows[1].created_at);
    assert_eq!(rows[1].state, AttemptState::LoggedIn);
}

/// An attempt records the process that sends it; a `sending` row whose process still runs is
/// never settled by someone else, however old, and is settled once that process is gone.
#[cfg(unix)]
#[test]
fn a_sending_row_of_a_live_process_is_left_to_it_and_settled_once_it_is_gone() {
    let env = TestEnv::start();
    let mut sender = ChildGuard::new(
        std::process::Command::new("sleep")
            .arg("600")
            .spawn()
            .unwrap(),
    );
    let owner = rd_agent::process_identity(sender.child().id()).unwrap();
    std::fs::create_dir_all(env.state()).unwrap();
    env.ledger()
        .begin(
            &rd_agent::ledger::NewAttempt {
                external_ref: "RDALIVESENDER01".into(),
                owner_pid: Some(owner.pid),
                owner_started: Some(owner.started.clone()),
                ..Default::default()
            },
            earlier_today(chrono::Duration::minutes(10)),
        )
        .unwrap();
    let out = env.login();
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(text(&out).contains("RDALIVESENDER01"), "{}", text(&out));
    assert_eq!(
        env.ipay.state().login_requests(),
        0,
        "nothing sent beside a live sender"
    );
    assert!(
        env.ledger()
            .get("RDALIVESENDER01")
            .unwrap()
            .unwrap()
            .is_unresolved()
    );

    sender.child().kill().unwrap();
    sender.child().wait().unwrap();
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows[0].resolution.as_deref(), Some("status_loginrequired"));
    assert_eq!(rows[1].state, AttemptState::LoggedIn);
    // The new attempt names this login's process (gone now): pid and start time.
    assert!(rows[1].owner_pid.is_some() && rows[1].owner_started.is_some());
}

/// A time `ago` before now on the same IST day (only today's rows are settled by today's
/// status), and older than the settle window. Just after IST midnight, where `ago` would reach
/// into yesterday, it waits until the day is old enough.
#[cfg(unix)]
fn earlier_today(ago: chrono::Duration) -> chrono::DateTime<chrono::Utc> {
    let window = chrono::Duration::seconds(150);
    let now = chrono::Utc::now();
    let day_start = clock::next_ist_midnight(now) - chrono::Duration::days(1);
    if now - day_start < window {
        std::thread::sleep((day_start + window - now).to_std().unwrap_or_default());
    }
    let now = chrono::Utc::now();
    (now - ago).max(day_start + chrono::Duration::seconds(1))
}
