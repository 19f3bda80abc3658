//! The reply shapes a gateway in front of Rekognition may send, read by decode.rs.

use super::*;
use serde_json::json;

#[test]
fn rekognition_pascal_case() {
    let r = SessionResult::from_data(json!({
        "SessionId": "s-1", "Status": "SUCCEEDED", "Confidence": 98.25,
        "ReferenceImage": {"Bytes": "iVBORw==", "BoundingBox": {"Width": 0.5, "Height": 0.6, "Left": 0.25, "Top": 0.1}},
        "AuditImages": [{"Bytes": "AAEC", "BoundingBox": {"Width": 0.1, "Height": 0.2, "Left": 0.3, "Top": 0.4}}]
    }))
    .unwrap();
    assert_eq!(r.session_id.as_deref(), Some("s-1"));
    assert_eq!(r.status, SessionStatus::Succeeded);
    assert_eq!(r.confidence, Some(98.25));
    let reference = r.reference_image.unwrap();
    assert_eq!(
        reference.source,
        ImageSource::Bytes {
            bytes: vec![0x89, b'P', b'N', b'G']
        }
    );
    assert_eq!(
        reference.bounding_box,
        Some(BoundingBox {
            width: 0.5,
            height: 0.6,
            left: 0.25,
            top: 0.1
        })
    );
    assert_eq!(r.audit_images.len(), 1);
    assert_eq!(
        r.audit_images[0].source,
        ImageSource::Bytes {
            bytes: vec![0, 1, 2]
        }
    );
    assert!(r.extra.is_empty());
}

#[test]
fn camel_case_and_confidence_as_string() {
    let r = SessionResult::from_data(json!({
        "sessionId": "s-2", "status": "in_progress", "confidence": " 42.5% ",
        "referenceImage": {"bytes": "AAEC", "boundingBox": {"width": "0.5", "height": 0.5, "left": 0, "top": 0}}
    }))
    .unwrap();
    assert_eq!(r.status, SessionStatus::InProgress);
    assert_eq!(r.confidence, Some(42.5));
    assert_eq!(r.reference_image.unwrap().bounding_box.unwrap().width, 0.5);
    assert!(
        r.audit_images.is_empty(),
        "missing audit images are an empty list"
    );
}

#[test]
fn storage_references_and_urls() {
    let r = SessionResult::from_data(json!({
        "Status": "SUCCEEDED", "Confidence": 90,
        "ReferenceImage": {"S3Object": {"Bucket": "b", "Name": "ref.jpg", "Version": "v1"}},
        "AuditImages": [
            {"Url": "https://example.invalid/a.png"},
            "https://example.invalid/b.png",
            {"s3_object": {"bucket": "b", "key": "c.jpg"}},
            {"BoundingBox": {"Width": 0.1, "Height": 0.1, "Left": 0.1, "Top": 0.1}}
        ]
    }))
    .unwrap();
    assert_eq!(
        r.reference_image.unwrap().source,
        ImageSource::S3Object {
            bucket: "b".into(),
            name: "ref.jpg".into(),
            version: Some("v1".into())
        }
    );
    assert_eq!(
        r.audit_images[0].source,
        ImageSource::Url {
            url: "https://example.invalid/a.png".into()
        }
    );
    assert_eq!(
        r.audit_images[1].source,
        ImageSource::Url {
            url: "https://example.invalid/b.png".into()
        }
    );
    assert_eq!(
        r.audit_images[2].source,
        ImageSource::S3Object {
            bucket: "b".into(),
            name: "c.jpg".into(),
            version: None
        }
    );
    assert_eq!(r.audit_images[3].source, ImageSource::Missing);
}

#[test]
fn byte_arrays_from_javascript_gateways() {
    for bytes in [
        json!([1, 2, 255]),
        json!({"type": "Buffer", "data": [1, 2, 255]}),
        json!({"0": 1, "1": 2, "2": 255}),
        json!("data:image/png;base64,AQL/"),
        json!("AQL_"),
    ] {
        let r = SessionResult::from_data(
            json!({"Status": "SUCCEEDED", "ReferenceImage": {"Bytes": bytes}}),
        )
        .unwrap();
        assert_eq!(
            r.reference_image.unwrap().source,
            ImageSource::Bytes {
                bytes: vec![1, 2, 255]
            }
        );
    }
}

#[test]
fn unknown_fields_are_kept() {
    let r = SessionResult::from_data(json!({
        "Status": "SUCCEEDED", "Confidence": 99, "Challenge": {"Type": "FaceMovementAndLightChallenge"},
        "ReferenceImage": {"Bytes": "AA==", "Quality": {"Brightness": 80}}
    }))
    .unwrap();
    assert_eq!(
        r.extra["Challenge"]["Type"],
        "FaceMovementAndLightChallenge"
    );
    assert_eq!(
        r.reference_image.unwrap().extra["Quality"]["Brightness"],
        80
    );
}

