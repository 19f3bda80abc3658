//! connpay-server end to end, over real HTTP on loopback, against SQLite (a temp file) and
//! PostgreSQL (the database named by RD_AGENT_TEST_POSTGRES_URL; `.ci/run` starts one). Each
//! scenario runs once per store.

#[macro_use]
mod common;

use std::sync::Arc;
use std::time::Duration;

use clock::Clock;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use common::*;

on_both_stores!(
    exchange_with_independent_signatures,
    idempotent_check_and_other_token_refused,
    tampered_fields_change_nothing,
    expired_session_and_token,
    bad_bodies_change_nothing,
    racing_checks_same_token,
    racing_checks_different_tokens,
    restart_between_initiate_and_check,
    sweeper_removes_expired_sessions,
    rate_limits_per_address_and_token,
);

async fn exchange_with_independent_signatures(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    let s = start_with(&db, t0(), |_| {}).await;
    let token = s.access_token(SERIAL).await;
    let init = s
        .initiate(
            &token,
            json!({
                "billing": {"phone": "+919800000000",
                            "address": {"city": "Pune", "country": "IND", "street": "MG Road"}},
            }),
        )
        .await;
    let invoice = init["invoiceId"].as_str().unwrap();
    let nonce = init["session"]["nonce"].as_str().unwrap();
    assert_eq!(init["endpointId"], ENDPOINT);
    assert!(nonce.len() >= 32);
    assert_eq!(
        init["session"]["signature"].as_str().unwrap(),
        independent_hmac(&format!("{token}{SERIAL}{ENDPOINT}{nonce}{invoice}EUR"))
    );

    let (status, body) = s
        .check(invoice, &check_request(&token, &init, "connpay-token-0001"))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["invoiceId"], invoice);
    assert_eq!(body["session"]["nonce"], nonce);
    assert_eq!(body["session"]["token"], "connpay-token-0001");
    assert_eq!(
        body["session"]["checkSignature"].as_str().unwrap(),
        independent_hmac(&format!("{SERIAL}{nonce}{ENDPOINT}{invoice}"))
    );
    assert_eq!(body["transaction"]["currency"], "EUR");
    assert_eq!(body["billing"]["address"]["city"], "Pune");
    assert_eq!(body["billing"]["phone"], "+919800000000");
    // Held fields we were not given are absent, not empty.
    assert!(body["billing"]["address"].get("state").is_none());
    assert!(body.get("consumer").is_none());

    // A minimal initiate holds no billing or consumer data: both keys absent on check.
    let init2 = s.initiate(&token, json!({})).await;
    let (status, body) = s
        .check(
            init2["invoiceId"].as_str().unwrap(),
            &check_request(&token, &init2, "connpay-token-0002"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["invoiceId", "session", "transaction"]);
    s.shutdown().await;
}

async fn idempotent_check_and_other_token_refused(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    let s = start_with(&db, t0(), |_| {}).await;
    let token = s.access_token(SERIAL).await;
    let init = s.initiate(&token, json!({})).await;
    let invoice = init["invoiceId"].as_str().unwrap();
    let req = check_request(&token, &init, "first-token-000001");
    let (s1, first) = s.check(invoice, &req).await;
    assert_eq!(s1, 200);
    let consumed_at = s.store.session(invoice).await.unwrap().unwrap().consumed_at;
    assert!(consumed_at.is_some());

    s.clock.advance(chrono::Duration::minutes(1));
    let (s2, second) = s.check(invoice, &req).await;
    assert_eq!(s2, 200);
    assert_eq!(
        first, second,
        "the same invoice and token get the same answer"
    );
    let after = s.store.session(invoice).await.unwrap().unwrap();
    assert_eq!(
        after.consumed_at, consumed_at,
        "a repeat does not consume again"
    );

    let (status, body) = s
        .check(invoice, &check_request(&token, &init, "second-token-00002"))
        .await;
    assert_error(status, &body, 409, "FILTERED", "TOKEN_CONFLICT");
    assert_eq!(body["invoiceId"], invoice);
    assert_eq!(
        s.session_token(invoice).await.as_deref(),
        Some("first-token-000001")
    );
    s.shutdown().await;
}

