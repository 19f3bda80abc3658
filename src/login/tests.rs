//! The use case with fakes for every part but the ledger (a real SQLite in memory).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::TimeZone;

use super::*;
use crate::ledger::DayState;
use instantpay::DEMO_AADHAAR;
use instantpay::{ActCode, EnvelopeMeta, StatusCode};
use rd::{DeviceInfo, PidBlock, Resp, Skey};

const KEY: &str = "0123456789abcdef0123456789abcdef";

struct FakeScanner {
    pid: Result<PidData, ScanError>,
    calls: usize,
    /// The port `prepare` was asked to try first, once it was called.
    prepared: Option<Option<u16>>,
    /// The port the capture "used".
    port: Option<u16>,
    /// Told when `prepare` starts (see `the_scanner_is_looked_for_while_instantpay_is_asked`).
    preparing: Option<std::sync::Arc<tokio::sync::Notify>>,
}

impl FakeScanner {
    fn new(pid: Result<PidData, ScanError>) -> FakeScanner {
        FakeScanner {
            pid,
            calls: 0,
            prepared: None,
            port: None,
            preparing: None,
        }
    }
}

impl Scanner for FakeScanner {
    async fn prepare(&mut self, prefer: Option<u16>) {
        self.prepared = Some(prefer);
        if let Some(n) = &self.preparing {
            n.notify_one();
        }
    }

    async fn capture(&mut self, _progress: &dyn Progress) -> Result<PidData, ScanError> {
        self.calls += 1;
        self.pid.clone()
    }

    fn port(&self) -> Option<u16> {
        self.port
    }
}

#[derive(Default)]
struct FakeApi {
    /// Replies to outletLoginStatus in order; when empty, LOGINREQUIRED.
    statuses: Mutex<Vec<Result<LoginStatus, ApiError>>>,
    login_reply: Mutex<Option<Result<LoginOutcome, ApiError>>>,
    status_calls: AtomicUsize,
    login_calls: AtomicUsize,
    sent: Mutex<Vec<OutletLoginRequest>>,
    /// Calls in order, to check the status is asked first.
    log: Mutex<Vec<&'static str>>,
    /// outletLoginStatus answers only once this is told (by the scanner's `prepare`).
    answer_after: Option<std::sync::Arc<tokio::sync::Notify>>,
    /// The encryption key, as the direct API holds it; `None` is [`KEY`].
    key: Option<String>,
    /// What `outcome_of` answers (a relay's record of an attempt).
    records: Mutex<Vec<(String, LoginOutcome)>>,
    /// A relay answering with another PC's login.
    shared_from: Option<String>,
}

impl FakeApi {
    fn key(&self) -> &str {
        self.key.as_deref().unwrap_or(KEY)
    }
}

fn status(logged_in: bool) -> LoginStatus {
    LoginStatus {
        logged_in,
        aadhaar_last_four: Some("7058".into()),
        is_face_auth_available: false,
        is_txn_bio_login_required: true,
        meta: EnvelopeMeta::default(),
    }
}

fn meta() -> EnvelopeMeta {
    EnvelopeMeta {
        timestamp: "2026-11-22 09:30:00".into(),
        ipay_uuid: "uuid-1".into(),
        orderid: "o1".into(),
        environment: "SANDBOX".into(),
        pool: None,
    }
}

impl FakeApi {
    fn replying(reply: Result<LoginOutcome, ApiError>) -> FakeApi {
        let api = FakeApi::default();
        *api.login_reply.lock().unwrap() = Some(reply);
        api
    }
    fn then_status(self, s: Result<LoginStatus, ApiError>) -> FakeApi {
        self.statuses.lock().unwrap().push(s);
        self
    }
}

impl InstantPayApi for FakeApi {
    async fn login_status(&self) -> Result<LoginStatus, ApiError> {
        if let Some(n) = &self.answer_after {
            n.notified().await;
        }
        self.status_calls.fetch_add(1, Ordering::SeqCst);
        self.log.lock().unwrap().push("status");
        let mut q = self.statuses.lock().unwrap();
        if q.is_empty() {
            Ok(status(false))
        } else {
            q.remove(0)
        }
    }

    fn check_aadhaar(&self, aadhaar: &Aadhaar) -> Result<(), AadhaarError> {
        aadhaar.encrypt(self.key().as_bytes()).map(drop)
    }

