//! A verification's life after check, tried as ConnPay and its gateway would, over real HTTP on
//! loopback against SQLite and PostgreSQL: the card-mapping notification, the merchant
//! callback with the final status, expiry and retention. Signatures and `control` digests are
//! computed here (tests/common/mod.rs), not by the code under test.

#[macro_use]
mod common;

use std::sync::Arc;

use clock::Clock;
use connpay_server::State;
use serde_json::{Value, json};

use common::*;

on_both_stores!(
    notification_then_final_callback,
    refused_notifications_change_nothing,
    callbacks_refused_repeated_early_and_unknown,
    expiry_and_retention,
);

async fn state_of(s: &Server, invoice: &str) -> connpay_server::SessionRecord {
    s.store
        .session(invoice)
        .await
        .unwrap()
        .expect("session held")
}

async fn notification_then_final_callback(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    let s = start_with(&db, t0(), |_| {}).await;
    let (token, init) = s.checked("connpay-token-0001").await;
    let invoice = init["invoiceId"].as_str().unwrap();
    let nonce = init["session"]["nonce"].as_str().unwrap();
    assert_eq!(state_of(&s, invoice).await.state, State::Checked);

    s.clock.advance(chrono::Duration::minutes(2));
    let req = notification_request(&token, "connpay-token-0001", "srv-card-1");
    let (status, reply) = s.notify(None, &req).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["invoiceId"], invoice);
    assert_eq!(reply["session"]["nonce"], nonce);
    assert_eq!(reply["session"]["token"], "connpay-token-0001");
    assert_eq!(
        reply["session"]["checkSignature"].as_str().unwrap(),
        independent_hmac(&format!("{nonce}{ENDPOINT}{invoice}"))
    );
    let mapped = state_of(&s, invoice).await;
    assert_eq!(mapped.state, State::Mapped);
    assert_eq!(mapped.mapped_at, Some(s.clock.now()));
    let card = mapped.card.clone().unwrap();
    assert_eq!(
        (
            card.server_card_id.as_str(),
            card.unique_reference_card_id,
            card.bin
        ),
        ("srv-card-1", 7_700_001, 411_111)
    );
    assert!(card.client_card_id.starts_with("CARD") && card.client_card_id.len() == 36);

    // Repeats, on either path, get the identical reply and change nothing.
    s.clock.advance(chrono::Duration::minutes(1));
    for invoice_in_path in [None, Some(invoice)] {
        let (status, again) = s.notify(invoice_in_path, &req).await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(again, reply);
    }
    assert_eq!(state_of(&s, invoice).await, mapped);

    // The final status, with a right control; repeats change nothing.
    s.clock.advance(chrono::Duration::minutes(1));
    let final_at = s.clock.now();
    assert_eq!(
        s.callback("approved", "9000001", invoice).await,
        (200, "OK\n".into())
    );
    let approved = state_of(&s, invoice).await;
    assert_eq!(approved.state, State::Approved);
    assert_eq!(approved.final_at, Some(final_at));
    assert_eq!(approved.orderid.as_deref(), Some("9000001"));
    s.clock.advance(chrono::Duration::minutes(1));
    for (status, orderid) in [
        ("approved", "9000001"),
        ("processing", "9000001"),
        ("declined", "9000002"),
    ] {
        assert_eq!(
            s.callback(status, orderid, invoice).await.0,
            200,
            "{status}"
        );
        assert_eq!(state_of(&s, invoice).await, approved, "{status}");
    }
    // The control digest in upper case is accepted as well.
    let upper = callback_query("approved", "9000001", invoice);
    let (head, control) = upper.rsplit_once("control=").unwrap();
    let (status, _) = s
        .callback_raw(&format!("{head}control={}", control.to_uppercase()))
        .await;
    assert_eq!(status, 200);
    assert_eq!(s.store.callbacks(invoice).await.unwrap().len(), 3);
    s.shutdown().await;
}