async fn tampered_fields_change_nothing(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    let s = start_with(&db, t0(), |_| {}).await;
    let token = s.access_token(SERIAL).await;
    let other_token = s.access_token(SERIAL).await;
    let init = s.initiate(&token, json!({})).await;
    let invoice = init["invoiceId"].as_str().unwrap();
    let good = check_request(&token, &init, "connpay-token-0001");

    let flip = |v: &str| -> String {
        let mut c: Vec<char> = v.chars().collect();
        let last = c.len() - 1;
        c[last] = if c[last] == 'A' { 'B' } else { 'A' };
        c.into_iter().collect()
    };
    let tampered: Vec<(&str, Value)> = vec![
        ("/consumer/device/serialNumber", Value::from(flip(SERIAL))),
        ("/session/accessToken", Value::from(other_token.clone())),
        (
            "/session/nonce",
            Value::from(flip(init["session"]["nonce"].as_str().unwrap())),
        ),
        (
            "/session/signature",
            Value::from(flip(init["session"]["signature"].as_str().unwrap())),
        ),
    ];
    for (pointer, value) in tampered {
        let mut req = good.clone();
        *req.pointer_mut(pointer).unwrap() = value;
        let (status, body) = s.check(invoice, &req).await;
        assert_error(status, &body, 403, "FILTERED", "VERIFICATION_MISMATCH");
        assert_eq!(body["invoiceId"], invoice, "{pointer}");
        assert_eq!(
            s.session_token(invoice).await,
            None,
            "{pointer} changed the session"
        );
    }
    // Another invoice id: well-formed but never issued.
    let other_invoice = flip(invoice);
    let (status, body) = s.check(&other_invoice, &good).await;
    assert_error(status, &body, 404, "FILTERED", "UNKNOWN_INVOICE");
    assert_eq!(body["invoiceId"], other_invoice.as_str());

    // Initiate with a token issued for another device, or never issued.
    let (status, body) = s
        .post(
            "/verification/initiate-verification",
            &json!({"consumer": {"device": {"serialNumber": "OTHER-DEVICE"}},
                    "session": {"accessToken": token}, "transaction": {"currency": "EUR"}}),
        )
        .await;
    assert_error(status, &body, 401, "FILTERED", "ACCESS_DENIED");
    let (status, body) = s
        .post(
            "/verification/initiate-verification",
            &json!({"consumer": {"device": {"serialNumber": SERIAL}},
                    "session": {"accessToken": "x".repeat(43)}, "transaction": {"currency": "EUR"}}),
        )
        .await;
    assert_error(status, &body, 401, "FILTERED", "ACCESS_DENIED");
    assert_eq!(s.store.counts().await.unwrap(), (2, 1));

    // Nothing above changed the session: the genuine check still works.
    let (status, body) = s.check(invoice, &good).await;
    assert_eq!(status, 200, "{body}");
    s.shutdown().await;
}

async fn expired_session_and_token(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    let s = start_with(&db, t0(), |_| {}).await;
    let token = s.access_token(SERIAL).await;
    let init = s.initiate(&token, json!({})).await;
    let invoice = init["invoiceId"].as_str().unwrap();

    s.clock.advance(chrono::Duration::minutes(30));
    let (status, body) = s
        .check(invoice, &check_request(&token, &init, "connpay-token-0001"))
        .await;
    assert_error(status, &body, 403, "FILTERED", "SESSION_EXPIRED");
    assert_eq!(body["invoiceId"], invoice);
    assert_eq!(s.session_token(invoice).await, None);

    // The access token has expired as well.
    let (status, body) = s
        .post(
            "/verification/initiate-verification",
            &json!({"consumer": {"device": {"serialNumber": SERIAL}},
                    "session": {"accessToken": token}, "transaction": {"currency": "EUR"}}),
        )
        .await;
    assert_error(status, &body, 401, "FILTERED", "ACCESS_DENIED");
    assert_eq!(s.store.counts().await.unwrap(), (1, 1));
    assert_eq!(
        s.store
            .sweep(s.clock.now(), chrono::Duration::days(15))
            .await
            .unwrap(),
        2
    );
    assert_eq!(s.store.counts().await.unwrap(), (0, 0));
    s.shutdown().await;
}