    async fn login(&self, req: &OutletLoginRequest, aadhaar: &Aadhaar) -> Result<Sent, ApiError> {
        self.login_calls.fetch_add(1, Ordering::SeqCst);
        self.log.lock().unwrap().push("login");
        let mut req = req.clone();
        req.biometric_data.encrypted_aadhaar = aadhaar.encrypt(self.key().as_bytes()).unwrap();
        self.sent.lock().unwrap().push(req);
        self.login_reply
            .lock()
            .unwrap()
            .clone()
            .unwrap_or(Ok(LoginOutcome::LoggedIn { meta: meta() }))
            .map(|outcome| Sent {
                outcome,
                shared_from: self.shared_from.clone(),
            })
    }

    async fn outcome_of(&self, external_ref: &str) -> Option<LoginOutcome> {
        self.records
            .lock()
            .unwrap()
            .iter()
            .find(|(r, _)| r == external_ref)
            .map(|(_, o)| o.clone())
    }
}

/// The one test clock of the workspace.
type FixedClock = clock::ManualClock;

#[derive(Default)]
struct Lines(Mutex<Vec<String>>);

impl Progress for Lines {
    fn say(&self, line: &str) {
        self.0.lock().unwrap().push(line.to_string());
    }
}

fn pid(q: &str, nm: &str) -> PidData {
    PidData {
        resp: Resp {
            err_code: "0".into(),
            err_info: "Success".into(),
            f_count: "1".into(),
            f_type: "2".into(),
            nm_points: nm.into(),
            q_score: q.into(),
            ..Resp::default()
        },
        device_info: DeviceInfo {
            dp_id: "MANTRA.MSIPL".into(),
            rds_id: "MANTRA.WIN.001".into(),
            rds_ver: "1.0.8".into(),
            mi: "MFS100".into(),
            mc: "MIIB".into(),
            dc: "dc-1".into(),
            srno_attr: String::new(),
            params: vec![("srno".into(), "2512345".into())],
        },
        skey: Skey {
            ci: "20290923".into(),
            value: "SESSIONKEYSESSIONKEY".into(),
        },
        hmac: "HMACHMACHMAC".into(),
        data: PidBlock {
            kind: "X".into(),
            value: "PIDBLOCKPIDBLOCK".into(),
        },
    }
}

fn params(force: bool) -> LoginParams {
    LoginParams {
        latitude: "19.0760".into(),
        longitude: "72.8777".into(),
        aadhaar: Aadhaar::parse(DEMO_AADHAAR).unwrap(),
        min_qscore: 40,
        min_nmpoints: 20,
        force,
        settle_window: chrono::Duration::seconds(120),
        accept_new_device: false,
        override_declines: None,
        outlet_id: "100001".into(),
    }
}

/// 2026-11-22 09:30 IST.
fn morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 4, 0, 0).unwrap()
}

struct Run {
    result: Result<LoginReport, LoginError>,
    scans: usize,
    lines: Vec<String>,
}

fn run(
    ledger: &mut Ledger,
    api: &FakeApi,
    pid_result: Result<PidData, ScanError>,
    p: &LoginParams,
    now: DateTime<Utc>,
) -> Run {
    let mut scanner = FakeScanner::new(pid_result);
    let clock = FixedClock::new(now);
    let lines = Lines::default();
    let result = crate::cli::block_on(login(
        Deps {
            scanner: &mut scanner,
            api,
            ledger,
            clock: &clock,
            progress: &lines,
        },
        p,
    ));
    Run {
        result,
        scans: scanner.calls,
        lines: lines.0.into_inner().unwrap(),
    }
}

#[test]
fn already_logged_in_remotely_sends_nothing() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::default().then_status(Ok(status(true)));
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    );
    let report = r.result.unwrap();
    assert_eq!(report.result, LoginResult::AlreadyLoggedIn);
    assert_eq!(
        report.expires_at,
        Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap()
    );
    assert_eq!(r.scans, 0);
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
    assert!(ledger.all().unwrap().is_empty());
    assert_eq!(ledger.day_state(morning()).unwrap(), DayState::LoggedIn);
}

