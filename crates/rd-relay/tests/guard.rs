//! The guards before a charge (crates/rd-relay/src/guard.rs, docs/relay.md): the relay over
//! real HTTP on loopback, the sandbox InstantPay behind it declining every finger on demand,
//! SQLite files in a temp dir (and the test PostgreSQL where there is one).

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use clock::{Clock, ManualClock};
use common::{AADHAAR, login_request, postgres_url, world, world_at, world_on};
use instantpay::PATH_LOGIN;
use instantpay::{ApiError, LoginOutcome};
use rd_relay::Settings;
use rd_relay::{AttemptRecord, Lift, LiftWhat};
use relay_api::{LoginReply, codes};
use sandbox::instantpay::{DEMO_OUTLET_ID, Fault};

fn refusal(r: Result<LoginReply, ApiError>) -> (String, String) {
    match r {
        Err(ApiError::Relay { code, message }) => (code, message),
        other => panic!("not a relay refusal: {other:?}"),
    }
}

fn declined(r: Result<LoginReply, ApiError>) {
    match r {
        Ok(LoginReply {
            outcome: LoginOutcome::LoginRequired { .. },
            ..
        }) => {}
        other => panic!("not a declined finger: {other:?}"),
    }
}

fn decline_every_finger(w: &common::World) {
    w.ipay
        .state()
        .set_fault(PATH_LOGIN, Some(Fault::BiometricMismatch));
}

/// No refusal names the Aadhaar sent, the PID or the token.
fn says_nothing_secret(message: &str) {
    for needle in [AADHAAR, "PIDBLOCK", "SESSIONKEY", "HMACHMAC", "rdr_"] {
        assert!(!message.contains(needle), "{needle} in {message}");
    }
}

