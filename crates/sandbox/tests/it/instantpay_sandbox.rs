//! The InstantPay client against the sandbox InstantPay: its checks, charges, clock and faults.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use ::sandbox::instantpay::{
    self as sandbox, BIOMETRIC_FIELDS, DEMO_CLIENT_SECRET, DEMO_ENCRYPTION_KEY, DEMO_LATITUDE,
    DEMO_LONGITUDE, DemoOutlet, Fault, SandboxConfig, SandboxInstantPay,
};
use instantpay::Aadhaar;
use instantpay::Secret;
use instantpay::{ApiError, Client, ClientConfig, LoginOutcome, StatusCode, new_external_ref};
use instantpay::{PATH_LOGIN, PATH_LOGIN_STATUS};

use crate::support::*;

// ---------------------------------------------------------------------------------------------
// Against the sandbox.

type ConfigChange = fn(&mut ClientConfig);
type BodyChange = Box<dyn Fn(&mut Value)>;

/// The clock the tests move (`clock::ManualClock`).
type TestClock = clock::ManualClock;

async fn sandbox_with(clock: Arc<TestClock>) -> SandboxInstantPay {
    sandbox::start(SandboxConfig {
        outlets: vec![DemoOutlet::demo()],
        clock,
    })
    .await
    .unwrap()
}

fn demo_key() -> &'static [u8] {
    DEMO_ENCRYPTION_KEY.as_bytes()
}

#[tokio::test]
async fn sandbox_login_day_cycle() {
    // 2026-11-22 10:00 IST.
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 11, 22, 4, 30, 0).unwrap());
    let sb = sandbox_with(clock.clone()).await;
    let client = Client::new(sb.client_config()).unwrap();

    let status = client.outlet_login_status().await.unwrap();
    assert!(!status.logged_in);
    assert_eq!(status.aadhaar_last_four.as_deref(), Some("7058"));
    assert_eq!(status.meta.environment, "SANDBOX");
    assert_eq!(status.meta.timestamp, "2026-11-22 10:00:00");

    // A finger that does not match the registered Aadhaar: failed, charged.
    let other = Aadhaar::parse("234567890124").unwrap();
    let outcome = client
        .outlet_login(&login_request(&other, demo_key()))
        .await
        .unwrap();
    assert!(
        matches!(outcome, LoginOutcome::LoginRequired { .. }),
        "{outcome:?}"
    );
    assert_eq!(sb.charges(), 1);
    assert!(!client.outlet_login_status().await.unwrap().logged_in);

    let req = login_request(&Aadhaar::demo(), demo_key());
    let outcome = client.outlet_login(&req).await.unwrap();
    assert!(
        matches!(outcome, LoginOutcome::LoggedIn { .. }),
        "{outcome:?}"
    );
    assert_eq!(sb.charges(), 2);
    assert!(client.outlet_login_status().await.unwrap().logged_in);

    // The same externalRef again: duplicate, not charged.
    let outcome = client.outlet_login(&req).await.unwrap();
    assert!(
        matches!(
            outcome,
            LoginOutcome::Rejected {
                statuscode: StatusCode::Dtx,
                ..
            }
        ),
        "{outcome:?}"
    );
    assert_eq!(outcome.charged(), Some(false));
    assert_eq!(sb.charges(), 2);

    // 23:59:59 IST: still logged in; midnight IST: login required again.
    clock.set(Utc.with_ymd_and_hms(2026, 11, 22, 18, 29, 59).unwrap());
    assert!(client.outlet_login_status().await.unwrap().logged_in);
    clock.set(Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap());
    assert!(!client.outlet_login_status().await.unwrap().logged_in);

    // Log in on the new day, then the bank invalidates it: the remote state wins.
    client
        .outlet_login(&login_request(&Aadhaar::demo(), demo_key()))
        .await
        .unwrap();
    assert!(client.outlet_login_status().await.unwrap().logged_in);
    sb.state().invalidate_login(sandbox::DEMO_OUTLET_ID);
    assert!(!client.outlet_login_status().await.unwrap().logged_in);
    assert_eq!(sb.charges(), 3);
    sb.shutdown().await;
}