#[test]
fn full_login_records_sending_then_loggedin() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::default();
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    );
    let report = r.result.unwrap();
    assert_eq!(report.result, LoginResult::LoggedIn);
    assert_eq!(r.scans, 1);
    assert!(
        r.lines
            .iter()
            .any(|l| l == "Place your finger on the scanner...")
    );
    assert_eq!(*api.log.lock().unwrap(), vec!["status", "login"]);

    let sent = api.sent.lock().unwrap();
    let req = &sent[0];
    assert_eq!(req.latitude, "19.0760");
    assert_eq!(req.biometric_data.encrypted_aadhaar.len(), 44);
    let back = Aadhaar::decrypt(&req.biometric_data.encrypted_aadhaar, KEY.as_bytes()).unwrap();
    assert_eq!(back.expose_digits(), "999941057058");
    assert_eq!(req.biometric_data.pid_data, "PIDBLOCKPIDBLOCK");

    let a = report.attempt.unwrap();
    assert_eq!(a.external_ref, req.external_ref);
    assert_eq!(a.state, AttemptState::LoggedIn);
    assert_eq!(a.charged, Some(true));
    assert_eq!(a.ipay_uuid.as_deref(), Some("uuid-1"));
    assert_eq!(
        (a.mi.as_str(), a.srno.as_str(), a.q_score.as_str()),
        ("MFS100", "2512345", "70")
    );
    assert_eq!(ledger.summary(morning()).unwrap().charged_today, 1);
}

#[test]
fn second_login_same_day_sends_no_chargeable_request() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::default();
    run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    )
    .result
    .unwrap();
    // The remote says logged in now.
    let api2 = FakeApi::default().then_status(Ok(status(true)));
    let r = run(
        &mut ledger,
        &api2,
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    );
    assert_eq!(r.result.unwrap().result, LoginResult::AlreadyLoggedIn);
    assert_eq!(api2.login_calls.load(Ordering::SeqCst), 0);
    assert_eq!(r.scans, 0);
}

#[test]
fn remote_login_required_but_local_login_today_needs_force() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    run(
        &mut ledger,
        &FakeApi::default(),
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    )
    .result
    .unwrap();
    // The bank invalidated the login: the remote says LOGINREQUIRED.
    let api = FakeApi::default();
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    );
    assert!(matches!(r.result, Err(LoginError::LocallyLoggedIn)));
    assert_eq!(r.scans, 0);
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
    // --force skips the local check, but still asks the remote first.
    let api = FakeApi::default();
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(true),
        morning(),
    );
    assert_eq!(r.result.unwrap().result, LoginResult::LoggedIn);
    assert_eq!(*api.log.lock().unwrap(), vec!["status", "login"]);
    // --force never skips the remote check.
    let api = FakeApi::default().then_status(Ok(status(true)));
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(true),
        morning(),
    );
    assert_eq!(r.result.unwrap().result, LoginResult::AlreadyLoggedIn);
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
    // Yesterday's login does not block today.
    let tomorrow = morning() + chrono::Duration::days(1);
    let api = FakeApi::default();
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        tomorrow,
    );
    assert_eq!(r.result.unwrap().result, LoginResult::LoggedIn);
}

#[test]
fn under_the_quality_floor_nothing_is_sent() {
    for (q, nm) in [("39", "40"), ("70", "19")] {
        let mut ledger = Ledger::open_in_memory().unwrap();
        let api = FakeApi::default();
        let r = run(&mut ledger, &api, Ok(pid(q, nm)), &params(false), morning());
        let e = r.result.unwrap_err();
        assert!(matches!(e, LoginError::LowQuality { .. }), "{e}");
        assert!(e.to_string().contains("place the finger again"), "{e}");
        assert!(e.nothing_charged());
        assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
        assert!(ledger.all().unwrap().is_empty());
    }
    // A device that reports no score is not blocked; a floor of 0 turns the gate off.
    let mut ledger = Ledger::open_in_memory().unwrap();
    let r = run(
        &mut ledger,
        &FakeApi::default(),
        Ok(pid("", "")),
        &params(false),
        morning(),
    );
    assert!(r.result.is_ok());
}

#[test]
fn failed_capture_sends_nothing() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::default();
    let r = run(
        &mut ledger,
        &api,
        Err(ScanError(crate::i18n::Msg::verbatim("Connect the scanner"))),
        &params(false),
        morning(),
    );
    assert!(matches!(r.result, Err(LoginError::Scan(_))));
    let mut bad = pid("70", "40");
    bad.resp.err_code = "720".into();
    let r = run(&mut ledger, &api, Ok(bad), &params(false), morning());
    let e = r.result.unwrap_err();
    assert!(e.to_string().contains("720"), "{e}");
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
    assert!(ledger.all().unwrap().is_empty());
}

