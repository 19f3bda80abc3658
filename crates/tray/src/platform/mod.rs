//! What differs between Linux and Windows for the tray, behind one API: the UI thread's
//! event loop, the folder opener and notifications. Each OS's code is in the file of its name
//! beside this one, with the same function names.

#[cfg(target_os = "linux")]
#[path = "linux.rs"]
mod os;
#[cfg(windows)]
#[path = "windows.rs"]
mod os;

pub(crate) use os::*;
