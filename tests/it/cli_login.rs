//! `rd-agent login`, `status` and `config` as real processes, against the simulated RD Service
//! and the sandbox InstantPay running in this test process on loopback ports, with real config,
//! secrets and SQLite files in a temporary directory.

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{ChildGuard, contains, files_under, rd_agent, rd_agent_std};
use ::sandbox::instantpay::{
    self as ipay, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ENCRYPTION_KEY, DEMO_LATITUDE,
    DEMO_LONGITUDE, DEMO_OUTLET_ID, Fault, SandboxConfig, SandboxInstantPay,
};
use assert_cmd::Command;
use instantpay::PATH_LOGIN;
use instantpay::{DEMO_AADHAAR, verhoeff_check_digit};
use rd_agent::config::{SecretName, Secrets};
use rd_agent::ledger::{AttemptState, Ledger};
use sandbox::rd::{SimOptions, SimulatedRd, vendor};

const AADHAAR_DIGITS: &str = "999941057058";

/// Both sandboxes on free ports, a config and a secrets file pointing at them.
pub(crate) struct Env {
    dir: tempfile::TempDir,
    pub(crate) ipay: SandboxInstantPay,
    rd: SimulatedRd,
    _rt: tokio::runtime::Runtime,
}

impl Env {
    pub(crate) fn new() -> Env {
        Env::with_rd(SimOptions::new(vendor("mantra-mfs100").unwrap()))
    }

    /// Both sandboxes, the RD Service behaving as `rd` says.
    pub(crate) fn with_rd(rd: SimOptions) -> Env {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (ipay, rd) = rt.block_on(async {
            let ipay = ipay::start(SandboxConfig::default()).await.unwrap();
            let rd = SimulatedRd::start(rd).await.unwrap();
            (ipay, rd)
        });
        let dir = tempfile::tempdir().unwrap();
        let env = Env {
            dir,
            ipay,
            rd,
            _rt: rt,
        };
        env.write_config(30);
        env.write_secrets(DEMO_AADHAAR);
        env
    }

    pub(crate) fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    pub(crate) fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    fn write_config(&self, read_timeout_secs: u32) {
        let text = format!(
            "[instantpay]\nbase_url = \"{}\"\nclient_id = \"{DEMO_CLIENT_ID}\"\noutlet_id = \"{DEMO_OUTLET_ID}\"\n\
             endpoint_ip = \"127.0.0.1\"\nread_timeout_secs = {read_timeout_secs}\n\
             settle_window_secs = {}\n\
             [outlet]\nlatitude = \"{DEMO_LATITUDE}\"\nlongitude = \"{DEMO_LONGITUDE}\"\n\
             [rd]\nports = \"{}\"\n",
            self.ipay.base_url(),
            2 * read_timeout_secs + 60,
            self.rd.port()
        );
        std::fs::write(self.config(), text).unwrap();
    }

    pub(crate) fn write_secrets(&self, aadhaar: &str) {
        let mut s = Secrets::default();
        s.set(SecretName::ClientSecret, DEMO_CLIENT_SECRET).unwrap();
        s.set(SecretName::EncryptionKey, DEMO_ENCRYPTION_KEY)
            .unwrap();
        s.set(SecretName::Aadhaar, aadhaar).unwrap();
        s.save(&self.state().join("secrets.toml")).unwrap();
    }

    pub(crate) fn cmd(&self) -> Command {
        let mut c = rd_agent();
        c.arg("--config")
            .arg(self.config())
            .arg("--state-dir")
            .arg(self.state())
            .env("RD_AGENT_LOG", "trace")
            .timeout(Duration::from_secs(120));
        c
    }

    /// The same command as a `std` process, to start several at once.
    pub(crate) fn cmd_std(&self) -> std::process::Command {
        let mut c = rd_agent_std();
        c.arg("--config")
            .arg(self.config())
            .arg("--state-dir")
            .arg(self.state());
        c
    }

    pub(crate) fn login(&self) -> Output {
        self.cmd().arg("login").output().unwrap()
    }

