//! rd-relay: the platform's login relay (docs/relay.md). It holds the platform's InstantPay
//! client id, client secret and encryption key, and an outlet registry; shop PCs hold a device
//! token each. Every login of an outlet goes through one claim per IST day in the database,
//! so an outlet is charged once however many PCs and relay instances it has, and only for a
//! login that can succeed while the outlet is not held by a guard (`guard`).

pub mod cli;
pub mod demo;
pub mod enrol;
pub mod fleet;
pub mod guard;
pub mod http;
pub mod login;
pub mod metrics;
pub mod refusal;
mod relay;
pub mod store;

pub use relay::{Relay, Settings};
