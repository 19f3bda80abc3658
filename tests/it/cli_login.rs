//! `rd-agent login` and `status` as real processes, against the simulated RD Service and the
//! sandbox InstantPay on loopback ports, with real config, secrets and SQLite files in a
//! temporary directory: the login and its ledger line, what is never sent twice, output nobody
//! reads, the quality floor, another scanner, logins at once, and the service taking over.

use std::process::{Output, Stdio};
use std::time::Duration;

use ::sandbox::instantpay::{DEMO_CLIENT_SECRET, DEMO_ENCRYPTION_KEY, DEMO_OUTLET_ID, Fault};
use ::sandbox::rd::{SimOptions, SimulatedRd, vendor};
use rd_agent::ledger::{AttemptState, Ledger};

use crate::support::{
    DEMO_AADHAAR_DIGITS, ServiceStderr, TestEnv, code, contains, files_under, rd_agent,
    rd_agent_std, text,
};

#[test]
fn sandbox_login_prints_the_login_and_the_ledger_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = rd_agent()
        .args(["login", "--sandbox"])
        .env("RD_AGENT_STATE_DIR", dir.path())
        .env_remove("RD_AGENT_CONFIG")
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        stdout.contains("Logged in: valid until midnight IST"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Ledger: ") && stdout.contains("loggedin  TXN/LOGGEDIN"),
        "{stdout}"
    );
    let rows = Ledger::open(&dir.path().join("ledger.sqlite3"))
        .unwrap()
        .all()
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, AttemptState::LoggedIn);
    assert!(stdout.contains(&rows[0].external_ref));

    // --json: one document on stdout.
    let out = rd_agent()
        .args(["login", "--sandbox", "--json"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["login"]["result"], "logged_in");
    assert_eq!(v["login"]["attempt"]["state"], "loggedin");
    assert_eq!(v["login"]["attempt"]["charged"], true);
}

#[test]
fn second_login_the_same_day_sends_no_chargeable_request() {
    let env = TestEnv::start();
    let first = env.login();
    assert_eq!(code(&first), 0, "{}", text(&first));
    assert_eq!(env.ipay.state().login_requests(), 1);
    let second = env.login();
    assert_eq!(code(&second), 0, "{}", text(&second));
    assert!(
        text(&second).contains("Already logged in"),
        "{}",
        text(&second)
    );
    assert_eq!(env.ipay.state().login_requests(), 1);
    assert_eq!(env.ipay.charges(), 1);
    assert_eq!(env.ledger().all().unwrap().len(), 1);

    let status = env.cmd().args(["status", "--json"]).output().unwrap();
    assert_eq!(code(&status), 0, "{}", text(&status));
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v["summary"]["state"], "logged_in");
    assert_eq!(v["summary"]["charged_today"], 1);
    assert_eq!(v["summary"]["charged_this_month"], 1);
    // What the charge cost, from the sandbox's data.pool, as text: never a float.
    assert_eq!(v["summary"]["paid_today"], "0.94");
    assert_eq!(v["summary"]["paid_this_month"], "0.94");
    assert_eq!(v["summary"]["wallet_balance"], "4999.06");
    assert_eq!(
        v["summary"]["last_attempt"]["pool"]["payable_value"],
        "0.94"
    );
    let human = env.cmd().arg("status").output().unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains("Attempts charged: 1 today, 1 this month"),
        "{human}"
    );
    assert!(
        human.contains("Paid: ₹0.94 today, ₹0.94 this month"),
        "{human}"
    );
    assert!(
        human.contains("Wallet balance after the last charge: ₹4,999.06"),
        "{human}"
    );
}

/// A pipe whose reader is already gone, for a child's stdout or stderr: every write to it
/// fails (EPIPE; on Windows ERROR_NO_DATA), as under `rd-agent login 2>&1 | head -1`.
fn reader_gone() -> Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Stdio::from(writer)
}

