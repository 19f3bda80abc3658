//! The login relay's protocol (docs/relay.md): an agent in relay mode holds a device token
//! instead of the platform's InstantPay credentials, and the relay adds those and forwards.
//!
//! This crate is the wire format both sides share and the agent's client. It knows nothing of
//! the agent or of the relay's storage: the agent depends on it without pulling in PostgreSQL.

pub mod client;
pub mod wire;

pub use client::{RelayClient, enroll};
pub use wire::*;