async fn refused_notifications_change_nothing(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    let s = start_with(&db, t0(), |_| {}).await;
    let (token, init) = s.checked("connpay-token-0001").await;
    let invoice = init["invoiceId"].as_str().unwrap();
    let other_token = s.access_token(SERIAL).await;
    let good = notification_request(&token, "connpay-token-0001", "srv-card-1");
    let before = state_of(&s, invoice).await;

    let mut cases: Vec<(Option<&str>, Value, u16, &str, &str)> = Vec::new();
    let mut wrong_token = good.clone();
    wrong_token["session"]["token"] = "connpay-token-0002".into();
    cases.push((
        None,
        wrong_token.clone(),
        403,
        "FILTERED",
        "VERIFICATION_MISMATCH",
    ));
    cases.push((
        Some(invoice),
        wrong_token,
        403,
        "FILTERED",
        "VERIFICATION_MISMATCH",
    ));
    let mut wrong_serial = good.clone();
    wrong_serial["consumer"]["device"]["serialNumber"] = "SN-OTHER".into();
    cases.push((None, wrong_serial, 403, "FILTERED", "VERIFICATION_MISMATCH"));
    let mut wrong_access = good.clone();
    wrong_access["session"]["accessToken"] = other_token.clone().into();
    cases.push((None, wrong_access.clone(), 401, "FILTERED", "ACCESS_DENIED"));
    cases.push((
        Some(invoice),
        wrong_access,
        401,
        "FILTERED",
        "ACCESS_DENIED",
    ));
    let mut never_issued = good.clone();
    never_issued["session"]["accessToken"] = "x".repeat(43).into();
    cases.push((None, never_issued, 401, "FILTERED", "ACCESS_DENIED"));
    let mut bad_bin = good.clone();
    bad_bin["sourceCard"]["bin"] = "411111".into();
    cases.push((None, bad_bin, 400, "INVALID_REQUEST", "WRONG_SHAPE"));
    let mut long_card = good.clone();
    long_card["reference"]["serverCardId"] = "c".repeat(65).into();
    cases.push((None, long_card, 400, "INVALID_REQUEST", "INVALID_FIELD"));
    cases.push((
        Some("INV-NOT-OURS"),
        good.clone(),
        404,
        "FILTERED",
        "UNKNOWN_INVOICE",
    ));
    for (path, req, want, cause, code) in cases {
        let (status, body) = s.notify(path, &req).await;
        assert_error(status, &body, want, cause, code);
        if let Some(i) = path {
            assert_eq!(body["invoiceId"], i);
        }
        assert_eq!(state_of(&s, invoice).await, before, "{code}");
    }
    for raw in [&b"{\"consumer\":"[..], b"\xff\xfe", b"[]"] {
        let (status, body) = s.post_raw("/verification/notification", raw.to_vec()).await;
        assert_eq!(status, 400, "{body}");
    }

    // An invoice initiated but never checked.
    let init2 = s.initiate(&token, json!({})).await;
    let unchecked = init2["invoiceId"].as_str().unwrap();
    let (status, body) = s.notify(Some(unchecked), &good).await;
    assert_error(status, &body, 403, "FILTERED", "VERIFICATION_MISMATCH");
    assert_eq!(state_of(&s, unchecked).await.state, State::Initiated);
    assert_eq!(state_of(&s, unchecked).await.card, None);

    // The genuine one still maps; a second, different card is refused afterwards.
    let (status, _) = s.notify(None, &good).await;
    assert_eq!(status, 200);
    let mapped = state_of(&s, invoice).await;
    let other_card = notification_request(&token, "connpay-token-0001", "srv-card-2");
    let (status, body) = s.notify(None, &other_card).await;
    assert_error(status, &body, 409, "FILTERED", "CARD_CONFLICT");
    assert_eq!(state_of(&s, invoice).await, mapped);
    s.shutdown().await;
}

