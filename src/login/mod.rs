//! The daily-login use case (docs/ledger.md, docs/instantpay.md), pure orchestration over small traits so
//! tests swap the parts:
//!
//! 1. settle any `sending`/`unknown` attempt with outletLoginStatus (never resubmit it);
//! 2. ask outletLoginStatus: logged in -> done, nothing charged;
//! 3. the local "already logged in today" check, unless `force` (the remote check is never
//!    skipped);
//! 4. the operator InstantPay expects (`aadhaarLastFour`), then the decline guard (two
//!    possible biometric declines in a row stop it unless the operator overrides);
//! 5. capture, then the quality gate (nothing is sent under the floors), the pinned scanner,
//!    and the UIDAI key the PID was encrypted with (`Skey ci`, not before today);
//! 6. encrypt the Aadhaar and build the request;
//! 7. write the attempt as `sending`, THEN submit, then record the outcome.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::i18n::{Catalog, Lang, Msg};
use crate::ledger::{
    Attempt, AttemptState, Device, Ledger, LedgerError, NewAttempt, Outcome, Resolution,
};
use clock::{Clock, ist_date, next_ist_midnight};
use instantpay::KeyCheck;
use instantpay::{Aadhaar, AadhaarError};
use instantpay::{
    ApiError, BiometricData, LoginOutcome, LoginStatus, OutletLoginRequest, RequestError,
    new_external_ref, validate_coordinates,
};
use rd::PidData;

pub mod countdown;
pub mod live;
pub mod lock;

pub use countdown::Countdown;

/// Finds the RD Service and captures one finger.
pub trait Scanner {
    /// Look for the device ahead of the capture, while InstantPay is asked about today,
    /// trying `prefer` (where the shop's scanner answered last time) first. Finding nothing is
    /// not an error here: the capture looks again and says why.
    fn prepare(&mut self, _prefer: Option<u16>) -> impl Future<Output = ()> + Send {
        async {}
    }

    fn capture(
        &mut self,
        progress: &dyn Progress,
    ) -> impl Future<Output = Result<PidData, ScanError>> + Send;

    /// The port of the device the last capture used, where there is one.
    fn port(&self) -> Option<u16> {
        None
    }
}

/// The two InstantPay calls the login makes, straight to InstantPay ([`live::Direct`]) or
/// through the platform's relay ([`live::Relayed`]).
pub trait InstantPayApi {
    /// outletLoginStatus: free.
    fn login_status(&self) -> impl Future<Output = Result<LoginStatus, ApiError>> + Send;

    /// Whether `aadhaar` can be sent: asked before a finger is, so a bad key costs no capture.
    /// (Direct mode encrypts it here; a relay encrypts it with the platform's key.)
    fn check_aadhaar(&self, aadhaar: &Aadhaar) -> Result<(), AadhaarError>;

    /// outletLogin: chargeable. `req.biometric_data.encrypted_aadhaar` is empty: this side
    /// encrypts `aadhaar` (or has the relay do it). `Err` only when nothing was sent.
    fn login(
        &self,
        req: &OutletLoginRequest,
        aadhaar: &Aadhaar,
    ) -> impl Future<Output = Result<Sent, ApiError>> + Send;

    /// What became of an attempt whose reply never came, where the other side keeps a record
    /// of each attempt (a relay does; InstantPay does not, so the status settles it instead).
    /// `None`: not known here.
    fn outcome_of(&self, _external_ref: &str) -> impl Future<Output = Option<LoginOutcome>> + Send {
        async { None }
    }
}

/// What a sent login came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub outcome: LoginOutcome,
    /// The relay answered with another PC's login of this outlet today (that attempt's id):
    /// this attempt was not charged (docs/relay.md).
    pub shared_from: Option<String>,
}

impl From<LoginOutcome> for Sent {
    fn from(outcome: LoginOutcome) -> Sent {
        Sent {
            outcome,
            shared_from: None,
        }
    }
}

