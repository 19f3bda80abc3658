//! What each reply becomes in the ledger (charged or not, settled or open), and how an open
//! attempt is settled before anything new is sent: by the status, or by the relay's record.

use super::*;

#[test]
fn mismatch_is_rejected_and_charged() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::replying(Ok(LoginOutcome::LoginRequired {
        message: "Biometric mismatch".into(),
        meta: meta(),
    }));
    let r = run_now(&mut ledger, &api);
    let e = r.result.unwrap_err();
    assert!(matches!(e, LoginError::Mismatch(_)));
    let a = e.attempt().unwrap();
    assert_eq!((a.state, a.charged), (AttemptState::Rejected, Some(true)));
    assert_eq!(a.actcode.as_deref(), Some("LOGINREQUIRED"));
}

#[test]
fn api_rejection_is_recorded_with_its_code() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::replying(Ok(LoginOutcome::Rejected {
        statuscode: StatusCode::parse("RPI"),
        actcode: Some(ActCode::parse("")),
        message: "Invalid latitude".into(),
        meta: meta(),
    }));
    let r = run_now(&mut ledger, &api);
    let e = r.result.unwrap_err();
    assert!(e.to_string().contains("RPI"), "{e}");
    let a = e.attempt().unwrap();
    assert_eq!(a.state, AttemptState::Rejected);
    assert_eq!(a.statuscode.as_deref(), Some("RPI"));
}

#[test]
fn not_sent_is_recorded_as_not_charged() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::replying(Err(ApiError::Connect {
        base_url: "http://127.0.0.1:9".into(),
        reason: "connection refused".into(),
    }));
    let r = run_now(&mut ledger, &api);
    let e = r.result.unwrap_err();
    assert!(matches!(e, LoginError::NotSent(_)));
    let all = ledger.all().unwrap();
    assert_eq!(
        (all[0].state, all[0].charged),
        (AttemptState::Rejected, Some(false))
    );
    assert!(ledger.unresolved().unwrap().is_empty());
}

#[test]
fn unknown_outcome_is_never_resubmitted_and_settled_by_status_next_time() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::replying(Ok(LoginOutcome::Unknown {
        reason: "timed out".into(),
    }));
    let r = run_now(&mut ledger, &api);
    let e = r.result.unwrap_err();
    assert!(matches!(e, LoginError::Unknown { .. }));
    assert!(!e.nothing_charged());
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 1);
    let unknown_ref = e.attempt().unwrap().external_ref.clone();
    assert_eq!(ledger.unresolved().unwrap().len(), 1);

    // Next run: the remote says logged in -> the unknown attempt went through; nothing sent.
    let api = FakeApi::default().then_status(Ok(status(true)));
    let r = run_now(&mut ledger, &api);
    let report = r.result.unwrap();
    assert_eq!(report.result, LoginResult::AlreadyLoggedIn);
    assert_eq!(report.resolved.len(), 1);
    assert_eq!(report.resolved[0].external_ref, unknown_ref);
    assert_eq!(report.resolved[0].state, AttemptState::LoggedIn);
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
    assert!(ledger.unresolved().unwrap().is_empty());
}

