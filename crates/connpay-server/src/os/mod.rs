//! What differs between Unix and Windows for the server: file permissions and the stop signal.

#[cfg(unix)]
#[path = "unix.rs"]
mod imp;
#[cfg(windows)]
#[path = "windows.rs"]
mod imp;

pub use imp::*;
