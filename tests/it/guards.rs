//! A charge only when it can succeed, as real `rd-agent` processes against the sandbox: the
//! operator InstantPay expects, the decline guard, and the UIDAI key of the capture. Each
//! refusal sends nothing to InstantPay; the first two capture nothing either.

use ::sandbox::instantpay::{DEMO_OUTLET_ID, Fault};
use ::sandbox::rd::{Behaviour, STALE_KEY_CI, SimOptions};
use rd_agent::ledger::AttemptState;

use crate::support::{TestEnv, code, mantra, other_aadhaar, text};

const HINDI: [(&str, &str); 2] = [("LANG", "hi_IN.UTF-8"), ("RD_AGENT_UI__LANGUAGE", "hi")];

#[test]
fn another_operators_aadhaar_sends_nothing_and_says_both_endings() {
    let env = TestEnv::start();
    env.write_secrets(&other_aadhaar()); // ...0124; the sandbox outlet's operator ends 7058
    let out = env.login();
    assert_eq!(code(&out), 2, "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("set up for the Aadhaar ending 0124"),
        "{said}"
    );
    assert!(
        said.contains(&format!("outlet {DEMO_OUTLET_ID}'s operator, ending 7058")),
        "{said}"
    );
    assert!(said.contains("no money was taken"), "{said}");
    let out = env.cmd().envs(HINDI).arg("login").output().unwrap();
    assert_eq!(code(&out), 2);
    assert!(text(&out).contains("ऑपरेटर का आधार सेट करें"), "{}", text(&out));
    assert_eq!(env.ipay.state().login_requests(), 0);
    assert_eq!(env.captures(), 0);
    assert!(env.ledger().all().unwrap().is_empty());

    // doctor has a check of its own for it.
    let out = env.cmd().args(["doctor", "--json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let operator = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "operator")
        .cloned()
        .unwrap_or_default();
    assert_eq!(operator["verdict"], "fail", "{report}");
}

#[test]
fn four_declined_logins_in_a_row_send_two_and_the_override_needs_a_terminal() {
    let env = TestEnv::start();
    env.set_fault(Some(Fault::BiometricMismatch));
    let mut codes = Vec::new();
    for _ in 0..4 {
        let out = env.login();
        codes.push(code(&out));
        if codes.len() == 3 {
            let said = text(&out);
            assert!(
                said.contains("A third decline in a row can block"),
                "{said}"
            );
            assert!(said.contains("--despite-declines"), "{said}");
        }
    }
    assert_eq!(codes, [4, 4, 4, 4]);
    assert_eq!(env.ipay.state().login_requests(), 2, "at most two sent");
    assert_eq!(env.ipay.charges(), 2);
    assert_eq!(env.captures(), 2, "the held logins capture nothing");

    // In Hindi, and what status and doctor say.
    let out = env.cmd().envs(HINDI).arg("login").output().unwrap();
    assert!(text(&out).contains("लगातार तीसरी बार"), "{}", text(&out));
    let out = env.cmd().arg("status").output().unwrap();
    assert!(
        text(&out).contains("Declined logins in a row: 2"),
        "{}",
        text(&out)
    );
    let out = env.cmd().args(["status", "--json"]).output().unwrap();
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["summary"]["consecutive_declines"], 2, "{s}");
    let out = env.cmd().args(["doctor", "--json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "declines" && c["verdict"] == "fail"),
        "{report}"
    );

    // The flag alone, with no one at a terminal to say yes, is refused.
    let out = env
        .cmd()
        .args(["login", "--despite-declines"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(
        text(&out).contains("needs a person at a terminal"),
        "{}",
        text(&out)
    );
    assert_eq!(env.ipay.state().login_requests(), 2);

    let rows = env.ledger().all().unwrap();
    assert!(
        rows.iter()
            .all(|a| a.state == AttemptState::Rejected && a.biometric_decline)
    );
}

#[test]
fn a_capture_with_an_expired_uidai_key_is_not_sent() {
    let env = TestEnv::builder()
        .rd(SimOptions {
            behaviour: Behaviour {
                stale_key: true,
                ..Behaviour::default()
            },
            ..mantra()
        })
        .start();
    let out = env.login();
    assert_eq!(code(&out), 3, "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("UIDAI key that expired on 2021-09-30"),
        "{said}"
    );
    assert!(
        said.contains("Update the RD Service from the scanner vendor"),
        "{said}"
    );
    let out = env.cmd().envs(HINDI).arg("login").output().unwrap();
    assert!(
        text(&out).contains("RD Service अपडेट करवाएँ"),
        "{}",
        text(&out)
    );
    assert_eq!(env.ipay.state().login_requests(), 0);
    assert_eq!(env.captures(), 2, "captured, then refused before sending");
    assert!(
        env.ledger().all().unwrap().is_empty(),
        "nothing written as sending"
    );
    assert_eq!(STALE_KEY_CI, "20210930");
}

#[test]
fn status_and_doctor_report_the_last_uidai_key() {
    let env = TestEnv::start();
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    // The Mantra MFS100 fixture's key: rd-fixtures/mantra-mfs100/pid_ok.xml.
    let out = env.cmd().arg("status").output().unwrap();
    assert!(
        text(&out).contains("UIDAI key of the last capture: valid until 2029-10-21"),
        "{}",
        text(&out)
    );
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows[0].ci, "20291021");
}
