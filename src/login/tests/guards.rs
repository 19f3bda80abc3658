//! The checks that keep a charge from being one that cannot succeed: the operator InstantPay
//! expects, the decline guard, and the UIDAI key. Each refusal sends nothing; the decline
//! guard also captures nothing.

use super::*;

fn declined() -> FakeApi {
    FakeApi::replying(Ok(LoginOutcome::LoginRequired {
        message: "Biometric mismatch".into(),
        meta: meta(),
    }))
}

fn with_timestamp(ts: &str) -> LoginStatus {
    let mut s = status(false);
    s.meta.timestamp = ts.into();
    s
}

#[test]
fn another_operators_aadhaar_is_refused_before_the_finger_is_asked() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let mut other = status(false);
    other.aadhaar_last_four = Some("2651".into());
    let api = FakeApi::default().then_status(Ok(other));
    let r = run_now(&mut ledger, &api);
    let e = r.result.unwrap_err();
    assert!(matches!(e, LoginError::WrongOperator { .. }), "{e}");
    let said = e.to_string();
    assert!(
        said.contains("ending 7058") && said.contains("ending 2651"),
        "{said}"
    );
    assert!(said.contains("outlet 100001") && said.contains("config set-secret operator.aadhaar"));
    assert!(!said.contains("99994105"), "{said}");
    assert_eq!((r.scans, api.login_calls.load(Ordering::SeqCst)), (0, 0));
    assert!(ledger.all().unwrap().is_empty());
}

#[test]
fn two_declines_in_a_row_hold_the_third_until_the_operator_overrides() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = declined();
    let sent = || api.login_calls.load(Ordering::SeqCst);
    let mut go_on = params(false);
    go_on.override_declines = Some("terminal".into());
    let mut login = |p: &LoginParams, at| run_at(&mut ledger, &api, p, at);
    for _ in 0..2 {
        let r = login(&params(false), morning());
        assert!(matches!(r.result, Err(LoginError::Mismatch(_))));
    }
    assert_eq!(sent(), 2);
    // The third: refused before the capture, nothing sent.
    let r = login(&params(false), morning());
    let e = r.result.unwrap_err();
    assert!(matches!(e, LoginError::DeclineGuard { declines: 2 }), "{e}");
    assert!(e.to_string().contains("A third decline in a row can block"));
    assert_eq!((r.scans, sent()), (0, 2));
    assert!(e.nothing_charged());
    // The next day the count still holds.
    let tomorrow = morning() + chrono::Duration::days(1);
    let r = login(&params(false), tomorrow);
    assert!(matches!(r.result, Err(LoginError::DeclineGuard { .. })));
    // The operator's override lets this one login through, and resets nothing: after
    // another decline the next login asks again.
    let r = login(&go_on, tomorrow);
    assert!(matches!(r.result, Err(LoginError::Mismatch(_))));
    assert_eq!(sent(), 3);
    let r = login(&params(false), tomorrow);
    assert!(matches!(
        r.result,
        Err(LoginError::DeclineGuard { declines: 3 })
    ));
    assert_eq!(sent(), 3);
    // A success resets the count.
    *api.login_reply.lock().unwrap() = None;
    let r = login(&go_on, tomorrow);
    r.result.unwrap();
    assert_eq!(ledger.consecutive_declines().unwrap(), 0);
}

#[test]
fn a_pid_whose_uidai_key_expired_by_instantpays_date_is_not_sent() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let mut stale = pid("70", "40");
    stale.skey.ci = "20261121".into();
    // This PC's clock says 2026-11-22 09:30; InstantPay says 2026-11-21: InstantPay's date wins.
    let api = FakeApi::default().then_status(Ok(with_timestamp("2026-11-21 23:59:00")));
    let r = run(
        &mut ledger,
        &api,
        Ok(stale.clone()),
        &params(false),
        morning(),
    );
    let report = r.result.unwrap();
    assert_eq!(report.attempt.unwrap().ci, "20261121");

    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::default().then_status(Ok(with_timestamp("2026-11-22 00:00:01")));
    let r = run(
        &mut ledger,
        &api,
        Ok(stale.clone()),
        &params(false),
        morning(),
    );
    let e = r.result.unwrap_err();
    assert!(
        matches!(e, LoginError::KeyExpired { ref expired } if expired == "2026-11-21"),
        "{e}"
    );
    assert!(e.to_string().contains("Update the RD Service"));
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
    assert!(
        ledger.all().unwrap().is_empty(),
        "nothing written as sending"
    );

    // No timestamp in the reply: this PC's date.
    let api = FakeApi::default().then_status(Ok(with_timestamp("")));
    let r = run(&mut ledger, &api, Ok(stale), &params(false), morning());
    assert!(matches!(r.result, Err(LoginError::KeyExpired { .. })));

    // A ci that is not a date is passed on as it is.
    let mut odd = pid("70", "40");
    odd.skey.ci = "NOTADATE".into();
    let api = FakeApi::default();
    let r = run(&mut ledger, &api, Ok(odd), &params(false), morning());
    r.result.unwrap();
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 1);
}