    /// CAPTUREs the simulated RD Service has answered.
    pub(crate) fn captures(&self) -> usize {
        self.rd
            .requests()
            .iter()
            .filter(|r| r.verb == "CAPTURE")
            .count()
    }

    pub(crate) fn ledger(&self) -> Ledger {
        Ledger::open(&self.state().join("ledger.sqlite3")).unwrap()
    }

    /// Let time pass for the ledger's attempts (as if they were made `by` earlier).
    fn age_attempts(&self, by: chrono::Duration) {
        let rows = self.ledger().all().unwrap();
        let conn = rusqlite::Connection::open(self.state().join("ledger.sqlite3")).unwrap();
        for a in rows {
            let earlier = (a.created_at - by)
                .format("%Y-%m-%dT%H:%M:%S%.6fZ")
                .to_string();
            conn.execute(
                "UPDATE attempts SET created_at = ?1 WHERE external_ref = ?2",
                rusqlite::params![earlier, a.external_ref],
            )
            .unwrap();
        }
    }

    pub(crate) fn set_fault(&self, fault: Option<Fault>) {
        self.ipay.state().set_fault(PATH_LOGIN, fault);
    }
}

pub(crate) fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub(crate) fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

#[test]
fn sandbox_login_prints_the_login_and_the_ledger_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = rd_agent()
        .args(["login", "--sandbox"])
        .env("RD_AGENT_STATE_DIR", dir.path())
        .env_remove("RD_AGENT_CONFIG")
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        stdout.contains("Logged in: valid until midnight IST"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Ledger: ") && stdout.contains("loggedin  TXN/LOGGEDIN"),
        "{stdout}"
    );
    let rows = Ledger::open(&dir.path().join("ledger.sqlite3"))
        .unwrap()
        .all()
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, AttemptState::LoggedIn);
    assert!(stdout.contains(&rows[0].external_ref));

    // --json: one document on stdout.
    let out = rd_agent()
        .args(["login", "--sandbox", "--json"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["login"]["result"], "logged_in");
    assert_eq!(v["login"]["attempt"]["state"], "loggedin");
    assert_eq!(v["login"]["attempt"]["charged"], true);
}

#[test]
fn second_login_the_same_day_sends_no_chargeable_request() {
    let env = Env::new();
    let first = env.login();
    assert_eq!(code(&first), 0, "{}", text(&first));
    assert_eq!(env.ipay.state().login_requests(), 1);
    let second = env.login();
    assert_eq!(code(&second), 0, "{}", text(&second));
    assert!(
        text(&second).contains("Already logged in"),
        "{}",
        text(&second)
    );
    assert_eq!(env.ipay.state().login_requests(), 1);
    assert_eq!(env.ipay.charges(), 1);
    assert_eq!(env.ledger().all().unwrap().len(), 1);

    let status = env.cmd().args(["status", "--json"]).output().unwrap();
    assert_eq!(code(&status), 0, "{}", text(&status));
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v["summary"]["state"], "logged_in");
    assert_eq!(v["summary"]["charged_today"], 1);
    assert_eq!(v["summary"]["charged_this_month"], 1);
    // What the charge cost, from the sandbox's data.pool, as text: never a float.
    assert_eq!(v["summary"]["paid_today"], "0.94");
    assert_eq!(v["summary"]["paid_this_month"], "0.94");
    assert_eq!(v["summary"]["wallet_balance"], "4999.06");
    assert_eq!(
        v["summary"]["last_attempt"]["pool"]["payable_value"],
        "0.94"
    );
    let human = env.cmd().arg("status").output().unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains("Attempts charged: 1 today, 1 this month"),
        "{human}"
    );
    assert!(
        human.contains("Paid: ₹0.94 today, ₹0.94 this month"),
        "{human}"
    );
    assert!(
        human.contains("Wallet balance after the last charge: ₹4,999.06"),
        "{human}"
    );
}

