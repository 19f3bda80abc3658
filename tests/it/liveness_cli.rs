//! `rd-agent liveness` as a person runs it: against the sandbox (its verdicts, exit codes and
//! saved images with the box around the face) and against a configured server answering with
//! scripted replies (wiremock) on loopback.

use std::path::Path;

use base64::Engine as _;
use instantpay::liveness::BoundingBox;
use instantpay::liveness::{RgbImage, decode_image};
use rd_agent::config::SecretName;
use sandbox::liveness::AUDIT_IMAGES;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::liveness::{SECRET, assert_box_drawn, envelope, jpeg};
use crate::support::{ConfigFile, json_of_success, rd_agent, write_secrets};

fn read_png(p: &Path) -> RgbImage {
    decode_image(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn cli_sandbox_saves_pngs_with_the_box_around_the_face() {
    let dir = tempfile::tempdir().unwrap();
    let out = rd_agent()
        .args(["--json", "liveness", "result", "--sandbox", "--save-images"])
        .arg(dir.path())
        .output()
        .unwrap();
    let v = json_of_success(&out);
    assert_eq!(v["ok"], true);
    assert_eq!(v["verdict"]["kind"], "live");
    assert_eq!(v["result"]["status"], "SUCCEEDED");
    let saved = v["saved_images"].as_array().unwrap();
    assert_eq!(saved.len(), 1 + AUDIT_IMAGES);
    let boxes: Vec<&Value> = std::iter::once(&v["result"]["reference_image"])
        .chain(v["result"]["audit_images"].as_array().unwrap())
        .map(|i| &i["bounding_box"])
        .collect();
    for (s, b) in saved.iter().zip(boxes) {
        let p = Path::new(s["path"].as_str().unwrap());
        assert!(p.starts_with(dir.path()) && p.extension().unwrap() == "png");
        let img = read_png(p);
        let b = BoundingBox {
            width: b["width"].as_f64().unwrap(),
            height: b["height"].as_f64().unwrap(),
            left: b["left"].as_f64().unwrap(),
            top: b["top"].as_f64().unwrap(),
        };
        // Redraw the sandbox's face without the box to compare the untouched pixels.
        let original = sandbox::liveness::draw_face(img.width, img.height, &b);
        assert_box_drawn(&img, &original, &b);
        // The box surrounds the face: its centre is skin.
        let cx = ((b.left + b.width / 2.0) * f64::from(img.width)) as u32 + 10;
        let cy = ((b.top + b.height / 2.0) * f64::from(img.height)) as u32 + 10;
        assert_eq!(img.get(cx, cy), Some([224, 172, 130]), "{}", p.display());
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1 + AUDIT_IMAGES
    );
}

#[test]
fn cli_verdicts_and_exit_codes() {
    for (outcome, kind, code) in [
        ("not-live", "not_live", 4),
        ("expired", "expired", 4),
        ("failed", "failed", 4),
        ("pending", "pending", 5),
    ] {
        let out = rd_agent()
            .args([
                "--json",
                "liveness",
                "result",
                "--sandbox",
                "--sandbox-outcome",
                outcome,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{outcome}");
        // Exactly one JSON document on stdout, carrying the verdict.
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["ok"], false);
        assert_eq!(v["verdict"]["kind"], kind, "{outcome}");
        assert!(!v["verdict"]["sentence"].as_str().unwrap().is_empty());
    }
    // Human output: the sentence on stdout, the command fails with it.
    let out = rd_agent()
        .args([
            "liveness",
            "result",
            "--sandbox",
            "--sandbox-outcome",
            "not-live",
            "--min-confidence",
            "40",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "41.3 passes a threshold of 40");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Live: a real person"));
    let out = rd_agent()
        .args(["liveness", "result", "--sandbox", "--min-confidence", "101"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cli_create_in_the_sandbox() {
    let out = rd_agent()
        .args(["--json", "liveness", "create", "--sandbox"])
        .output()
        .unwrap();
    let v = json_of_success(&out);
    assert!(
        v["session"]["session_id"]
            .as_str()
            .unwrap()
            .starts_with("sbx-")
    );
    assert!(v["session"]["access_token"].as_str().unwrap().len() >= 32);
    let out = rd_agent()
        .args(["liveness", "create", "--sandbox", "--latitude", "51.5074"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("latitude"));
}

/// A config and secrets file pointing the command at `base_url`.
fn configured(base_url: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ConfigFile {
        client_id: "CLIENT1",
        outlet_id: "100002",
        latitude: "28.6139",
        longitude: "77.2090",
        ..ConfigFile::demo(base_url, None)
    }
    .write(&dir.path().join("config.toml"));
    write_secrets(
        &dir.path().join("secrets.toml"),
        &[(SecretName::ClientSecret, SECRET)],
    );
    dir
}

#[test]
fn cli_against_a_configured_server_downloads_url_images_and_reports_s3_ones() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    let img = jpeg(80, 60);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&img);
    let url = format!("{}/images/a1.jpg", server.uri());
    rt.block_on(async {
        Mock::given(method("GET"))
            .and(path("/images/a1.jpg"))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(img.clone()))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/identity/faceLiveness/getSessionResult"))
            .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!({
                "sessionId": "abc/../1",
                "status": "SUCCEEDED",
                "confidence": 99.2,
                "referenceImage": {"bytes": b64,
                    "boundingBox": {"width": 0.5, "height": 0.5, "left": 0.25, "top": 0.25}},
                "auditImages": [
                    {"url": url, "boundingBox": {"width": 0.25, "height": 0.5, "left": 0.5, "top": 0.1}},
                    {"s3Object": {"bucket": "b", "name": "a2.jpg"}}
                ],
                "vendorTrace": "xyz"
            }))))
            .mount(&server)
            .await;
    });
    let dir = configured(&server.uri());
    let images = dir.path().join("images");
    let out = rd_agent()
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .arg("--state-dir")
        .arg(dir.path())
        .args(["liveness", "result", "abc/../1", "--save-images"])
        .arg(&images)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("Live: a real person"), "{stdout}");
    assert!(
        stdout.contains("vendorTrace"),
        "unknown fields are shown: {stdout}"
    );
    assert!(stderr.contains("s3://b/a2.jpg"), "{stderr}");
    // The session id is made safe for a file name: nothing escapes the folder.
    let reference = images.join("abc____1-reference.png");
    let audit = images.join("abc____1-audit-1.png");
    assert!(
        stdout.contains(&reference.display().to_string()),
        "{stdout}"
    );
    let b = BoundingBox {
        width: 0.25,
        height: 0.5,
        left: 0.5,
        top: 0.1,
    };
    assert_box_drawn(&read_png(&audit), &decode_image(&img).unwrap(), &b);
    let b = BoundingBox {
        width: 0.5,
        height: 0.5,
        left: 0.25,
        top: 0.25,
    };
    assert_box_drawn(&read_png(&reference), &decode_image(&img).unwrap(), &b);
    assert!(!images.join("abc____1-audit-2.png").exists());
    // The client secret went in the header and nowhere else.
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
    let requests = rt.block_on(server.received_requests()).unwrap();
    let post = requests
        .iter()
        .find(|r| r.method.as_str() == "POST")
        .unwrap();
    assert_eq!(post.headers.get("x-ipay-client-secret").unwrap(), SECRET);
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    assert_eq!(body, json!({"sessionId": "abc/../1"}));
    let get = requests
        .iter()
        .find(|r| r.method.as_str() == "GET")
        .unwrap();
    assert!(
        get.headers.get("x-ipay-client-secret").is_none(),
        "image downloads carry no credentials"
    );
}

#[test]
fn cli_malformed_reply_is_a_clear_error() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(envelope(json!({"Status": 7, "Confidence": []}))),
            )
            .mount(&server),
    );
    let dir = configured(&server.uri());
    let out = rd_agent()
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .arg("--state-dir")
        .arg(dir.path())
        .args(["--json", "liveness", "result", "s1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("data.Confidence") && msg.contains("an array"),
        "{msg}"
    );
}