#[test]
fn mismatch_is_rejected_and_charged() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::replying(Ok(LoginOutcome::LoginRequired {
        message: "Biometric mismatch".into(),
        meta: meta(),
    }));
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    );
    let e = r.result.unwrap_err();
    assert!(matches!(e, LoginError::Mismatch(_)));
    let a = e.attempt().unwrap();
    assert_eq!((a.state, a.charged), (AttemptState::Rejected, Some(true)));
    assert_eq!(a.actcode.as_deref(), Some("LOGINREQUIRED"));
}

#[test]
fn api_rejection_is_recorded_with_its_code() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::replying(Ok(LoginOutcome::Rejected {
        statuscode: StatusCode::parse("RPI"),
        actcode: Some(ActCode::parse("")),
        message: "Invalid latitude".into(),
        meta: meta(),
    }));
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    );
    let e = r.result.unwrap_err();
    assert!(e.to_string().contains("RPI"), "{e}");
    let a = e.attempt().unwrap();
    assert_eq!(a.state, AttemptState::Rejected);
    assert_eq!(a.statuscode.as_deref(), Some("RPI"));
}

#[test]
fn unknown_outcome_is_never_resubmitted_and_settled_by_status_next_time() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::replying(Ok(LoginOutcome::Unknown {
        reason: "timed out".into(),
    }));
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    );
    let e = r.result.unwrap_err();
    assert!(matches!(e, LoginError::Unknown { .. }));
    assert!(!e.nothing_charged());
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 1);
    let unknown_ref = e.attempt().unwrap().external_ref.clone();
    assert_eq!(ledger.unresolved().unwrap().len(), 1);

    // Next run: the remote says logged in -> the unknown attempt went through; nothing sent.
    let api = FakeApi::default().then_status(Ok(status(true)));
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    );
    let report = r.result.unwrap();
    assert_eq!(report.result, LoginResult::AlreadyLoggedIn);
    assert_eq!(report.resolved.len(), 1);
    assert_eq!(report.resolved[0].external_ref, unknown_ref);
    assert_eq!(report.resolved[0].state, AttemptState::LoggedIn);
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
    assert!(ledger.unresolved().unwrap().is_empty());
}

#[test]
fn a_sending_row_is_settled_before_any_capture() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    // A crash between the ledger write and the reply left this.
    ledger
        .begin(
            &NewAttempt {
                external_ref: "RDACRASHED1".into(),
                ..NewAttempt::default()
            },
            morning(),
        )
        .unwrap();
    // The status call fails: nothing else happens, the row stays unresolved.
    let api = FakeApi::default().then_status(Err(ApiError::Connect {
        base_url: "http://127.0.0.1:9".into(),
        reason: "connection refused".into(),
    }));
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    );
    assert!(matches!(r.result, Err(LoginError::Status(_))));
    assert_eq!(r.scans, 0);
    assert_eq!(ledger.unresolved().unwrap().len(), 1);

    // Login required, but the attempt is younger than the settle window: InstantPay may still
    // be processing it. Nothing is captured or sent, and the wait is named.
    let api = FakeApi::default();
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning() + chrono::Duration::seconds(20),
    );
    assert!(
        matches!(r.result, Err(LoginError::Settling { ref external_ref, wait_secs: 100 }) if external_ref == "RDACRASHED1"),
        "{:?}",
        r.result
    );
    assert_eq!(r.scans, 0);
    assert_eq!(*api.log.lock().unwrap(), vec!["status"]);
    assert_eq!(ledger.unresolved().unwrap().len(), 1);

    // Past the window, login required settles it (not logged in, charge unknown), then the
    // login runs.
    let api = FakeApi::default();
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning() + chrono::Duration::minutes(2),
    );
    let report = r.result.unwrap();
    assert_eq!(report.resolved.len(), 1);
    assert_eq!(report.resolved[0].state, AttemptState::Unknown);
    assert_eq!(report.resolved[0].charged, None);
    assert_eq!(*api.log.lock().unwrap(), vec!["status", "login"]);
    let a = ledger.get("RDACRASHED1").unwrap().unwrap();
    assert_eq!(a.resolution.as_deref(), Some("status_loginrequired"));
    assert_eq!(ledger.summary(morning()).unwrap().charge_unknown_today, 1);
}

