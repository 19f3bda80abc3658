//! The connpay-server binary: configuration only from the environment, the key never printed,
//! and the manual page.

mod common;

use serde_json::{Value, json};

use common::*;

/// The binary: configuration only from the environment, the key never printed, a full exchange
/// over HTTP, and a refusal to start without its secrets.
#[test]
fn binary_runs_and_never_prints_the_key() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("control.key");
    std::fs::write(&key_file, format!("{CONTROL_KEY}\n")).unwrap();
    let exe = env!("CARGO_BIN_EXE_connpay-server");

    let out = Command::new(exe)
        .env_remove("CONNPAY_CONTROL_KEY")
        .env_remove("CONNPAY_CONTROL_KEY_FILE")
        .env("CONNPAY_ENDPOINT_ID", ENDPOINT)
        .arg("--db")
        .arg(dir.path().join("x.sqlite3"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CONNPAY_CONTROL_KEY"));

    let mut child = Command::new(exe)
        .env_remove("CONNPAY_CONTROL_KEY")
        .env("CONNPAY_CONTROL_KEY_FILE", &key_file)
        .env("CONNPAY_ENDPOINT_ID", ENDPOINT)
        .env("RUST_LOG", "debug")
        .args(["--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("connpay.sqlite3"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (token, nonce) = rt.block_on(async {
        let c = client();
        let url = |p: &str| format!("http://{addr}{p}");
        let t: Value = c
            .post(url("/auth/access-token"))
            .json(&json!({"consumer": {"device": {"serialNumber": SERIAL}}}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = t["session"]["accessToken"].as_str().unwrap().to_owned();
        let init: Value = c
            .post(url("/verification/initiate-verification"))
            .json(&json!({"consumer": {"device": {"serialNumber": SERIAL}},
                          "session": {"accessToken": token}, "transaction": {"currency": "INR"}}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let invoice = init["invoiceId"].as_str().unwrap();
        let check = c
            .post(url(&format!("/verification/{invoice}/check")))
            .json(&check_request(&token, &init, "binary-token-00001"))
            .send()
            .await
            .unwrap();
        assert_eq!(check.status().as_u16(), 200);
        (token, init["session"]["nonce"].as_str().unwrap().to_owned())
    });

    child.kill().unwrap();
    child.wait().unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let all = format!("{line}{rest}{stderr}").to_uppercase();
    assert!(all.contains("LISTENING"), "{all}");
    // The key file was written with the default umask: the server says so (modes are Unix's).
    if std::path::MAIN_SEPARATOR == '/' {
        assert!(all.contains("CHMOD 600"), "{all}");
    }
    for secret in [
        CONTROL_KEY.to_string(),
        CONTROL_KEY.replace('-', ""),
        "B17F59B4".to_string(),
        token.to_uppercase(),
        nonce.to_uppercase(),
    ] {
        assert!(!all.contains(&secret), "a secret reached the output");
    }
}

/// Packaging's manual page: needs no secret, starts nothing, and documents the flags.
#[test]
fn man_prints_the_manual_page_without_any_secret() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_connpay-server"))
        .env_remove("CONNPAY_CONTROL_KEY")
        .env_remove("CONNPAY_CONTROL_KEY_FILE")
        .env_remove("CONNPAY_ENDPOINT_ID")
        .arg("--man")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH connpay-server 1"));
    assert!(page.contains("listen") && page.contains("CONNPAY_CONTROL_KEY"));
    // The endpoints after check and the admin commands are listed.
    for text in [
        "/verification/notification",
        "/verification/callback",
        "callback\\-path",
        "verification show",
        "verification list",
    ] {
        assert!(page.contains(text), "{text} missing from the page");
    }
    assert!(
        !page.contains("\\-\\-man"),
        "the packaging flag stays out of the page"
    );
}