async fn callbacks_refused_repeated_early_and_unknown(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    let s = start_with(&db, t0(), |_| {}).await;
    let (token, init) = s.checked("connpay-token-0001").await;
    let invoice = init["invoiceId"].as_str().unwrap();
    let before = state_of(&s, invoice).await;

    // A wrong control: the key without its dashes, another status, garbage, missing.
    let dashless = independent_sha1(&format!(
        "approved1{invoice}{}",
        CONTROL_KEY.replace('-', "")
    ));
    let other_status =
        callback_query("declined", "1", invoice).replace("status=declined", "status=approved");
    for query in [
        format!("status=approved&orderid=1&client_orderid={invoice}&control={dashless}"),
        other_status,
        format!("status=approved&orderid=1&client_orderid={invoice}&control=zz"),
    ] {
        let (status, text) = s.callback_raw(&query).await;
        assert_eq!(status, 403, "{query}");
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["error"]["code"], "CONTROL_MISMATCH");
    }
    for (query, code) in [
        (
            format!("status=approved&orderid=1&client_orderid={invoice}"),
            "MISSING_FIELD",
        ),
        ("status=%zz".to_owned(), "MALFORMED_QUERY"),
        (
            format!(
                "{}&status=approved",
                callback_query("approved", "1", invoice)
            ),
            "DUPLICATE_KEY",
        ),
        (
            format!(
                "{}&pad={}",
                callback_query("approved", "1", invoice),
                "p".repeat(9000)
            ),
            "INVALID_FIELD",
        ),
    ] {
        let (status, text) = s.callback_raw(&query).await;
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_error(status, &body, 400, "INVALID_REQUEST", code);
    }
    assert_eq!(state_of(&s, invoice).await, before);
    assert!(s.store.callbacks(invoice).await.unwrap().is_empty());

    // processing is recorded only; then a final status before the notification.
    assert_eq!(s.callback("processing", "77", invoice).await.0, 200);
    assert_eq!(state_of(&s, invoice).await.state, State::Checked);
    assert_eq!(s.callback("declined", "77", invoice).await.0, 200);
    assert_eq!(state_of(&s, invoice).await.state, State::Declined);
    // The notification that follows still records the card, and the state stays final.
    let (status, _) = s
        .notify(
            None,
            &notification_request(&token, "connpay-token-0001", "srv-card-1"),
        )
        .await;
    assert_eq!(status, 200);
    let after = state_of(&s, invoice).await;
    assert_eq!(after.state, State::Declined);
    assert!(after.card.is_some());

    // A valid callback about an invoice this server does not hold is answered 200.
    assert_eq!(s.callback("approved", "78", "INV-ELSEWHERE").await.0, 200);
    assert!(s.store.session("INV-ELSEWHERE").await.unwrap().is_none());
    s.shutdown().await;
}