/// Progress lines for the person at the terminal ("Place your finger on the scanner...").
pub trait Progress: Sync {
    fn say(&self, line: &str);

    /// A catalogued sentence: a front end with a language renders it in that language; the
    /// rest get English.
    fn step(&self, msg: &Msg) {
        self.say(&msg.english());
    }

    /// The wait for the finger (countdown.rs); shown by front ends that can.
    fn countdown(&self, _tick: Countdown) {}

    /// Ask the person a yes/no question; `false` where no one can answer (a pipe, the
    /// service), so the cautious answer is the default.
    fn confirm(&self, _question: &Msg) -> bool {
        false
    }
}

/// Progress to stderr (stdout is kept for the result and `--json`). On a terminal the
/// countdown rewrites one line; elsewhere (a log, a pipe) it is a plain line every 5 seconds.
#[derive(Debug, Default)]
pub struct StderrProgress {
    lang: Lang,
    terminal: bool,
    /// A countdown line is open on the terminal (ended by `Done`).
    counting: std::sync::atomic::AtomicBool,
}

impl StderrProgress {
    pub fn new(lang: Lang) -> StderrProgress {
        use std::io::IsTerminal;
        StderrProgress {
            lang,
            terminal: std::io::stderr().is_terminal(),
            counting: Default::default(),
        }
    }
}

impl Progress for StderrProgress {
    fn say(&self, line: &str) {
        eoutln!("{line}");
    }

    fn step(&self, msg: &Msg) {
        eoutln!("{}", Catalog::get(self.lang).render(msg));
    }

    /// Only with a person at a terminal on both ends: stdin to answer, stderr to read.
    fn confirm(&self, question: &Msg) -> bool {
        use std::io::IsTerminal;
        if !(self.terminal && std::io::stdin().is_terminal()) {
            return false;
        }
        let catalog = Catalog::get(self.lang);
        eout!("{} ", catalog.render(question));
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err() {
            return false;
        }
        let yes = catalog.tr("answer-yes");
        let a = answer.trim().to_lowercase();
        a == "y" || a == "yes" || a == yes.to_lowercase()
    }

    fn countdown(&self, tick: Countdown) {
        use std::sync::atomic::Ordering::SeqCst;
        match tick {
            Countdown::Left(seconds) => {
                let first = !self.counting.swap(true, SeqCst);
                let line = Catalog::get(self.lang)
                    .render(&Msg::new("login-finger-countdown").arg("seconds", seconds));
                if self.terminal {
                    // Back to the line's start, and clear what a longer number left.
                    eout!("\r{line}\x1b[K");
                } else if first || seconds % 5 == 0 {
                    eoutln!("{line}");
                }
            }
            Countdown::Done => {
                if self.counting.swap(false, SeqCst) && self.terminal {
                    eoutln!();
                }
            }
        }
    }
}

/// No progress output.
#[derive(Debug, Default)]
pub struct Silent;

impl Progress for Silent {
    fn say(&self, _line: &str) {}
}

/// A capture that failed: no RD Service, device not ready, errCode from the device. The message
/// is the operator's sentence ("Connect the scanner").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ScanError(pub Msg);

/// What the login needs besides its parts. Built from the config and the secret store.
#[derive(Debug, Clone)]
pub struct LoginParams {
    pub latitude: String,
    pub longitude: String,
    pub aadhaar: Aadhaar,
    pub min_qscore: u32,
    pub min_nmpoints: u32,
    /// Skip only the local "already logged in today" check.
    pub force: bool,
    /// How old an attempt with no known outcome must be before a `LOGINREQUIRED` status may
    /// settle it as not logged in (`instantpay.settle_window_secs`): InstantPay may still be
    /// processing a request whose reply we never got, and says `LOGINREQUIRED` until it is done.
    pub settle_window: chrono::Duration,
    /// Use a scanner other than the pinned one, and pin it after the login.
    pub accept_new_device: bool,
    /// The operator's explicit choice to go on despite the decline guard, and where it was
    /// made ("terminal", "tray"); recorded in the ledger. `None`: the guard holds.
    pub override_declines: Option<String>,
    /// The outlet's id, for the sentence when InstantPay expects another operator (empty
    /// where the PC does not know it).
    pub outlet_id: String,
}