#[test]
fn not_sent_is_recorded_as_not_charged() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::replying(Err(ApiError::Connect {
        base_url: "http://127.0.0.1:9".into(),
        reason: "connection refused".into(),
    }));
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    );
    let e = r.result.unwrap_err();
    assert!(matches!(e, LoginError::NotSent(_)));
    let all = ledger.all().unwrap();
    assert_eq!(
        (all[0].state, all[0].charged),
        (AttemptState::Rejected, Some(false))
    );
    assert!(ledger.unresolved().unwrap().is_empty());
}

#[test]
fn bad_key_or_coordinates_fail_before_the_finger_is_asked() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi {
        key: Some("too-short".into()),
        ..FakeApi::default()
    };
    let p = params(false);
    let r = run(&mut ledger, &api, Ok(pid("70", "40")), &p, morning());
    let e = r.result.unwrap_err();
    assert!(matches!(e, LoginError::Aadhaar(_)), "{e}");
    assert_eq!(r.scans, 0);
    let mut p = params(false);
    p.latitude = "51.5072".into();
    let r = run(&mut ledger, &api, Ok(pid("70", "40")), &p, morning());
    assert!(matches!(r.result, Err(LoginError::Request(_))));
    assert_eq!(r.scans, 0);
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
}

#[test]
fn no_secret_in_progress_errors_or_ledger() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::replying(Ok(LoginOutcome::Unknown {
        reason: "timed out".into(),
    }));
    let r = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    );
    let e = r.result.unwrap_err();
    let mut text = format!("{e}\n{e:?}\n{}", r.lines.join("\n"));
    for a in ledger.all().unwrap() {
        text.push_str(&serde_json::to_string(&a).unwrap());
        text.push_str(&a.line());
    }
    for needle in [
        "999941057058",
        "9999 4105 7058",
        KEY,
        "PIDBLOCK",
        "SESSIONKEY",
        "HMACHMAC",
    ] {
        assert!(!text.contains(needle), "{needle} leaked: {text}");
    }
}

/// The same capture from another scanner (serial `srno`, certificate `mc`).
fn pid_from(srno: &str, mc: &str) -> PidData {
    let mut p = pid("70", "40");
    p.device_info.params = vec![("srno".into(), srno.into())];
    p.device_info.mc = mc.into();
    p
}

/// The shop's first login, on scanner 2512345: it pins that scanner.
fn pinned_first_login(ledger: &mut Ledger) {
    run(
        ledger,
        &FakeApi::default(),
        Ok(pid_from("2512345", "MC1")),
        &params(false),
        morning(),
    )
    .result
    .unwrap();
}

/// Progress that answers every question with `answer`, and counts the questions.
#[derive(Default)]
struct Answering {
    answer: bool,
    asked: AtomicUsize,
}

impl Progress for Answering {
    fn say(&self, _line: &str) {}
    fn confirm(&self, _question: &Msg) -> bool {
        self.asked.fetch_add(1, Ordering::SeqCst);
        self.answer
    }
}

fn run_answering(
    ledger: &mut Ledger,
    api: &FakeApi,
    pid: PidData,
    p: &LoginParams,
    now: DateTime<Utc>,
    answer: bool,
) -> (Result<LoginReport, LoginError>, usize) {
    let mut scanner = FakeScanner::new(Ok(pid));
    let clock = FixedClock::new(now);
    let progress = Answering {
        answer,
        ..Answering::default()
    };
    let result = crate::cli::block_on(login(
        Deps {
            scanner: &mut scanner,
            api,
            ledger,
            clock: &clock,
            progress: &progress,
        },
        p,
    ));
    (result, progress.asked.load(Ordering::SeqCst))
}

