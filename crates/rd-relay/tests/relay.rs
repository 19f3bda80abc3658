//! The relay over real HTTP on loopback, a SQLite file in a temp dir, the sandbox InstantPay
//! behind it, and the agent's own client (crates/relay-api).

mod common;

use std::time::Duration;

use common::{AADHAAR, login_request, postgres_url, world, world_on};
use instantpay::Secret;
use instantpay::{ApiError, LoginOutcome};
use instantpay::{PATH_LOGIN, PATH_LOGIN_STATUS};
use rd_relay::Settings;
use relay_api::{RelayClient, codes};
use sandbox::instantpay::{DEMO_CLIENT_SECRET, DEMO_ENCRYPTION_KEY, DEMO_OUTLET_ID, Fault};

fn refusal_code(e: &ApiError) -> &str {
    match e {
        ApiError::Relay { code, .. } => code,
        other => panic!("not a relay refusal: {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_at_once_one_charge_the_second_shares_the_first() {
    two_devices_at_once(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_at_once_one_charge_on_postgres() {
    if let Some(db) = postgres_url().await {
        two_devices_at_once(Some(db)).await;
    }
}

async fn two_devices_at_once(db: Option<String>) {
    let w = world_on(db, Settings::default()).await;
    let (a, b) = (w.device().await, w.device().await);
    w.ipay
        .state()
        .set_fault(PATH_LOGIN, Some(Fault::Slow(Duration::from_millis(600))));
    let (ra, rb) = (login_request(), login_request());
    let first = {
        let a = a.clone();
        tokio::spawn(async move { a.login(&ra).await })
    };
    // The second arrives while the first is with InstantPay.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let second = b.login(&rb).await.unwrap();
    let first = first.await.unwrap().unwrap();
    assert!(
        matches!(first.outcome, LoginOutcome::LoggedIn { .. }),
        "{first:?}"
    );
    assert_eq!(first.shared_from, None);
    assert!(
        matches!(second.outcome, LoginOutcome::LoggedIn { .. }),
        "{second:?}"
    );
    assert!(second.shared_from.is_some(), "{second:?}");
    assert_eq!(w.ipay.state().login_requests(), 1);
    assert_eq!(w.ipay.charges(), 1);

    // The fleet view and the report say the same.
    let view = rd_relay::fleet_today(&w.relay.store, clock::ist_date(chrono::Utc::now()), 5)
        .await
        .unwrap();
    assert_eq!(view.totals.logged_in, 1);
    assert_eq!(view.totals.charges_today, 1);
    assert_eq!(view.totals.attempts_today, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_with_the_same_attempt_id_is_answered_from_the_record_never_resent() {
    let w = world(Settings::default()).await;
    let d = w.device().await;
    let req = login_request();
    let once = d.login(&req).await.unwrap();
    let again = d.login(&req).await.unwrap();
    assert_eq!(once.outcome, again.outcome);
    assert_eq!(w.ipay.state().login_requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_attempt_sent_twice_at_once_reaches_instantpay_once() {
    let w = world(Settings::default()).await;
    let d = w.device().await;
    // Both are asking the status when the other arrives, and the login itself is slow.
    for path in [PATH_LOGIN_STATUS, PATH_LOGIN] {
        w.ipay
            .state()
            .set_fault(path, Some(Fault::Slow(Duration::from_millis(300))));
    }
    let req = login_request();
    let (first, second) = tokio::join!(d.login(&req), d.login(&req));
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(w.ipay.state().login_requests(), 1);
    assert_eq!(w.ipay.charges(), 1);
    // One of them has the outcome; the other was told, at most, that it is in flight.
    assert!(
        [&first, &second]
            .iter()
            .any(|r| matches!(r.outcome, LoginOutcome::LoggedIn { .. })),
        "{first:?} {second:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_login_is_settled_by_asking_the_relay_about_its_id() {
    unanswered_login(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_login_is_settled_on_postgres() {
    if let Some(db) = postgres_url().await {
        unanswered_login(Some(db)).await;
    }
}

async fn unanswered_login(db: Option<String>) {
    let w = world_on(db, Settings::default()).await;
    let d = w.device().await;
    // InstantPay processes (and charges) the login, then drops the connection.
    w.ipay
        .state()
        .set_fault(PATH_LOGIN, Some(Fault::DropAfterProcessing));
    let req = login_request();
    let reply = d.login(&req).await.unwrap();
    assert!(
        matches!(reply.outcome, LoginOutcome::Unknown { .. }),
        "{reply:?}"
    );
    w.ipay.state().set_fault(PATH_LOGIN, None);

    // Another device of the outlet now: the day is settled by the status (logged in), not
    // paid for again.
    let other = w.device().await;
    let shared = other.login(&login_request()).await.unwrap();
    assert!(
        matches!(shared.outcome, LoginOutcome::LoggedIn { .. }),
        "{shared:?}"
    );
    assert_eq!(w.ipay.state().login_requests(), 1);

    // And the first device learns what became of its attempt.
    let settled = d.attempt(&req.external_ref).await.unwrap();
    assert!(
        matches!(settled.outcome, Some(LoginOutcome::LoggedIn { .. })),
        "{settled:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_outcome_younger_than_the_settle_window_blocks_a_new_login() {
    let w = world(Settings::default()).await;
    let d = w.device().await;
    // Dropped before processing: InstantPay says login required, but the relay cannot know
    // that the request will not still be processed.
    w.ipay
        .state()
        .set_fault(PATH_LOGIN, Some(Fault::DropConnection));
    let reply = d.login(&login_request()).await.unwrap();
    assert!(matches!(reply.outcome, LoginOutcome::Unknown { .. }));
    w.ipay.state().set_fault(PATH_LOGIN, None);
    let before = w.ipay.state().login_requests();
    let e = w.device().await.login(&login_request()).await.unwrap_err();
    assert_eq!(refusal_code(&e), codes::SETTLING);
    assert!(e.nothing_sent());
    assert_eq!(w.ipay.state().login_requests(), before);
    assert_eq!(w.ipay.charges(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_revoked_and_rate_limited_devices_are_refused_before_instantpay() {
    let w = world(Settings {
        device_per_minute: 4.0,
        ..Settings::default()
    })
    .await;
    let stranger = RelayClient::new(
        &w.url,
        Secret::new(format!("rdr_{}", "0".repeat(64))),
        Duration::from_secs(5),
    )
    .unwrap();
    assert_eq!(
        refusal_code(&stranger.status().await.unwrap_err()),
        codes::DEVICE_UNKNOWN
    );

    let d = w.device().await;
    let mut refused = None;
    for _ in 0..10 {
        if let Err(e) = d.status().await {
            refused = Some(e);
            break;
        }
    }
    assert_eq!(refusal_code(&refused.unwrap()), codes::RATE_LIMITED);

    let devices = w.relay.store.devices(None).await.unwrap();
    w.relay
        .store
        .revoke(&devices[0].device_id, chrono::Utc::now())
        .await
        .unwrap();
    let e = d.login(&login_request()).await.unwrap_err();
    assert_eq!(refusal_code(&e), codes::DEVICE_REVOKED);
    assert_eq!(w.ipay.state().login_requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_truncated_oversized_and_mistyped_bodies_are_refused_and_change_nothing() {
    let w = world(Settings::default()).await;
    let token = {
        let code = rd_relay::issue_code(&w.relay, DEMO_OUTLET_ID, chrono::Duration::hours(1))
            .await
            .unwrap()
            .unwrap();
        relay_api::enroll(&w.url, &code, "pc").await.unwrap().token
    };
    let good = serde_json::to_string(&login_request()).unwrap();
    let bodies: Vec<(&str, String)> = vec![
        ("garbage", "\u{1}\u{2}not json at all".into()),
        ("truncated", good[..good.len() / 2].to_string()),
        (
            "oversized",
            format!("{{\"pad\":\"{}\"}}", "x".repeat(200 * 1024)),
        ),
        (
            "wrong types",
            r#"{"external_ref":7,"biometric_data":[],"aadhaar":true}"#.into(),
        ),
        ("bad aadhaar", good.replace(AADHAAR, "123456789012")),
        ("empty", String::new()),
    ];
    let http = reqwest::Client::new();
    for (what, body) in bodies {
        let r = http
            .post(format!("{}/v1/login", w.url))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        // One client for all: after the oversized body the relay closes that connection and
        // says so, and the next request must not find it gone (crates/bodylimit).
        let r = r.unwrap_or_else(|e| panic!("{what}: {e}"));
        if what == "oversized" {
            assert_eq!(
                r.headers().get("connection").map(|v| v.as_bytes()),
                Some(&b"close"[..])
            );
        }
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        assert!((400..500).contains(&status), "{what}: HTTP {status}");
        let refusal: relay_api::Refusal = serde_json::from_str(&text).unwrap_or_else(|_| {
            panic!("{what}: not a refusal: {text}");
        });
        assert_eq!(refusal.code, codes::BAD_REQUEST, "{what}");
        assert!(
            !text.contains(AADHAAR) && !text.contains("PIDBLOCK"),
            "{what}: {text}"
        );
    }
    assert_eq!(w.ipay.state().login_requests(), 0);
    let day = clock::ist_date(chrono::Utc::now());
    assert_eq!(
        rd_relay::fleet_today(&w.relay.store, day, 5)
            .await
            .unwrap()
            .totals
            .attempts_today,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_holds_no_aadhaar_no_biometrics_no_token_and_no_platform_secret() {
    let w = world(Settings::default()).await;
    let code = rd_relay::issue_code(&w.relay, DEMO_OUTLET_ID, chrono::Duration::hours(1))
        .await
        .unwrap()
        .unwrap();
    let reply = relay_api::enroll(&w.url, &code, "pc").await.unwrap();
    let d = RelayClient::new(
        &w.url,
        Secret::new(reply.token.clone()),
        Duration::from_secs(5),
    )
    .unwrap();
    d.login(&login_request()).await.unwrap();
    // A declined finger too, whose message comes from InstantPay, and another person's
    // Aadhaar, refused by the relay before sending.
    w.ipay.state().invalidate_login(DEMO_OUTLET_ID);
    w.ipay
        .state()
        .set_fault(PATH_LOGIN, Some(Fault::BiometricMismatch));
    let declined = w.device().await.login(&login_request()).await.unwrap();
    assert!(
        matches!(declined.outcome, LoginOutcome::LoginRequired { .. }),
        "{declined:?}"
    );
    let mut other = login_request();
    other.aadhaar = "234123412346".into();
    let e = w.device().await.login(&other).await.unwrap_err();
    assert_eq!(refusal_code(&e), codes::WRONG_OPERATOR);

    let mut bytes = Vec::new();
    for e in std::fs::read_dir(w.dir.path()).unwrap() {
        bytes.extend(std::fs::read(e.unwrap().path()).unwrap());
    }
    let has = |needle: &str| {
        bytes
            .windows(needle.len())
            .any(|win| win == needle.as_bytes())
    };
    for needle in [
        AADHAAR,
        "234123412346",
        "PIDBLOCKPIDBLOCK",
        "SESSIONKEY",
        "HMACHMAC",
        reply.token.as_str(),
        code.as_str(),
        DEMO_CLIENT_SECRET,
        DEMO_ENCRYPTION_KEY,
    ] {
        assert!(!has(needle), "the relay's database holds {needle}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fleet_view_counts_the_month_s_charges_and_today_s_attempts() {
    fleet_counts(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fleet_view_counts_on_postgres() {
    if let Some(db) = postgres_url().await {
        fleet_counts(Some(db)).await;
    }
}

/// `/fleet/today`'s figures from recorded attempts: this month's charges counted by the
/// database (not last month's, not another outlet's), today's attempts one by one.
async fn fleet_counts(db: Option<String>) {
    let w = world_on(db, Settings::default()).await;
    let now = chrono::Utc::now();
    let attempt = |id: &str, outlet: &str, day: &str, state: &str, charged: Option<bool>| {
        rd_relay::AttemptRecord {
            external_ref: id.into(),
            outlet_id: outlet.into(),
            day: day.into(),
            device_id: "dev".into(),
            created_at: now,
            updated_at: now,
            state: state.parse().unwrap(),
            charged,
            statuscode: None,
            actcode: None,
            ipay_uuid: None,
            shared_from: None,
            outcome: None,
            decline: None,
        }
    };
    for a in [
        attempt("A1", DEMO_OUTLET_ID, "2026-11-30", "loggedin", Some(true)),
        attempt("A2", DEMO_OUTLET_ID, "2026-12-01", "rejected", Some(true)),
        attempt("A3", DEMO_OUTLET_ID, "2026-12-01", "loggedin", Some(true)),
        attempt("A4", DEMO_OUTLET_ID, "2026-12-02", "not_sent", Some(false)),
        attempt("A5", DEMO_OUTLET_ID, "2026-12-02", "unknown", None),
        attempt("A6", "999999", "2026-12-02", "loggedin", Some(true)),
        attempt("A7", DEMO_OUTLET_ID, "2027-01-01", "loggedin", Some(true)),
    ] {
        assert!(w.relay.store.insert_attempt(&a).await.unwrap());
    }
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let fleet = rd_relay::fleet_today(&w.relay.store, day, 5).await.unwrap();
    assert_eq!(fleet.outlets.len(), 1, "{fleet:?}");
    let o = &fleet.outlets[0];
    assert_eq!(o.outlet_id, DEMO_OUTLET_ID);
    assert_eq!(
        (
            o.attempts_today,
            o.charges_today,
            o.maybe_charged_today,
            o.charges_month
        ),
        (2, 0, 1, 2),
        "{o:?}"
    );
    assert_eq!(fleet.totals.charges_month, 2);
    assert_eq!(fleet.totals.attempts_today, 2);
}

/// A database made by an earlier relay, with the old index, gets the covering one instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earlier_database_gets_the_fleet_view_s_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("relay.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE relay_attempts (external_ref TEXT PRIMARY KEY, outlet_id TEXT NOT NULL,
               day TEXT NOT NULL, device_id TEXT NOT NULL, created_at BIGINT NOT NULL,
               updated_at BIGINT NOT NULL, state TEXT NOT NULL, charged BIGINT, statuscode TEXT,
               actcode TEXT, ipay_uuid TEXT, shared_from TEXT, outcome TEXT);
             CREATE INDEX relay_attempts_day ON relay_attempts (day, outlet_id);",
        )
        .unwrap();
    }
    rd_relay::Store::open(&path.display().to_string())
        .await
        .unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut q = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'relay_attempts' AND name LIKE 'relay_%' ORDER BY name")
        .unwrap();
    let names: Vec<String> = q
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        names,
        ["relay_attempts_day_charged", "relay_attempts_outlet_time"]
    );
}

/// A PC is told what its login cost, never the platform wallet's balance; the relay's own
/// record keeps the whole reply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pc_sees_its_charge_but_not_the_platform_wallet() {
    let w = world(Settings::default()).await;
    let d = w.device().await;
    let req = login_request();
    let reply = d.login(&req).await.unwrap();
    let LoginOutcome::LoggedIn { meta } = &reply.outcome else {
        panic!("{reply:?}");
    };
    let pool = meta
        .pool
        .clone()
        .expect("the sandbox reports what the login cost");
    assert!(pool.payable_value.is_some(), "{pool:?}");
    assert_eq!((pool.opening_balance, pool.closing_balance), (None, None));
    // The same from the attempt's record, as the agent asks after a lost reply.
    let recorded = d.attempt(&req.external_ref).await.unwrap().outcome.unwrap();
    let LoginOutcome::LoggedIn { meta } = recorded else {
        panic!("{recorded:?}");
    };
    assert_eq!(meta.pool.unwrap().closing_balance, None);
    // The relay's record has it.
    let a = w
        .relay
        .store
        .attempt(&req.external_ref)
        .await
        .unwrap()
        .unwrap();
    let Some(LoginOutcome::LoggedIn { meta }) = rd_relay::recorded_outcome(&a) else {
        panic!("{a:?}");
    };
    assert!(meta.pool.unwrap().closing_balance.is_some());
}

/// Another device's attempt id gets the same words as a malformed one: nothing tells a
/// stranger that the id exists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_devices_attempt_id_is_refused_like_any_unusable_id() {
    let w = world(Settings::default()).await;
    let (first, second) = (w.device().await, w.device().await);
    let req = login_request();
    first.login(&req).await.unwrap();
    let mut reused = login_request();
    reused.external_ref = req.external_ref.clone();
    let taken = second.login(&reused).await.unwrap_err();
    let mut malformed = login_request();
    malformed.external_ref = "not-an-id!".into();
    let bad = second.login(&malformed).await.unwrap_err();
    assert_eq!(refusal_code(&taken), codes::BAD_REQUEST);
    assert_eq!(taken.to_string(), bad.to_string());
    assert_eq!(w.ipay.state().login_requests(), 1);
}