/// A pipe whose reader is already gone, for a child's stdout or stderr: every write to it
/// fails (EPIPE; on Windows ERROR_NO_DATA), as under `rd-agent login 2>&1 | head -1`.
fn reader_gone() -> Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Stdio::from(writer)
}

/// src/console.rs: with nobody reading stdout or stderr, `login` (its lines and its trace
/// logs) neither panics nor stops between sending and recording; the one login is charged once
/// and recorded, its exit code is its own, and `status`, `completions` and `man` end cleanly.
#[test]
fn a_login_whose_reader_has_gone_still_logs_in_and_records_it() {
    let env = Env::new();
    let out = env
        .cmd_std()
        .arg("login")
        .stdin(Stdio::null())
        .env("RD_AGENT_LOG", "trace")
        .stdout(reader_gone())
        .stderr(reader_gone())
        .status()
        .unwrap();
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(env.ipay.state().login_requests(), 1);
    assert_eq!(env.ipay.charges(), 1);
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, AttemptState::LoggedIn);
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["completions", "bash"],
        &["man"],
    ] {
        let status = env
            .cmd_std()
            .args(args)
            .stdout(reader_gone())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&status.stderr);
        assert_eq!(status.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// A stdout that fails for another reason (a full disk) is an error: the command exits 1
/// and says its output was not written, where it would otherwise claim success.
#[cfg(target_os = "linux")]
#[test]
fn an_output_that_cannot_be_written_is_an_error() {
    let env = Env::new();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = env
        .cmd_std()
        .args(["status", "--json"])
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("The command was done, but its output could not be written"),
        "{err}"
    );
}

#[test]
fn a_capture_under_the_quality_floor_sends_no_outlet_login() {
    let env = Env::new();
    // The fixture's qScore is below 99.
    let out = env
        .cmd()
        .arg("login")
        .env("RD_AGENT_CAPTURE__MIN_QSCORE", "99")
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out));
    assert!(
        text(&out).contains("place the finger again"),
        "{}",
        text(&out)
    );
    assert_eq!(env.ipay.state().login_requests(), 0);
    assert_eq!(env.ipay.charges(), 0);
    assert!(env.ledger().all().unwrap().is_empty());
}

#[test]
fn no_answer_leaves_unknown_exit_5_and_the_next_login_asks_the_status_first() {
    let env = Env::new();
    env.write_config(2);
    // The sandbox reads and processes the login, then never answers within the deadline.
    env.set_fault(Some(Fault::Slow(Duration::from_secs(3600))));
    let out = env.login();
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(text(&out).contains("unknown"), "{}", text(&out));
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, AttemptState::Unknown);
    assert_eq!(rows[0].charged, None);
    assert_eq!(env.ipay.state().login_requests(), 1);

    // Next run: the status comes first and settles it; nothing is resubmitted.
    env.set_fault(None);
    let status_before = env.ipay.state().status_requests();
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        text(&out).contains("Settled earlier attempt"),
        "{}",
        text(&out)
    );
    assert!(env.ipay.state().status_requests() > status_before);
    assert_eq!(env.ipay.state().login_requests(), 1);
    let row = env.ledger().get(&rows[0].external_ref).unwrap().unwrap();
    assert_eq!(row.state, AttemptState::LoggedIn);
    assert_eq!(row.resolution.as_deref(), Some("status_loggedin"));
}

#[test]
fn a_dropped_unprocessed_login_is_settled_as_not_logged_in_then_a_new_attempt_runs() {
    let env = Env::new();
    env.set_fault(Some(Fault::DropConnection));
    let out = env.login();
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert_eq!(env.ledger().unresolved().unwrap().len(), 1);
    env.set_fault(None);
    // At once: InstantPay may still be working on it; nothing new is sent.
    let sent = env.ipay.state().login_requests();
    let out = env.login();
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(text(&out).contains("not known yet"), "{}", text(&out));
    assert_eq!(env.ipay.state().login_requests(), sent);
    // Past the settle window, login required means it did not log in: a new attempt runs.
    env.age_attempts(chrono::Duration::minutes(3));
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].state, AttemptState::Unknown);
    assert_eq!(rows[0].resolution.as_deref(), Some("status_loginrequired"));
    assert_eq!(rows[1].state, AttemptState::LoggedIn);
}

