//! The binary around a verification's life: the admin commands, the structured line per final
//! state, the metric per state, a store from before the states, and logs that never hold the
//! control key or an access token.

mod common;

use std::process::Command;

use serde_json::{Value, json};

use common::*;

/// `connpay-server ARGS` with none of the server's settings in its environment.
fn admin(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_connpay-server"))
        .env_remove("CONNPAY_CONTROL_KEY")
        .env_remove("CONNPAY_CONTROL_KEY_FILE")
        .env_remove("CONNPAY_ENDPOINT_ID")
        .env_remove("CONNPAY_DB_URL")
        .env_remove("CONNPAY_DB_URL_FILE")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

async fn post(url: &str, body: &Value) -> (u16, Value) {
    let r = client().post(url).json(body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// access token -> initiate -> check -> notification -> callbacks against the binary, with
/// debug JSON logs; then `verification show|list`, and the logs searched for secrets.
#[test]
fn whole_life_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.sqlite3");
    let db = db.to_str().unwrap();
    let server = Binary::start(
        dir.path(),
        &["--log-format", "json", "--db", db],
        &[("RUST_LOG", "debug")],
    );
    let url = |p: &str| server.url(p);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (access_token, invoice, metrics) = rt.block_on(async {
        let (_, t) = post(
            &url("/auth/access-token"),
            &json!({"consumer": {"device": {"serialNumber": SERIAL}}}),
        )
        .await;
        let token = t["session"]["accessToken"].as_str().unwrap().to_owned();
        let (_, init) = post(
            &url("/verification/initiate-verification"),
            &json!({"consumer": {"device": {"serialNumber": SERIAL}},
                    "session": {"accessToken": token}, "transaction": {"currency": "INR"}}),
        )
        .await;
        let invoice = init["invoiceId"].as_str().unwrap().to_owned();
        let (status, _) = post(
            &url(&format!("/verification/{invoice}/check")),
            &check_request(&token, &init, "binary-token-00001"),
        )
        .await;
        assert_eq!(status, 200);
        let note = notification_request(&token, "binary-token-00001", "srv-card-9");
        let (status, reply) = post(&url("/verification/notification"), &note).await;
        assert_eq!(status, 200, "{reply}");
        // A refused one too: the access token of another device's session.
        let mut wrong = note.clone();
        wrong["session"]["accessToken"] = "y".repeat(40).into();
        assert_eq!(
            post(&url("/verification/notification"), &wrong).await.0,
            401
        );
        let get = |q: String| {
            let u = url(&format!("/verification/callback?{q}"));
            async move { client().get(u).send().await.unwrap().status().as_u16() }
        };
        let wrong_control =
            callback_query("approved", "31", &invoice).replace("control=", "control=0");
        assert_eq!(get(wrong_control).await, 403);
        assert_eq!(get(callback_query("processing", "31", &invoice)).await, 200);
        assert_eq!(get(callback_query("approved", "31", &invoice)).await, 200);
        assert_eq!(get(callback_query("approved", "31", &invoice)).await, 200);
        let metrics = client()
            .get(url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        (token, invoice, metrics)
    });
    drop(rt);

    for line in [
        "connpay_verifications{state=\"approved\"} 1",
        "connpay_verifications{state=\"checked\"} 0",
        "connpay_http_requests_total{route=\"callback\",status=\"403\"} 1",
        "connpay_http_requests_total{route=\"notification\",status=\"200\"} 1",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in\n{metrics}");
    }

    // Exactly one structured line for the final state, with what a merchant's system needs.
    let log = server.stderr();
    let finals: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["event"] == "verification_final")
        .collect();
    assert_eq!(finals.len(), 1, "{log}");
    assert_eq!(finals[0]["invoice_id"], invoice.as_str());
    assert_eq!(finals[0]["state"], "approved");
    assert_eq!(finals[0]["orderid"], "31");
    let upper = log.to_uppercase();
    for secret in [
        CONTROL_KEY.to_owned(),
        CONTROL_KEY.replace('-', ""),
        "B17F59B4".to_owned(),
        access_token.to_uppercase(),
        "Y".repeat(40),
    ] {
        assert!(!upper.contains(&secret), "a secret reached the log");
    }
    drop(server);

    // The admin commands need nothing but the store.
    let (code, out, err) = admin(&["verification", "show", &invoice, "--db", db]);
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "approved", "{out}");
    let steps = [
        "initiated",
        "checked",
        "card mapped",
        "callback: status processing",
        "callback: status approved",
        "approved (orderid 31)",
    ];
    assert_eq!(lines.len(), 1 + steps.len(), "{out}");
    for (line, step) in lines[1..].iter().zip(steps) {
        let (time, what) = line.split_once("  ").unwrap();
        chrono::DateTime::parse_from_rfc3339(time).unwrap();
        assert!(what.starts_with(step), "{line}");
    }
    assert!(!out.contains(&access_token) && !out.contains("binary-token"));

    let (code, out, _) = admin(&["verification", "list", "--db", db, "--state", "approved"]);
    assert_eq!(code, Some(0));
    assert_eq!(out.lines().count(), 1);
    assert!(out.starts_with(&format!("{invoice}  approved")), "{out}");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let (_, out, _) = admin(&["verification", "list", "--db", db, "--day", &today]);
    assert_eq!(out.lines().count(), 1, "{out}");
    let (_, out, _) = admin(&["verification", "list", "--db", db, "--day", "2001-01-01"]);
    assert_eq!(out, "");
    let (_, out, _) = admin(&["verification", "list", "--db", db, "--state", "declined"]);
    assert_eq!(out, "");

    let (code, _, err) = admin(&["verification", "show", "INV-NONE", "--db", db]);
    assert_eq!(code, Some(1));
    assert!(err.contains("INV-NONE"), "{err}");
    for bad in [["--state", "done"], ["--day", "2026-13-01"]] {
        let (code, _, _) = admin(&["verification", "list", "--db", db, bad[0], bad[1]]);
        assert_eq!(code, Some(2), "{bad:?}");
    }
}

/// A SQLite store written before the states existed opens, keeps its rows, and serves them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_from_before_the_states() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    let conn = rusqlite::Connection::open(&path).unwrap();
    // The schema of crates/connpay-server/src/store/sqlite.rs before the states.
    conn.execute_batch(
        "CREATE TABLE connpay_access_tokens (token_hash BLOB PRIMARY KEY,
            serial_number TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
         CREATE TABLE connpay_sessions (invoice_id TEXT PRIMARY KEY, serial_number TEXT NOT NULL,
            access_token_hash BLOB NOT NULL, nonce TEXT NOT NULL, signature TEXT NOT NULL,
            currency TEXT NOT NULL, held TEXT NOT NULL, created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL, token TEXT, consumed_at INTEGER);
         CREATE INDEX connpay_sessions_expiry ON connpay_sessions (expires_at);
         INSERT INTO connpay_sessions VALUES ('INVOLD', 'SN', x'00', 'n', 's', 'EUR', '{}',
            1, 2, 'old-connpay-token', 1);",
    )
    .unwrap();
    drop(conn);
    let store = connpay_server::Store::open(path.to_str().unwrap())
        .await
        .unwrap();
    let old = store.session("INVOLD").await.unwrap().unwrap();
    assert_eq!(old.state, connpay_server::State::Checked);
    assert_eq!(old.token.as_deref(), Some("old-connpay-token"));
    assert_eq!(
        store
            .sessions_by_token("old-connpay-token")
            .await
            .unwrap()
            .len(),
        1
    );
    // Opening again finds the columns there.
    drop(store);
    connpay_server::Store::open(path.to_str().unwrap())
        .await
        .unwrap();
}