#[tokio::test]
async fn sandbox_refuses_wrong_credentials() {
    let sb = sandbox::start(SandboxConfig::default()).await.unwrap();
    let cases: Vec<(ConfigChange, StatusCode)> = vec![
        (
            |c| c.client_secret = Secret::new("wrong-secret"),
            StatusCode::Iac,
        ),
        (|c| c.client_id = "NOSUCHCLIENT".into(), StatusCode::Iac),
        (|c| c.outlet_id = "999999".into(), StatusCode::Oui),
    ];
    for (change, expect) in cases {
        let mut cfg = sb.client_config();
        change(&mut cfg);
        let client = Client::new(cfg).unwrap();
        let err = client.outlet_login_status().await.unwrap_err();
        assert!(
            matches!(&err, ApiError::Rejected { statuscode, .. } if *statuscode == expect),
            "{err:?}"
        );
        let outcome = client
            .outlet_login(&login_request(&Aadhaar::demo(), demo_key()))
            .await
            .unwrap();
        assert!(
            matches!(&outcome, LoginOutcome::Rejected { statuscode, .. } if *statuscode == expect),
            "{outcome:?}"
        );
    }
    // A client with the right credentials but the wrong encryption key: refused, not charged.
    let client = Client::new(sb.client_config()).unwrap();
    let outcome = client
        .outlet_login(&login_request(&Aadhaar::demo(), KEY))
        .await
        .unwrap();
    assert!(
        matches!(
            outcome,
            LoginOutcome::Rejected {
                statuscode: StatusCode::Rpi,
                ..
            }
        ),
        "{outcome:?}"
    );
    assert_eq!(sb.charges(), 0);
    assert_eq!(sb.state().login_requests(), 4);
    sb.shutdown().await;
}

/// Send a raw request to the sandbox, bypassing the client's own checks.
async fn raw(sb: &SandboxInstantPay, path: &str, headers: &[(&str, &str)], body: &str) -> Value {
    let mut req = reqwest::Client::new()
        .post(format!("{}{}", sb.base_url(), path))
        .body(body.to_string());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap()
}

const GOOD_HEADERS: [(&str, &str); 6] = [
    ("X-Ipay-Auth-Code", "1"),
    ("X-Ipay-Client-Id", sandbox::DEMO_CLIENT_ID),
    ("X-Ipay-Client-Secret", DEMO_CLIENT_SECRET),
    ("X-Ipay-Endpoint-Ip", "127.0.0.1"),
    ("X-Ipay-Outlet-Id", sandbox::DEMO_OUTLET_ID),
    ("Content-Type", "application/json"),
];

fn good_body() -> Value {
    let bio = biometric(Aadhaar::demo().encrypt(demo_key()).unwrap());
    json!({
        "type": "DAILY_LOGIN",
        "latitude": DEMO_LATITUDE,
        "longitude": DEMO_LONGITUDE,
        "externalRef": new_external_ref(),
        "biometricData": serde_json::to_value(bio).unwrap(),
    })
}