async fn bad_bodies_change_nothing(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    let s = start_with(&db, t0(), |c| c.max_body = 4096).await;
    let token = s.access_token(SERIAL).await;
    let init = s.initiate(&token, json!({})).await;
    let invoice = init["invoiceId"].as_str().unwrap().to_owned();
    let check_path = format!("/verification/{invoice}/check");
    let good = check_request(&token, &init, "connpay-token-0001");
    let counts = s.store.counts().await.unwrap();

    for path in [
        "/verification/initiate-verification",
        check_path.as_str(),
        "/auth/access-token",
    ] {
        let on_check = path == check_path;
        let cases: Vec<(Vec<u8>, u16, &str)> = vec![
            (b"{\"consumer\": ".to_vec(), 400, "MALFORMED_JSON"),
            (b"not json at all".to_vec(), 400, "MALFORMED_JSON"),
            (vec![0xff, 0xfe, 0x00], 400, "MALFORMED_JSON"),
            (b"[1, 2, 3]".to_vec(), 400, "WRONG_SHAPE"),
            (
                br#"{"consumer": {"device": {"serialNumber": 12}}}"#.to_vec(),
                400,
                "WRONG_SHAPE",
            ),
            (
                format!("{{\"pad\": \"{}\"}}", "x".repeat(5000)).into_bytes(),
                413,
                "BODY_TOO_LARGE",
            ),
        ];
        for (body, want, code) in cases {
            let (status, answer) = s.post_raw(path, body).await;
            assert_error(status, &answer, want, "INVALID_REQUEST", code);
            if on_check {
                assert_eq!(answer["invoiceId"], invoice.as_str());
            }
        }
    }

    // Out-of-range fields on check.
    let out_of_range: Vec<(&str, Value)> = vec![
        ("/consumer/device/serialNumber", Value::from("")),
        ("/consumer/device/serialNumber", Value::from("S".repeat(51))),
        ("/session/accessToken", Value::from("a".repeat(31))),
        ("/session/nonce", Value::from("n".repeat(129))),
        ("/session/signature", Value::from("S".repeat(31))),
        ("/session/token", Value::from("t".repeat(15))),
        ("/session/token", Value::from("t".repeat(37))),
    ];
    for (pointer, value) in out_of_range {
        let mut req = good.clone();
        *req.pointer_mut(pointer).unwrap() = value;
        let (status, body) = s.check(&invoice, &req).await;
        assert_error(status, &body, 400, "INVALID_REQUEST", "INVALID_FIELD");
        assert_eq!(body["invoiceId"], invoice.as_str(), "{pointer}");
    }
    // Out-of-range fields on initiate.
    let initiate_cases: Vec<Value> = vec![
        json!({"transaction": {"currency": "eur"}}),
        json!({"transaction": {"currency": "EURO"}}),
        json!({"consumer": {"device": {"serialNumber": SERIAL, "imei": "123"}}}),
        json!({"consumer": {"device": {"serialNumber": SERIAL, "location": {"lat": 91.0, "lng": 0.0}}}}),
        json!({"consumer": {"device": {"serialNumber": SERIAL, "location": {"lat": 0.0, "lng": 181.0}}}}),
        json!({"consumer": {"device": {"serialNumber": SERIAL}, "birthDay": "2000-01-01"}}),
        json!({"consumer": {"device": {"serialNumber": SERIAL}, "ipAddresses": ["1.2.3.4.5.6.7.8"]}}),
    ];
    for patch in initiate_cases {
        let mut req = json!({
            "consumer": {"device": {"serialNumber": SERIAL}},
            "session": {"accessToken": token},
            "transaction": {"currency": "EUR"}
        });
        for (k, v) in patch.as_object().unwrap() {
            req[k] = v.clone();
        }
        let (status, body) = s.post("/verification/initiate-verification", &req).await;
        assert_error(status, &body, 400, "INVALID_REQUEST", "INVALID_FIELD");
    }
    // A malformed invoice id in the URL.
    let (status, body) = s.check("bad%20id", &good).await;
    assert_error(status, &body, 400, "INVALID_REQUEST", "INVALID_FIELD");

    // Routes and methods the server does not have still answer in the error shape.
    let resp = client()
        .get(s.url("/verification/initiate-verification"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "METHOD_NOT_ALLOWED");
    let (status, body) = s.post("/admin", &json!({})).await;
    assert_error(status, &body, 404, "INVALID_REQUEST", "NOT_FOUND");

    assert_eq!(
        s.store.counts().await.unwrap(),
        counts,
        "bad requests stored nothing"
    );
    assert_eq!(s.session_token(&invoice).await, None);
    let (status, _) = s.check(&invoice, &good).await;
    assert_eq!(status, 200);
    s.shutdown().await;
}

async fn racing_checks_same_token(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    let s = Arc::new(start_with(&db, t0(), |_| {}).await);
    let token = s.access_token(SERIAL).await;
    for round in 0..5 {
        let init = s.initiate(&token, json!({})).await;
        let invoice = init["invoiceId"].as_str().unwrap().to_owned();
        let req = check_request(&token, &init, &format!("racing-token-{round:05}"));
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let (s, invoice, req) = (s.clone(), invoice.clone(), req.clone());
            tasks.push(tokio::spawn(async move { s.check(&invoice, &req).await }));
        }
        let mut answers = Vec::new();
        for t in tasks {
            answers.push(t.await.unwrap());
        }
        for a in &answers {
            assert_eq!(a.0, 200, "{}", a.1);
            assert_eq!(a, &answers[0], "all answers agree");
        }
        let stored = s.store.session(&invoice).await.unwrap().unwrap();
        assert_eq!(stored.token.as_deref(), req["session"]["token"].as_str());
        assert!(stored.consumed_at.is_some());
    }
    Arc::into_inner(s).unwrap().shutdown().await;
}