/// The parts the use case runs over.
pub struct Deps<'a, S, A> {
    pub scanner: &'a mut S,
    pub api: &'a A,
    pub ledger: &'a mut Ledger,
    pub clock: &'a dyn Clock,
    pub progress: &'a dyn Progress,
}

/// A login that ended well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoginReport {
    pub result: LoginResult,
    /// Midnight IST, when today's login expires.
    pub expires_at: DateTime<Utc>,
    /// The attempt this run sent, if it sent one.
    pub attempt: Option<Attempt>,
    /// Earlier `sending`/`unknown` attempts this run settled with outletLoginStatus.
    pub resolved: Vec<Attempt>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginResult {
    /// InstantPay already said LOGGEDIN: nothing was sent, nothing charged.
    AlreadyLoggedIn,
    /// This run's attempt logged in (charged).
    LoggedIn,
}

/// A login that did not end logged in. Messages are operator sentences; none carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("{0}. Nothing was sent")]
    Scan(ScanError),
    #[error(
        "The capture quality is too low (qScore {q_score}, minutiae {nm_points}; the floors are \
         {min_qscore} and {min_nmpoints}): place the finger again, flat and clean, and run \
         `rd-agent login` again. Nothing was sent, nothing charged"
    )]
    LowQuality {
        q_score: String,
        nm_points: String,
        min_qscore: u32,
        min_nmpoints: u32,
    },
    #[error(
        "InstantPay says login is required, but rd-agent logged in today already (the bank may \
         have cancelled it). Run `rd-agent login --force` to log in again: it will be charged"
    )]
    LocallyLoggedIn,
    #[error("Could not ask InstantPay for the login status: {0}")]
    Status(ApiError),
    #[error(
        "The fingerprint did not match the operator's registered Aadhaar (charged): run \
         `rd-agent login` again with the registered finger. Attempt {}", .0.external_ref
    )]
    Mismatch(Box<Attempt>),
    #[error("InstantPay refused the login: {message}. Attempt {}", .attempt.external_ref)]
    Rejected {
        message: String,
        attempt: Box<Attempt>,
    },
    #[error(
        "The outcome of attempt {} is unknown ({reason}): it may have been charged. It is NOT \
         resubmitted; run `rd-agent login` later: it first asks InstantPay whether this attempt \
         logged you in", .attempt.external_ref
    )]
    Unknown {
        reason: String,
        attempt: Box<Attempt>,
    },
    #[error("The login was not sent (nothing charged): {0}")]
    NotSent(ApiError),
    #[error(
        "The outcome of attempt {external_ref} is not known yet: InstantPay may still be \
         processing it, and a new login now could be charged twice. Nothing was sent. Run \
         `rd-agent login` again in {wait_secs} s"
    )]
    Settling {
        external_ref: String,
        wait_secs: i64,
    },
    #[error(
        "This scanner ({found}) is not the one this shop logged in with before ({pinned}). \
         Nothing was sent. If the shop now uses this scanner, run `rd-agent login \
         --accept-new-device` (or answer yes when asked on a terminal); if not, connect the \
         shop's own scanner"
    )]
    NewDevice { pinned: String, found: String },
    #[error("{0}")]
    Lock(#[from] lock::LockError),
    #[error("{0}")]
    Request(RequestError),
    #[error("{0} Fix it with `rd-agent config set-secret`")]
    Aadhaar(AadhaarError),
    #[error(
        "This PC is set up for the Aadhaar ending {configured}, but InstantPay expects outlet \
         {outlet}'s operator, ending {expected}. Set the operator's Aadhaar: `rd-agent config \
         set-secret operator.aadhaar`. Nothing was captured or sent, nothing charged"
    )]
    WrongOperator {
        configured: String,
        expected: String,
        outlet: String,
    },
    #[error(
        "The last {declines} logins were declined (or got no answer). A third decline in a row \
         can block the operator's AePS at the bank. Clean the scanner and the finger, use the \
         finger enrolled with Aadhaar, then run `rd-agent login --despite-declines` and answer \
         yes. Nothing was sent, nothing charged"
    )]
    DeclineGuard { declines: u32 },
    #[error(
        "The RD Service encrypted the capture with a UIDAI key that expired on {expired}: UIDAI \
         would refuse it and the attempt would still be charged. Update the RD Service from the \
         scanner vendor (their website or support line), then log in again. Nothing was sent, \
         nothing charged"
    )]
    KeyExpired { expired: String },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl LoginError {
    /// The operator's sentence, in the catalogue (the service sends it to its clients as it
    /// is; `Display` is its English).
    pub fn msg(&self) -> Msg {
        use crate::i18n::errors::api_error;
        match self {
            LoginError::Scan(reason) => {
                Msg::new("login-error-scan").arg("reason", reason.0.clone())
            }
            LoginError::LowQuality {
                q_score,
                nm_points,
                min_qscore,
                min_nmpoints,
            } => Msg::new("login-error-low-quality")
                .arg("qscore", q_score.clone())
                .arg("nmpoints", nm_points.clone())
                .arg("min_qscore", *min_qscore)
                .arg("min_nmpoints", *min_nmpoints),
            LoginError::LocallyLoggedIn => Msg::new("login-error-locally-logged-in"),
            LoginError::Status(err) => Msg::new("login-error-status").arg("error", api_error(err)),
            LoginError::Mismatch(a) => {
                Msg::new("login-error-mismatch").arg("attempt", a.external_ref.clone())
            }
            LoginError::Rejected { message, attempt } => Msg::new("login-error-rejected")
                .arg("reason", message.clone())
                .arg("attempt", attempt.external_ref.clone()),
            LoginError::Unknown { reason, attempt } => Msg::new("login-error-unknown")
                .arg("attempt", attempt.external_ref.clone())
                .arg("reason", reason.clone()),
            LoginError::NotSent(err) => {
                Msg::new("login-error-not-sent").arg("error", api_error(err))
            }
            LoginError::Settling {
                external_ref,
                wait_secs,
            } => Msg::new("login-error-settling")
                .arg("attempt", external_ref.clone())
                .arg("seconds", *wait_secs),
            LoginError::NewDevice { pinned, found } => Msg::new("login-error-new-device")
                .arg("pinned", pinned.clone())
                .arg("found", found.clone()),
            LoginError::WrongOperator {
                configured,
                expected,
                outlet,
            } => Msg::new("login-error-wrong-operator")
                .arg("configured", configured.as_str())
                .arg("expected", expected.as_str())
                .arg("outlet", outlet.as_str()),
            LoginError::DeclineGuard { declines } => {
                Msg::new("login-error-decline-guard").arg("declines", *declines)
            }
            LoginError::KeyExpired { expired } => {
                Msg::new("login-error-key-expired").arg("expired", expired.as_str())
            }
            LoginError::Aadhaar(e) => {
                Msg::new("login-error-aadhaar").arg("error", crate::i18n::errors::aadhaar_error(e))
            }
            LoginError::Lock(_) | LoginError::Request(_) | LoginError::Ledger(_) => {
                Msg::verbatim(self.to_string())
            }
        }
    }

    /// The attempt this error is about, for printing the ledger line.
    pub fn attempt(&self) -> Option<&Attempt> {
        match self {
            LoginError::Mismatch(a) => Some(a),
            LoginError::Rejected { attempt, .. } | LoginError::Unknown { attempt, .. } => {
                Some(attempt)
            }
            _ => None,
        }
    }

    /// Whether this attempt was certainly not charged.
    pub fn nothing_charged(&self) -> bool {
        match self {
            LoginError::Mismatch(_) | LoginError::Unknown { .. } => false,
            LoginError::Rejected { attempt, .. } => attempt.charged == Some(false),
            _ => true,
        }
    }
}

