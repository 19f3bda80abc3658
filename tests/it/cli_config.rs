//! `rd-agent config init`, `show` and `set-secret` as a person uses them, and the promise
//! that no output, log, ledger or other file the agent writes holds the Aadhaar, the
//! encryption key or the client secret.

use std::process::Output;
use std::time::Duration;

use ::sandbox::instantpay::{DEMO_CLIENT_SECRET, DEMO_ENCRYPTION_KEY, DEMO_OUTLET_ID, Fault};
use instantpay::DEMO_AADHAAR;
use rd_agent::config::Secrets;

use crate::support::{
    DEMO_AADHAAR_DIGITS, TestEnv, code, contains, files_under, other_aadhaar, rd_agent, text,
};

#[test]
fn config_init_show_and_set_secret() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    let state = dir.path().join("s");
    let cmd = || {
        let mut c = rd_agent();
        c.arg("--config").arg(&cfg).arg("--state-dir").arg(&state);
        c
    };
    // A login with no config names the first missing key and how to set it.
    let out = cmd().arg("login").output().unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(
        text(&out).contains("instantpay.client_id"),
        "{}",
        text(&out)
    );

    let out = cmd()
        .args([
            "config",
            "init",
            "--no-input",
            "--client-id",
            "C1",
            "--outlet-id",
            "77",
        ])
        .args([
            "--endpoint-ip",
            "203.0.113.9",
            "--latitude",
            "19.0760",
            "--longitude",
            "72.8777",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    // A bad value is refused and the file is left as it was.
    let before = std::fs::read_to_string(&cfg).unwrap();
    let out = cmd()
        .args(["config", "init", "--no-input", "--latitude", "51.5072"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("--latitude"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&cfg).unwrap(), before);

    // Secrets come from stdin.
    for (name, value) in [
        ("instantpay.client_secret", "cs-test-secret-value"),
        ("instantpay.encryption_key", DEMO_ENCRYPTION_KEY),
        ("operator.aadhaar", DEMO_AADHAAR),
    ] {
        let out = cmd()
            .args(["config", "set-secret", name])
            .write_stdin(format!("{value}\n"))
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{}", text(&out));
        assert!(!text(&out).contains(value), "{}", text(&out));
    }
    // A wrong key length is refused, the stored key unchanged.
    let out = cmd()
        .args(["config", "set-secret", "instantpay.encryption_key"])
        .write_stdin("short\n")
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("32 bytes"), "{}", text(&out));
    let secrets = Secrets::load(&state.join("secrets.toml")).unwrap();
    assert_eq!(
        secrets.encryption_key().unwrap().expose(),
        DEMO_ENCRYPTION_KEY
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(state.join("secrets.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let out = cmd().args(["config", "show", "--json"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["config"]["instantpay"]["client_id"], "C1");
    assert_eq!(
        v["config"]["instantpay"]["base_url"],
        "https://api.instantpay.in"
    );
    assert_eq!(v["secrets"]["operator.aadhaar"], "XXXX XXXX 7058");
    assert_eq!(v["secrets"]["instantpay.client_secret"], "set");
    assert_eq!(v["ready"], true);
    let all = text(&out) + &text(&cmd().args(["config", "show"]).output().unwrap());
    for needle in [
        "cs-test-secret-value",
        DEMO_ENCRYPTION_KEY,
        DEMO_AADHAAR_DIGITS,
        DEMO_AADHAAR,
    ] {
        assert!(!all.contains(needle), "{needle} shown: {all}");
    }

    // An environment override wins over the file, and a bad one is named.
    let out = cmd()
        .args(["config", "show", "--json"])
        .env("RD_AGENT_INSTANTPAY__CLIENT_ID", "FROM-ENV")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["config"]["instantpay"]["client_id"], "FROM-ENV");
    let out = cmd()
        .args(["config", "show"])
        .env("RD_AGENT_CAPTURE__MIN_QSCORE", "lots")
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(
        text(&out).contains("RD_AGENT_CAPTURE__MIN_QSCORE"),
        "{}",
        text(&out)
    );
}

/// Without a terminal `config init` takes flags only: a value the config would refuse is a
/// usage error naming its flag, and nothing is written; 3 decimals are padded to 4.
#[test]
fn config_init_flags_are_checked_and_coordinates_padded() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    let init = |args: &[&str]| {
        rd_agent()
            .arg("--config")
            .arg(&cfg)
            .arg("--state-dir")
            .arg(dir.path().join("s"))
            .args(["config", "init"])
            .args(args)
            .write_stdin("")
            .output()
            .unwrap()
    };
    for (flag, value) in [
        ("--outlet-id", "abc"),
        ("--client-id", ""),
        ("--latitude", "19.07"),
        ("--endpoint-ip", "shop-pc"),
    ] {
        let out = init(&[flag, value]);
        assert_eq!(code(&out), 2, "{flag} {value:?}: {}", text(&out));
        assert!(
            text(&out).contains(&format!("The value of {flag} was not accepted")),
            "{}",
            text(&out)
        );
        assert!(!cfg.exists(), "nothing written for {flag} {value:?}");
    }
    let out = init(&[
        "--client-id",
        "C1",
        "--outlet-id",
        "123456",
        "--latitude",
        "19.076",
        "--longitude",
        "77.209",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let written = std::fs::read_to_string(&cfg).unwrap();
    assert!(written.contains("latitude = \"19.0760\""), "{written}");
    assert!(written.contains("longitude = \"77.2090\""), "{written}");
    assert!(written.contains("outlet_id = \"123456\""), "{written}");
}

#[test]
fn no_output_log_or_ledger_contains_the_aadhaar_the_key_or_the_client_secret() {
    let env = TestEnv::start();
    let mut written: Vec<(String, Vec<u8>)> = Vec::new();
    let mut keep = |what: &str, o: Output| {
        written.push((format!("{what} stdout"), o.stdout));
        written.push((format!("{what} stderr"), o.stderr));
    };
    // Success, then the same day again, with trace logging on.
    keep("login", env.login());
    keep("login again", env.login());
    keep(
        "login --json",
        env.cmd().args(["login", "--json"]).output().unwrap(),
    );
    keep(
        "login --force",
        env.cmd().args(["login", "--force"]).output().unwrap(),
    );
    // Another operator's Aadhaar, a mismatch, an unknown outcome, a refused request.
    env.ipay.state().invalidate_login(DEMO_OUTLET_ID);
    env.write_secrets(&other_aadhaar());
    keep(
        "wrong operator",
        env.cmd().args(["login", "--force"]).output().unwrap(),
    );
    env.write_secrets(DEMO_AADHAAR);
    env.set_fault(Some(Fault::BiometricMismatch));
    keep(
        "mismatch",
        env.cmd().args(["login", "--force"]).output().unwrap(),
    );
    env.write_config(2);
    env.set_fault(Some(Fault::Slow(Duration::from_secs(3600))));
    keep(
        "unknown",
        env.cmd()
            .args(["login", "--force", "--json"])
            .output()
            .unwrap(),
    );
    env.set_fault(Some(Fault::Http500));
    keep(
        "http 500",
        env.cmd().args(["login", "--force"]).output().unwrap(),
    );
    env.set_fault(None);
    keep("status", env.cmd().arg("status").output().unwrap());
    keep(
        "status --json",
        env.cmd().args(["status", "--json"]).output().unwrap(),
    );
    keep(
        "config show",
        env.cmd().args(["config", "show"]).output().unwrap(),
    );
    keep(
        "config show --json",
        env.cmd()
            .args(["config", "show", "--json"])
            .output()
            .unwrap(),
    );
    keep(
        "set-secret",
        env.cmd()
            .args(["config", "set-secret", "operator.aadhaar"])
            .write_stdin(DEMO_AADHAAR)
            .output()
            .unwrap(),
    );

    let mut files = Vec::new();
    files_under(env.dir(), &mut files);
    let secrets_file = env.state().join("secrets.toml");
    for (p, bytes) in files {
        // The secret store is the one place they are meant to be, and on Windows not even
        // there in the clear: each value is sealed with DPAPI (a store the test wrote in the
        // clear is sealed by the next command that reads it).
        if p != secrets_file || cfg!(windows) {
            written.push((p.display().to_string(), bytes));
        }
    }
    assert!(written.iter().any(|(w, _)| w.ends_with("ledger.sqlite3")));
    let needles = [
        DEMO_AADHAAR_DIGITS,
        "9999 4105 7058",
        DEMO_ENCRYPTION_KEY,
        DEMO_CLIENT_SECRET,
    ];
    for (what, bytes) in &written {
        for n in needles {
            assert!(!contains(bytes, n), "{n:?} found in {what}");
        }
    }
    // And the trace log did have something to say.
    assert!(
        written
            .iter()
            .any(|(w, b)| w.ends_with("stderr") && !b.is_empty())
    );
}