async fn expiry_and_retention(b: Backend) {
    let Some(db) = fresh_db(b).await else { return };
    let s = start_with(&db, t0(), |c| c.final_within = chrono::Duration::hours(2)).await;
    let (token, init) = s.checked("connpay-token-0001").await;
    let invoice = init["invoiceId"].as_str().unwrap().to_owned();
    let (_, init2) = s.checked("connpay-token-0002").await;
    let invoice2 = init2["invoiceId"].as_str().unwrap().to_owned();
    let unchecked_init = s.initiate(&token, json!({})).await;
    let unchecked = unchecked_init["invoiceId"].as_str().unwrap();
    let days = chrono::Duration::days;

    // An hour on: the access token (30 min) has expired, the notification still matches.
    s.clock.advance(chrono::Duration::hours(1));
    let (status, body) = s
        .notify(
            None,
            &notification_request(&token, "connpay-token-0001", "srv-card-1"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    s.store.sweep(s.clock.now(), days(15)).await.unwrap();
    assert!(
        s.store.session(unchecked).await.unwrap().is_none(),
        "unchecked: swept"
    );
    assert!(
        s.store.session(&invoice).await.unwrap().is_some(),
        "checked: kept"
    );

    // Past the final-state deadline both become expired, once.
    s.clock.advance(chrono::Duration::hours(1));
    let now = s.clock.now();
    let mut expired = s
        .store
        .expire(now - chrono::Duration::hours(2), now)
        .await
        .unwrap();
    expired.sort();
    let mut want = vec![invoice.clone(), invoice2.clone()];
    want.sort();
    assert_eq!(expired, want);
    assert!(
        s.store
            .expire(now - chrono::Duration::hours(2), now)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(state_of(&s, &invoice).await.state, State::Expired);
    // The gateway's late word wins over our expiry.
    assert_eq!(s.callback("approved", "5", &invoice).await.0, 200);
    assert_eq!(state_of(&s, &invoice).await.state, State::Approved);

    // Kept for 15 days after check, callbacks with them; then swept.
    s.clock.advance(days(14));
    s.store.sweep(s.clock.now(), days(15)).await.unwrap();
    assert_eq!(state_of(&s, &invoice).await.state, State::Approved);
    assert_eq!(s.store.callbacks(&invoice).await.unwrap().len(), 1);
    let (status, _) = s
        .notify(
            None,
            &notification_request(&token, "connpay-token-0001", "srv-card-1"),
        )
        .await;
    assert_eq!(status, 200, "found 14 days on");
    s.clock.advance(days(1));
    s.store.sweep(s.clock.now(), days(15)).await.unwrap();
    assert!(s.store.session(&invoice).await.unwrap().is_none());
    assert!(s.store.session(&invoice2).await.unwrap().is_none());
    assert!(s.store.callbacks(&invoice).await.unwrap().is_empty());
    s.shutdown().await;
}

/// Two instances on one PostgreSQL receive the same notification and the same callback at
/// once: one mapping, one final state, and every answer the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_race_notifications_and_callbacks() {
    let Some(db) = fresh_db(Backend::Postgres).await else {
        return;
    };
    let clock = t0();
    let a = Arc::new(start_with(&db, clock.clone(), |_| {}).await);
    let b = Arc::new(start_with(&db, clock.clone(), |_| {}).await);
    for round in 0..3 {
        let connpay_token = format!("connpay-token-race{round}");
        let (token, init) = a.checked(&connpay_token).await;
        let invoice = init["invoiceId"].as_str().unwrap().to_owned();
        let mut tasks = Vec::new();
        for i in 0..8 {
            let s = if i % 2 == 0 { a.clone() } else { b.clone() };
            let card = if i % 4 == 3 {
                "srv-card-b"
            } else {
                "srv-card-a"
            };
            let req = notification_request(&token, &connpay_token, card);
            let path = (i % 3 == 0).then(|| invoice.clone());
            tasks.push(tokio::spawn(async move {
                (card, s.notify(path.as_deref(), &req).await)
            }));
        }
        let mut winners = Vec::new();
        let mut answers = Vec::new();
        for t in tasks {
            let (card, (status, body)) = t.await.unwrap();
            match status {
                200 => {
                    winners.push(card);
                    answers.push(body);
                }
                _ => assert_error(status, &body, 409, "FILTERED", "CARD_CONFLICT"),
            }
        }
        assert!(
            winners.windows(2).all(|w| w[0] == w[1]),
            "one card: {winners:?}"
        );
        assert!(answers.windows(2).all(|w| w[0] == w[1]), "one answer");
        let mapped = b.store.session(&invoice).await.unwrap().unwrap();
        assert_eq!(mapped.card.unwrap().server_card_id, winners[0]);

        let mut tasks = Vec::new();
        for i in 0..8 {
            let s = if i % 2 == 0 { a.clone() } else { b.clone() };
            let invoice = invoice.clone();
            let status = if i % 4 == 1 { "declined" } else { "approved" };
            tasks.push(tokio::spawn(async move {
                s.callback(status, "4242", &invoice).await.0
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), 200);
        }
        let done = a.store.session(&invoice).await.unwrap().unwrap();
        assert!(matches!(done.state, State::Approved | State::Declined));
        assert_eq!(done.final_at, Some(clock.now()));
        assert_eq!(a.store.callbacks(&invoice).await.unwrap().len(), 2);
    }
    Arc::into_inner(a).unwrap().shutdown().await;
    Arc::into_inner(b).unwrap().shutdown().await;
}

/// --check-allow holds for the notification as for check: another address gets 403 before the
/// body is read, and nothing is recorded; the callback stays open (its control is the proof).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notification_only_from_allowed_addresses() {
    let db = fresh_db(Backend::Sqlite).await.unwrap();
    let s = start_with(&db, t0(), |c| {
        c.check_allow = Some(connpay_server::AddressList::parse("127.0.0.1/32").unwrap());
    })
    .await;
    let (token, init) = s.checked("connpay-token-0001").await;
    let invoice = init["invoiceId"].as_str().unwrap();
    let elsewhere = reqwest::Client::builder()
        .no_proxy()
        .local_address("127.0.0.3".parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let req = notification_request(&token, "connpay-token-0001", "srv-card-1");
    for path in [
        "/verification/notification".to_owned(),
        format!("/verification/{invoice}/notification"),
    ] {
        let r = elsewhere
            .post(s.url(&path))
            .json(&req)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap();
        assert_error(status, &body, 403, "FILTERED", "ADDRESS_NOT_ALLOWED");
    }
    assert_eq!(state_of(&s, invoice).await.card, None);
    let query = callback_query("approved", "1", invoice);
    let r = elsewhere
        .get(s.url(&format!("/verification/callback?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (status, _) = s.notify(None, &req).await;
    assert_eq!(status, 200);
    s.shutdown().await;
}
