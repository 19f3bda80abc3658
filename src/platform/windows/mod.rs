//! The windows side of [`crate::platform`].

mod eventlog;
pub(crate) mod fs;
pub(crate) mod ipc;
pub(crate) mod locale;
pub(crate) mod net;
mod operators;
pub(crate) mod process;
pub(crate) mod runtime;
pub(crate) mod seal;
pub(crate) mod service;
mod sid;
mod token;
