//! The operator's Aadhaar as a person sets it (`config set-secret`), judged against another
//! implementation's verdicts (crates/instantpay/tests/aadhaar-stdnum.txt, from python-stdnum),
//! and a number that an older release stored under its wrong check-digit table.

use std::io::Write;
use std::process::Stdio;

use crate::support::{TestEnv, code, text};
use ::sandbox::instantpay::{DEMO_CLIENT_SECRET, DEMO_ENCRYPTION_KEY};
use instantpay::DEMO_AADHAAR;
use rd_agent::ledger::AttemptState;

const NUMBERS: &str = include_str!("../../crates/instantpay/tests/aadhaar-stdnum.txt");

/// Every `step`-th number stdnum gave this verdict.
fn sample(verdict: &str, step: usize) -> Vec<&'static str> {
    NUMBERS
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter(|(v, _)| *v == verdict)
        .map(|(_, n)| n)
        .step_by(step)
        .collect()
}

fn set_secret(env: &TestEnv, value: &str, envs: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = env.cmd_std();
    cmd.args(["config", "set-secret", "operator.aadhaar"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{value}\n").as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// The whole list goes through `Aadhaar::parse` in crates/instantpay/tests/aadhaar.rs; here a
/// sample of it goes through the command an operator types.
#[test]
fn set_secret_accepts_valid_numbers_and_refuses_mistyped_ones() {
    let env = TestEnv::start();
    for n in sample("valid", 30) {
        let out = set_secret(&env, n, &[]);
        assert_eq!(code(&out), 0, "{n}: {}", text(&out));
    }
    for n in [
        sample("typo", 30),
        sample("swap", 30),
        sample("old-table-only", 5),
    ]
    .concat()
    {
        let out = set_secret(&env, n, &[]);
        assert_eq!(code(&out), 2, "{n} accepted: {}", text(&out));
        assert!(text(&out).contains("check digit"), "{}", text(&out));
        assert!(!text(&out).contains(&n[..8]), "the digits were echoed");
    }
}

/// 943513566359 passed commit c7f7298's wrong table and fails Verhoeff's (stdnum agrees).
const STORED_UNDER_THE_OLD_RULE: &str = "943513566359";

fn write_old_store(env: &TestEnv) {
    // A plain store, as Linux keeps it and as a Windows store from before DPAPI looked.
    let text = format!(
        "\"instantpay.client_secret\" = \"{DEMO_CLIENT_SECRET}\"\n\
         \"instantpay.encryption_key\" = \"{DEMO_ENCRYPTION_KEY}\"\n\
         \"operator.aadhaar\" = \"{STORED_UNDER_THE_OLD_RULE}\"\n"
    );
    let path = env.state().join("secrets.toml");
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

#[test]
fn a_number_stored_under_the_old_rule_is_never_sent_and_set_secret_replaces_it() {
    let env = TestEnv::start();
    write_old_store(&env);
    let hindi = [("LANG", "hi_IN.UTF-8"), ("RD_AGENT_UI__LANGUAGE", "hi")];

    // status still works.
    let out = env.cmd().arg("status").output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));

    // login: nothing captured, nothing sent, the fix named; in both languages.
    let out = env.login();
    assert_eq!(code(&out), 2, "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("XXXX XXXX 6359"), "{said}");
    assert!(said.contains("probably mistyped"), "{said}");
    assert!(
        said.contains("rd-agent config set-secret operator.aadhaar"),
        "{said}"
    );
    let out = env.cmd().envs(hindi).arg("login").output().unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("चेक अंक की जाँच में फ़ेल"), "{}", text(&out));
    assert_eq!(env.ipay.state().login_requests(), 0);
    assert_eq!(env.captures(), 0, "nothing captured");
    assert!(env.ledger().all().unwrap().is_empty(), "nothing recorded");

    // doctor: a failed secrets check with the same fix.
    let out = env.cmd().args(["doctor", "--json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let secrets = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "secrets")
        .unwrap();
    assert_eq!(secrets["verdict"], "fail", "{report}");
    let message = secrets["message"].as_str().unwrap();
    assert!(
        message.contains("config set-secret operator.aadhaar"),
        "{message}"
    );
    let out = env.cmd().envs(hindi).arg("doctor").output().unwrap();
    assert!(
        text(&out).contains("आधार नंबर फिर से सेट करें"),
        "{}",
        text(&out)
    );

    // config show marks it; nothing shows more than the last four.
    let out = env.cmd().args(["config", "show"]).output().unwrap();
    assert!(
        text(&out).contains("XXXX XXXX 6359 (fails its check digit"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains(&STORED_UNDER_THE_OLD_RULE[..8]));

    // set-secret replaces it, and the login goes through.
    let out = set_secret(&env, DEMO_AADHAAR, &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, AttemptState::LoggedIn);
}
