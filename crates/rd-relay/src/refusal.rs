//! What a refused call answers: an HTTP status and a [`relay_api::Refusal`].

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relay_api::{Refusal, codes};

use crate::store::StoreError;

#[derive(Debug, Clone)]
pub struct Refuse {
    pub code: &'static str,
    pub message: String,
}

impl Refuse {
    pub fn new(code: &'static str, message: &str) -> Refuse {
        Refuse {
            code,
            message: message.chars().take(300).collect(),
        }
    }

    pub fn bad_request(message: &str) -> Refuse {
        Refuse::new(codes::BAD_REQUEST, message)
    }

    fn http(&self) -> StatusCode {
        match self.code {
            codes::DEVICE_UNKNOWN | codes::DEVICE_REVOKED => StatusCode::UNAUTHORIZED,
            codes::CODE_INVALID => StatusCode::FORBIDDEN,
            codes::RATE_LIMITED => StatusCode::TOO_MANY_REQUESTS,
            codes::OUTLET_BUSY | codes::SETTLING => StatusCode::CONFLICT,
            // This capture cannot succeed as it is: another Aadhaar, another RD Service.
            codes::WRONG_OPERATOR | codes::KEY_EXPIRED => StatusCode::UNPROCESSABLE_ENTITY,
            // The outlet is held until the platform lifts it (or tomorrow, for the cap).
            codes::DECLINE_GUARD | codes::FAILURE_CAP => StatusCode::FORBIDDEN,
            codes::UPSTREAM => StatusCode::BAD_GATEWAY,
            codes::BAD_REQUEST => StatusCode::BAD_REQUEST,
            _ => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl From<StoreError> for Refuse {
    fn from(e: StoreError) -> Refuse {
        // The operator reads the reason in the log; the agent learns only that nothing was sent.
        tracing::error!(error = %e, "relay database");
        Refuse::new(
            codes::RELAY_FAILED,
            "the relay's database failed; nothing was sent",
        )
    }
}

impl IntoResponse for Refuse {
    fn into_response(self) -> Response {
        let status = self.http();
        (
            status,
            Json(Refusal {
                code: self.code.to_string(),
                message: self.message,
            }),
        )
            .into_response()
    }
}