#[test]
fn unknown_or_missing_status_is_kept_verbatim() {
    let r = SessionResult::from_data(json!({"Status": "QUEUED"})).unwrap();
    assert_eq!(r.status, SessionStatus::Other("QUEUED".into()));
    let r = SessionResult::from_data(json!({"result": {"Status": "SUCCEEDED"}})).unwrap();
    assert_eq!(r.status, SessionStatus::Other(String::new()));
    assert!(r.extra.contains_key("result"));
}

#[test]
fn wrong_types_name_the_field() {
    let cases = [
        (
            json!({"Status": "SUCCEEDED", "Confidence": true}),
            "data.Confidence",
            "a boolean",
        ),
        (
            json!({"Status": "SUCCEEDED", "Confidence": "high"}),
            "data.Confidence",
            "not a number",
        ),
        (
            json!({"Status": "SUCCEEDED", "Confidence": 150}),
            "data.Confidence",
            "outside 0 to 100",
        ),
        (json!({"Status": ["x"]}), "data.Status", "an array"),
        (
            json!({"ReferenceImage": 7}),
            "data.ReferenceImage",
            "a number",
        ),
        (
            json!({"ReferenceImage": {"Bytes": "!!!"}}),
            "data.ReferenceImage.Bytes",
            "base64",
        ),
        (
            json!({"ReferenceImage": {"Bytes": [1, 300]}}),
            "data.ReferenceImage.Bytes",
            "not a byte",
        ),
        (
            json!({"AuditImages": [{"BoundingBox": {"Width": 0.1, "Height": 0.1, "Left": 0.1}}]}),
            "data.AuditImages[0].BoundingBox",
            "has no Top",
        ),
        (
            json!({"ReferenceImage": {"BoundingBox": {"Width": 640, "Height": 480, "Left": 10, "Top": 5}}}),
            "data.ReferenceImage.BoundingBox",
            "not fractions",
        ),
        (
            json!({"AuditImages": "x"}),
            "data.AuditImages",
            "a list of images",
        ),
        (
            json!({"ReferenceImage": {"S3Object": {"Name": "x"}}}),
            "data.ReferenceImage.S3Object",
            "no Bucket",
        ),
        (json!([1, 2]), "data", "an array"),
        (json!(null), "data", "null"),
    ];
    for (data, path, problem) in cases {
        let e = SessionResult::from_data(data.clone()).unwrap_err();
        let ResultError::Field {
            path: p,
            problem: pr,
        } = &e
        else {
            panic!("{e:?}")
        };
        assert_eq!(p, path, "{data}");
        assert!(pr.contains(problem), "{data}: {pr}");
        assert!(e.to_string().contains(path));
    }
}

#[test]
fn malformed_and_truncated_json() {
    for text in [
        &b"{\"Status\": \"SUCC"[..],
        b"",
        b"not json",
        b"{\"Status\": }",
        &[0xff, 0xfe][..],
    ] {
        let e = SessionResult::from_json(text).unwrap_err();
        assert!(matches!(e, ResultError::Malformed { .. }), "{e:?}");
        assert!(e.to_string().contains("not valid JSON"));
        assert!(e.to_string().contains("line 1"));
    }
}

#[test]
fn oversized_and_deep_input_is_refused() {
    let big = "A".repeat(MAX_IMAGE_BYTES / 3 * 4 + 64);
    let e = SessionResult::from_data(json!({"ReferenceImage": {"Bytes": big}})).unwrap_err();
    assert!(e.to_string().contains("larger than"), "{e}");
    let many: Vec<_> = (0..MAX_AUDIT_IMAGES + 1).map(|_| json!({})).collect();
    let e = SessionResult::from_data(json!({"AuditImages": many})).unwrap_err();
    assert!(e.to_string().contains("more than"), "{e}");
    let mut deep = json!(1);
    for _ in 0..100 {
        deep = json!([deep]);
    }
    let e = SessionResult::from_data(json!({"x": deep})).unwrap_err();
    assert!(e.to_string().contains("nested deeper"), "{e}");
}

#[test]
fn created_session_hides_the_token_from_debug() {
    let s = CreatedSession::from_data(
        json!({"sessionId": "abc", "accessToken": "tok-secret-123", "expiresIn": 180}),
    )
    .unwrap();
    assert_eq!(s.session_id, "abc");
    assert_eq!(s.extra["expiresIn"], 180);
    assert!(!format!("{s:?}").contains("tok-secret"));
    let e = CreatedSession::from_data(json!({"accessToken": "x"})).unwrap_err();
    assert!(e.to_string().contains("has no sessionId"));
}

#[test]
fn json_output_shows_sizes_not_bytes() {
    let r = SessionResult::from_data(
        json!({"Status": "SUCCEEDED", "ReferenceImage": {"Bytes": "AAECAw=="}}),
    )
    .unwrap();
    let out = serde_json::to_value(&r).unwrap();
    assert_eq!(out["status"], "SUCCEEDED");
    assert_eq!(
        out["reference_image"]["source"],
        json!({"kind": "bytes", "bytes": 4})
    );
}