/// What the free status check found, after settling what it could.
#[derive(Debug)]
pub struct Checked {
    pub status: LoginStatus,
    /// Attempts it settled.
    pub resolved: Vec<Attempt>,
    /// An attempt too young to judge, and how long until it can be.
    pub waiting: Option<(String, chrono::Duration)>,
    /// When the answer came.
    pub at: DateTime<Utc>,
}

/// Ask outletLoginStatus (free) under the login lock, record it, and settle the attempts
/// left without an outcome (a process that died mid-request leaves one `sending`). The
/// service runs this at start and on every re-check, so `status` never shows a stale row.
pub async fn check<A: InstantPayApi>(
    api: &A,
    ledger: &mut Ledger,
    clock: &dyn Clock,
    progress: &dyn Progress,
    settle_window: chrono::Duration,
) -> Result<Checked, LoginError> {
    let _lock = lock::LoginLock::for_ledger_dir(ledger.dir(), progress).await?;
    check_locked(api, ledger, clock, progress, settle_window).await
}

/// [`check`], for a caller that holds the lock. The time is read BEFORE asking: an attempt is
/// judged by its age when the question left, so a request InstantPay finishes during the
/// status call cannot be taken for a failed one.
async fn check_locked<A: InstantPayApi>(
    api: &A,
    ledger: &mut Ledger,
    clock: &dyn Clock,
    progress: &dyn Progress,
    settle_window: chrono::Duration,
) -> Result<Checked, LoginError> {
    let mut unresolved = ledger.unresolved()?;
    if !unresolved.is_empty() {
        progress.step(&Msg::new("login-unresolved-attempts").arg("count", unresolved.len()));
    } else {
        progress.step(&Msg::new("login-asking-status"));
    }
    // Where the other side kept a record of the attempt (a relay), its outcome settles it.
    let mut from_record = Vec::new();
    for a in &unresolved {
        if let Some(o) = api.outcome_of(&a.external_ref).await
            && !matches!(o, LoginOutcome::Unknown { .. })
        {
            ledger.finish_from_relay(&a.external_ref, &Outcome::of(&o), clock.now())?;
            if let Some(back) = ledger.get(&a.external_ref)? {
                from_record.push(back);
            }
        }
    }
    unresolved.retain(|a| !from_record.iter().any(|r| r.external_ref == a.external_ref));
    let asked_at = clock.now();
    let status = api.login_status().await.map_err(LoginError::Status)?;
    let now = clock.now();
    ledger.record_status(
        "TXN",
        if status.logged_in {
            "LOGGEDIN"
        } else {
            "LOGINREQUIRED"
        },
        now,
    )?;
    let mut settled = settle(
        ledger,
        &unresolved,
        status.logged_in,
        asked_at,
        settle_window,
        now,
    )?;
    settled.resolved.splice(0..0, from_record);
    for a in &settled.resolved {
        progress.step(
            &Msg::new("login-attempt-settled")
                .arg("attempt", a.external_ref.clone())
                .arg("resolution", a.resolution.clone().unwrap_or_default()),
        );
    }
    Ok(Checked {
        status,
        resolved: settled.resolved,
        waiting: settled.waiting,
        at: now,
    })
}

