//! A login in order: the status is asked first (and the scanner looked for meanwhile), then the
//! finger, the send and the record; what is refused before anything is sent; and no secret in
//! what it says or stores.

use super::*;

#[test]
fn full_login_records_sending_then_loggedin() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::default();
    let r = run_now(&mut ledger, &api);
    let report = r.result.unwrap();
    assert_eq!(report.result, LoginResult::LoggedIn);
    assert_eq!(r.scans, 1);
    assert!(
        r.lines
            .iter()
            .any(|l| l == "Place your finger on the scanner...")
    );
    assert_eq!(*api.log.lock().unwrap(), vec!["status", "login"]);

    let sent = api.sent.lock().unwrap();
    let req = &sent[0];
    assert_eq!(req.latitude, "19.0760");
    assert_eq!(req.biometric_data.encrypted_aadhaar.len(), 44);
    let back = Aadhaar::decrypt(&req.biometric_data.encrypted_aadhaar, KEY.as_bytes()).unwrap();
    assert_eq!(back.expose_digits(), "999941057058");
    assert_eq!(req.biometric_data.pid_data, "PIDBLOCKPIDBLOCK");

    let a = report.attempt.unwrap();
    assert_eq!(a.external_ref, req.external_ref);
    assert_eq!(a.state, AttemptState::LoggedIn);
    assert_eq!(a.charged, Some(true));
    assert_eq!(a.ipay_uuid.as_deref(), Some("uuid-1"));
    assert_eq!(
        (a.mi.as_str(), a.srno.as_str(), a.q_score.as_str()),
        ("MFS100", "2512345", "70")
    );
    assert_eq!(ledger.summary(morning()).unwrap().charged_today, 1);
}

#[test]
fn already_logged_in_remotely_sends_nothing() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::default().then_status(Ok(status(true)));
    let r = run_now(&mut ledger, &api);
    let report = r.result.unwrap();
    assert_eq!(report.result, LoginResult::AlreadyLoggedIn);
    assert_eq!(
        report.expires_at,
        Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap()
    );
    assert_eq!(r.scans, 0);
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
    assert!(ledger.all().unwrap().is_empty());
    assert_eq!(ledger.day_state(morning()).unwrap(), DayState::LoggedIn);
}

#[test]
fn second_login_same_day_sends_no_chargeable_request() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::default();
    run_now(&mut ledger, &api).result.unwrap();
    // The remote says logged in now.
    let api2 = FakeApi::default().then_status(Ok(status(true)));
    let r = run_now(&mut ledger, &api2);
    assert_eq!(r.result.unwrap().result, LoginResult::AlreadyLoggedIn);
    assert_eq!(api2.login_calls.load(Ordering::SeqCst), 0);
    assert_eq!(r.scans, 0);
}

#[test]
fn remote_login_required_but_local_login_today_needs_force() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    run_now(&mut ledger, &FakeApi::default()).result.unwrap();
    // The bank invalidated the login: the remote says LOGINREQUIRED.
    let api = FakeApi::default();
    let r = run_now(&mut ledger, &api);
    assert!(matches!(r.result, Err(LoginError::LocallyLoggedIn)));
    assert_eq!(r.scans, 0);
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
    // --force skips the local check, but still asks the remote first.
    let api = FakeApi::default();
    let r = run_at(&mut ledger, &api, &params(true), morning());
    assert_eq!(r.result.unwrap().result, LoginResult::LoggedIn);
    assert_eq!(*api.log.lock().unwrap(), vec!["status", "login"]);
    // --force never skips the remote check.
    let api = FakeApi::default().then_status(Ok(status(true)));
    let r = run_at(&mut ledger, &api, &params(true), morning());
    assert_eq!(r.result.unwrap().result, LoginResult::AlreadyLoggedIn);
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
    // Yesterday's login does not block today.
    let tomorrow = morning() + chrono::Duration::days(1);
    let api = FakeApi::default();
    let r = run_at(&mut ledger, &api, &params(false), tomorrow);
    assert_eq!(r.result.unwrap().result, LoginResult::LoggedIn);
}

