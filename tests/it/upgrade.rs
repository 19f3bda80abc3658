//! Upgrades keep the state: the ledger, config and secrets that rd-agent 0.1.0 wrote
//! (tests/fixtures/upgrade/0.1.0, made by make-fixture.sh beside it) are read by this build
//! with every attempt, setting and secret; and a ledger from a newer rd-agent is refused with
//! a sentence and left byte for byte as it was.

use std::path::{Path, PathBuf};

use rd_agent::config::{SecretName, Secrets};
use rd_agent::ledger::{AttemptState, Ledger};

use crate::support::rd_agent;

const RELEASE: &str = "0.1.0";
const ATTEMPTS: [&str; 2] = ["RDA1796149207437MAOLUWNJ", "RDA1796149207590SFK5QOPX"];

/// A copy of a release's state in a temp dir (the committed files are never opened for
/// writing). Git does not keep the secret file's 0600, which the release had set: restore it.
fn release_state(release: &str) -> (tempfile::TempDir, PathBuf) {
    let from =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/upgrade/{release}"));
    let dir = tempfile::tempdir().unwrap();
    for name in ["config.toml", "secrets.toml", "ledger.sqlite3"] {
        std::fs::copy(from.join(name), dir.path().join(name)).unwrap();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let secrets = dir.path().join("secrets.toml");
        std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let state = dir.path().to_path_buf();
    (dir, state)
}

fn in_state(cmd: &mut assert_cmd::Command, state: &Path) {
    cmd.arg("--config")
        .arg(state.join("config.toml"))
        .arg("--state-dir")
        .arg(state);
}

#[test]
fn this_build_reads_every_attempt_setting_and_secret_of_the_previous_release() {
    let (_dir, state) = release_state(RELEASE);

    // The ledger: both charged logins, as they were recorded.
    let ledger = Ledger::open(&state.join("ledger.sqlite3")).unwrap();
    let all = ledger.all().unwrap();
    let refs: Vec<_> = all.iter().map(|a| a.external_ref.as_str()).collect();
    assert_eq!(refs, ATTEMPTS);
    for a in &all {
        assert_eq!(a.state, AttemptState::LoggedIn, "{a:?}");
        assert_eq!(a.charged, Some(true));
        assert_eq!(
            (a.statuscode.as_deref(), a.actcode.as_deref()),
            (Some("TXN"), Some("LOGGEDIN"))
        );
        assert_eq!(
            (a.dp_id.as_str(), a.mi.as_str(), a.srno.as_str()),
            ("MANTRA.MSIPL", "MFS100", "2990123")
        );
        assert!(!a.is_unresolved());
        assert_eq!(
            (a.owner_pid, a.owner_started.as_deref()),
            (None, None),
            "0.1.0 kept no owner"
        );
    }
    // 0.1.0 pinned no scanner; the migration adds the table, empty, so the next login pins.
    assert!(ledger.pinned_device().unwrap().is_none());
    drop(ledger);

    // The secrets, each one (the sandbox's public test values).
    let secrets = Secrets::load(&state.join("secrets.toml")).unwrap();
    assert_eq!(
        secrets.client_secret().unwrap().expose(),
        "sandbox-client-secret-not-real"
    );
    assert_eq!(
        secrets.encryption_key().unwrap().expose(),
        "SandboxEncryptionKey0123456789AB"
    );
    assert_eq!(secrets.aadhaar().unwrap().expose_digits(), "999941057058");
    // 0.1.0 knew the direct mode only: each of its secrets is there.
    for name in [
        SecretName::ClientSecret,
        SecretName::EncryptionKey,
        SecretName::Aadhaar,
    ] {
        assert!(secrets.is_set(name));
    }

    // The config, every setting, as the CLI reads it; ready for a login.
    let mut show = rd_agent();
    in_state(&mut show, &state);
    let out = show.args(["--json", "config", "show"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &v["config"];
    assert_eq!(c["instantpay"]["base_url"], "http://127.0.0.1:18089");
    assert_eq!(c["instantpay"]["client_id"], "SBXCLIENT0001");
    assert_eq!(c["instantpay"]["outlet_id"], "100001");
    assert_eq!(c["instantpay"]["endpoint_ip"], "127.0.0.1");
    assert_eq!(c["instantpay"]["read_timeout_secs"], 30);
    assert_eq!(c["instantpay"]["settle_window_secs"], 120);
    assert_eq!(c["outlet"]["latitude"], "28.6139");
    assert_eq!(c["outlet"]["longitude"], "77.2090");
    assert_eq!(c["rd"]["ports"], "11159");
    assert_eq!(c["rd"]["env"], "P");
    assert_eq!(c["capture"]["min_qscore"], 50);
    assert_eq!(c["capture"]["min_nmpoints"], 20);
    assert_eq!(c["schedule"]["reminder_at"], "08:00");
    assert_eq!(c["ui"]["language"], "auto");
    assert_eq!(v["ready"], true, "{v}");
    assert_eq!(v["problems"], serde_json::json!([]));

    // And `status` over the same state names the release's last attempt.
    let mut status = rd_agent();
    in_state(&mut status, &state);
    let out = status.args(["--json", "status"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["last_attempt"]["external_ref"], ATTEMPTS[1]);
}

#[test]
fn a_ledger_from_a_newer_rd_agent_is_refused_and_left_untouched() {
    let (_dir, state) = release_state(RELEASE);
    let ledger = state.join("ledger.sqlite3");
    {
        let c = rusqlite::Connection::open(&ledger).unwrap();
        c.pragma_update(None, "user_version", 1000).unwrap();
    }
    let before = std::fs::read(&ledger).unwrap();

    for args in [&["status"][..], &["login"][..]] {
        let mut cmd = rd_agent();
        in_state(&mut cmd, &state);
        let out = cmd.args(args).output().unwrap();
        assert_ne!(out.status.code(), Some(0), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("written by a newer rd-agent") && err.contains("upgrade rd-agent"),
            "{args:?}: {err}"
        );
        assert!(
            out.stdout.is_empty() || !String::from_utf8_lossy(&out.stdout).contains("Logged in")
        );
    }
    assert_eq!(
        std::fs::read(&ledger).unwrap(),
        before,
        "the newer ledger is never rewritten"
    );
    assert!(
        Ledger::open(&ledger).is_err(),
        "and the library refuses it the same way"
    );
}
