//! The ledger's unit tests: an attempt's life, amounts, settling, migrations, bad rows.

use super::attempt::MAX_MESSAGE;
use super::*;
use chrono::{DateTime, TimeZone, Utc};
use instantpay::{Amount, Pool};

fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
}

fn new(r: &str) -> NewAttempt {
    NewAttempt {
        external_ref: r.into(),
        dp_id: "MANTRA.MSIPL".into(),
        mi: "MFS100".into(),
        srno: "1234567".into(),
        q_score: "70".into(),
        nm_points: "40".into(),
        ..NewAttempt::default()
    }
}

fn outcome(state: AttemptState, charged: Option<bool>) -> Outcome {
    Outcome {
        state,
        statuscode: Some("TXN".into()),
        actcode: Some("LOGGEDIN".into()),
        ipay_uuid: Some("u1".into()),
        message: Some("x".repeat(500)),
        charged,
        pool: None,
        biometric_decline: false,
    }
}

#[test]
fn attempt_lifecycle_and_summary() {
    let mut l = Ledger::open_in_memory().unwrap();
    // 2026-11-22 04:00 UTC = 09:30 IST.
    let now = at(22, 4, 0);
    assert_eq!(l.day_state(now).unwrap(), DayState::LoginRequired);
    l.begin(&new("A1"), now).unwrap();
    assert_eq!(l.unresolved().unwrap().len(), 1);
    assert_eq!(l.day_state(now).unwrap(), DayState::Unknown);
    l.finish("A1", &outcome(AttemptState::LoggedIn, Some(true)), now)
        .unwrap();
    assert!(l.unresolved().unwrap().is_empty());
    assert_eq!(l.day_state(now).unwrap(), DayState::LoggedIn);
    let a = l.get("A1").unwrap().unwrap();
    assert_eq!(a.message.as_ref().unwrap().len(), MAX_MESSAGE);
    assert_eq!(a.charged, Some(true));
    assert!(a.line().contains("A1") && a.line().contains("loggedin"));

    let s = l.summary(now).unwrap();
    assert_eq!(s.charged_today, 1);
    assert_eq!(s.charged_this_month, 1);
    assert_eq!(s.expires_at, at(22, 18, 30));
    // 19:00 UTC is past midnight IST: a new day, login required, month still counts it.
    let later = at(22, 19, 0);
    let s = l.summary(later).unwrap();
    assert_eq!(s.state, DayState::LoginRequired);
    assert_eq!(s.charged_today, 0);
    assert_eq!(s.charged_this_month, 1);
    // A status check saying LOGINREQUIRED after the login wins (the bank invalidated it).
    l.record_status("TXN", "LOGINREQUIRED", at(22, 5, 0))
        .unwrap();
    assert_eq!(l.day_state(at(22, 5, 1)).unwrap(), DayState::LoginRequired);
    l.record_status("TXN", "LOGGEDIN", at(22, 6, 0)).unwrap();
    assert_eq!(l.day_state(at(22, 6, 1)).unwrap(), DayState::LoggedIn);
}

fn pool(payable: i64, closing: i64) -> Option<Pool> {
    Some(Pool {
        opening_balance: Some(Amount::from_paise(closing + payable)),
        transaction_value: Some(Amount::from_paise(100)),
        payable_value: Some(Amount::from_paise(payable)),
        closing_balance: Some(Amount::from_paise(closing)),
    })
}

