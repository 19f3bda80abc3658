//! The linux side of [`crate::platform`].

pub(crate) mod fs;
pub(crate) mod ipc;
pub(crate) mod locale;
pub(crate) mod net;
pub(crate) mod process;
pub(crate) mod runtime;
pub(crate) mod seal;
pub(crate) mod service;
