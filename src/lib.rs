//! rd-agent, the agent product: the daily AePS biometric login as a command, a service and a
//! tray. The protocols live in their own crates (`rd`, `instantpay`, `sandbox`); this crate
//! orchestrates them: `login` is the use case behind small traits, `agent` the service runtime,
//! `tray` the per-user process, `service` the OS registration, `cli` the commands.

// First, so that its `outln!` and the like are in scope in every module below.
#[macro_use]
mod console;

pub mod agent;
pub mod cli;
pub mod config;
pub mod devices;
mod fs;
pub mod i18n;
pub mod ledger;
pub mod login;
pub mod platform;
pub mod service;
pub mod tray;