#[test]
fn amounts_are_kept_and_added_in_paise() {
    let mut l = Ledger::open_in_memory().unwrap();
    // Yesterday (the 21st): ₹1.18, wallet 5000.00 after.
    l.begin(&new("M1"), at(21, 4, 0)).unwrap();
    let mut o = outcome(AttemptState::LoggedIn, Some(true));
    o.pool = pool(118, 500_000);
    l.finish("M1", &o, at(21, 4, 0)).unwrap();
    // Today: one charged without an amount, one with ₹1.18 and 4998.82 after.
    l.begin(&new("M2"), at(22, 3, 0)).unwrap();
    l.finish(
        "M2",
        &outcome(AttemptState::Rejected, Some(true)),
        at(22, 3, 0),
    )
    .unwrap();
    l.begin(&new("M3"), at(22, 4, 0)).unwrap();
    let mut o = outcome(AttemptState::LoggedIn, Some(true));
    o.pool = pool(118, 499_882);
    l.finish("M3", &o, at(22, 4, 0)).unwrap();

    let s = l.summary(at(22, 5, 0)).unwrap();
    assert_eq!(s.paid_today.to_string(), "1.18");
    assert_eq!(s.amount_unknown_today, 1);
    assert_eq!(s.paid_this_month.to_string(), "2.36");
    assert_eq!(s.amount_unknown_this_month, 1);
    assert_eq!(
        s.wallet_balance.as_ref().map(Amount::to_string).as_deref(),
        Some("4998.82")
    );
    // What the next login will likely cost, and that today's login went through here.
    assert_eq!(s.last_charge, Some(Amount::from_paise(118)));
    assert!(s.attempt_logged_in_today);
    assert!(!l.summary(at(23, 5, 0)).unwrap().attempt_logged_in_today);
    let a = l.get("M3").unwrap().unwrap();
    assert_eq!(a.pool, pool(118, 499_882));
    assert!(a.line().contains("charged ₹1.18"), "{}", a.line());
    // The JSON keeps them as text.
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["paid_today"], "1.18");
    assert_eq!(json["wallet_balance"], "4998.82");
    assert_eq!(json["last_charge"], "1.18");
    // From a service that does not send the newer fields: read with their defaults.
    let mut old = json.clone();
    old.as_object_mut().unwrap().remove("last_charge");
    old.as_object_mut()
        .unwrap()
        .remove("attempt_logged_in_today");
    let old: Summary = serde_json::from_value(old).unwrap();
    assert_eq!(
        (old.last_charge, old.attempt_logged_in_today),
        (None, false)
    );

    // A stored amount that is not one is an error naming the row, not a wrong sum.
    l.conn
        .execute(
            "UPDATE attempts SET payable = '1.1x' WHERE external_ref = 'M3'",
            [],
        )
        .unwrap();
    let e = l.summary(at(22, 5, 0)).unwrap_err().to_string();
    assert!(e.contains("M3") && e.contains("payable"), "{e}");
}

#[test]
fn resolve_unknown_rows() {
    let mut l = Ledger::open_in_memory().unwrap();
    let now = at(22, 4, 0);
    l.begin(&new("S1"), now).unwrap();
    // While S1 is open, no second attempt of the day may begin.
    assert!(matches!(
        l.begin(&new("S2"), now),
        Err(LedgerError::OpenAttempt(r)) if r == "S1"
    ));
    l.resolve("S1", Resolution::LoggedIn, now).unwrap();
    let a = l.get("S1").unwrap().unwrap();
    assert_eq!((a.state, a.charged), (AttemptState::LoggedIn, Some(true)));
    l.begin(&new("S2"), now).unwrap();
    l.resolve("S2", Resolution::NotLoggedIn, now).unwrap();
    let b = l.get("S2").unwrap().unwrap();
    assert_eq!((b.state, b.charged), (AttemptState::Unknown, None));
    assert!(!b.is_unresolved());
    assert!(l.unresolved().unwrap().is_empty());
    let s = l.summary(now).unwrap();
    assert_eq!((s.charged_today, s.charge_unknown_today), (1, 1));
    assert!(matches!(
        l.finish("nope", &outcome(AttemptState::Rejected, None), now),
        Err(LedgerError::NoSuchAttempt(_))
    ));
    // An externalRef is unique.
    assert!(l.begin(&new("S1"), now).is_err());
}

#[test]
fn migrations_run_once_and_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite3");
    {
        let mut l = Ledger::open(&path).unwrap();
        l.begin(&new("K1"), at(22, 4, 0)).unwrap();
    }
    let l = Ledger::open(&path).unwrap();
    assert_eq!(l.all().unwrap().len(), 1);
    drop(l);
    let c = Connection::open(&path).unwrap();
    c.pragma_update(None, "user_version", 99).unwrap();
    drop(c);
    assert!(matches!(
        Ledger::open(&path),
        Err(LedgerError::TooNew { found: 99, .. })
    ));
}

#[test]
fn garbage_file_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite3");
    std::fs::write(&path, b"this is not a database, just some bytes....").unwrap();
    assert!(Ledger::open(&path).is_err());
}

#[test]
fn a_row_that_does_not_parse_names_itself() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite3");
    let mut l = Ledger::open(&path).unwrap();
    l.begin(&new("R1"), at(22, 3, 0)).unwrap();
    drop(l);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE attempts SET created_at = 'yesterday' WHERE external_ref = 'R1'",
        [],
    )
    .unwrap();
    drop(conn);
    let l = Ledger::open(&path).unwrap();
    let e = l.all().unwrap_err().to_string();
    assert!(
        e.contains("R1") && e.contains("created_at") && e.contains("yesterday"),
        "{e}"
    );
}
