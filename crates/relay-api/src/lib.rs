//! The login relay's protocol (docs/relay.md): an agent in relay mode holds a device token
//! instead of the platform's InstantPay credentials, and the relay adds those and forwards.
//!
//! This crate is the wire format both sides share and the agent's client. It knows nothing of
//! the agent or of the relay's storage: the agent depends on it without pulling in PostgreSQL.
//! The modules are private; what the agent, the relay and the fuzz targets use is here.

mod client;
mod wire;

pub use client::{RelayClient, enroll, interpret_login_reply, interpret_reply};
pub use wire::{
    AttemptReply, EnrollReply, EnrollRequest, LoginReply, LoginRequest, MAX_REPLY_BYTES,
    MAX_REQUEST_BYTES, PATH_ATTEMPTS, PATH_ENROLL, PATH_LOGIN, PATH_STATUS, Refusal, TOKEN_BYTES,
    TOKEN_PREFIX, codes,
};