#[test]
fn a_process_killed_after_the_ledger_write_leaves_sending_resolved_on_the_next_start() {
    let env = Env::new();
    env.write_config(600);
    env.set_fault(Some(Fault::Slow(Duration::from_secs(3600))));
    let mut child = rd_agent_std()
        .arg("--config")
        .arg(env.config())
        .arg("--state-dir")
        .arg(env.state())
        .arg("login")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the sandbox holds the request, then kill the process.
    let start = Instant::now();
    while env.ipay.state().login_requests() == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the login never arrived"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the login process ended early"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, AttemptState::Sending);

    env.set_fault(None);
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        text(&out).contains("Settled earlier attempt"),
        "{}",
        text(&out)
    );
    assert_eq!(env.ipay.state().login_requests(), 1, "nothing resubmitted");
    let row = env.ledger().get(&rows[0].external_ref).unwrap().unwrap();
    assert_eq!(row.state, AttemptState::LoggedIn);
}

/// A `sending` row left by a process that died at `created`, written as the crash left it.
fn crashed_attempt(env: &Env, created: chrono::DateTime<chrono::Utc>) {
    std::fs::create_dir_all(env.state()).unwrap();
    let mut l = env.ledger();
    l.begin(
        &rd_agent::ledger::NewAttempt {
            external_ref: "RDACRASHED0001".into(),
            ..Default::default()
        },
        created,
    )
    .unwrap();
}

#[test]
fn a_login_right_after_a_crashed_one_waits_and_sends_nothing() {
    // The first login died a second ago with its request in flight: InstantPay may still be
    // processing it and says LOGINREQUIRED until then. A re-run must not pay again.
    let env = Env::new();
    crashed_attempt(&env, chrono::Utc::now());
    let out = env.login();
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(text(&out).contains("not known yet"), "{}", text(&out));
    assert_eq!(env.ipay.state().login_requests(), 0, "nothing sent");
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].is_unresolved(), "left open until it can be judged");
}

#[test]
fn a_sending_row_older_than_the_settle_window_is_settled_before_any_new_attempt() {
    let env = Env::new();
    crashed_attempt(&env, chrono::Utc::now() - chrono::Duration::minutes(3));
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].external_ref, "RDACRASHED0001");
    assert_eq!(rows[0].state, AttemptState::Unknown);
    assert_eq!(rows[0].resolution.as_deref(), Some("status_loginrequired"));
    assert!(rows[0].resolved_at.unwrap() <= rows[1].created_at);
    assert_eq!(rows[1].state, AttemptState::LoggedIn);
}

#[test]
fn a_fingerprint_mismatch_is_rejected_and_charged() {
    let env = Env::new();
    env.set_fault(Some(Fault::BiometricMismatch));
    let out = env.login();
    assert_eq!(code(&out), 4, "{}", text(&out));
    assert!(text(&out).contains("did not match"), "{}", text(&out));
    let rows = env.ledger().all().unwrap();
    assert_eq!(
        (rows[0].state, rows[0].charged),
        (AttemptState::Rejected, Some(true))
    );
    assert_eq!(env.ipay.charges(), 1);
}

/// A valid Aadhaar that is not the sandbox outlet's.
pub(crate) fn other_aadhaar() -> String {
    let body = b"23456789012";
    let check = verhoeff_check_digit(body).unwrap();
    format!("{}{}", std::str::from_utf8(body).unwrap(), check as char)
}

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
    assert!(text(&out).contains("outlet.latitude"), "{}", text(&out));
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
        AADHAAR_DIGITS,
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

