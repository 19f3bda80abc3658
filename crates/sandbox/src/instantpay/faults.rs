//! The failures the sandbox can play on a path, for the failure tests.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode as Http;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::sync::Notify;

use super::handlers::envelope_at;
use super::state::SandboxState;

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

pub(super) async fn faults(State(st): State<SandboxState>, req: Request, next: Next) -> Response {
    let Some(fault) = st.fault_for(req.uri().path()) else {
        return next.run(req).await;
    };
    let kill = req.extensions().get::<KillSwitch>().cloned();
    // Read the whole request first: the server has received it, whatever happens next.
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, 4 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => return st.rpi("Invalid parameters: the body could not be read"),
    };
    let req = Request::from_parts(parts, Body::from(bytes));
    let hang_up = || async move {
        if let Some(k) = kill {
            k.0.notify_one();
        }
        std::future::pending::<Response>().await
    };
    match fault {
        Fault::Http500 => envelope_at(
            st.0.clock.now(),
            Http::INTERNAL_SERVER_ERROR,
            "ISE",
            None,
            "Internal server error",
            Value::Null,
            None,
        ),
        Fault::MalformedJson => {
            let _processed = next.run(req).await;
            (
                Http::OK,
                [("content-type", "application/json")],
                r#"{"statuscode":"TXN","actcode":"LOGG"#,
            )
                .into_response()
        }
        Fault::Slow(delay) => {
            let resp = next.run(req).await;
            tokio::time::sleep(delay).await;
            resp
        }
        Fault::DropConnection => hang_up().await,
        // Played by the login handler itself: the request is processed as usual.
        Fault::BiometricMismatch => next.run(req).await,
        Fault::DropAfterProcessing => {
            let _processed = next.run(req).await;
            hang_up().await
        }
    }
}
