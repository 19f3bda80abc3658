//! rd-agent, the agent product: the daily AePS biometric login as a command and a service. The
//! protocols live in their own crates (`rd`, `instantpay`, `sandbox`); this crate orchestrates
//! them: `login` is the use case behind small traits, `agent` the service runtime, `service`
//! the OS registration, `cli` the commands. The per-user tray is crates/tray, a client of the
//! service built on this crate (its desktop libraries stay out of the command line's build).

// First, so that its `outln!` and the like are in scope in every module below.
#[macro_use]
mod console;

// Each room's own file says what it shows to the tests, benches and fuzz targets (`pub use`);
// the rest is the crate's own (`pub(crate)`), so the compiler reports what nothing uses.
pub mod agent;
pub mod cli;
pub mod config;
pub mod devices;
pub(crate) mod fs;
pub mod i18n;
pub mod ledger;
pub mod login;
pub mod page_link;
pub(crate) mod platform;
pub(crate) mod service;
pub mod setup;

/// The process that runs `pid` and when it started, as the ledger records a sender
/// (src/platform, `ProcessId`).
pub use platform::process::identity as process_identity;
