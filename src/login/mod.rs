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

// States and outcomes are matched by name: a new one must be placed, not caught by `_`.
#![warn(clippy::wildcard_enum_match_arm)]

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::i18n::Msg;
use crate::ledger::{
    Attempt, AttemptState, Device, Ledger, LedgerError, NewAttempt, Outcome, Pinned,
};
use clock::{Clock, ist_date, next_ist_midnight};
use instantpay::KeyCheck;
use instantpay::{Aadhaar, AadhaarError};
use instantpay::{
    ApiError, BiometricData, LoginOutcome, LoginStatus, OutletLoginRequest, new_external_ref,
    validate_coordinates,
};
use rd::PidData;

pub(crate) mod assembly;
mod check;
pub(crate) mod countdown;
mod error;
pub(crate) mod live;
pub(crate) mod lock;

pub use assembly::{Assembled, AssemblyError, LoginFlags};
use check::check_locked;
pub(crate) use check::{Checked, check};
pub use countdown::Countdown;
pub use error::LoginError;
pub use live::{CAPTURE_TIMEOUT_MS, Direct, RdScanner};

/// Finds the RD Service and captures one finger.
pub trait Scanner {
    /// Look for the device ahead of the capture, while InstantPay is asked about today,
    /// trying `prefer` (where the shop's scanner answered last time) first. Finding nothing is
    /// not an error here: the capture looks again and says why.
    fn prepare(&mut self, _prefer: Option<u16>) -> impl Future<Output = ()> + Send {
        async {}
    }

    /// Find the device and capture. "Place your finger" is said here, once a device is
    /// found and the capture starts: said before, it sends the operator to a scanner that
    /// may not be there.
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
/// through the platform's relay (`live::Relayed`).
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
    pub(crate) outcome: LoginOutcome,
    /// The relay answered with another PC's login of this outlet today (that attempt's id):
    /// this attempt was not charged (docs/relay.md).
    pub(crate) shared_from: Option<String>,
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
    pub(crate) attempt: Option<Attempt>,
    /// Earlier `sending`/`unknown` attempts this run settled with outletLoginStatus.
    pub(crate) resolved: Vec<Attempt>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginResult {
    /// InstantPay already said LOGGEDIN: nothing was sent, nothing charged.
    AlreadyLoggedIn,
    /// This run's attempt logged in (charged).
    LoggedIn,
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

    // 3-4. What InstantPay and the ledger already say against sending.
    refuse_before_capture(ledger, &status, params, clock, now)?;

    // Checks that need no finger come first, so a bad config costs no capture.
    validate_coordinates(&params.latitude, &params.longitude).map_err(LoginError::Request)?;
    // An encryption now proves the key before the finger is asked for.
    api.check_aadhaar(&params.aadhaar)
        .map_err(LoginError::Aadhaar)?;

    // 5. Capture and the quality gate.
    let pid = capture(scanner, progress, params).await?;

    // The scanner: the one this shop logged in with before, or one accepted as new. (The
    // capture is free; nothing goes to InstantPay from a scanner nobody accepted.)
    let device = device_of(&pid);
    let pinned = ledger.pinned_device()?;
    confirm_scanner(pinned.as_ref(), &device, params, progress)?;

    let ci = check_uidai_key(&pid, &status, clock)?;

    // 6. Build (the API encrypts the Aadhaar as it sends).
    let req = OutletLoginRequest {
        latitude: params.latitude.clone(),
        longitude: params.longitude.clone(),
        external_ref: new_external_ref(),
        biometric_data: BiometricData::from_pid(&pid),
    };
    drop(pid);

    // 7. Ledger first, then the chargeable call.
    let (outcome, attempt, now) =
        send_and_record(api, ledger, clock, progress, params, req, ci).await?;
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
    report_of(outcome, attempt, resolved, now)
}

/// Step 7: the attempt is written `sending` before the request leaves, then finished with what
/// came back (docs/ledger.md). A request certainly not sent is recorded as such, uncharged.
async fn send_and_record<A: InstantPayApi>(
    api: &A,
    ledger: &mut Ledger,
    clock: &dyn Clock,
    progress: &dyn Progress,
    params: &LoginParams,
    req: OutletLoginRequest,
    ci: String,
) -> Result<(LoginOutcome, Attempt, DateTime<Utc>), LoginError> {
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
    Ok((outcome, attempt, now))
}

/// Steps 3 and 4: the local "already logged in", the operator InstantPay expects, and the
/// decline guard. Each refusal costs nothing: no finger, no request.
fn refuse_before_capture(
    ledger: &mut Ledger,
    status: &LoginStatus,
    params: &LoginParams,
    clock: &dyn Clock,
    now: DateTime<Utc>,
) -> Result<(), LoginError> {
    // The local check: only `force` skips it.
    if !params.force && logged_in_today_by_attempt(ledger, now)? {
        return Err(LoginError::LocallyLoggedIn);
    }

    // The operator InstantPay has on file: another person's Aadhaar is a charged mismatch.
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

    Ok(())
}

/// Step 5: the capture, refused below the configured quality floors.
async fn capture<S: Scanner>(
    scanner: &mut S,
    progress: &dyn Progress,
    params: &LoginParams,
) -> Result<PidData, LoginError> {
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

    Ok(pid)
}

/// The scanner: the one this shop logged in with before, or one accepted as new. (The
/// capture is free; nothing goes to InstantPay from a scanner nobody accepted.)
fn confirm_scanner(
    pinned: Option<&Pinned>,
    device: &Device,
    params: &LoginParams,
    progress: &dyn Progress,
) -> Result<(), LoginError> {
    if let Some(p) = pinned
        && !p.device.same_scanner(device)
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

    Ok(())
}

/// The UIDAI key: a PID encrypted with an expired one is refused by UIDAI, and charged.
/// Returns its `ci`, for the ledger.
fn check_uidai_key(
    pid: &PidData,
    status: &LoginStatus,
    clock: &dyn Clock,
) -> Result<String, LoginError> {
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

    Ok(pid.skey.ci.trim().to_string())
}

/// What the recorded outcome means for the caller.
fn report_of(
    outcome: LoginOutcome,
    attempt: Attempt,
    resolved: Vec<Attempt>,
    now: DateTime<Utc>,
) -> Result<LoginReport, LoginError> {
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

#[cfg(test)]
mod tests;