async fn racing_checks_different_tokens(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    let s = Arc::new(start_with(&db, t0(), |_| {}).await);
    let token = s.access_token(SERIAL).await;
    for _ in 0..5 {
        let init = s.initiate(&token, json!({})).await;
        let invoice = init["invoiceId"].as_str().unwrap().to_owned();
        let mut tasks = Vec::new();
        for i in 0..6 {
            let req = check_request(&token, &init, &format!("contender-token-{i:03}"));
            let (s, invoice) = (s.clone(), invoice.clone());
            tasks.push(tokio::spawn(
                async move { (i, s.check(&invoice, &req).await) },
            ));
        }
        let mut winners = Vec::new();
        for t in tasks {
            let (i, (status, body)) = t.await.unwrap();
            if status == 200 {
                winners.push((i, body));
            } else {
                assert_error(status, &body, 409, "FILTERED", "TOKEN_CONFLICT");
            }
        }
        assert_eq!(winners.len(), 1, "exactly one check consumes the nonce");
        let (i, body) = &winners[0];
        let winner_token = format!("contender-token-{i:03}");
        assert_eq!(body["session"]["token"], winner_token.as_str());
        assert_eq!(
            s.session_token(&invoice).await.as_deref(),
            Some(winner_token.as_str())
        );
        // The winner asking again still gets the same answer.
        let (status, again) = s
            .check(&invoice, &check_request(&token, &init, &winner_token))
            .await;
        assert_eq!(status, 200);
        assert_eq!(&again, body);
    }
    Arc::into_inner(s).unwrap().shutdown().await;
}

async fn restart_between_initiate_and_check(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    let clock = t0();
    let s = start_with(&db, clock.clone(), |_| {}).await;
    let token = s.access_token(SERIAL).await;
    let init = s
        .initiate(
            &token,
            json!({"consumer": {"device": {"serialNumber": SERIAL}, "email": "a@example.com",
                                "birthDay": "29022000", "ipAddresses": ["10.1.2.3"]}}),
        )
        .await;
    s.shutdown().await;

    let s = start_with(&db, clock, |_| {}).await;
    let invoice = init["invoiceId"].as_str().unwrap();
    let (status, body) = s
        .check(invoice, &check_request(&token, &init, "after-restart-0001"))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["consumer"]["email"], "a@example.com");
    assert_eq!(body["consumer"]["birthDay"], "29022000");
    assert_eq!(body["consumer"]["ipAddresses"], json!(["10.1.2.3"]));
    // The access token survived too.
    s.initiate(&token, json!({})).await;
    s.shutdown().await;
}

