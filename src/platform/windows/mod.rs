//! The windows side of [`crate::platform`].

mod eventlog;
pub mod fs;
pub mod ipc;
pub mod locale;
pub mod net;
pub mod process;
pub mod runtime;
pub mod seal;
pub mod service;
mod sid;
mod token;
pub mod tray;
