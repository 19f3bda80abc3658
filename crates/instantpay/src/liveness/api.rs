//! The two calls: `createSession` and `getSessionResult`.

use serde::Serialize;
use serde_json::{Map, Value};

use super::types::{CreatedSession, ResultError, SessionResult, SessionStatus};
use crate::client::Client;
use crate::codes::StatusCode;
use crate::envelope::{Envelope, EnvelopeMeta};
use crate::error::ApiError;
use crate::request::{RequestError, valid_external_ref, validate_coordinates};

/// Path of `createSession`.
pub const PATH_CREATE_SESSION: &str = "/identity/faceLiveness/createSession";
/// Path of `getSessionResult`.
pub const PATH_SESSION_RESULT: &str = "/identity/faceLiveness/getSessionResult";

/// Why a face-liveness call gave no usable answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LivenessError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("The session was not created: {0}")]
    Request(#[from] RequestError),
    #[error(
        "The session id {0:?} cannot be right: it must be 1 to 128 printable characters. \
         Copy it again from `rd-agent liveness create`."
    )]
    SessionId(String),
    #[error("{0}")]
    Result(#[from] ResultError),
}

/// What `createSession` sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateSessionRequest {
    /// Decimal degrees, 4 to 6 decimals, inside India (as for the login).
    pub latitude: String,
    pub longitude: String,
    /// Unique, alphanumeric.
    #[serde(rename = "externalRef")]
    pub external_ref: String,
}

/// `POST /identity/faceLiveness/createSession`.
pub async fn create_session(
    client: &Client,
    req: &CreateSessionRequest,
) -> Result<(CreatedSession, EnvelopeMeta), LivenessError> {
    validate_coordinates(&req.latitude, &req.longitude)?;
    if !valid_external_ref(&req.external_ref) {
        return Err(RequestError::ExternalRef.into());
    }
    let env = client.post(PATH_CREATE_SESSION, req).await?;
    check_codes(&env)?;
    let data = env.data.clone().unwrap_or(Value::Null);
    Ok((CreatedSession::from_data(data)?, env.meta()))
}

/// `POST /identity/faceLiveness/getSessionResult`. Free to ask as often as needed.
pub async fn session_result(
    client: &Client,
    session_id: &str,
) -> Result<(SessionResult, EnvelopeMeta), LivenessError> {
    let id = session_id.trim();
    if id.is_empty() || id.len() > 128 || id.chars().any(char::is_control) {
        return Err(LivenessError::SessionId(id.chars().take(40).collect()));
    }
    let env = client
        .post(PATH_SESSION_RESULT, &serde_json::json!({ "sessionId": id }))
        .await?;
    // "Under process" with no data: the check is still running.
    if env.statuscode == StatusCode::Tup && env.data.is_none() {
        let mut extra = Map::new();
        extra.insert("statuscode".into(), Value::String("TUP".into()));
        return Ok((
            SessionResult {
                session_id: Some(id.to_string()),
                status: SessionStatus::InProgress,
                confidence: None,
                reference_image: None,
                audit_images: Vec::new(),
                extra,
            },
            env.meta(),
        ));
    }
    check_codes(&env)?;
    let data = env.data.clone().unwrap_or(Value::Null);
    Ok((SessionResult::from_data(data)?, env.meta()))
}

/// Only `TXN` carries a result; every other code is the API's refusal, reported verbatim.
fn check_codes(env: &Envelope) -> Result<(), ApiError> {
    if env.statuscode == StatusCode::Txn {
        return Ok(());
    }
    Err(ApiError::Rejected {
        statuscode: env.statuscode.clone(),
        actcode: env.actcode.clone(),
        message: env.status.clone(),
    })
}
