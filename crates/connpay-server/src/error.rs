//! The specification's fail response: `{"error": {"cause", "code", "message"}}`, plus the
//! `invoiceId` on check. Messages are fixed sentences: never a stack trace, a secret, the
//! caller's input or an internal detail.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// `error.cause` of the specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Cause {
    Filtered,
    InvalidRequest,
    ServerFailed,
    ServerUnavailable,
}

/// Every refusal this server gives. Each maps to one HTTP status, one cause and one code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    #[error("The request body is not well-formed JSON.")]
    MalformedJson,
    #[error("The query string is not well-formed: a broken %-escape or text that is not UTF-8.")]
    MalformedQuery,
    #[error("A field has the wrong type or the body has the wrong shape.")]
    WrongShape,
    #[error("A text field holds a NUL character, which is not accepted.")]
    NulCharacter,
    #[error("The request body is larger than this server accepts.")]
    BodyTooLarge,
    #[error("The request body names the same field twice in one object.")]
    DuplicateKey,
    #[error("The request body must be JSON, sent with Content-Type: application/json.")]
    UnsupportedMediaType,
    #[error("The request body did not arrive in time.")]
    BodyTimedOut,
    /// The name of the missing field (a fixed path such as `session.nonce`, never input).
    #[error("A required field is missing: {0}.")]
    MissingField(&'static str),
    /// The field outside the specification's limits, and the rule it breaks.
    #[error("The field {0} is invalid: {1}.")]
    InvalidField(&'static str, &'static str),
    #[error("The access token is unknown, expired or issued for another device.")]
    AccessDenied,
    #[error("No verification session exists for this invoice.")]
    UnknownInvoice,
    #[error("The verification session has expired; start a new verification.")]
    SessionExpired,
    #[error("The verification data does not match what this server issued.")]
    Mismatch,
    #[error("This verification was already checked with a different token.")]
    TokenConflict,
    #[error("This verification is already mapped to a different card.")]
    CardConflict,
    #[error("The callback's control value does not match.")]
    ControlMismatch,
    #[error("Too many requests; slow down and retry later.")]
    RateLimited,
    /// `--check-allow` does not include the caller, or the operations guard refused it
    /// (crates/server-base, ops.rs).
    #[error("This call is not accepted from your address.")]
    AddressNotAllowed,
    #[error("The request took too long; retry later.")]
    DeadlineExceeded,
    #[error("The server could not complete the request; retry later.")]
    StoreFailed,
    #[error("No such endpoint.")]
    NotFound,
    #[error("This endpoint does not accept this method.")]
    MethodNotAllowed,
}

