//! Why a login did not end logged in, and what each reason means for the operator.

use crate::i18n::Msg;
use crate::ledger::{Attempt, LedgerError};
use instantpay::AadhaarError;
use instantpay::{ApiError, RequestError};

use super::{ScanError, lock};

/// A login that did not end logged in. Messages are operator sentences; none carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("{}", Msg::new("login-error-scan").arg("reason", .0.0.clone()).english())]
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
         processing it, and a new login now could be charged twice. This time nothing was sent, \
         and no money was taken. Run \
         `rd-agent login` again in {wait_secs} s"
    )]
    Settling {
        external_ref: String,
        wait_secs: i64,
    },
    #[error(
        "This scanner ({found}) is not the one this shop logged in with before ({pinned}). \
         Nothing was sent, and no money was taken. If the shop now uses this scanner, run `rd-agent login \
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
    pub(crate) fn msg(&self) -> Msg {
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
            LoginError::Lock(e) => e.msg(),
            LoginError::Request(e) => crate::i18n::errors::request_error(e),
            LoginError::Ledger(e) => e.msg(),
        }
    }

    /// The attempt this error is about, for printing the ledger line.
    pub(crate) fn attempt(&self) -> Option<&Attempt> {
        match self {
            LoginError::Mismatch(a) => Some(a),
            LoginError::Rejected { attempt, .. } | LoginError::Unknown { attempt, .. } => {
                Some(attempt)
            }
            LoginError::Scan(_)
            | LoginError::LowQuality { .. }
            | LoginError::NewDevice { .. }
            | LoginError::LocallyLoggedIn
            | LoginError::Status(_)
            | LoginError::NotSent(_)
            | LoginError::Settling { .. }
            | LoginError::Request(_)
            | LoginError::Aadhaar(_)
            | LoginError::WrongOperator { .. }
            | LoginError::KeyExpired { .. }
            | LoginError::DeclineGuard { .. }
            | LoginError::Ledger(_)
            | LoginError::Lock(_) => None,
        }
    }

    /// Whether this attempt was certainly not charged.
    pub(crate) fn nothing_charged(&self) -> bool {
        match self {
            LoginError::Mismatch(_) | LoginError::Unknown { .. } => false,
            LoginError::Rejected { attempt, .. } => attempt.charged == Some(false),
            // A ledger that failed may have failed after the request left (recording what
            // came back): whether it was charged is not known.
            LoginError::Ledger(_) => false,
            // Refused before anything was sent.
            LoginError::Scan(_)
            | LoginError::LowQuality { .. }
            | LoginError::NewDevice { .. }
            | LoginError::LocallyLoggedIn
            | LoginError::Status(_)
            | LoginError::NotSent(_)
            | LoginError::Settling { .. }
            | LoginError::Request(_)
            | LoginError::Aadhaar(_)
            | LoginError::WrongOperator { .. }
            | LoginError::KeyExpired { .. }
            | LoginError::DeclineGuard { .. }
            | LoginError::Lock(_) => true,
        }
    }
}
