//! Why a call to InstantPay gave no usable answer, and whether it certainly did not leave this
//! machine: the client, the transport and the reader of replies all answer with it.

use crate::codes::{ActCode, StatusCode};
use crate::envelope::EnvelopeError;
use crate::request::RequestError;

/// A call that did not give a usable answer. Messages never carry the secret, the key, the
/// Aadhaar or biometric fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("InstantPay client settings: {0}")]
    Config(String),
    #[error("The login was not sent (nothing charged): {0}")]
    Request(#[from] RequestError),
    #[error(
        "Could not connect to InstantPay at {base_url} ({reason}): check the network and \
         instantpay.base_url. Nothing was sent, and no money was taken."
    )]
    Connect { base_url: String, reason: String },
    #[error(
        "InstantPay at {base_url} gave no answer ({reason}): the request may have been received; \
         try again later."
    )]
    NoAnswer { base_url: String, reason: String },
    #[error("{error} (HTTP {http_status})")]
    Reply {
        http_status: u16,
        error: EnvelopeError,
    },
    #[error("InstantPay refused the request: {statuscode} ({meaning}): {message}", meaning = statuscode.meaning())]
    Rejected {
        statuscode: StatusCode,
        actcode: Option<ActCode>,
        message: String,
    },
    /// A login relay (docs/relay.md) between this machine and InstantPay refused the call
    /// before forwarding it: `code` is the relay's (`DEVICE_REVOKED`, `RATE_LIMITED`, ...).
    #[error(
        "The login relay refused the call ({code}): {message} Nothing was sent, and no money was taken."
    )]
    Relay { code: String, message: String },
    #[error(
        "InstantPay answered {statuscode}/{actcode} to {call}, which rd-agent does not \
         understand: quote these codes to InstantPay support."
    )]
    Unexpected {
        call: &'static str,
        statuscode: StatusCode,
        actcode: String,
    },
}

impl ApiError {
    /// True when the request certainly did not leave this machine.
    pub fn nothing_sent(&self) -> bool {
        matches!(
            self,
            ApiError::Config(_)
                | ApiError::Request(_)
                | ApiError::Connect { .. }
                | ApiError::Relay { .. }
        )
    }
}
