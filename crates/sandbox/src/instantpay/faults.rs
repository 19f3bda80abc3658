//! The failures the sandbox can play on a path, for the failure tests.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

/// A failure the sandbox plays on every request to one path, until cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 500 with an `ISE` envelope; the request is not processed.
    Http500,
    /// The request is processed (a login is charged), then the reply is truncated JSON.
    MalformedJson,
    /// The request is processed at once; the reply comes after this delay.
    Slow(Duration),
    /// The request is read in full, then the connection is closed without a reply; the request
    /// is not processed.
    DropConnection,
    /// The request is processed (a login is charged), then the connection is closed without
    /// a reply: the case that must never be resubmitted blindly.
    DropAfterProcessing,
    /// Every login is processed as a finger that does not match the right Aadhaar: charged,
    /// `TXN`/`LOGINREQUIRED`, as the bank answers a dirty or wrong finger.
    BiometricMismatch,
}

/// Closes its connection when triggered: how [`Fault::DropConnection`] hangs up.
#[derive(Clone, Default)]
pub(super) struct KillSwitch(pub(super) Arc<Notify>);
