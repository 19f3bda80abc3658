//! The service's guards over IPC, with the `rd-agent run` binary and the sandbox: the state
//! the tray is sent and what the service refuses to send while an earlier attempt may be
//! charged, after two declines, and from a scanner the shop has not used before. What the tray
//! draws for each of these states is tested with it (crates/tray/src/model.rs).

use chrono::Duration;
use rd_agent::agent::AgentState;

use crate::support::{ServiceStderr, TestEnv, connect, subscribed, within};

/// A login died a moment ago with its request in flight: the service shows it is checking
/// that attempt (the tray's "checking the earlier attempt"), refuses to send another, and
/// names the time after which it will ask again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_shows_it_is_settling_an_earlier_attempt_and_sends_nothing() {
    let env = TestEnv::start_async().await;
    {
        let mut l = env.ledger();
        l.begin(
            &rd_agent::ledger::NewAttempt {
                external_ref: "RDACRASHED0002".into(),
                ..Default::default()
            },
            chrono::Utc::now(),
        )
        .unwrap();
    }
    let (_svc, _first) = env
        .start_service(None, ServiceStderr::Discard)
        .await
        .unwrap();
    let (_sub, state) = subscribed(&env.socket()).await;
    let AgentState::Settling { until } = state else {
        panic!("expected settling, got {state:?}");
    };
    // The default window is 120 s from the attempt.
    assert!(
        until > chrono::Utc::now() + Duration::seconds(60),
        "{until}"
    );

    let mut c = connect(&env.socket()).await.unwrap();
    let outcome = within(c.login(false)).await.unwrap();
    assert!(!outcome.ok);
    assert!(
        matches!(outcome.state, AgentState::Settling { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        env.ipay.state().login_requests(),
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
    let env = TestEnv::start_async().await;
    env.ipay
        .state()
        .set_fault(instantpay::PATH_LOGIN, Some(Fault::BiometricMismatch));
    let (_svc, _first) = env
        .start_service(None, ServiceStderr::Discard)
        .await
        .unwrap();
    let sock = env.socket();
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
    assert_eq!(env.ipay.state().login_requests(), 2);
    assert_eq!(
        held.state,
        AgentState::DeclinesHeld { declines: 2 },
        "{held:?}"
    );

    let anyway = within(c.login_with(rd_agent::login::LoginFlags {
        despite_declines: true,
        ..Default::default()
    }))
    .await
    .unwrap();
    assert!(!anyway.ok, "the finger still does not match: {anyway:?}");
    assert_eq!(
        env.ipay.state().login_requests(),
        3,
        "the confirmed login went out"
    );
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(
        env.ipay.state().login_requests(),
        3,
        "the service never retries a decline"
    );
}

/// The shop's pinned scanner is another one: a login over IPC (the tray's "Log in now")
/// sends nothing and leaves the service in `new_scanner`; the tray's "Log in with this new
/// scanner" (a login that accepts it) logs in and pins the scanner it used.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_scanner_is_refused_over_ipc_until_the_tray_accepts_it() {
    let env = TestEnv::start_async().await;
    let usual = rd_agent::ledger::Device {
        dp_id: "STARTEK.ACPL".into(),
        mi: "FM220U".into(),
        srno: "S0001".into(),
        mc_sha256: "00".repeat(32),
    };
    env.ledger()
        .pin_device(&usual, chrono::Utc::now() - Duration::days(3))
        .unwrap();
    let (_svc, _first) = env
        .start_service(None, ServiceStderr::Discard)
        .await
        .unwrap();
    let sock = env.socket();
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
        env.ipay.state().login_requests(),
        0,
        "nothing sent from an unaccepted scanner"
    );

    let accepted = within(c.login_with(rd_agent::login::LoginFlags {
        accept_new_device: true,
        ..Default::default()
    }))
    .await
    .unwrap();
    assert!(accepted.ok, "{accepted:?}");
    assert_eq!(env.ipay.state().login_requests(), 1);
    let now = env.ledger().pinned_device().unwrap().unwrap();
    assert_eq!(now.device.mi, "MFS100");
}