#[test]
fn the_first_login_pins_its_scanner_and_another_one_is_refused_unsent() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    assert!(ledger.pinned_device().unwrap().is_none());
    let r = run(
        &mut ledger,
        &FakeApi::default(),
        Ok(pid_from("2512345", "MC1")),
        &params(false),
        morning(),
    );
    r.result.unwrap();
    let pinned = ledger.pinned_device().unwrap().unwrap();
    assert_eq!(pinned.device.srno, "2512345");
    assert_eq!(pinned.device.dp_id, "MANTRA.MSIPL");
    assert_eq!(pinned.device.mc_sha256.len(), 64);
    assert_eq!(pinned.pinned_at, morning());

    // The next day, another scanner, nobody to ask: refused, nothing sent, the pin kept.
    let next_day = morning() + chrono::Duration::days(1);
    let api = FakeApi::default();
    let (result, asked) = run_answering(
        &mut ledger,
        &api,
        pid_from("9990001", "MC2"),
        &params(false),
        next_day,
        false,
    );
    match result {
        Err(e @ LoginError::NewDevice { .. }) => {
            assert!(e.nothing_charged());
            let text = e.to_string();
            assert!(
                text.contains("serial 9990001") && text.contains("serial 2512345"),
                "{text}"
            );
            assert!(text.contains("--accept-new-device"), "{text}");
        }
        other => panic!("expected NewDevice, got {other:?}"),
    }
    assert_eq!(asked, 1, "the person, if any, was asked once");
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
    assert_eq!(ledger.all().unwrap().len(), 1, "no attempt begun");
    assert_eq!(
        ledger.pinned_device().unwrap().unwrap().device.srno,
        "2512345"
    );
}

#[test]
fn a_new_scanner_is_used_and_pinned_when_accepted_or_answered_yes() {
    for (accept_flag, answer) in [(true, false), (false, true)] {
        let mut ledger = Ledger::open_in_memory().unwrap();
        pinned_first_login(&mut ledger);
        let next_day = morning() + chrono::Duration::days(1);
        let mut p = params(false);
        p.accept_new_device = accept_flag;
        let api = FakeApi::default();
        let (result, asked) = run_answering(
            &mut ledger,
            &api,
            pid_from("9990001", "MC2"),
            &p,
            next_day,
            answer,
        );
        assert_eq!(result.unwrap().result, LoginResult::LoggedIn);
        assert_eq!(
            asked,
            usize::from(!accept_flag),
            "the flag needs no question"
        );
        assert_eq!(api.login_calls.load(Ordering::SeqCst), 1);
        let pinned = ledger.pinned_device().unwrap().unwrap();
        assert_eq!(
            (pinned.device.srno.as_str(), pinned.pinned_at),
            ("9990001", next_day)
        );
    }
}

#[test]
fn a_renewed_certificate_on_the_same_scanner_is_not_a_new_device() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    pinned_first_login(&mut ledger);
    let before = ledger.pinned_device().unwrap().unwrap();
    let next_day = morning() + chrono::Duration::days(1);
    let (result, asked) = run_answering(
        &mut ledger,
        &FakeApi::default(),
        pid_from("2512345", "MC-RENEWED"),
        &params(false),
        next_day,
        false,
    );
    result.unwrap();
    assert_eq!(asked, 0);
    let after = ledger.pinned_device().unwrap().unwrap();
    assert_ne!(
        after.device.mc_sha256, before.device.mc_sha256,
        "the new certificate is remembered"
    );
}

#[test]
fn a_failed_login_pins_nothing() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::replying(Ok(LoginOutcome::LoginRequired {
        meta: meta(),
        message: "mismatch".into(),
    }));
    let r = run(
        &mut ledger,
        &api,
        Ok(pid_from("2512345", "MC1")),
        &params(false),
        morning(),
    );
    assert!(r.result.is_err());
    assert!(ledger.pinned_device().unwrap().is_none());
}

/// The RD Service is looked for while InstantPay is asked, not after: here InstantPay answers
/// only once the scanner has started looking, so a use case that asked first and looked
/// second would never finish (the test's bound is a deadlock guard, not a speed limit).
#[test]
fn the_scanner_is_looked_for_while_instantpay_is_asked() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let notify = std::sync::Arc::new(tokio::sync::Notify::new());
    let api = FakeApi {
        answer_after: Some(notify.clone()),
        ..FakeApi::default()
    };
    let mut scanner = FakeScanner::new(Ok(pid("74", "41")));
    scanner.preparing = Some(notify);
    let clock = FixedClock::new(morning());
    let lines = Lines::default();
    let result = crate::cli::block_on(async {
        tokio::time::timeout(
            std::time::Duration::from_secs(60),
            login(
                Deps {
                    scanner: &mut scanner,
                    api: &api,
                    ledger: &mut ledger,
                    clock: &clock,
                    progress: &lines,
                },
                &params(false),
            ),
        )
        .await
    });
    let report = result.expect("the status waited for a scan that never started");
    assert_eq!(report.unwrap().result, LoginResult::LoggedIn);
    assert_eq!(
        scanner.prepared,
        Some(None),
        "no port known before the first login"
    );
}