async fn fleet(w: &common::World) -> serde_json::Value {
    reqwest::get(format!("{}/fleet/today", w.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn metrics(w: &common::World) -> String {
    reqwest::get(format!("{}/metrics", w.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn guard_refusals(metrics: &str, reason: &str) -> u64 {
    let line = format!("rd_relay_guard_refusals_total{{reason=\"{reason}\"}} ");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(&line))
        .map_or(0, |n| n.trim().parse().unwrap())
}

/// The demo outlet's row of `/fleet/today`.
async fn demo_outlet(w: &common::World) -> serde_json::Value {
    let view = fleet(w).await;
    view["outlets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["outlet_id"] == DEMO_OUTLET_ID)
        .cloned()
        .unwrap()
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().into()
}

/// A relay whose clock the test moves, over SQLite or `db`.
async fn world_with_clock(
    db: Option<String>,
    settings: Settings,
    start: &str,
) -> (common::World, Arc<ManualClock>) {
    let clock = ManualClock::at(at(start));
    let w = world_at(db, settings, clock.clone() as Arc<dyn Clock>).await;
    (w, clock)
}

async fn lift(w: &common::World, what: LiftWhat, by: &str, now: DateTime<Utc>) {
    w.relay
        .store
        .put_lift(&Lift {
            outlet_id: DEMO_OUTLET_ID.into(),
            day: rd_relay::day_of(now),
            what,
            lifted_by: by.into(),
            lifted_at: now,
        })
        .await
        .unwrap();
}

// ---- six declined fingers from one device -------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_declined_fingers_from_one_device_are_charged_twice() {
    six_declined_fingers(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_declined_fingers_are_charged_twice_on_postgres() {
    if let Some(db) = postgres_url().await {
        six_declined_fingers(Some(db)).await;
    }
}

async fn six_declined_fingers(db: Option<String>) {
    let w = world_on(db, Settings::default()).await;
    let d = w.device().await;
    decline_every_finger(&w);
    declined(d.login(&login_request()).await);
    declined(d.login(&login_request()).await);
    for _ in 0..4 {
        let (code, message) = refusal(d.login(&login_request()).await);
        assert_eq!(code, codes::DECLINE_GUARD, "{message}");
        assert!(message.contains("support"), "{message}");
        says_nothing_secret(&message);
    }
    assert_eq!(w.ipay.charges(), 2);
    assert_eq!(w.ipay.state().login_requests(), 2);

    // The platform sees the outlet held, and why.
    let o = demo_outlet(&w).await;
    assert_eq!(o["held_by"], serde_json::json!(["decline_guard"]), "{o}");
    assert_eq!(o["declines_in_a_row"], 2, "{o}");
    assert_eq!(o["charged_failures_today"], 2, "{o}");
    assert_eq!(o["attempts_today"], 2, "{o}");
    let view = fleet(&w).await;
    assert_eq!(view["totals"]["held_decline_guard"], 1, "{view}");
    assert_eq!(view["totals"]["held_failure_cap"], 0, "{view}");
    let m = metrics(&w).await;
    assert_eq!(guard_refusals(&m, "decline_guard"), 4, "{m}");
    assert_eq!(guard_refusals(&m, "failure_cap"), 0, "{m}");
}

// ---- what resets the streak, and what does not ---------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_starts_the_streak_again() {
    let w = world(Settings::default()).await;
    let d = w.device().await;
    decline_every_finger(&w);
    declined(d.login(&login_request()).await);
    w.ipay.state().set_fault(PATH_LOGIN, None);
    let ok = d.login(&login_request()).await.unwrap();
    assert!(
        matches!(ok.outcome, LoginOutcome::LoggedIn { .. }),
        "{ok:?}"
    );
    // The bank cancels the login; the operator's finger is declined twice after it.
    w.ipay.state().invalidate_login(DEMO_OUTLET_ID);
    decline_every_finger(&w);
    declined(d.login(&login_request()).await);
    declined(d.login(&login_request()).await);
    let (code, _) = refusal(d.login(&login_request()).await);
    assert_eq!(code, codes::DECLINE_GUARD);
    assert_eq!(w.ipay.charges(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declines_either_side_of_ist_midnight_are_in_a_row() {
    // 23:55 IST on 7 December.
    let (w, clock) = world_with_clock(None, Settings::default(), "2026-12-07T18:25:00Z").await;
    let d = w.device().await;
    decline_every_finger(&w);
    declined(d.login(&login_request()).await);
    clock.advance(Duration::minutes(1));
    declined(d.login(&login_request()).await);
    // 00:05 IST on 8 December: a new day for the claim and the cap, not for the streak.
    clock.set(at("2026-12-07T18:35:00Z"));
    let (code, message) = refusal(d.login(&login_request()).await);
    assert_eq!(code, codes::DECLINE_GUARD, "{message}");
    assert_eq!(w.ipay.charges(), 2);
    let view = fleet(&w).await;
    assert_eq!(view["day"], "2026-12-08");
    let o = demo_outlet(&w).await;
    assert_eq!(o["declines_in_a_row"], 2, "{o}");
    assert_eq!(o["charged_failures_today"], 0, "{o}");
    assert_eq!(o["held_by"], serde_json::json!(["decline_guard"]), "{o}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_of_one_outlet_share_one_streak() {
    two_devices_share_the_streak(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_share_one_streak_on_postgres() {
    if let Some(db) = postgres_url().await {
        two_devices_share_the_streak(Some(db)).await;
    }
}

async fn two_devices_share_the_streak(db: Option<String>) {
    let w = world_on(db, Settings::default()).await;
    let (a, b) = (w.device().await, w.device().await);
    decline_every_finger(&w);
    declined(a.login(&login_request()).await);
    declined(b.login(&login_request()).await);
    for d in [&a, &b] {
        let (code, _) = refusal(d.login(&login_request()).await);
        assert_eq!(code, codes::DECLINE_GUARD);
    }
    assert_eq!(w.ipay.charges(), 2);
}

// ---- lifts: the admin's, and the operator's override -----------------------------------------

fn admin(w: &common::World, args: &[&str]) -> String {
    let db = w.dir.path().join("relay.sqlite3");
    let o = std::process::Command::new(assert_cmd::cargo::cargo_bin!("rd-relay"))
        .arg("--db")
        .arg(&db)
        .args(args)
        .env_remove("RD_RELAY_DB")
        .env_remove("RD_RELAY_MAX_FAILURES_PER_DAY")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_lift_lets_exactly_the_lifted_hold_go_and_is_recorded() {
    let w = world(Settings::default()).await;
    let d = w.device().await;
    decline_every_finger(&w);
    declined(d.login(&login_request()).await);
    declined(d.login(&login_request()).await);
    let shown = admin(&w, &["guard", "show", "--outlet", DEMO_OUTLET_ID]);
    assert!(shown.contains("held by the decline guard"), "{shown}");
    assert!(shown.contains("declines in a row: 2"), "{shown}");
    assert!(shown.contains("charged failures today: 2"), "{shown}");
    assert!(shown.contains("lifts: none"), "{shown}");

    // Lifting the cap does not lift the decline guard.
    let printed = admin(
        &w,
        &[
            "guard",
            "lift",
            "--outlet",
            DEMO_OUTLET_ID,
            "--by",
            "asha",
            "--what",
            "cap",
        ],
    );
    assert!(printed.contains("lifted today's failure cap"), "{printed}");
    let (code, _) = refusal(d.login(&login_request()).await);
    assert_eq!(code, codes::DECLINE_GUARD);
    assert_eq!(w.ipay.charges(), 2);

    let printed = admin(
        &w,
        &[
            "guard",
            "lift",
            "--outlet",
            DEMO_OUTLET_ID,
            "--by",
            "asha",
            "--what",
            "declines",
        ],
    );
    assert!(printed.contains("lifted the decline guard"), "{printed}");
    assert!(printed.contains("by asha"), "{printed}");
    assert!(
        printed.contains("2 biometric declines in a row"),
        "{printed}"
    );
    // The streak starts again: two more may be tried, not three.
    declined(d.login(&login_request()).await);
    declined(d.login(&login_request()).await);
    let (code, _) = refusal(d.login(&login_request()).await);
    assert_eq!(code, codes::DECLINE_GUARD);
    assert_eq!(w.ipay.charges(), 4);

    let lifts = w.relay.store.lifts(DEMO_OUTLET_ID, 10).await.unwrap();
    assert_eq!(lifts.len(), 2, "{lifts:?}");
    assert_eq!(lifts[0].what, LiftWhat::Declines);
    assert_eq!(lifts[1].what, LiftWhat::Cap);
    let today = rd_relay::day_of(Utc::now());
    for l in &lifts {
        assert_eq!(l.lifted_by, "asha");
        assert_eq!(l.day, today);
        assert!(Utc::now() - l.lifted_at < Duration::minutes(5), "{l:?}");
    }
    let shown = admin(&w, &["guard", "show", "--outlet", DEMO_OUTLET_ID]);
    for what in [" declines ", " cap "] {
        assert!(
            shown
                .lines()
                .any(|l| l.contains(what) && l.ends_with("by asha")),
            "{shown}"
        );
    }

    // An outlet the relay does not know is an error, not a lift.
    let o = std::process::Command::new(assert_cmd::cargo::cargo_bin!("rd-relay"))
        .arg("--db")
        .arg(w.dir.path().join("relay.sqlite3"))
        .args(["guard", "lift", "--outlet", "999999", "--by", "asha"])
        .env_remove("RD_RELAY_DB")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not registered"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_s_override_needs_the_relay_s_flag() {
    device_override(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_s_override_needs_the_flag_on_postgres() {
    if let Some(db) = postgres_url().await {
        device_override(Some(db)).await;
    }
}

fn overriding() -> relay_api::LoginRequest {
    let mut req = login_request();
    req.override_declines = true;
    req
}

async fn device_override(db: Option<String>) {
    // Without --allow-device-override the override is refused, and only support can lift.
    let w = world_on(db.clone(), Settings::default()).await;
    let d = w.device().await;
    decline_every_finger(&w);
    declined(d.login(&login_request()).await);
    declined(d.login(&login_request()).await);
    let (code, message) = refusal(d.login(&overriding()).await);
    assert_eq!(code, codes::DECLINE_GUARD);
    assert!(message.contains("support"), "{message}");
    assert_eq!(w.ipay.charges(), 2);
    assert!(
        w.relay
            .store
            .lifts(DEMO_OUTLET_ID, 10)
            .await
            .unwrap()
            .is_empty()
    );
    drop(w);

    // With it, each override lets one attempt through, recorded as the device's.
    let db = match db {
        Some(_) => postgres_url().await,
        None => None,
    };
    let w = world_on(
        db,
        Settings {
            allow_device_override: true,
            ..Settings::default()
        },
    )
    .await;
    let d = w.device().await;
    let device_id = w.relay.store.devices(None).await.unwrap()[0]
        .device_id
        .clone();
    decline_every_finger(&w);
    declined(d.login(&login_request()).await);
    declined(d.login(&login_request()).await);
    let (code, message) = refusal(d.login(&login_request()).await);
    assert_eq!(code, codes::DECLINE_GUARD);
    assert!(message.contains("confirm"), "{message}");
    declined(d.login(&overriding()).await);
    assert_eq!(w.ipay.charges(), 3);
    // The bank counted that one too: the next needs its own override.
    let (code, _) = refusal(d.login(&login_request()).await);
    assert_eq!(code, codes::DECLINE_GUARD);
    w.ipay.state().set_fault(PATH_LOGIN, None);
    let ok = d.login(&overriding()).await.unwrap();
    assert!(
        matches!(ok.outcome, LoginOutcome::LoggedIn { .. }),
        "{ok:?}"
    );
    assert_eq!(w.ipay.charges(), 4);
    let lifts = w.relay.store.lifts(DEMO_OUTLET_ID, 10).await.unwrap();
    assert_eq!(lifts.len(), 2, "{lifts:?}");
    for l in &lifts {
        assert_eq!(l.what, LiftWhat::Override);
        assert_eq!(l.lifted_by, format!("device:{device_id}"));
    }
    // Logged in: the streak is over.
    let o = demo_outlet(&w).await;
    assert_eq!(o["declines_in_a_row"], 0, "{o}");
    assert_eq!(o["held_by"], serde_json::json!([]), "{o}");
}

// ---- the day's failure cap -------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sixth_charged_failure_of_a_day_is_refused() {
    failure_cap(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sixth_charged_failure_is_refused_on_postgres() {
    if let Some(db) = postgres_url().await {
        failure_cap(Some(db)).await;
    }
}

async fn failure_cap(db: Option<String>) {
    // 10:00 IST.
    let (w, clock) = world_with_clock(db, Settings::default(), "2026-12-07T04:30:00Z").await;
    let d = w.device().await;
    let step = || clock.advance(Duration::seconds(1));
    decline_every_finger(&w);
    declined(d.login(&login_request()).await); // 1
    step();
    declined(d.login(&login_request()).await); // 2
    step();
    lift(&w, LiftWhat::Declines, "asha", clock.now()).await;
    step();
    // InstantPay reads the request and hangs up: the outcome, and the charge, are unknown.
    w.ipay
        .state()
        .set_fault(PATH_LOGIN, Some(Fault::DropConnection));
    let unknown = d.login(&login_request()).await.unwrap();
    assert!(
        matches!(unknown.outcome, LoginOutcome::Unknown { .. }),
        "{unknown:?}"
    ); // 3, once settled as not logged in
    clock.advance(Duration::seconds(200));
    decline_every_finger(&w);
    declined(d.login(&login_request()).await); // 4
    step();
    lift(&w, LiftWhat::Declines, "asha", clock.now()).await;
    step();
    // A charged refusal of another kind (a UIDAI error that is not a declined finger).
    let now = clock.now();
    let other = AttemptRecord {
        external_ref: "OTHERKIND1".into(),
        outlet_id: DEMO_OUTLET_ID.into(),
        day: rd_relay::day_of(now),
        device_id: "dev-other".into(),
        created_at: now,
        updated_at: now,
        state: instantpay::AttemptState::Rejected,
        charged: Some(true),
        statuscode: Some("ERR".into()),
        actcode: None,
        ipay_uuid: None,
        shared_from: None,
        decline: Some(false),
        outcome: None,
    };
    assert!(w.relay.store.insert_attempt(&other).await.unwrap()); // 5
    step();

    let before = w.ipay.state().login_requests();
    let (code, message) = refusal(d.login(&login_request()).await);
    assert_eq!(code, codes::FAILURE_CAP, "{message}");
    assert!(message.contains('5'), "{message}");
    says_nothing_secret(&message);
    assert_eq!(w.ipay.state().login_requests(), before);
    assert_eq!(w.ipay.charges(), 3);
    let o = demo_outlet(&w).await;
    assert_eq!(o["held_by"], serde_json::json!(["failure_cap"]), "{o}");
    assert_eq!(o["charged_failures_today"], 5, "{o}");
    assert_eq!(o["declines_in_a_row"], 0, "{o}");

    // A decline lift is not a cap lift; a cap lift lets the day go on, counting afresh.
    lift(&w, LiftWhat::Declines, "asha", clock.now()).await;
    step();
    let (code, _) = refusal(d.login(&login_request()).await);
    assert_eq!(code, codes::FAILURE_CAP);
    lift(&w, LiftWhat::Cap, "asha", clock.now()).await;
    step();
    declined(d.login(&login_request()).await);
    assert_eq!(w.ipay.charges(), 4);
    let o = demo_outlet(&w).await;
    assert_eq!(o["charged_failures_today"], 6, "{o}");
    assert_eq!(o["failures_toward_cap"], 1, "{o}");
    assert_eq!(o["held_by"], serde_json::json!([]), "{o}");

    // The next IST day starts with no failures (the streak is another matter).
    clock.advance(Duration::days(1));
    let o = demo_outlet(&w).await;
    assert_eq!(o["charged_failures_today"], 0, "{o}");
    let m = metrics(&w).await;
    assert_eq!(guard_refusals(&m, "failure_cap"), 2, "{m}");
}

// ---- logins that cannot succeed ------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_person_s_aadhaar_sends_nothing_and_names_only_the_expected_four() {
    let w = world(Settings::default()).await;
    let d = w.device().await;
    let mut req = login_request();
    req.aadhaar = "234567890124".into();
    let (code, message) = refusal(d.login(&req).await);
    assert_eq!(code, codes::WRONG_OPERATOR);
    assert!(message.contains("ends in 7058"), "{message}");
    for needle in ["234567890124", "2345", "0124"] {
        assert!(!message.contains(needle), "{needle} in {message}");
    }
    assert_eq!(w.ipay.state().login_requests(), 0);
    assert_eq!(w.ipay.charges(), 0);
    // Nothing recorded, and the day is free for the right Aadhaar.
    let o = demo_outlet(&w).await;
    assert_eq!(o["attempts_today"], 0, "{o}");
    let ok = d.login(&login_request()).await.unwrap();
    assert!(
        matches!(ok.outcome, LoginOutcome::LoggedIn { .. }),
        "{ok:?}"
    );
    let m = metrics(&w).await;
    assert_eq!(guard_refusals(&m, "wrong_operator"), 1, "{m}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_capture_under_an_expired_uidai_key_sends_nothing() {
    let w = world(Settings::default()).await;
    let d = w.device().await;
    for ci in [sandbox::rd::STALE_KEY_CI, "20210930"] {
        let mut req = login_request();
        req.biometric_data.ci = ci.into();
        let (code, message) = refusal(d.login(&req).await);
        assert_eq!(code, codes::KEY_EXPIRED);
        assert!(message.contains("RD Service"), "{message}");
        assert!(!message.contains(ci), "{message}");
    }
    assert_eq!(w.ipay.state().login_requests(), 0);
    assert_eq!(w.ipay.charges(), 0);
    let m = metrics(&w).await;
    assert_eq!(guard_refusals(&m, "key_expired"), 2, "{m}");
    // A ci that is no date is InstantPay's to judge: sent.
    let mut req = login_request();
    req.biometric_data.ci = "unknown".into();
    let ok = d.login(&req).await.unwrap();
    assert!(
        matches!(ok.outcome, LoginOutcome::LoggedIn { .. }),
        "{ok:?}"
    );
}

/// A refused attempt leaves no record: its retry with the same attempt id is judged again,
/// and refused again, never sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_attempt_is_not_recorded_and_its_retry_is_judged_afresh() {
    let w = world(Settings::default()).await;
    let d = w.device().await;
    decline_every_finger(&w);
    declined(d.login(&login_request()).await);
    declined(d.login(&login_request()).await);
    let req = login_request();
    let (code, _) = refusal(d.login(&req).await);
    assert_eq!(code, codes::DECLINE_GUARD);
    assert!(
        w.relay
            .store
            .attempt(&req.external_ref)
            .await
            .unwrap()
            .is_none()
    );
    let (code, _) = refusal(d.login(&req).await);
    assert_eq!(code, codes::DECLINE_GUARD);
    assert_eq!(w.ipay.state().login_requests(), 2);
}

// ---- the schema ----------------------------------------------------------------------------

/// A database made before the guards gets their column, table and indexes, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earlier_database_is_migrated_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("relay.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE relay_attempts (external_ref TEXT PRIMARY KEY, outlet_id TEXT NOT NULL,
               day TEXT NOT NULL, device_id TEXT NOT NULL, created_at BIGINT NOT NULL,
               updated_at BIGINT NOT NULL, state TEXT NOT NULL, charged BIGINT, statuscode TEXT,
               actcode TEXT, ipay_uuid TEXT, shared_from TEXT, outcome TEXT);
             INSERT INTO relay_attempts VALUES ('OLD1', '72762', '2026-12-01', 'dev', 1, 1,
               'rejected', 1, 'TXN', 'LOGINREQUIRED', NULL, NULL, NULL);",
        )
        .unwrap();
    }
    for _ in 0..2 {
        let store = rd_relay::Store::open(&path.display().to_string())
            .await
            .unwrap();
        let old = store.attempt("OLD1").await.unwrap().unwrap();
        assert_eq!(old.decline, None);
        assert!(store.lifts("72762", 5).await.unwrap().is_empty());
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM relay_migrations")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ids, [1]);
}