async fn sweeper_removes_expired_sessions(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    let s = start_with(&db, t0(), |c| c.sweep_every = Duration::from_millis(50)).await;
    let token = s.access_token(SERIAL).await;
    s.initiate(&token, json!({})).await;
    assert_eq!(s.store.counts().await.unwrap(), (1, 1));
    s.clock.advance(chrono::Duration::minutes(31));
    // The sweeper runs on its own; wait for it (bounded).
    for _ in 0..200 {
        if s.store.counts().await.unwrap() == (0, 0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(s.store.counts().await.unwrap(), (0, 0));
    s.shutdown().await;
}

async fn rate_limits_per_address_and_token(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    // Per token: a burst of 2 initiates, then refused (the refill is negligible).
    let s = start_with(&db, t0(), |c| c.rate_per_token = (0.001, 2.0)).await;
    let token = s.access_token(SERIAL).await;
    let init = s.initiate(&token, json!({})).await;
    s.initiate(&token, json!({})).await;
    let (status, body) = s
        .post(
            "/verification/initiate-verification",
            &json!({"consumer": {"device": {"serialNumber": SERIAL}},
                    "session": {"accessToken": token}, "transaction": {"currency": "EUR"}}),
        )
        .await;
    assert_error(status, &body, 429, "FILTERED", "RATE_LIMITED");
    // Per invoice on check: two tries, then refused, with the invoice id.
    let invoice = init["invoiceId"].as_str().unwrap();
    let mut bad = check_request(&token, &init, "connpay-token-0001");
    bad["session"]["nonce"] = Value::from("n".repeat(40));
    for _ in 0..2 {
        let (status, _) = s.check(invoice, &bad).await;
        assert_eq!(status, 403);
    }
    let (status, body) = s.check(invoice, &bad).await;
    assert_error(status, &body, 429, "FILTERED", "RATE_LIMITED");
    assert_eq!(body["invoiceId"], invoice);
    s.shutdown().await;

    // Per client address: a burst of 3 requests of any kind, then refused.
    let s = start_with(&db, t0(), |c| c.rate_per_address = (0.001, 3.0)).await;
    for _ in 0..3 {
        s.access_token(SERIAL).await;
    }
    let (status, body) = s
        .post(
            "/auth/access-token",
            &json!({"consumer": {"device": {"serialNumber": SERIAL}}}),
        )
        .await;
    assert_error(status, &body, 429, "FILTERED", "RATE_LIMITED");
    s.shutdown().await;
}

/// A client that sends headers and then stalls on the body gets the deadline error, and the
/// server stays responsive. (One store is enough: no row is touched.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_body_hits_the_deadline() {
    let db = fresh_db(Backend::Sqlite).await.unwrap();
    let s = start_with(&db, t0(), |c| c.deadline = Duration::from_millis(300)).await;
    let mut stream = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    stream
        .write_all(
            b"POST /auth/access-token HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
              content-length: 100\r\n\r\n{\"consumer\"",
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), async {
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buf[..n]);
                    if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    assert!(text.contains("\"cause\":\"SERVER_UNAVAILABLE\""), "{text}");
    assert!(text.contains("DEADLINE_EXCEEDED"), "{text}");
    s.access_token(SERIAL).await;
    s.shutdown().await;
}

/// A client that connects and sends nothing (or only part of its headers) is disconnected
/// once the idle deadline passes, and the slot it held is given back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed() {
    let db = fresh_db(Backend::Sqlite).await.unwrap();
    let s = start_with(&db, t0(), |c| {
        c.idle_timeout = Duration::from_millis(200);
        c.max_connections = 1;
    })
    .await;
    let mut stream = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    stream.write_all(b"POST /auth/acc").await.unwrap();
    let mut buf = [0u8; 256];
    let closed = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buf))
        .await
        .expect("the server closes an idle connection");
    assert!(matches!(closed, Ok(0) | Err(_)), "{closed:?}");
    // The only connection slot is free again.
    s.access_token(SERIAL).await;
    s.shutdown().await;
}