#[test]
fn no_output_log_or_ledger_contains_the_aadhaar_the_key_or_the_client_secret() {
    let env = Env::new();
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
    files_under(env.dir.path(), &mut files);
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
        AADHAAR_DIGITS,
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

#[test]
fn login_and_status_go_through_the_service_when_it_runs() {
    let env = Env::new();
    std::fs::create_dir_all(env.state()).unwrap();
    let mut svc = ChildGuard::new(
        rd_agent_std()
            .arg("--config")
            .arg(env.config())
            .arg("--state-dir")
            .arg(env.state())
            .arg("run")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // Retry the connection (a socket file on Linux, a pipe on Windows, which has no file).
    let sock = rd_agent::agent::ipc::socket_path(Some(&env.state()));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let start = Instant::now();
    let service = assert_cmd::cargo::cargo_bin!("rd-agent");
    while rt
        .block_on(rd_agent::agent::ipc::connect_expecting(&sock, service))
        .is_err()
    {
        assert!(
            svc.child().try_wait().unwrap().is_none(),
            "rd-agent run ended early"
        );
        assert!(start.elapsed() < Duration::from_secs(60), "no socket");
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("service is running"), "{}", text(&out));
    assert_eq!(env.ipay.charges(), 1);

    let out = env.cmd().args(["status", "--json"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["via"], "service");
    assert_eq!(v["summary"]["charged_today"], 1, "{v}");
    let out = env.cmd().arg("status").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Attempts charged: 1 today"));

    // The service's files (log, ledger) carry no secret either.
    drop(svc);
    let mut files = Vec::new();
    files_under(&env.state(), &mut files);
    for (p, bytes) in files {
        if p.ends_with("secrets.toml") {
            continue;
        }
        for n in [AADHAAR_DIGITS, DEMO_ENCRYPTION_KEY, DEMO_CLIENT_SECRET] {
            assert!(!contains(&bytes, n), "{n:?} found in {}", p.display());
        }
    }
}

/// The promise that matters most: however many logins start at once on one state dir, one
/// `outletLogin` is sent. InstantPay here takes two seconds to answer, so the three overlap.
#[test]
fn three_logins_started_at_once_send_one_outlet_login() {
    let mut overlapped = 0;
    for round in 0..3 {
        let env = Env::new();
        env.set_fault(Some(Fault::Slow(Duration::from_secs(4))));
        let children: Vec<_> = (0..3)
            .map(|_| {
                env.cmd_std()
                    .arg("login")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outs: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        assert_eq!(
            env.ipay.state().login_requests(),
            1,
            "round {round}: {:?}",
            outs.iter().map(text).collect::<Vec<_>>()
        );
        for o in &outs {
            assert_eq!(code(o), 0, "round {round}: {}", text(o));
        }
        overlapped += outs
            .iter()
            .filter(|o| text(o).contains("A login is in progress"))
            .count();
        let rows = env.ledger().all().unwrap();
        assert_eq!(rows.len(), 1, "round {round}: one ledger row");
        assert_eq!(rows[0].state, AttemptState::LoggedIn);
    }
    // The logins did run at once (some waited for the lock), or the test proved nothing.
    assert!(overlapped >= 1, "no login ever waited for another");
}

/// Two processes opening a ledger that does not exist yet: both succeed (the migration runs
/// inside one write transaction; the second finds it done).
#[test]
fn two_processes_creating_a_ledger_at_once_both_succeed() {
    for round in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        let children: Vec<_> = (0..2)
            .map(|_| {
                rd_agent_std()
                    .arg("--config")
                    .arg(dir.path().join("none.toml"))
                    .arg("--state-dir")
                    .arg(&state)
                    .args(["status", "--json"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert_eq!(code(&o), 0, "round {round}: {}", text(&o));
        }
    }
}

/// The operator's language: the config's ui.language (here through its environment variable)
/// or the locale. --json is the same document in every language.
#[test]
fn login_speaks_hindi_when_asked_and_json_keeps_its_keys() {
    let run = |envs: &[(&str, &str)], json: bool| {
        let dir = tempfile::tempdir().unwrap();
        let mut c = rd_agent();
        c.arg("--state-dir")
            .arg(dir.path())
            .args(["login", "--sandbox"]);
        if json {
            c.arg("--json");
        }
        for k in ["LC_ALL", "LC_MESSAGES", "LANG", "RD_AGENT_UI__LANGUAGE"] {
            c.env_remove(k);
        }
        for (k, v) in envs {
            c.env(k, v);
        }
        let out = c.timeout(Duration::from_secs(120)).output().unwrap();
        assert_eq!(code(&out), 0, "{}", text(&out));
        out
    };
    for envs in [
        &[("RD_AGENT_UI__LANGUAGE", "hi")][..],
        &[("LANG", "hi_IN.UTF-8")][..],
    ] {
        let out = run(envs, false);
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(stdout.contains("लॉगिन हो गया"), "{envs:?}: {stdout}");
        assert!(stderr.contains("स्कैनर पर उंगली रखें"), "{envs:?}: {stderr}");
        assert!(!stdout.contains("Logged in"), "{stdout}");
    }
    let out = run(&[("LANG", "C.UTF-8")], false);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Logged in: valid until"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Place your finger on the scanner"));

    let keys = |v: &serde_json::Value| -> Vec<String> {
        v["login"].as_object().unwrap().keys().cloned().collect()
    };
    let hi: serde_json::Value =
        serde_json::from_slice(&run(&[("RD_AGENT_UI__LANGUAGE", "hi")], true).stdout).unwrap();
    let en: serde_json::Value =
        serde_json::from_slice(&run(&[("LANG", "C.UTF-8")], true).stdout).unwrap();
    assert_eq!(keys(&hi), keys(&en));
    assert_eq!(hi["login"]["result"], en["login"]["result"]);
}

/// The shop's scanner is remembered after its first login; a login from another scanner is
/// refused (exit 3, nothing sent) until `--accept-new-device`, which then pins the new one.
#[test]
fn another_scanner_is_refused_until_accepted() {
    let env = Env::new();
    assert_eq!(code(&env.login()), 0);
    let first = env.ledger().pinned_device().unwrap().unwrap();
    assert_eq!(first.device.mi, "MFS100");

    // The next "day" (the bank cancelled today's login), on another vendor's scanner.
    let other = env
        ._rt
        .block_on(SimulatedRd::start(SimOptions::new(
            vendor("startek-fm220u").unwrap(),
        )))
        .unwrap();
    let text_cfg = std::fs::read_to_string(env.config()).unwrap().replace(
        &format!("ports = \"{}\"", env.rd.port()),
        &format!("ports = \"{}\"", other.port()),
    );
    std::fs::write(env.config(), text_cfg).unwrap();
    env.ipay.state().invalidate_login(DEMO_OUTLET_ID);
    let sent_before = env.ipay.state().login_requests();

    let out = env.cmd().args(["login", "--force"]).output().unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out));
    assert!(
        text(&out).contains("is not the one this shop logged in with before"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("--accept-new-device"), "{}", text(&out));
    assert_eq!(
        env.ipay.state().login_requests(),
        sent_before,
        "nothing sent"
    );
    assert_eq!(env.ledger().pinned_device().unwrap().unwrap(), first);

    let out = env
        .cmd()
        .args(["login", "--force", "--accept-new-device"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let now = env.ledger().pinned_device().unwrap().unwrap();
    assert_ne!(now.device.srno, first.device.srno);
    assert_ne!(now.device.dp_id, first.device.dp_id);
}

/// An attempt records the process that sends it; a `sending` row whose process still runs is
/// never settled by someone else, however old, and is settled once that process is gone.
#[cfg(unix)]
#[test]
fn a_sending_row_of_a_live_process_is_left_to_it_and_settled_once_it_is_gone() {
    let env = Env::new();
    let mut sender = std::process::Command::new("sleep")
        .arg("600")
        .spawn()
        .unwrap();
    let owner = rd_agent::platform::process::identity(sender.id()).unwrap();
    std::fs::create_dir_all(env.state()).unwrap();
    env.ledger()
        .begin(
            &rd_agent::ledger::NewAttempt {
                external_ref: "RDALIVESENDER01".into(),
                owner_pid: Some(owner.pid),
                owner_started: Some(owner.started.clone()),
                ..Default::default()
            },
            chrono::Utc::now() - chrono::Duration::minutes(10),
        )
        .unwrap();
    let out = env.login();
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(text(&out).contains("RDALIVESENDER01"), "{}", text(&out));
    assert_eq!(
        env.ipay.state().login_requests(),
        0,
        "nothing sent beside a live sender"
    );
    assert!(
        env.ledger()
            .get("RDALIVESENDER01")
            .unwrap()
            .unwrap()
            .is_unresolved()
    );

    sender.kill().unwrap();
    sender.wait().unwrap();
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let rows = env.ledger().all().unwrap();
    assert_eq!(rows[0].resolution.as_deref(), Some("status_loginrequired"));
    assert_eq!(rows[1].state, AttemptState::LoggedIn);
    // The new attempt names this login's process (gone now): pid and start time.
    assert!(rows[1].owner_pid.is_some() && rows[1].owner_started.is_some());
}

/// `status` and `doctor` speak the operator's language too, from the same ledger; their
/// `--json` documents are the same in every language.
#[test]
fn status_and_doctor_speak_hindi_and_their_json_does_not_change() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let with_lang = |lang: &str, args: &[&str]| {
        let mut c = rd_agent();
        c.arg("--state-dir")
            .arg(&state)
            .arg("--config")
            .arg(dir.path().join("absent.toml"))
            .args(args);
        for k in ["LC_ALL", "LC_MESSAGES", "RD_AGENT_UI__LANGUAGE"] {
            c.env_remove(k);
        }
        c.env("LANG", lang)
            .env("RD_AGENT_SOCKET", dir.path().join("no.sock"));
        c.timeout(Duration::from_secs(120)).output().unwrap()
    };
    let out = with_lang("C.UTF-8", &["login", "--sandbox"]);
    assert_eq!(code(&out), 0, "{}", text(&out));

    let hi = with_lang("hi_IN.UTF-8", &["status"]);
    let hi_text = String::from_utf8_lossy(&hi.stdout).to_string();
    assert!(hi_text.contains("चार्ज लगे प्रयास: आज 1"), "{hi_text}");
    assert!(hi_text.contains("भुगतान: आज ₹0.94"), "{hi_text}");
    let en = with_lang("C.UTF-8", &["status"]);
    let en_text = String::from_utf8_lossy(&en.stdout).to_string();
    assert!(en_text.contains("Attempts charged: 1 today"), "{en_text}");
    assert!(
        !en_text
            .chars()
            .any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
    );

    // doctor fails here (no config): its lines and its last error are in Hindi.
    let hi = with_lang("hi_IN.UTF-8", &["doctor"]);
    assert_eq!(code(&hi), 2, "{}", text(&hi));
    let out = String::from_utf8_lossy(&hi.stdout);
    assert!(out.contains("सेट नहीं है"), "{out}");
    let err = String::from_utf8_lossy(&hi.stderr);
    assert!(err.starts_with("गड़बड़ी: doctor: config"), "{err}");

    // config show too: its lines in Hindi, the TOML itself as it is.
    let hi = with_lang("hi_IN.UTF-8", &["config", "show"]);
    let out = String::from_utf8_lossy(&hi.stdout);
    assert!(out.starts_with("# कॉन्फ़िग फ़ाइल:"), "{out}");
    assert!(
        out.contains("[instantpay]") && out.contains("सेट नहीं है"),
        "{out}"
    );

    for args in [
        &["status", "--json"][..],
        &["doctor", "--json"][..],
        &["config", "show", "--json"][..],
    ] {
        let hi = with_lang("hi_IN.UTF-8", args);
        let en = with_lang("C.UTF-8", args);
        assert_eq!(code(&hi), code(&en));
        let hi: serde_json::Value = serde_json::from_slice(&hi.stdout).unwrap();
        let en: serde_json::Value = serde_json::from_slice(&en.stdout).unwrap();
        assert_eq!(hi, en, "{args:?}");
    }
}