/// Run the daily login.
pub async fn login<S: Scanner, A: InstantPayApi>(
    deps: Deps<'_, S, A>,
    params: &LoginParams,
) -> Result<LoginReport, LoginError> {
    let Deps {
        scanner,
        api,
        ledger,
        clock,
        progress,
    } = deps;

    // 0. One chargeable login at a time per state directory, held until the outcome is
    // recorded (the guard lives to the end of this function).
    let _lock = lock::LoginLock::for_ledger_dir(ledger.dir(), progress).await?;

    // 1-2. Ask the status (free); it also settles any attempt left without an outcome. The
    // RD Service is looked for meanwhile, so the capture does not wait for a scan.
    let prefer = ledger.pinned_device()?.and_then(|p| p.rd_port);
    let (checked, ()) = tokio::join!(
        check_locked(api, ledger, clock, progress, params.settle_window),
        scanner.prepare(prefer),
    );
    let checked = checked?;
    let (status, resolved, now) = (checked.status, checked.resolved, checked.at);
    if status.logged_in {
        return Ok(LoginReport {
            result: LoginResult::AlreadyLoggedIn,
            expires_at: next_ist_midnight(now),
            attempt: None,
            resolved,
        });
    }
    // An attempt too young to judge: wait, never pay again on a guess (`--force` included).
    if let Some((external_ref, wait)) = checked.waiting {
        return Err(LoginError::Settling {
            external_ref,
            wait_secs: wait.num_seconds().max(1),
        });
    }

    // 3. The local check: only `force` skips it.
    if !params.force && logged_in_today_by_attempt(ledger, now)? {
        return Err(LoginError::LocallyLoggedIn);
    }

    // 4. The operator InstantPay has on file: another person's Aadhaar is a charged mismatch.
    if let Some(expected) = status.expected_operator_differs(&params.aadhaar) {
        return Err(LoginError::WrongOperator {
            configured: params.aadhaar.last_four().to_string(),
            expected,
            outlet: params.outlet_id.clone(),
        });
    }
    // The decline guard: a third decline in a row can get the operator blocked.
    let declines = ledger.consecutive_declines()?;
    if declines >= crate::ledger::DECLINE_LIMIT {
        let Some(by_whom) = &params.override_declines else {
            return Err(LoginError::DeclineGuard { declines });
        };
        ledger.record_decline_override(by_whom, clock.now())?;
        tracing::info!(declines, by_whom, "the operator overrode the decline guard");
    }

    // Checks that need no finger come first, so a bad config costs no capture.
    validate_coordinates(&params.latitude, &params.longitude).map_err(LoginError::Request)?;
    // An encryption now proves the key before the finger is asked for.
    api.check_aadhaar(&params.aadhaar)
        .map_err(LoginError::Aadhaar)?;

    // 5. Capture and the quality gate.
    progress.step(&Msg::new("login-place-finger"));
    let pid = scanner.capture(progress).await.map_err(LoginError::Scan)?;
    if pid.resp.err_code != "0" {
        return Err(LoginError::Scan(ScanError(
            Msg::new("login-error-capture-failed")
                .arg("code", pid.resp.err_code.clone())
                .arg("info", pid.resp.err_info.clone()),
        )));
    }
    if below_floor(pid.q_score(), params.min_qscore)
        || below_floor(pid.nm_points(), params.min_nmpoints)
    {
        return Err(LoginError::LowQuality {
            q_score: pid.resp.q_score.clone(),
            nm_points: pid.resp.nm_points.clone(),
            min_qscore: params.min_qscore,
            min_nmpoints: params.min_nmpoints,
        });
    }
    progress.step(
        &Msg::new("login-captured")
            .arg("qscore", pid.resp.q_score.clone())
            .arg("nmpoints", pid.resp.nm_points.clone()),
    );

    // The scanner: the one this shop logged in with before, or one accepted as new. (The
    // capture is free; nothing goes to InstantPay from a scanner nobody accepted.)
    let device = device_of(&pid);
    let pinned = ledger.pinned_device()?;
    if let Some(p) = &pinned
        && !p.device.same_scanner(&device)
        && !params.accept_new_device
        && !progress.confirm(
            &Msg::new("login-new-device-question")
                .arg("found", device.to_string())
                .arg("pinned", p.device.to_string()),
        )
    {
        return Err(LoginError::NewDevice {
            pinned: p.device.to_string(),
            found: device.to_string(),
        });
    }

    // The UIDAI key: a PID encrypted with an expired one is refused by UIDAI, and charged.
    // "Today" is InstantPay's date where its reply gave one (a shop PC's clock can be wrong).
    let today = status.ist_today().unwrap_or_else(|| {
        tracing::warn!("InstantPay's status reply had no readable timestamp: using this PC's date for the UIDAI key check");
        ist_date(clock.now())
    });
    match KeyCheck::of(&pid.skey.ci, today) {
        KeyCheck::Expired { expired } => {
            return Err(LoginError::KeyExpired {
                expired: expired.format("%Y-%m-%d").to_string(),
            });
        }
        KeyCheck::Unreadable => tracing::warn!(
            ci = %pid.skey.ci,
            "the PID's UIDAI key date (Skey ci) is not a date: sent as it is"
        ),
        KeyCheck::Current { .. } => {}
    }
    let ci = pid.skey.ci.trim().to_string();

    // 6. Build (the API encrypts the Aadhaar as it sends).
    let req = OutletLoginRequest {
        latitude: params.latitude.clone(),
        longitude: params.longitude.clone(),
        external_ref: new_external_ref(),
        biometric_data: BiometricData::from_pid(&pid),
    };
    drop(pid);

    // 7. Ledger first, then the chargeable call.
    let owner = crate::platform::process::identity(std::process::id());
    let new = NewAttempt {
        external_ref: req.external_ref.clone(),
        owner_pid: owner.as_ref().map(|o| o.pid),
        owner_started: owner.map(|o| o.started),
        dp_id: req.biometric_data.dp_id.clone(),
        mi: req.biometric_data.mi.clone(),
        srno: req.biometric_data.srno.clone(),
        q_score: req.biometric_data.q_score.clone(),
        nm_points: req.biometric_data.nm_points.clone(),
        ci,
    };
    ledger.begin(&new, clock.now())?;
    progress.step(&Msg::new("login-sending").arg("attempt", new.external_ref.clone()));
    let sent = api.login(&req, &params.aadhaar).await;
    drop(req);
    let now = clock.now();
    let (outcome, shared_from) = match sent {
        Ok(s) => (s.outcome, s.shared_from),
        Err(e) if e.nothing_sent() => {
            ledger.finish(
                &new.external_ref,
                &Outcome {
                    state: AttemptState::Rejected,
                    statuscode: None,
                    actcode: None,
                    ipay_uuid: None,
                    message: Some(format!("not sent: {e}")),
                    charged: Some(false),
                    pool: None,
                    biometric_decline: false,
                },
                now,
            )?;
            return Err(LoginError::NotSent(e));
        }
        Err(e) => (
            LoginOutcome::Unknown {
                reason: e.to_string(),
            },
            None,
        ),
    };
    let mut recorded = Outcome::of(&outcome);
    if let Some(first) = &shared_from {
        recorded.charged = Some(false);
        recorded.pool = None;
        recorded.message = Some(format!(
            "logged in by another computer of this outlet (attempt {first}); not charged"
        ));
    }
    ledger.finish(&new.external_ref, &recorded, now)?;
    let attempt = ledger
        .get(&new.external_ref)?
        .ok_or_else(|| LedgerError::NoSuchAttempt(new.external_ref.clone()))?;
    if matches!(outcome, LoginOutcome::LoggedIn { .. }) {
        if pinned.as_ref().map(|p| &p.device) != Some(&device) {
            ledger.pin_device(&device, now)?;
            progress.step(&Msg::new("login-device-pinned").arg("device", device.to_string()));
        }
        // Where it answered: tried first tomorrow.
        if let Some(port) = scanner.port()
            && pinned.as_ref().and_then(|p| p.rd_port) != Some(port)
        {
            ledger.set_pinned_port(port)?;
        }
    }
    match outcome {
        LoginOutcome::LoggedIn { .. } => Ok(LoginReport {
            result: LoginResult::LoggedIn,
            expires_at: next_ist_midnight(now),
            attempt: Some(attempt),
            resolved,
        }),
        LoginOutcome::LoginRequired { .. } => Err(LoginError::Mismatch(Box::new(attempt))),
        LoginOutcome::Rejected {
            statuscode,
            message,
            ..
        } => Err(LoginError::Rejected {
            message: format!("{statuscode} ({}): {message}", statuscode.meaning()),
            attempt: Box::new(attempt),
        }),
        LoginOutcome::Unknown { reason } => Err(LoginError::Unknown {
            reason,
            attempt: Box::new(attempt),
        }),
    }
}

