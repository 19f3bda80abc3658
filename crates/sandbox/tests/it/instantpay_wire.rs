//! The InstantPay client against wiremock (a server that is not ours: exact paths, headers and
//! field names) and against raw loopback sockets.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use ::sandbox::instantpay::{BIOMETRIC_FIELDS, DEMO_LATITUDE, DEMO_LONGITUDE};
use instantpay::Aadhaar;
use instantpay::{ActCode, ApiError, Client, LoginOutcome, StatusCode};
use instantpay::{PATH_LOGIN, PATH_LOGIN_STATUS};

use crate::support::*;

// ---------------------------------------------------------------------------------------------
// Against a server that is not ours.

#[tokio::test]
async fn status_request_has_exact_path_headers_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/fi/aeps/outletLoginStatus"))
        .and(header("X-Ipay-Auth-Code", "1"))
        .and(header("X-Ipay-Client-Id", "CLIENT42"))
        .and(header("X-Ipay-Client-Secret", SECRET))
        .and(header("X-Ipay-Endpoint-Ip", "203.0.113.7"))
        .and(header("X-Ipay-Outlet-Id", "777"))
        .and(header("Content-Type", "application/json"))
        .and(header("Accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(
            "TXN",
            Some("LOGGEDIN"),
            "Outlet logged in",
            json!({"isFaceAuthAvailable": true, "aadhaarLastFour": "0124", "isTxnBioLoginRequired": false}),
        )))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(wiremock_config(&server.uri())).unwrap();
    let status = client.outlet_login_status().await.unwrap();
    assert!(status.logged_in);
    assert_eq!(status.aadhaar_last_four.as_deref(), Some("0124"));
    assert!(status.is_face_auth_available);
    assert!(!status.is_txn_bio_login_required);
    assert_eq!(status.meta.ipay_uuid, "h00699b1c");
    assert_eq!(status.meta.timestamp, "2026-11-22 09:00:00");
    let reqs = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&reqs[0].body).unwrap();
    assert!(body.is_object(), "{body}");
}

#[tokio::test]
async fn login_request_has_exact_fields_and_a_decryptable_aadhaar() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/fi/aeps/outletLogin"))
        .and(header("X-Ipay-Auth-Code", "1"))
        .and(header("X-Ipay-Client-Id", "CLIENT42"))
        .and(header("X-Ipay-Client-Secret", SECRET))
        .and(header("X-Ipay-Endpoint-Ip", "203.0.113.7"))
        .and(header("X-Ipay-Outlet-Id", "777"))
        .and(header("Content-Type", "application/json"))
        .and(header("Accept", "application/json"))
        .and(body_partial_json(json!({"type": "DAILY_LOGIN"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(
            "TXN",
            Some("LOGGEDIN"),
            "Login successful",
            Value::Null,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(wiremock_config(&server.uri())).unwrap();
    let aadhaar = Aadhaar::parse("2345 6789 0124").unwrap();
    let req = login_request(&aadhaar, KEY);
    let outcome = client.outlet_login(&req).await.unwrap();
    assert!(matches!(outcome, LoginOutcome::LoggedIn { ref meta } if meta.orderid == "1122334455"));
    assert_eq!(outcome.charged(), Some(true));

    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    let body: Value = serde_json::from_slice(&reqs[0].body).unwrap();
    let top: BTreeSet<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        top,
        BTreeSet::from([
            "type",
            "latitude",
            "longitude",
            "externalRef",
            "biometricData"
        ])
    );
    assert_eq!(body["latitude"], DEMO_LATITUDE);
    assert_eq!(body["longitude"], DEMO_LONGITUDE);
    assert_eq!(body["externalRef"], req.external_ref.as_str());
    let bio = body["biometricData"].as_object().unwrap();
    let keys: BTreeSet<&str> = bio.keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(BIOMETRIC_FIELDS));
    assert!(bio.values().all(Value::is_string), "all fields are strings");
    assert_eq!(bio["pidData"], PID_BLOCK);
    assert_eq!(bio["dpId"], "MANTRA.MSIPL");
    let enc = bio["encryptedAadhaar"].as_str().unwrap();
    assert_eq!(enc.len(), 44);
    assert_eq!(independent_decrypt(enc, KEY), "234567890124");
}

/// Accept one connection, return the request head as sent on the wire, answer `reply_body`.
async fn capture_one_request(listener: tokio::net::TcpListener, reply_body: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut sock, _) = listener.accept().await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed before the request head");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).unwrap();
    let reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        reply_body.len(),
        reply_body
    );
    sock.write_all(reply.as_bytes()).await.unwrap();
    head
}

#[tokio::test]
async fn headers_go_on_the_wire_spelled_as_documented() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let body = envelope("TXN", Some("LOGINREQUIRED"), "", Value::Null).to_string();
    let server = tokio::spawn(capture_one_request(listener, body));
    let client = Client::new(wiremock_config(&base)).unwrap();
    assert!(!client.outlet_login_status().await.unwrap().logged_in);
    let head = server.await.unwrap();
    let lines: Vec<&str> = head.split("\r\n").collect();
    assert_eq!(lines[0], "POST /fi/aeps/outletLoginStatus HTTP/1.1");
    for expected in [
        "X-Ipay-Auth-Code: 1",
        "X-Ipay-Client-Id: CLIENT42",
        &format!("X-Ipay-Client-Secret: {SECRET}"),
        "X-Ipay-Endpoint-Ip: 203.0.113.7",
        "X-Ipay-Outlet-Id: 777",
        "Content-Type: application/json",
        "Accept: application/json",
    ] {
        assert!(lines.contains(&expected), "{expected} not in:\n{head}");
    }
}