#[tokio::test]
async fn sandbox_checks_requests_as_the_real_one() {
    let sb = sandbox::start(SandboxConfig::default()).await.unwrap();
    // Each header missing or wrong.
    for (i, expect) in ["IAT", "IAC", "IAC", "UAD", "RPI", "RPI"]
        .iter()
        .enumerate()
    {
        let mut headers = GOOD_HEADERS.to_vec();
        headers.remove(i);
        let reply = raw(&sb, PATH_LOGIN, &headers, &good_body().to_string()).await;
        assert_eq!(
            reply["statuscode"], *expect,
            "without {}",
            GOOD_HEADERS[i].0
        );
        assert_eq!(reply["environment"], "SANDBOX");
    }
    let mut headers = GOOD_HEADERS.to_vec();
    headers[0].1 = "2";
    let reply = raw(&sb, PATH_LOGIN, &headers, &good_body().to_string()).await;
    assert_eq!(reply["statuscode"], "IAT");
    headers = GOOD_HEADERS.to_vec();
    headers[3].1 = "not-an-ip";
    let reply = raw(&sb, PATH_LOGIN, &headers, &good_body().to_string()).await;
    assert_eq!(reply["statuscode"], "UAD");

    // Each body problem: RPI, nothing charged.
    let mutations: Vec<(&str, BodyChange)> = vec![
        ("type", Box::new(|b| b["type"] = json!("KYC_LOGIN"))),
        (
            "no type",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("type");
            }),
        ),
        ("lat number", Box::new(|b| b["latitude"] = json!(28.6139))),
        (
            "lat 2 decimals",
            Box::new(|b| b["latitude"] = json!("28.61")),
        ),
        (
            "lat outside",
            Box::new(|b| b["latitude"] = json!("51.5074")),
        ),
        (
            "long outside",
            Box::new(|b| b["longitude"] = json!("-0.1278")),
        ),
        (
            "ref dash",
            Box::new(|b| b["externalRef"] = json!("ABC-123")),
        ),
        ("ref empty", Box::new(|b| b["externalRef"] = json!(""))),
        (
            "errCode",
            Box::new(|b| b["biometricData"]["errCode"] = json!("720")),
        ),
        (
            "pidData empty",
            Box::new(|b| b["biometricData"]["pidData"] = json!("")),
        ),
        (
            "qScore number",
            Box::new(|b| b["biometricData"]["qScore"] = json!(78)),
        ),
        (
            "bio not object",
            Box::new(|b| b["biometricData"] = json!("x")),
        ),
        (
            "aadhaar garbage",
            Box::new(|b| b["biometricData"]["encryptedAadhaar"] = json!("abc")),
        ),
    ];
    for (what, mutate) in &mutations {
        let mut body = good_body();
        mutate(&mut body);
        let reply = raw(&sb, PATH_LOGIN, &GOOD_HEADERS, &body.to_string()).await;
        assert_eq!(reply["statuscode"], "RPI", "{what}: {reply}");
    }
    for field in BIOMETRIC_FIELDS {
        let mut body = good_body();
        body["biometricData"].as_object_mut().unwrap().remove(field);
        let reply = raw(&sb, PATH_LOGIN, &GOOD_HEADERS, &body.to_string()).await;
        assert_eq!(reply["statuscode"], "RPI", "without {field}");
        assert!(reply["status"].as_str().unwrap().contains(field));
    }
    for bad in ["", "not json", "[1,2]", "{\"type\":"] {
        let reply = raw(&sb, PATH_LOGIN, &GOOD_HEADERS, bad).await;
        assert_eq!(reply["statuscode"], "RPI", "{bad:?}");
    }
    let mut headers = GOOD_HEADERS.to_vec();
    headers[5].1 = "text/plain";
    let reply = raw(&sb, PATH_LOGIN, &headers, &good_body().to_string()).await;
    assert_eq!(reply["statuscode"], "RPI");
    assert_eq!(sb.charges(), 0);

    // And the good one passes, then its reuse is a duplicate.
    let body = good_body().to_string();
    let reply = raw(&sb, PATH_LOGIN, &GOOD_HEADERS, &body).await;
    assert_eq!(
        (reply["statuscode"].as_str(), reply["actcode"].as_str()),
        (Some("TXN"), Some("LOGGEDIN"))
    );
    let reply = raw(&sb, PATH_LOGIN, &GOOD_HEADERS, &body).await;
    assert_eq!(reply["statuscode"], "DTX");
    assert_eq!(sb.charges(), 1);

    // Status: an empty body or {"type":"DAILY_LOGIN"} is fine, another type is not.
    assert_eq!(
        raw(&sb, PATH_LOGIN_STATUS, &GOOD_HEADERS, "").await["actcode"],
        "LOGGEDIN"
    );
    assert_eq!(
        raw(&sb, PATH_LOGIN_STATUS, &GOOD_HEADERS, "{}").await["actcode"],
        "LOGGEDIN"
    );
    assert_eq!(
        raw(&sb, PATH_LOGIN_STATUS, &GOOD_HEADERS, r#"{"type":"OTHER"}"#).await["statuscode"],
        "RPI"
    );
    // Unknown paths answer an envelope too.
    let reply = raw(&sb, "/fi/aeps/nothing", &GOOD_HEADERS, "{}").await;
    assert_eq!(reply["statuscode"], "RPI");
    sb.shutdown().await;
}