/// The device a capture came from, as the ledger pins it.
fn device_of(pid: &PidData) -> Device {
    use sha2::Digest;
    let di = &pid.device_info;
    Device {
        dp_id: di.dp_id.trim().to_string(),
        mi: di.mi.trim().to_string(),
        srno: pid.srno().trim().to_string(),
        mc_sha256: hex::encode(sha2::Sha256::digest(di.mc.trim().as_bytes())),
    }
}

/// A floor of 0 turns the check off; a device that reports no number is let through (some
/// older services leave the attribute out) rather than blocking every login.
fn below_floor(value: Option<u32>, floor: u32) -> bool {
    matches!(value, Some(v) if v < floor)
}

/// Did one of OUR attempts log in today? (A status check saying LOGGEDIN never reaches here.)
fn logged_in_today_by_attempt(ledger: &Ledger, now: DateTime<Utc>) -> Result<bool, LedgerError> {
    let today = ist_date(now);
    Ok(ledger
        .all()?
        .iter()
        .rev()
        .take_while(|a| ist_date(a.created_at) == today)
        .any(|a| a.state == AttemptState::LoggedIn))
}

/// What settling found: the attempts it settled, and the youngest one it had to leave open,
/// with how long until it may be judged.
struct Settled {
    resolved: Vec<Attempt>,
    waiting: Option<(String, chrono::Duration)>,
}