/// src/console.rs: with nobody reading stdout or stderr, `login` (its lines and its trace
/// logs) neither panics nor stops between sending and recording; the one login is charged once
/// and recorded, its exit code is its own, and `status`, `completions` and `man` end cleanly.
#[test]
fn a_login_whose_reader_has_gone_still_logs_in_and_records_it() {
    let env = TestEnv::start();
    let out = env
        .cmd_std()
        .arg("login")
        .stdin(Stdio::null())
        .env("RD_AGENT_LOG", "trace")
        .stdout(reader_gone())
        .stderr(reader_gone())
        .status()
        .unwrap();
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(env.ipay.state().login_requests(), 1);
    assert_eq!(env.ipay.charges(), 1);
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, AttemptState::LoggedIn);
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["completions", "bash"],
        &["man"],
    ] {
        let status = env
            .cmd_std()
            .args(args)
            .stdout(reader_gone())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&status.stderr);
        assert_eq!(status.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// A stdout that fails for another reason (a full disk) is an error: the command exits 1
/// and says its output was not written, where it would otherwise claim success.
#[cfg(target_os = "linux")]
#[test]
fn an_output_that_cannot_be_written_is_an_error() {
    let env = TestEnv::start();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = env
        .cmd_std()
        .args(["status", "--json"])
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("The command was done, but its output could not be written"),
        "{err}"
    );
}

/// "Place your finger" comes once a scanner is found and its capture starts, never while no
/// RD Service answers: the operator is not sent to a scanner that is not there.
#[test]
fn the_finger_is_asked_for_only_once_a_scanner_is_found() {
    let env = TestEnv::start();
    let free = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let found = env.rd_port();
    env.use_rd_port(free);
    let out = env.login();
    assert_ne!(code(&out), 0, "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("no RD Service answered"), "{said}");
    assert!(!said.contains("Place your finger"), "{said}");
    assert_eq!(env.ipay.state().login_requests(), 0);

    env.use_rd_port(found);
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    let using = said
        .find("Using the RD Service on port")
        .expect("the scanner is named");
    let finger = said
        .find("Place your finger on the scanner...")
        .expect("the finger is asked for");
    assert!(using < finger, "{said}");
}

#[test]
fn a_capture_under_the_quality_floor_sends_no_outlet_login() {
    let env = TestEnv::start();
    // The fixture's qScore is below 99.
    let out = env
        .cmd()
        .arg("login")
        .env("RD_AGENT_CAPTURE__MIN_QSCORE", "99")
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out));
    assert!(
        text(&out).contains("place the finger again"),
        "{}",
        text(&out)
    );
    assert_eq!(env.ipay.state().login_requests(), 0);
    assert_eq!(env.ipay.charges(), 0);
    assert!(env.ledger().all().unwrap().is_empty());
}

#[test]
fn a_fingerprint_mismatch_is_rejected_and_charged() {
    let env = TestEnv::start();
    env.set_fault(Some(Fault::BiometricMismatch));
    let out = env.login();
    assert_eq!(code(&out), 4, "{}", text(&out));
    assert!(text(&out).contains("did not match"), "{}", text(&out));
    let rows = env.ledger().all().unwrap();
    assert_eq!(
        (rows[0].state, rows[0].charged),
        (AttemptState::Rejected, Some(true))
    );
    assert_eq!(env.ipay.charges(), 1);
}