#[test]
fn a_sending_row_is_settled_before_any_capture() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    // A crash between the ledger write and the reply left this.
    ledger
        .begin(
            &NewAttempt {
                external_ref: "RDACRASHED1".into(),
                ..NewAttempt::default()
            },
            morning(),
        )
        .unwrap();
    // The status call fails: nothing else happens, the row stays unresolved.
    let api = FakeApi::default().then_status(Err(ApiError::Connect {
        base_url: "http://127.0.0.1:9".into(),
        reason: "connection refused".into(),
    }));
    let r = run_now(&mut ledger, &api);
    assert!(matches!(r.result, Err(LoginError::Status(_))));
    assert_eq!(r.scans, 0);
    assert_eq!(ledger.unresolved().unwrap().len(), 1);

    // Login required, but the attempt is younger than the settle window: InstantPay may still
    // be processing it. Nothing is captured or sent, and the wait is named.
    let api = FakeApi::default();
    let r = run_at(
        &mut ledger,
        &api,
        &params(false),
        morning() + chrono::Duration::seconds(20),
    );
    assert!(
        matches!(r.result, Err(LoginError::Settling { ref external_ref, wait_secs: 100 }) if external_ref == "RDACRASHED1"),
        "{:?}",
        r.result
    );
    assert_eq!(r.scans, 0);
    assert_eq!(*api.log.lock().unwrap(), vec!["status"]);
    assert_eq!(ledger.unresolved().unwrap().len(), 1);

    // Past the window, login required settles it (not logged in, charge unknown), then the
    // login runs.
    let api = FakeApi::default();
    let r = run_at(
        &mut ledger,
        &api,
        &params(false),
        morning() + chrono::Duration::minutes(2),
    );
    let report = r.result.unwrap();
    assert_eq!(report.resolved.len(), 1);
    assert_eq!(report.resolved[0].state, AttemptState::Unknown);
    assert_eq!(report.resolved[0].charged, None);
    assert_eq!(*api.log.lock().unwrap(), vec!["status", "login"]);
    let a = ledger.get("RDACRASHED1").unwrap().unwrap();
    assert_eq!(a.resolution.as_deref(), Some("status_loginrequired"));
    assert_eq!(ledger.summary(morning()).unwrap().charge_unknown_today, 1);
}

/// An attempt whose reply never came, written this morning.
fn left_unresolved(ledger: &mut Ledger, external_ref: &str) {
    ledger
        .begin(
            &NewAttempt {
                external_ref: external_ref.into(),
                ..NewAttempt::default()
            },
            morning(),
        )
        .unwrap();
}

/// A run at 20 s past `morning()`, inside the settle window.
fn run_20s_later(ledger: &mut Ledger, api: &FakeApi) -> Run {
    run_at(
        ledger,
        api,
        &params(false),
        morning() + chrono::Duration::seconds(20),
    )
}

#[test]
fn an_attempt_the_relay_recorded_is_settled_by_its_record_even_inside_the_window() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    left_unresolved(&mut ledger, "RDARELAYED1");
    // The relay says the attempt was refused (charged), though the status alone could not
    // judge it for another 100 s: its record settles it now, and the login runs.
    let api = FakeApi::default();
    api.records.lock().unwrap().push((
        "RDARELAYED1".into(),
        LoginOutcome::LoginRequired {
            message: "finger did not match".into(),
            meta: meta(),
        },
    ));
    let r = run_20s_later(&mut ledger, &api);
    let report = r.result.unwrap();
    assert_eq!(report.resolved.len(), 1);
    assert_eq!(report.resolved[0].external_ref, "RDARELAYED1");
    assert_eq!(report.resolved[0].state, AttemptState::Rejected);
    assert_eq!(report.resolved[0].charged, Some(true));
    assert_eq!(
        report.resolved[0].resolution.as_deref(),
        Some("relay_record")
    );
    assert_eq!(*api.log.lock().unwrap(), vec!["status", "login"]);

    // A record that is itself unknown settles nothing: the status rules apply.
    let mut ledger = Ledger::open_in_memory().unwrap();
    left_unresolved(&mut ledger, "RDARELAYED2");
    let api = FakeApi::default();
    api.records.lock().unwrap().push((
        "RDARELAYED2".into(),
        LoginOutcome::Unknown {
            reason: "no answer".into(),
        },
    ));
    let r = run_20s_later(&mut ledger, &api);
    assert!(
        matches!(r.result, Err(LoginError::Settling { .. })),
        "{:?}",
        r.result
    );
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
}

#[test]
fn a_login_the_relay_shared_from_another_pc_is_recorded_as_not_charged() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi {
        shared_from: Some("RDAFIRSTPC1".into()),
        ..FakeApi::default()
    };
    let report = run_now(&mut ledger, &api).result.unwrap();
    assert_eq!(report.result, LoginResult::LoggedIn);
    let a = report.attempt.unwrap();
    assert_eq!(a.state, AttemptState::LoggedIn);
    assert_eq!(a.charged, Some(false));
    assert!(a.message.unwrap().contains("RDAFIRSTPC1"));
    assert_eq!(ledger.summary(morning()).unwrap().charged_today, 0);
}