#[tokio::test]
async fn sandbox_faults_give_the_expected_outcomes() {
    let sb = sandbox::start(SandboxConfig::default()).await.unwrap();
    let mut cfg = sb.client_config();
    cfg.read_timeout = Duration::from_millis(300);
    let client = Client::new(cfg).unwrap();
    let state = sb.state().clone();
    let login = || async {
        client
            .outlet_login(&login_request(&Aadhaar::demo(), demo_key()))
            .await
    };

    // HTTP 500: an ISE envelope, not processed, nothing charged.
    state.set_fault(PATH_LOGIN, Some(Fault::Http500));
    let outcome = login().await.unwrap();
    assert!(
        matches!(
            outcome,
            LoginOutcome::Rejected {
                statuscode: StatusCode::Ise,
                ..
            }
        ),
        "{outcome:?}"
    );
    assert_eq!(sb.charges(), 0);

    // Dropped after reading, not processed: unknown outcome; the status says login required.
    state.set_fault(PATH_LOGIN, Some(Fault::DropConnection));
    let outcome = login().await.unwrap();
    assert!(
        matches!(outcome, LoginOutcome::Unknown { .. }),
        "{outcome:?}"
    );
    assert_eq!(outcome.charged(), None);
    assert_eq!(sb.charges(), 0);
    assert!(!client.outlet_login_status().await.unwrap().logged_in);

    // Dropped after processing: unknown here, but charged and logged in there.
    state.set_fault(PATH_LOGIN, Some(Fault::DropAfterProcessing));
    let outcome = login().await.unwrap();
    assert!(
        matches!(outcome, LoginOutcome::Unknown { .. }),
        "{outcome:?}"
    );
    assert_eq!(sb.charges(), 1);
    assert!(client.outlet_login_status().await.unwrap().logged_in);
    state.invalidate_login(sandbox::DEMO_OUTLET_ID);

    // Malformed JSON after processing: unknown, charged.
    state.set_fault(PATH_LOGIN, Some(Fault::MalformedJson));
    let outcome = login().await.unwrap();
    assert!(
        matches!(outcome, LoginOutcome::Unknown { ref reason } if reason.contains("could not be read")),
        "{outcome:?}"
    );
    assert_eq!(sb.charges(), 2);
    state.invalidate_login(sandbox::DEMO_OUTLET_ID);

    // Slow: processed at once, the reply comes after the client's deadline.
    state.set_fault(PATH_LOGIN, Some(Fault::Slow(Duration::from_secs(5))));
    let outcome = login().await.unwrap();
    assert!(
        matches!(outcome, LoginOutcome::Unknown { ref reason } if reason.contains("no reply")),
        "{outcome:?}"
    );
    assert_eq!(sb.charges(), 3);
    assert!(client.outlet_login_status().await.unwrap().logged_in);

    // Faults on the status path are errors there.
    state.set_fault(PATH_LOGIN_STATUS, Some(Fault::MalformedJson));
    assert!(matches!(
        client.outlet_login_status().await,
        Err(ApiError::Reply { .. })
    ));
    state.set_fault(PATH_LOGIN_STATUS, Some(Fault::DropConnection));
    let err = client.outlet_login_status().await.unwrap_err();
    assert!(matches!(err, ApiError::NoAnswer { .. }), "{err:?}");
    state.set_fault(PATH_LOGIN_STATUS, Some(Fault::Http500));
    assert!(matches!(
        client.outlet_login_status().await,
        Err(ApiError::Rejected {
            statuscode: StatusCode::Ise,
            ..
        })
    ));
    state.set_fault(PATH_LOGIN_STATUS, None);
    assert!(client.outlet_login_status().await.unwrap().logged_in);
    sb.shutdown().await;
}

