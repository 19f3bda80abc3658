//! `rd-relay --sandbox` as a process, as the README starts it: it prints an enrolment code,
//! serves a login through its embedded sandbox InstantPay, stops on SIGTERM, and its log holds
//! nothing secret or biometric.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

use instantpay::LoginOutcome;
use instantpay::Secret;
use relay_api::{LoginRequest, RelayClient};
use sandbox::instantpay::{DEMO_CLIENT_SECRET, DEMO_ENCRYPTION_KEY};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_relay_enrols_logs_in_and_logs_nothing_secret() {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("rd-relay"))
        .args(["--sandbox", "--listen", "127.0.0.1:0"])
        .env("RD_RELAY_LOG", "trace")
        .env_remove("RD_RELAY_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut code, mut url) = (None, None);
    while code.is_none() || url.is_none() {
        let line = lines
            .next()
            .expect("the relay printed its code and address")
            .unwrap();
        if let Some(c) = line.strip_prefix("enrolment code: ") {
            code = Some(c.to_string());
        } else if let Some(u) = line.strip_prefix("listening on ") {
            url = Some(u.to_string());
        }
    }
    let (code, url) = (code.unwrap(), url.unwrap());
    assert!(code.len() >= 6, "{code}");
    assert!(
        code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
        "{code}"
    );

    let reply = relay_api::enroll(&url, &code, "pc").await.unwrap();
    let aadhaar = reply
        .sandbox_aadhaar
        .clone()
        .expect("a sandbox hands out the test Aadhaar");
    let device = RelayClient::new(
        &url,
        Secret::new(reply.token.clone()),
        Duration::from_secs(10),
    )
    .unwrap();
    assert!(!device.status().await.unwrap().logged_in);
    let login = device
        .login(&LoginRequest {
            external_ref: instantpay::new_external_ref(),
            biometric_data: common::capture(),
            aadhaar: aadhaar.clone(),
            override_declines: false,
        })
        .await
        .unwrap();
    assert!(
        matches!(login.outcome, LoginOutcome::LoggedIn { .. }),
        "{login:?}"
    );
    assert!(device.status().await.unwrap().logged_in);

    // A clean stop, and the temporary database goes with it.
    let pid = child.id() as libc::pid_t;
    // SAFETY: kill(2) with our own child's pid and a valid signal number; no memory is shared.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(log.contains("rd-relay listening"), "{log}");
    for needle in [
        aadhaar.as_str(),
        reply.token.as_str(),
        code.as_str(),
        "PIDBLOCKPIDBLOCK",
        "SESSIONKEY",
        DEMO_CLIENT_SECRET,
        DEMO_ENCRYPTION_KEY,
    ] {
        assert!(
            !log.contains(needle),
            "the relay's log holds {needle}:\n{log}"
        );
    }
    let db = log
        .lines()
        .find_map(|l| l.split("database ").nth(1))
        .and_then(|rest| rest.split(" (removed").next())
        .expect("the log names the temporary database")
        .to_string();
    assert!(!std::path::Path::new(&db).exists(), "{db} was left behind");
}

/// `rd-relay man`: the page the .deb installs (installer/linux/build-deb.sh), with every
/// command in it, and no database or credential needed to print it.
#[test]
fn the_manual_page_names_the_relay_and_its_commands() {
    let out = Command::new(assert_cmd::cargo::cargo_bin!("rd-relay"))
        .arg("man")
        .env_remove("RD_RELAY_DB")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie"),
        "troff: {}",
        &page[..page.len().min(80)]
    );
    assert!(page.contains(".SH NAME") && page.contains("rd\\-relay"));
    for command in [
        "outlet\\-add",
        "enroll\\-code",
        "devices",
        "revoke",
        "report",
        "guard",
    ] {
        assert!(page.contains(command), "{command} is not in the page");
    }
}