/// Settle the attempts left without an outcome. Only today's can be judged by today's status.
/// `LOGGEDIN`: the latest of today's is the one that went through (logged in, charged).
/// `LOGINREQUIRED`: an attempt older than `window` at `asked_at` did not log in (its charge
/// stays unknown); a younger one is left open, since InstantPay may still finish it.
fn settle(
    ledger: &mut Ledger,
    unresolved: &[Attempt],
    logged_in: bool,
    asked_at: DateTime<Utc>,
    window: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<Settled, LedgerError> {
    let today = ist_date(now);
    let latest_today = unresolved
        .iter()
        .rev()
        .find(|a| ist_date(a.created_at) == today)
        .map(|a| a.external_ref.clone());
    let mut out = Settled {
        resolved: Vec::new(),
        waiting: None,
    };
    for a in unresolved {
        let r = if ist_date(a.created_at) != today {
            Resolution::Stale
        } else if logged_in && latest_today.as_deref() == Some(a.external_ref.as_str()) {
            Resolution::LoggedIn
        } else if (logged_in || asked_at - a.created_at >= window) && !sender_runs(a) {
            Resolution::NotLoggedIn
        } else {
            // A live sender past the window: look again shortly.
            let wait = (window - (asked_at - a.created_at)).max(chrono::Duration::seconds(10));
            out.waiting = Some((a.external_ref.clone(), wait));
            continue;
        };
        ledger.resolve(&a.external_ref, r, now)?;
        if let Some(back) = ledger.get(&a.external_ref)? {
            out.resolved.push(back);
        }
    }
    Ok(out)
}

/// An attempt still `sending` whose process runs is mid-request: its outcome is its own to
/// record, whatever InstantPay says meanwhile. (Under the login lock this cannot happen for
/// another process; it guards against a lock that failed to hold.)
fn sender_runs(a: &Attempt) -> bool {
    if a.state != AttemptState::Sending {
        return false;
    }
    match (a.owner_pid, &a.owner_started) {
        (Some(pid), Some(started)) if pid != std::process::id() => {
            crate::platform::process::alive(&crate::platform::ProcessId {
                pid,
                started: started.clone(),
            })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