/// The same on PostgreSQL: a schema from before the states gets its columns, and its checked
/// sessions read as checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_store_from_before_the_states() {
    let Some(db) = fresh_db(Backend::Postgres).await else {
        return;
    };
    let target = pgconn::Target::new(&db.url, None, "connpay-test").unwrap();
    let client = pgconn::connect(&target).await.unwrap();
    // The schema of crates/connpay-server/src/store/postgres.rs before the states.
    client
        .batch_execute(
            "CREATE TABLE connpay_access_tokens (token_hash BYTEA PRIMARY KEY,
                serial_number TEXT NOT NULL, expires_at BIGINT NOT NULL);
             CREATE TABLE connpay_sessions (invoice_id TEXT PRIMARY KEY,
                serial_number TEXT NOT NULL, access_token_hash BYTEA NOT NULL,
                nonce TEXT NOT NULL, signature TEXT NOT NULL, currency TEXT NOT NULL,
                held TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
                token TEXT, consumed_at BIGINT);
             CREATE INDEX connpay_sessions_expiry ON connpay_sessions (expires_at);
             INSERT INTO connpay_sessions VALUES ('INVOLD', 'SN', '\\x00', 'n', 's', 'EUR', '{}',
                1, 2, 'old-connpay-token', 1), ('INVNEW', 'SN', '\\x00', 'n', 's', 'EUR', '{}',
                1, 2, NULL, NULL);",
        )
        .await
        .unwrap();
    for _ in 0..2 {
        let store = connpay_server::Store::open(&db.url).await.unwrap();
        let old = store.session("INVOLD").await.unwrap().unwrap();
        assert_eq!(old.state, connpay_server::State::Checked);
        let new = store.session("INVNEW").await.unwrap().unwrap();
        assert_eq!(new.state, connpay_server::State::Initiated);
        assert_eq!(
            store
                .sessions_by_token("old-connpay-token")
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

/// `verification show|list` against PostgreSQL, with a state and a day filter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_commands_on_postgres() {
    let Some(db) = fresh_db(Backend::Postgres).await else {
        return;
    };
    let s = start_with(&db, t0(), |_| {}).await;
    let (_, init) = s.checked("connpay-token-0001").await;
    let invoice = init["invoiceId"].as_str().unwrap().to_owned();
    let (_, other) = s.checked("connpay-token-0002").await;
    assert_eq!(s.callback("declined", "12", &invoice).await.0, 200);
    let url = db.url.clone();
    let (show, approved, declined, day, other_day) = tokio::task::spawn_blocking(move || {
        (
            admin(&["verification", "show", &invoice, "--db", &url]),
            admin(&["verification", "list", "--db", &url, "--state", "approved"]),
            admin(&["verification", "list", "--db", &url, "--state", "declined"]),
            admin(&["verification", "list", "--db", &url, "--day", "2026-11-22"]),
            admin(&["verification", "list", "--db", &url, "--day", "2026-11-23"]),
        )
    })
    .await
    .unwrap();
    assert_eq!(show.0, Some(0), "{}", show.2);
    assert_eq!(show.1.lines().next(), Some("declined"));
    assert_eq!(approved.1, "");
    assert_eq!(declined.1.lines().count(), 1, "{}", declined.1);
    assert_eq!(day.1.lines().count(), 2, "{}", day.1);
    assert!(day.1.contains(other["invoiceId"].as_str().unwrap()));
    assert_eq!(other_day.1, "");
    s.shutdown().await;
}