/// The RD Service is looked for while InstantPay is asked, not after: here InstantPay answers
/// only once the scanner has started looking, so a use case that asked first and looked
/// second would never finish (the test's bound is a deadlock guard, not a speed limit).
#[test]
fn the_scanner_is_looked_for_while_instantpay_is_asked() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let notify = std::sync::Arc::new(tokio::sync::Notify::new());
    let api = FakeApi {
        answer_after: Some(notify.clone()),
        ..FakeApi::default()
    };
    let mut scanner = FakeScanner::new(Ok(pid("74", "41")));
    scanner.preparing = Some(notify);
    let clock = FixedClock::new(morning());
    let lines = Lines::default();
    let result = crate::cli::block_on(async {
        tokio::time::timeout(
            std::time::Duration::from_secs(60),
            login(
                Deps {
                    scanner: &mut scanner,
                    api: &api,
                    ledger: &mut ledger,
                    clock: &clock,
                    progress: &lines,
                },
                &params(false),
            ),
        )
        .await
    });
    let report = result.expect("the status waited for a scan that never started");
    assert_eq!(report.unwrap().result, LoginResult::LoggedIn);
    assert_eq!(
        scanner.prepared,
        Some(None),
        "no port known before the first login"
    );
}

#[test]
fn under_the_quality_floor_nothing_is_sent() {
    for (q, nm) in [("39", "40"), ("70", "19")] {
        let mut ledger = Ledger::open_in_memory().unwrap();
        let api = FakeApi::default();
        let r = run(&mut ledger, &api, Ok(pid(q, nm)), &params(false), morning());
        let e = r.result.unwrap_err();
        assert!(matches!(e, LoginError::LowQuality { .. }), "{e}");
        assert!(e.to_string().contains("place the finger again"), "{e}");
        assert!(e.nothing_charged());
        assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
        assert!(ledger.all().unwrap().is_empty());
    }
    // A device that reports no score is not blocked; a floor of 0 turns the gate off.
    let mut ledger = Ledger::open_in_memory().unwrap();
    let r = run(
        &mut ledger,
        &FakeApi::default(),
        Ok(pid("", "")),
        &params(false),
        morning(),
    );
    assert!(r.result.is_ok());
}

#[test]
fn failed_capture_sends_nothing() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::default();
    let r = run(
        &mut ledger,
        &api,
        Err(ScanError(crate::i18n::Msg::verbatim("Connect the scanner"))),
        &params(false),
        morning(),
    );
    assert!(matches!(r.result, Err(LoginError::Scan(_))));
    let mut bad = pid("70", "40");
    bad.resp.err_code = "720".into();
    let r = run(&mut ledger, &api, Ok(bad), &params(false), morning());
    let e = r.result.unwrap_err();
    assert!(e.to_string().contains("720"), "{e}");
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
    assert!(ledger.all().unwrap().is_empty());
}

#[test]
fn bad_key_or_coordinates_fail_before_the_finger_is_asked() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi {
        key: Some("too-short".into()),
        ..FakeApi::default()
    };
    let p = params(false);
    let r = run_at(&mut ledger, &api, &p, morning());
    let e = r.result.unwrap_err();
    assert!(matches!(e, LoginError::Aadhaar(_)), "{e}");
    assert_eq!(r.scans, 0);
    let mut p = params(false);
    p.latitude = "51.5072".into();
    let r = run_at(&mut ledger, &api, &p, morning());
    assert!(matches!(r.result, Err(LoginError::Request(_))));
    assert_eq!(r.scans, 0);
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
}

#[test]
fn no_secret_in_progress_errors_or_ledger() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::replying(Ok(LoginOutcome::Unknown {
        reason: "timed out".into(),
    }));
    let r = run_now(&mut ledger, &api);
    let e = r.result.unwrap_err();
    let mut text = format!("{e}\n{e:?}\n{}", r.lines.join("\n"));
    for a in ledger.all().unwrap() {
        text.push_str(&serde_json::to_string(&a).unwrap());
        text.push_str(&a.line());
    }
    for needle in [
        "999941057058",
        "9999 4105 7058",
        KEY,
        "PIDBLOCK",
        "SESSIONKEY",
        "HMACHMAC",
    ] {
        assert!(!text.contains(needle), "{needle} leaked: {text}");
    }
}
