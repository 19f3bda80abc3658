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

    /// A capture that fails stands for a scanner that was not found: like the real one, it
    /// asks for the finger only when there is a device to take it.
    async fn capture(&mut self, progress: &dyn Progress) -> Result<PidData, ScanError> {
        self.calls += 1;
        if self.pid.is_ok() {
            progress.step(&Msg::new("login-place-finger"));
        }
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
    let lines = Lines::default();
    let result = login_once(ledger, api, &mut scanner, &lines, p, now);
    Run {
        result,
        scans: scanner.calls,
        lines: lines.0.into_inner().unwrap(),
    }
}

/// The use case once, with these parts and the clock at `now`.
fn login_once(
    ledger: &mut Ledger,
    api: &FakeApi,
    scanner: &mut FakeScanner,
    progress: &dyn Progress,
    p: &LoginParams,
    now: DateTime<Utc>,
) -> Result<LoginReport, LoginError> {
    let clock = FixedClock::new(now);
    crate::cli::block_on(login(
        Deps {
            scanner,
            api,
            ledger,
            clock: &clock,
            progress,
        },
        p,
    ))
}

/// A run with a good capture, with `p`, at `now`.
fn run_at(ledger: &mut Ledger, api: &FakeApi, p: &LoginParams, now: DateTime<Utc>) -> Run {
    run(ledger, api, Ok(pid("70", "40")), p, now)
}

/// A run with a good capture and no flags, at `morning()`.
fn run_now(ledger: &mut Ledger, api: &FakeApi) -> Run {
    run_at(ledger, api, &params(false), morning())
}

mod flow;
mod guards;
mod outcomes;
mod pinning;