/// The shop's scanner is remembered after its first login; a login from another scanner is
/// refused (exit 3, nothing sent) until `--accept-new-device`, which then pins the new one.
#[test]
fn another_scanner_is_refused_until_accepted() {
    let env = TestEnv::start();
    assert_eq!(code(&env.login()), 0);
    let first = env.ledger().pinned_device().unwrap().unwrap();
    assert_eq!(first.device.mi, "MFS100");

    // The next "day" (the bank cancelled today's login), on another vendor's scanner.
    let other = env
        .block_on(SimulatedRd::start(SimOptions::new(
            vendor("startek-fm220u").unwrap(),
        )))
        .unwrap();
    env.use_rd_port(other.port());
    env.ipay.state().invalidate_login(DEMO_OUTLET_ID);
    let sent_before = env.ipay.state().login_requests();

    let out = env.cmd().args(["login", "--force"]).output().unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out));
    assert!(
        text(&out).contains("is not the one this shop logged in with before"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("--accept-new-device"), "{}", text(&out));
    assert_eq!(
        env.ipay.state().login_requests(),
        sent_before,
        "nothing sent"
    );
    assert_eq!(env.ledger().pinned_device().unwrap().unwrap(), first);

    let out = env
        .cmd()
        .args(["login", "--force", "--accept-new-device"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let now = env.ledger().pinned_device().unwrap().unwrap();
    assert_ne!(now.device.srno, first.device.srno);
    assert_ne!(now.device.dp_id, first.device.dp_id);
}

/// The promise that matters most: however many logins start at once on one state dir, one
/// `outletLogin` is sent. InstantPay here takes two seconds to answer, so the three overlap.
#[test]
fn three_logins_started_at_once_send_one_outlet_login() {
    let mut overlapped = 0;
    for round in 0..3 {
        let env = TestEnv::start();
        env.set_fault(Some(Fault::Slow(Duration::from_secs(4))));
        let children: Vec<_> = (0..3)
            .map(|_| {
                env.cmd_std()
                    .arg("login")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outs: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        assert_eq!(
            env.ipay.state().login_requests(),
            1,
            "round {round}: {:?}",
            outs.iter().map(text).collect::<Vec<_>>()
        );
        for o in &outs {
            assert_eq!(code(o), 0, "round {round}: {}", text(o));
        }
        overlapped += outs
            .iter()
            .filter(|o| text(o).contains("A login is in progress"))
            .count();
        let rows = env.ledger().all().unwrap();
        assert_eq!(rows.len(), 1, "round {round}: one ledger row");
        assert_eq!(rows[0].state, AttemptState::LoggedIn);
    }
    // The logins did run at once (some waited for the lock), or the test proved nothing.
    assert!(overlapped >= 1, "no login ever waited for another");
}

/// Two processes opening a ledger that does not exist yet: both succeed (the migration runs
/// inside one write transaction; the second finds it done).
#[test]
fn two_processes_creating_a_ledger_at_once_both_succeed() {
    for round in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        let children: Vec<_> = (0..2)
            .map(|_| {
                rd_agent_std()
                    .arg("--config")
                    .arg(dir.path().join("none.toml"))
                    .arg("--state-dir")
                    .arg(&state)
                    .args(["status", "--json"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert_eq!(code(&o), 0, "round {round}: {}", text(&o));
        }
    }
}

#[test]
fn login_and_status_go_through_the_service_when_it_runs() {
    let env = TestEnv::start();
    let (svc, _) = env
        .block_on(env.start_service(None, ServiceStderr::Discard))
        .unwrap();
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("service is running"), "{}", text(&out));
    assert_eq!(env.ipay.charges(), 1);

    let out = env.cmd().args(["status", "--json"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["via"], "service");
    assert_eq!(v["summary"]["charged_today"], 1, "{v}");
    let out = env.cmd().arg("status").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Attempts charged: 1 today"));

    // The service's files (log, ledger) carry no secret either.
    drop(svc);
    let mut files = Vec::new();
    files_under(&env.state(), &mut files);
    for (p, bytes) in files {
        if p.ends_with("secrets.toml") {
            continue;
        }
        for n in [DEMO_AADHAAR_DIGITS, DEMO_ENCRYPTION_KEY, DEMO_CLIENT_SECRET] {
            assert!(!contains(&bytes, n), "{n:?} found in {}", p.display());
        }
    }
}
