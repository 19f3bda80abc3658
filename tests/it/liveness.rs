//! Face liveness end to end: the client against the sandbox InstantPay and against scripted
//! replies (wiremock) on loopback, the verdicts, and the drawn boxes checked pixel by pixel.
//! The `rd-agent liveness` command is in liveness_cli.rs.

use std::sync::Arc;

use base64::Engine as _;
use chrono::Duration;
use clock::SystemClock;
use instantpay::Secret;
use instantpay::liveness::{
    BOX_COLOR, RgbImage, VerdictKind, annotate, decode_image, judge, line_width, pixel_rect,
};
use instantpay::liveness::{
    BoundingBox, CreateSessionRequest, ImageSource, LivenessError, ResultError, SessionStatus,
    create_session, session_result,
};
use instantpay::{ApiError, Client, ClientConfig};
use instantpay::{StatusCode, new_external_ref};
use sandbox::instantpay::{SandboxConfig, SandboxInstantPay};
use sandbox::liveness::{
    AUDIT_IMAGES, LivenessSandbox, Outcome, Plan, ReplyStyle, SESSION_LIFETIME, SandboxClock,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub(crate) const SECRET: &str = "liveness-test-client-secret-XYZ";

struct Running {
    client: Client,
    sandbox: Arc<LivenessSandbox>,
    clock: Arc<SandboxClock>,
    _server: SandboxInstantPay,
}

pub(crate) fn client_for(base_url: &str) -> Client {
    Client::new(ClientConfig::new(
        base_url,
        "CLIENT1",
        Secret::new(SECRET),
        "OUTLET1",
        "127.0.0.1",
    ))
    .unwrap()
}

/// The whole sandbox InstantPay (its header checks, the demo outlet) on a loopback port, with
/// a clock the test moves.
async fn start_sandbox() -> Running {
    let clock = Arc::new(SandboxClock::new(Arc::new(SystemClock)));
    let server = sandbox::instantpay::start(SandboxConfig {
        clock: clock.clone(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    Running {
        client: Client::new(server.client_config()).unwrap(),
        sandbox: server.state().liveness().clone(),
        clock,
        _server: server,
    }
}

fn create_req() -> CreateSessionRequest {
    CreateSessionRequest {
        latitude: "28.6139".into(),
        longitude: "77.2090".into(),
        external_ref: new_external_ref(),
    }
}

async fn new_session(r: &Running) -> String {
    let (s, meta) = create_session(&r.client, &create_req()).await.unwrap();
    assert_eq!(meta.environment, "SANDBOX");
    assert!(s.access_token.as_deref().is_some_and(|t| t.len() >= 32));
    s.session_id
}

/// Assert the box's outline is drawn exactly where the fractions put it on `img`, and the
/// pixels just outside and well inside it are the original picture's.
pub(crate) fn assert_box_drawn(img: &RgbImage, original: &RgbImage, b: &BoundingBox) {
    let (w, h) = (f64::from(img.width), f64::from(img.height));
    let x0 = (b.left * w).round() as u32;
    let y0 = (b.top * h).round() as u32;
    let x1 = ((b.left + b.width) * w).round() as u32 - 1;
    let y1 = ((b.top + b.height) * h).round() as u32 - 1;
    let t = line_width(img.width, img.height);
    let xm = (x0 + x1) / 2;
    let ym = (y0 + y1) / 2;
    for (x, y) in [
        (x0, y0),
        (x1, y1),
        (x0, y1),
        (x1, y0),
        (xm, y0),
        (xm, y1),
        (x0, ym),
        (x1, ym),
        (x0 + t - 1, ym),
    ] {
        assert_eq!(img.get(x, y), Some(BOX_COLOR), "box edge at {x},{y}");
    }
    // Just outside the box, and inside past the line: untouched.
    for (x, y) in [
        (x0 - 1, ym),
        (x1 + 1, ym),
        (xm, y0 - 1),
        (xm, y1 + 1),
        (x0 + t, ym),
    ] {
        assert_eq!(
            img.get(x, y),
            original.get(x, y),
            "outside the line at {x},{y}"
        );
        assert_ne!(img.get(x, y), Some(BOX_COLOR), "{x},{y}");
    }
}

#[tokio::test]
async fn sandbox_live_result_in_rekognition_shape() {
    let r = start_sandbox().await;
    let id = new_session(&r).await;
    let (res, _) = session_result(&r.client, &id).await.unwrap();
    assert_eq!(res.status, SessionStatus::Succeeded);
    assert_eq!(res.session_id.as_deref(), Some(id.as_str()));
    assert_eq!(res.confidence, Some(97.5));
    assert_eq!(res.audit_images.len(), AUDIT_IMAGES);
    let v = judge(&res, 90.0);
    assert_eq!(v.kind, VerdictKind::Live);
    // Every image decodes and carries the box the sandbox drew the face in.
    let reference = res.reference_image.as_ref().unwrap();
    let ImageSource::Bytes { bytes } = &reference.source else {
        panic!("{:?}", reference.source)
    };
    let original = decode_image(bytes).unwrap();
    let b = reference.bounding_box.unwrap();
    let a = annotate(bytes, Some(&b)).unwrap();
    assert_box_drawn(&decode_image(&a.png).unwrap(), &original, &b);
    assert!(res.extra.is_empty());
}

#[tokio::test]
async fn sandbox_camel_case_strings_and_byte_arrays() {
    let r = start_sandbox().await;
    r.sandbox.set_style(ReplyStyle::CamelStrings);
    r.sandbox
        .plan_next(Plan::immediate(Outcome::NotLive { confidence: 41.5 }));
    let id = new_session(&r).await;
    let (res, _) = session_result(&r.client, &id).await.unwrap();
    assert_eq!(res.status, SessionStatus::Succeeded);
    assert_eq!(res.confidence, Some(41.5));
    assert_eq!(res.audit_images.len(), AUDIT_IMAGES);
    for img in std::iter::once(res.reference_image.as_ref().unwrap()).chain(&res.audit_images) {
        let ImageSource::Bytes { bytes } = &img.source else {
            panic!()
        };
        assert!(bytes.starts_with(b"\x89PNG"));
        assert!(img.bounding_box.is_some());
    }
    let v = judge(&res, 90.0);
    assert_eq!(v.kind, VerdictKind::NotLive);
    assert!(v.sentence.contains("41.5"), "{}", v.sentence);
    // A lower threshold, chosen by the operator, accepts it.
    assert_eq!(judge(&res, 40.0).kind, VerdictKind::Live);
}

#[tokio::test]
async fn sandbox_sessions_move_through_their_schedule_and_expire() {
    let r = start_sandbox().await;
    r.sandbox.plan_next(Plan {
        outcome: Outcome::Live { confidence: 99.0 },
        starts_after: Duration::seconds(20),
        finishes_after: Duration::seconds(60),
    });
    r.sandbox.plan_next(Plan::immediate(Outcome::Expire));
    r.sandbox.plan_next(Plan::immediate(Outcome::Failed));
    let slow = new_session(&r).await;
    let unused = new_session(&r).await;
    let failed = new_session(&r).await;

    let status = |id: String| {
        let c = r.client.clone();
        async move { session_result(&c, &id).await.unwrap().0 }
    };
    let s = status(slow.clone()).await;
    assert_eq!(s.status, SessionStatus::Created);
    assert_eq!(judge(&s, 90.0).kind, VerdictKind::Pending);
    assert!(s.reference_image.is_none() && s.audit_images.is_empty());
    r.clock.advance(Duration::seconds(20));
    assert_eq!(status(slow.clone()).await.status, SessionStatus::InProgress);
    r.clock.advance(Duration::seconds(40));
    let s = status(slow.clone()).await;
    assert_eq!(s.status, SessionStatus::Succeeded);
    assert_eq!(judge(&s, 90.0).kind, VerdictKind::Live);

    let f = status(failed).await;
    assert_eq!(judge(&f, 90.0).kind, VerdictKind::Failed);

    assert_eq!(status(unused.clone()).await.status, SessionStatus::Created);
    r.clock.advance(SESSION_LIFETIME - Duration::seconds(60));
    let e = status(unused).await;
    assert_eq!(e.status, SessionStatus::Expired);
    let v = judge(&e, 90.0);
    assert_eq!(v.kind, VerdictKind::Expired);
    assert!(v.sentence.contains("Create a new session"));
    assert_eq!(
        status(slow).await.status,
        SessionStatus::Succeeded,
        "a finished session keeps its result"
    );
}

#[tokio::test]
async fn sandbox_checks_requests_as_the_api_would() {
    let r = start_sandbox().await;
    // Unknown session: the API's refusal, reported with its code.
    let e = session_result(&r.client, "no-such-session")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, LivenessError::Api(ApiError::Rejected { statuscode, .. }) if *statuscode == StatusCode::Rpi),
        "{e:?}"
    );
    // A reused externalRef is a duplicate.
    let req = create_req();
    create_session(&r.client, &req).await.unwrap();
    let e = create_session(&r.client, &req).await.unwrap_err();
    assert!(e.to_string().contains("DTX"), "{e}");
    // Bad coordinates and ids are refused before anything is sent.
    let mut bad = create_req();
    bad.latitude = "51.5074".into();
    assert!(matches!(
        create_session(&r.client, &bad).await,
        Err(LivenessError::Request(_))
    ));
    assert!(matches!(
        session_result(&r.client, "  ").await,
        Err(LivenessError::SessionId(_))
    ));
    assert!(matches!(
        session_result(&r.client, "a\nb").await,
        Err(LivenessError::SessionId(_))
    ));
    // A wrong client secret is refused (IAC) by the sandbox InstantPay's own header check.
    let wrong = client_for(r.client.base_url());
    let e = session_result(&wrong, "x").await.unwrap_err().to_string();
    assert!(e.contains("IAC"), "{e}");
    assert!(!e.contains(SECRET), "{e}");
}

async fn scripted(body: Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/faceLiveness/getSessionResult"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let c = client_for(&server.uri());
    (server, c)
}

pub(crate) fn envelope(data: Value) -> Value {
    json!({"statuscode": "TXN", "actcode": null, "status": "Transaction Successful",
           "data": data, "timestamp": "2026-11-22 10:00:00", "ipay_uuid": "u1",
           "orderid": null, "environment": "LIVE"})
}

/// A small JPEG with a grey square, as Rekognition would send.
pub(crate) fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut px = vec![200u8; width as usize * height as usize * 3];
    for y in height / 4..height * 3 / 4 {
        for x in width / 4..width * 3 / 4 {
            let i = (y as usize * width as usize + x as usize) * 3;
            px[i..i + 3].copy_from_slice(&[90, 60, 40]);
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 95)
        .encode(&px, width, height, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

#[tokio::test]
async fn storage_references_urls_unknown_fields_and_node_buffers() {
    let img = jpeg(64, 48);
    let (_s, c) = scripted(envelope(json!({
        "SessionId": "s1",
        "Status": "SUCCEEDED",
        "Confidence": "93.10",
        "Challenge": {"Type": "FaceMovementAndLightChallenge", "Version": "2.0.0"},
        "ReferenceImage": {
            "S3Object": {"Bucket": "liveness-bucket", "Name": "s1/reference.jpg"},
            "BoundingBox": {"Width": 0.4, "Height": 0.5, "Left": 0.3, "Top": 0.2}
        },
        "AuditImages": [
            {"Bytes": {"type": "Buffer", "data": img.clone()},
             "BoundingBox": {"Width": 0.5, "Height": 0.5, "Left": 0.25, "Top": 0.25}},
            {"url": "https://images.invalid/s1/a2.jpg"}
        ]
    })))
    .await;
    let (res, meta) = session_result(&c, "s1").await.unwrap();
    assert_eq!(meta.environment, "LIVE");
    assert_eq!(res.confidence, Some(93.1));
    assert_eq!(
        res.extra["Challenge"]["Type"],
        "FaceMovementAndLightChallenge"
    );
    assert_eq!(
        res.reference_image.as_ref().unwrap().source,
        ImageSource::S3Object {
            bucket: "liveness-bucket".into(),
            name: "s1/reference.jpg".into(),
            version: None
        }
    );
    assert_eq!(
        res.audit_images[0].source,
        ImageSource::Bytes { bytes: img.clone() }
    );
    assert_eq!(
        res.audit_images[1].source,
        ImageSource::Url {
            url: "https://images.invalid/s1/a2.jpg".into()
        }
    );
    // The JPEG decodes and its box is drawn where the fractions say.
    let b = res.audit_images[0].bounding_box.unwrap();
    let original = decode_image(&img).unwrap();
    let a = annotate(&img, Some(&b)).unwrap();
    assert_eq!((a.width, a.height), (64, 48));
    assert_eq!(a.drawn, pixel_rect(&b, 64, 48));
    assert_box_drawn(&decode_image(&a.png).unwrap(), &original, &b);
}

#[tokio::test]
async fn malformed_replies_give_errors_that_name_the_problem() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"statuscode":"TXN","data":{"Status":"SUCC"#),
        )
        .mount(&server)
        .await;
    let e = session_result(&client_for(&server.uri()), "s1")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("not a JSON envelope") && e.contains("truncated"),
        "{e}"
    );
    assert!(!e.contains(SECRET));

    let (_s, c) = scripted(envelope(
        json!({"Status": "SUCCEEDED", "Confidence": {"value": 99}}),
    ))
    .await;
    let e = session_result(&c, "s1").await.unwrap_err();
    assert!(
        matches!(&e, LivenessError::Result(ResultError::Field { path, .. }) if path == "data.Confidence"),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("`data.Confidence` is an object"),
        "{e}"
    );

    let (_s, c) = scripted(envelope(json!({"Status": "SUCCEEDED",
        "ReferenceImage": {"Bytes": "not base64!", "BoundingBox": {"Width": 1, "Height": 1, "Left": 0, "Top": 0}}}))).await;
    let e = session_result(&c, "s1").await.unwrap_err().to_string();
    assert!(
        e.contains("data.ReferenceImage.Bytes") && e.contains("base64"),
        "{e}"
    );

    // TXN with no data at all.
    let (_s, c) = scripted(envelope(Value::Null)).await;
    let e = session_result(&c, "s1").await.unwrap_err().to_string();
    assert!(e.contains("`data` is null"), "{e}");

    // A refusal is reported with its code, not as a result.
    let (_s, c) =
        scripted(json!({"statuscode": "IAC", "status": "Invalid credentials", "data": null})).await;
    let e = session_result(&c, "s1").await.unwrap_err();
    assert!(
        matches!(e, LivenessError::Api(ApiError::Rejected { .. })),
        "{e:?}"
    );
}

#[tokio::test]
async fn under_process_and_missing_audit_images() {
    // TUP with no data: the check is still running.
    let (_s, c) =
        scripted(json!({"statuscode": "TUP", "status": "Under process", "data": null})).await;
    let (res, _) = session_result(&c, "s1").await.unwrap();
    assert_eq!(res.status, SessionStatus::InProgress);
    assert_eq!(judge(&res, 90.0).kind, VerdictKind::Pending);
    // A finished result with a reference image and no audit images at all.
    let (_s, c) = scripted(envelope(json!({"Status": "SUCCEEDED", "Confidence": 91,
        "ReferenceImage": {"Bytes": base64::engine::general_purpose::STANDARD.encode(jpeg(32, 24))}})))
    .await;
    let (res, _) = session_result(&c, "s1").await.unwrap();
    assert!(res.audit_images.is_empty());
    assert!(res.reference_image.as_ref().unwrap().bounding_box.is_none());
    assert_eq!(judge(&res, 90.0).kind, VerdictKind::Live);
}
