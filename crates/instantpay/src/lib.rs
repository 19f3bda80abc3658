//! InstantPay API client (docs/instantpay.md). Knows nothing of the agent.
//!
//! The modules are private: what other crates use is re-exported here, and face liveness is
//! its own facade, [`liveness`].

mod aadhaar;
mod attempt;
mod biometric;
mod client;
mod codes;
mod coordinate;
mod envelope;
mod error;
pub mod liveness;
mod pool;
mod reply;
mod request;
mod secret;
mod transport;
mod uidai;
mod uidai_key;

pub use aadhaar::{
    Aadhaar, AadhaarError, DEMO_AADHAAR, KEY_LEN, verhoeff_check_digit, verhoeff_valid,
};
pub use attempt::{AttemptState, OutcomeRecord, UnknownAttemptState, min_settle_window_secs};
pub use biometric::BiometricData;
pub use client::{
    Client, ClientConfig, DEFAULT_BASE_URL, HEADER_AUTH_CODE, HEADER_CLIENT_ID,
    HEADER_CLIENT_SECRET, HEADER_ENDPOINT_IP, HEADER_OUTLET_ID, PATH_LOGIN, PATH_LOGIN_STATUS,
    check_base_url, check_url, scrub_text,
};
pub use codes::{ActCode, StatusCode};
pub use coordinate::{Latitude, Longitude};
pub use envelope::{Envelope, EnvelopeError, EnvelopeMeta, parse_envelope};
pub use error::ApiError;
pub use pool::{Amount, Pool};
pub use reply::{DECLINE_LIMIT, LoginOutcome, LoginStatus, interpret_login, interpret_status};
pub use request::{
    DAILY_LOGIN, OutletLoginRequest, RequestError, new_external_ref, valid_external_ref,
    validate_coordinates,
};
pub use secret::Secret;
pub use transport::{Exchange, Transport};
pub use uidai::UidaiCode;
pub use uidai_key::KeyCheck;
