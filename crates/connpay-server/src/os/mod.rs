//! What differs between Unix and Windows for the server: file permissions and the stop
//! and reload signals.

#[cfg(unix)]
#[path = "unix.rs"]
mod imp;
#[cfg(windows)]
#[path = "windows.rs"]
mod imp;

pub use imp::*;