impl ReplyError {
    pub fn status(&self) -> StatusCode {
        match self {
            ReplyError::MalformedJson
            | ReplyError::MalformedQuery
            | ReplyError::WrongShape
            | ReplyError::NulCharacter
            | ReplyError::MissingField(_)
            | ReplyError::InvalidField(..)
            | ReplyError::DuplicateKey => StatusCode::BAD_REQUEST,
            ReplyError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ReplyError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ReplyError::BodyTimedOut => StatusCode::REQUEST_TIMEOUT,
            ReplyError::AccessDenied => StatusCode::UNAUTHORIZED,
            ReplyError::UnknownInvoice => StatusCode::NOT_FOUND,
            ReplyError::SessionExpired
            | ReplyError::Mismatch
            | ReplyError::ControlMismatch
            | ReplyError::AddressNotAllowed => StatusCode::FORBIDDEN,
            ReplyError::TokenConflict | ReplyError::CardConflict => StatusCode::CONFLICT,
            ReplyError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ReplyError::DeadlineExceeded => StatusCode::SERVICE_UNAVAILABLE,
            ReplyError::StoreFailed => StatusCode::INTERNAL_SERVER_ERROR,
            ReplyError::NotFound => StatusCode::NOT_FOUND,
            ReplyError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    pub fn cause(&self) -> Cause {
        match self {
            ReplyError::MalformedJson
            | ReplyError::MalformedQuery
            | ReplyError::WrongShape
            | ReplyError::NulCharacter
            | ReplyError::BodyTooLarge
            | ReplyError::DuplicateKey
            | ReplyError::UnsupportedMediaType
            | ReplyError::BodyTimedOut
            | ReplyError::MissingField(_)
            | ReplyError::InvalidField(..)
            | ReplyError::NotFound
            | ReplyError::MethodNotAllowed => Cause::InvalidRequest,
            ReplyError::AccessDenied
            | ReplyError::UnknownInvoice
            | ReplyError::SessionExpired
            | ReplyError::Mismatch
            | ReplyError::TokenConflict
            | ReplyError::CardConflict
            | ReplyError::ControlMismatch
            | ReplyError::RateLimited
            | ReplyError::AddressNotAllowed => Cause::Filtered,
            ReplyError::StoreFailed => Cause::ServerFailed,
            ReplyError::DeadlineExceeded => Cause::ServerUnavailable,
        }
    }

    /// `error.code`: stable, machine-readable.
    pub fn code(&self) -> &'static str {
        match self {
            ReplyError::MalformedJson => "MALFORMED_JSON",
            ReplyError::MalformedQuery => "MALFORMED_QUERY",
            ReplyError::WrongShape => "WRONG_SHAPE",
            ReplyError::BodyTooLarge => "BODY_TOO_LARGE",
            ReplyError::DuplicateKey => "DUPLICATE_KEY",
            ReplyError::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            ReplyError::BodyTimedOut => "BODY_TIMEOUT",
            ReplyError::MissingField(_) => "MISSING_FIELD",
            ReplyError::InvalidField(..) | ReplyError::NulCharacter => "INVALID_FIELD",
            ReplyError::AccessDenied => "ACCESS_DENIED",
            ReplyError::UnknownInvoice => "UNKNOWN_INVOICE",
            ReplyError::SessionExpired => "SESSION_EXPIRED",
            ReplyError::Mismatch => "VERIFICATION_MISMATCH",
            ReplyError::TokenConflict => "TOKEN_CONFLICT",
            ReplyError::CardConflict => "CARD_CONFLICT",
            ReplyError::ControlMismatch => "CONTROL_MISMATCH",
            ReplyError::RateLimited => "RATE_LIMITED",
            ReplyError::AddressNotAllowed => "ADDRESS_NOT_ALLOWED",
            ReplyError::DeadlineExceeded => "DEADLINE_EXCEEDED",
            ReplyError::StoreFailed => "SERVER_FAILED",
            ReplyError::NotFound => "NOT_FOUND",
            ReplyError::MethodNotAllowed => "METHOD_NOT_ALLOWED",
        }
    }

    /// The response, with the `invoiceId` when the refusal concerns a check.
    pub fn into_response_for(self, invoice_id: Option<&str>) -> Response {
        let body = FailBody {
            invoice_id,
            error: ErrorBody {
                cause: self.cause(),
                code: self.code(),
                message: self.to_string(),
            },
        };
        (self.status(), Json(body)).into_response()
    }
}

impl IntoResponse for ReplyError {
    fn into_response(self) -> Response {
        self.into_response_for(None)
    }
}

#[derive(Serialize)]
struct FailBody<'a> {
    #[serde(rename = "invoiceId", skip_serializing_if = "Option::is_none")]
    invoice_id: Option<&'a str>,
    error: ErrorBody,
}

#[derive(Serialize)]
struct ErrorBody {
    cause: Cause,
    code: &'static str,
    message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_request_is_400_and_messages_are_fixed() {
        let e = ReplyError::InvalidField("session.nonce", "32 to 128 characters");
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        assert_eq!(e.cause(), Cause::InvalidRequest);
        assert_eq!(
            e.to_string(),
            "The field session.nonce is invalid: 32 to 128 characters."
        );
        assert_eq!(
            serde_json::to_string(&Cause::ServerUnavailable).unwrap(),
            "\"SERVER_UNAVAILABLE\""
        );
    }
}
