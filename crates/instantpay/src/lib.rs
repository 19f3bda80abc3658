//! InstantPay API client (docs/instantpay.md). Knows nothing of the agent.

pub mod aadhaar;
pub mod attempt;
pub mod biometric;
pub mod client;
pub mod codes;
pub mod coordinate;
pub mod envelope;
pub mod liveness;
pub mod pool;
pub mod request;
pub mod secret;
pub mod transport;
pub mod uidai;
pub mod uidai_key;

pub use attempt::{AttemptState, OutcomeRecord, min_settle_window_secs};
pub use biometric::BiometricData;
pub use client::{ApiError, Client, ClientConfig, LoginOutcome, LoginStatus};
pub use codes::{ActCode, StatusCode};
pub use coordinate::{Latitude, Longitude};
pub use envelope::{Envelope, EnvelopeError, EnvelopeMeta, parse_envelope};
pub use pool::{Amount, Pool};
pub use request::{OutletLoginRequest, RequestError, new_external_ref, validate_coordinates};
