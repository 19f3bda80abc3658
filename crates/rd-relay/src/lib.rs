//! rd-relay: the platform's login relay (docs/relay.md). It holds the platform's InstantPay
//! client id, client secret and encryption key, and an outlet registry; shop PCs hold a device
//! token each. Every login of an outlet goes through one claim per IST day in the database,
//! so an outlet is charged once however many PCs and relay instances it has, and only for a
//! login that can succeed while the outlet is not held by a guard (`guard`).
//!
//! The modules are private: what the binary, the tests, the benches and the agent's fleet-mode
//! tests use is re-exported here.

mod cli;
mod demo;
mod enrol;
mod fleet;
mod guard;
mod http;
mod login;
mod metrics;
mod refusal;
mod relay;
mod store;

pub use cli::main;
pub use demo::start as start_demo;
pub use enrol::{issue_code, new_token};
pub use fleet::{report as fleet_report, today as fleet_today};
pub use http::serve_on_loopback;
pub use login::{check_request, day_of, recorded_outcome};
pub use relay::{Relay, Settings};
pub use store::{AttemptRecord, Device, Lift, LiftWhat, Outlet, Store, digest};