#[tokio::test]
async fn nothing_secret_in_any_error_or_outcome() {
    let sb = sandbox::start(SandboxConfig::default()).await.unwrap();
    let wm = MockServer::start().await;
    // A hostile server that echoes our secret and an Aadhaar back in its message.
    Mock::given(path(PATH_LOGIN))
        .respond_with(ResponseTemplate::new(400).set_body_json(envelope(
            "RPI",
            None,
            &format!("bad secret {SECRET} for 9999 4105 7058"),
            Value::Null,
        )))
        .mount(&wm)
        .await;
    Mock::given(path(PATH_LOGIN_STATUS))
        .respond_with(ResponseTemplate::new(400).set_body_json(envelope(
            "IAC",
            None,
            &format!("secret {SECRET} refused"),
            Value::Null,
        )))
        .mount(&wm)
        .await;

    let mut shown: Vec<String> = Vec::new();
    let mut record = |s: String| shown.push(s);
    let demo = Aadhaar::demo();
    record(format!("{demo} {demo:?}"));

    let wm_client = Client::new(wiremock_config(&wm.uri())).unwrap();
    record(format!("{wm_client:?}"));
    let req = login_request(&demo, KEY);
    record(format!("{req:?}"));
    let o = wm_client.outlet_login(&req).await.unwrap();
    record(format!("{o:?} {}", serde_json::to_string(&o).unwrap()));
    let e = wm_client.outlet_login_status().await.unwrap_err();
    record(format!("{e} {e:?}"));

    let mut cfg = sb.client_config();
    record(format!("{cfg:?}"));
    cfg.read_timeout = Duration::from_millis(200);
    let client = Client::new(cfg.clone()).unwrap();
    for fault in [Fault::DropConnection, Fault::MalformedJson, Fault::Http500] {
        sb.state().set_fault(PATH_LOGIN, Some(fault));
        let o = client
            .outlet_login(&login_request(&demo, demo_key()))
            .await
            .unwrap();
        record(format!("{o:?}"));
    }
    sb.state().set_fault(PATH_LOGIN, None);
    let o = client
        .outlet_login(&login_request(
            &Aadhaar::parse("234567890124").unwrap(),
            demo_key(),
        ))
        .await
        .unwrap();
    record(format!("{o:?}"));
    let mut bad = cfg.clone();
    bad.client_secret = Secret::new(format!("{DEMO_CLIENT_SECRET}\n"));
    record(Client::new(bad).unwrap_err().to_string());
    let mut bad = cfg.clone();
    bad.client_secret = Secret::new("wrong");
    let e = Client::new(bad)
        .unwrap()
        .outlet_login_status()
        .await
        .unwrap_err();
    record(format!("{e} {e:?}"));
    record(demo.encrypt(b"short key").unwrap_err().to_string());
    record(
        Aadhaar::decrypt("AAAA", DEMO_ENCRYPTION_KEY.as_bytes())
            .unwrap_err()
            .to_string(),
    );
    sb.shutdown().await;

    let all = shown.join("\n");
    for needle in [
        SECRET,
        DEMO_CLIENT_SECRET,
        DEMO_ENCRYPTION_KEY,
        std::str::from_utf8(KEY).unwrap(),
        "999941057058",
        "9999 4105 7058",
        "234567890124",
        PID_BLOCK,
        SESSION_KEY,
        HMAC,
    ] {
        assert!(!all.contains(needle), "{needle} leaked in:\n{all}");
    }
    assert!(all.contains("XXXX XXXX 7058"));
}