#[tokio::test]
async fn replies_are_parsed_whatever_the_http_status() {
    let server = MockServer::start().await;
    Mock::given(path(PATH_LOGIN_STATUS))
        .respond_with(ResponseTemplate::new(401).set_body_json(envelope(
            "IAC",
            None,
            "Invalid credentials",
            Value::Null,
        )))
        .mount(&server)
        .await;
    Mock::given(path(PATH_LOGIN))
        .respond_with(ResponseTemplate::new(500).set_body_json(envelope(
            "OUI",
            None,
            "Outlet inactive",
            Value::Null,
        )))
        .mount(&server)
        .await;
    let client = Client::new(wiremock_config(&server.uri())).unwrap();
    let err = client.outlet_login_status().await.unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::Rejected {
                statuscode: StatusCode::Iac,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("client_id"), "{err}");
    let outcome = client
        .outlet_login(&login_request(&Aadhaar::demo(), KEY))
        .await
        .unwrap();
    match outcome {
        LoginOutcome::Rejected {
            statuscode,
            message,
            ..
        } => {
            assert_eq!(statuscode, StatusCode::Oui);
            assert_eq!(message, "Outlet inactive");
            assert!(statuscode.meaning().contains("re-onboard"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn unknown_codes_are_kept_verbatim() {
    let server = MockServer::start().await;
    Mock::given(path(PATH_LOGIN))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(
            "ZZQ",
            Some("NEWACT"),
            "Something new",
            Value::Null,
        )))
        .mount(&server)
        .await;
    let client = Client::new(wiremock_config(&server.uri())).unwrap();
    let outcome = client
        .outlet_login(&login_request(&Aadhaar::demo(), KEY))
        .await
        .unwrap();
    assert_eq!(
        outcome,
        LoginOutcome::Rejected {
            statuscode: StatusCode::Other("ZZQ".into()),
            actcode: Some(ActCode::Other("NEWACT".into())),
            message: "Something new".into(),
            meta: outcome.meta().unwrap().clone(),
        }
    );
    assert_eq!(outcome.charged(), None, "an unknown code: charge unknown");
}

#[tokio::test]
async fn garbage_oversize_and_silence_after_sending_are_unknown() {
    let server = MockServer::start().await;
    let client = Client::new({
        let mut c = wiremock_config(&server.uri());
        c.read_timeout = Duration::from_millis(300);
        c
    })
    .unwrap();
    let req = || login_request(&Aadhaar::demo(), KEY);
    let cases: Vec<(ResponseTemplate, &str)> = vec![
        (
            ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"),
            "not a JSON envelope",
        ),
        (
            ResponseTemplate::new(200).set_body_string(r#"{"statuscode":"TXN","act"#),
            "not a JSON envelope",
        ),
        (ResponseTemplate::new(200), "empty"),
        (
            ResponseTemplate::new(200).set_body_string(r#"{"statuscode":["TXN"]}"#),
            "not a JSON envelope",
        ),
        (
            ResponseTemplate::new(200).set_body_string(" ".repeat(9 * 1024 * 1024)),
            "larger than",
        ),
        (
            ResponseTemplate::new(200)
                .set_body_json(envelope("TXN", Some("LOGGEDIN"), "", Value::Null))
                .set_delay(Duration::from_secs(3)),
            "sent but",
        ),
        (
            ResponseTemplate::new(200).set_body_json(envelope("TUP", None, "", Value::Null)),
            "under process",
        ),
    ];
    for (template, expect) in cases {
        server.reset().await;
        Mock::given(path(PATH_LOGIN))
            .respond_with(template)
            .mount(&server)
            .await;
        match client.outlet_login(&req()).await {
            Ok(LoginOutcome::Unknown { reason }) => {
                assert!(reason.contains(expect), "{reason} / {expect}")
            }
            other => panic!("{expect}: {other:?}"),
        }
    }
    // The status call reports the same failures as errors, with the HTTP status.
    server.reset().await;
    Mock::given(path(PATH_LOGIN_STATUS))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
        .mount(&server)
        .await;
    let err = client.outlet_login_status().await.unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::Reply {
                http_status: 502,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.nothing_sent());
}

#[tokio::test]
async fn connection_refused_is_a_network_error_not_unknown() {
    // Bind and drop a listener: its port now refuses connections.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Client::new(wiremock_config(&format!("http://127.0.0.1:{port}"))).unwrap();
    let err = client
        .outlet_login(&login_request(&Aadhaar::demo(), KEY))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Connect { .. }), "{err:?}");
    assert!(err.nothing_sent());
    assert!(err.to_string().contains("Nothing was sent"), "{err}");
    let err = client.outlet_login_status().await.unwrap_err();
    assert!(matches!(err, ApiError::Connect { .. }), "{err:?}");
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let server = MockServer::start().await;
    let client = Client::new(wiremock_config(&server.uri())).unwrap();
    let mut req = login_request(&Aadhaar::demo(), KEY);
    req.latitude = "51.5074".into();
    assert!(matches!(
        client.outlet_login(&req).await,
        Err(ApiError::Request(_))
    ));
    let mut req = login_request(&Aadhaar::demo(), KEY);
    req.external_ref = "REF-1".into();
    assert!(matches!(
        client.outlet_login(&req).await,
        Err(ApiError::Request(_))
    ));
    let mut req = login_request(&Aadhaar::demo(), KEY);
    req.biometric_data.encrypted_aadhaar.clear();
    assert!(matches!(
        client.outlet_login(&req).await,
        Err(ApiError::Request(_))
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}