/// Where the shop's scanner answered is kept with the pinned scanner and tried first at the
/// next login; a login on another port moves it.
#[test]
fn the_port_of_a_login_is_tried_first_next_time() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::default();
    let clock = FixedClock::new(morning());
    let lines = Lines::default();
    let login_on = |ledger: &mut Ledger, port: u16, force: bool| {
        let mut scanner = FakeScanner::new(Ok(pid("74", "41")));
        scanner.port = Some(port);
        let r = crate::cli::block_on(login(
            Deps {
                scanner: &mut scanner,
                api: &api,
                ledger,
                clock: &clock,
                progress: &lines,
            },
            &params(force),
        ));
        r.unwrap();
        scanner.prepared.expect("prepare was called")
    };
    assert_eq!(login_on(&mut ledger, 11_101, false), None);
    assert_eq!(
        ledger.pinned_device().unwrap().unwrap().rd_port,
        Some(11_101)
    );
    assert_eq!(login_on(&mut ledger, 11_105, true), Some(11_101));
    assert_eq!(
        ledger.pinned_device().unwrap().unwrap().rd_port,
        Some(11_105)
    );
    assert_eq!(login_on(&mut ledger, 11_105, true), Some(11_105));
}

/// An attempt whose reply never came, written this morning.
fn left_unresolved(ledger: &mut Ledger, external_ref: &str) {
    ledger
        .begin(
            &NewAttempt {
                external_ref: external_ref.into(),
                ..NewAttempt::default()
            },
            morning(),
        )
        .unwrap();
}

/// A run at 20 s past `morning()`, inside the settle window.
fn run_20s_later(ledger: &mut Ledger, api: &FakeApi) -> Run {
    run(
        ledger,
        api,
        Ok(pid("70", "40")),
        &params(false),
        morning() + chrono::Duration::seconds(20),
    )
}

#[test]
fn an_attempt_the_relay_recorded_is_settled_by_its_record_even_inside_the_window() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    left_unresolved(&mut ledger, "RDARELAYED1");
    // The relay says the attempt was refused (charged), though the status alone could not
    // judge it for another 100 s: its record settles it now, and the login runs.
    let api = FakeApi::default();
    api.records.lock().unwrap().push((
        "RDARELAYED1".into(),
        LoginOutcome::LoginRequired {
            message: "finger did not match".into(),
            meta: meta(),
        },
    ));
    let r = run_20s_later(&mut ledger, &api);
    let report = r.result.unwrap();
    assert_eq!(report.resolved.len(), 1);
    assert_eq!(report.resolved[0].external_ref, "RDARELAYED1");
    assert_eq!(report.resolved[0].state, AttemptState::Rejected);
    assert_eq!(report.resolved[0].charged, Some(true));
    assert_eq!(
        report.resolved[0].resolution.as_deref(),
        Some("relay_record")
    );
    assert_eq!(*api.log.lock().unwrap(), vec!["status", "login"]);

    // A record that is itself unknown settles nothing: the status rules apply.
    let mut ledger = Ledger::open_in_memory().unwrap();
    left_unresolved(&mut ledger, "RDARELAYED2");
    let api = FakeApi::default();
    api.records.lock().unwrap().push((
        "RDARELAYED2".into(),
        LoginOutcome::Unknown {
            reason: "no answer".into(),
        },
    ));
    let r = run_20s_later(&mut ledger, &api);
    assert!(
        matches!(r.result, Err(LoginError::Settling { .. })),
        "{:?}",
        r.result
    );
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
}

#[test]
fn a_login_the_relay_shared_from_another_pc_is_recorded_as_not_charged() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi {
        shared_from: Some("RDAFIRSTPC1".into()),
        ..FakeApi::default()
    };
    let report = run(
        &mut ledger,
        &api,
        Ok(pid("70", "40")),
        &params(false),
        morning(),
    )
    .result
    .unwrap();
    assert_eq!(report.result, LoginResult::LoggedIn);
    let a = report.attempt.unwrap();
    assert_eq!(a.state, AttemptState::LoggedIn);
    assert_eq!(a.charged, Some(false));
    assert!(a.message.unwrap().contains("RDAFIRSTPC1"));
    assert_eq!(ledger.summary(morning()).unwrap().charged_today, 0);
}

mod guards;
