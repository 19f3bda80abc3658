//! A process's identity on Windows: its pid and its creation time (GetProcessTimes), so a
//! later process that is given the same pid is not taken for it; and handing this process
//! over to another program.

use windows_sys::Win32::Foundation::{CloseHandle, FILETIME, HANDLE};
use windows_sys::Win32::System::Threading::{
    GetExitCodeProcess, GetProcessTimes, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION,
};

use crate::platform::ProcessId;

/// GetExitCodeProcess's answer for a process that has not exited.
const STILL_ACTIVE: u32 = 259;

/// The identity of the process `pid`, while it runs.
pub fn identity(pid: u32) -> Option<ProcessId> {
    let h = Handle::open(pid)?;
    if !h.running() {
        return None;
    }
    Some(ProcessId {
        pid,
        started: format!("filetime:{}", h.created()?),
    })
}

/// The program the process `pid` runs (`QueryFullProcessImageNameW`).
pub(crate) fn image(pid: u32) -> Option<std::path::PathBuf> {
    use std::os::windows::ffi::OsStringExt as _;
    use windows_sys::Win32::System::Threading::{PROCESS_NAME_WIN32, QueryFullProcessImageNameW};
    let h = Handle::open(pid)?;
    let mut buf = vec![0u16; 1024];
    let mut len = buf.len() as u32;
    // SAFETY: a valid process handle and a buffer of `len` UTF-16 units.
    let ok =
        unsafe { QueryFullProcessImageNameW(h.0, PROCESS_NAME_WIN32, buf.as_mut_ptr(), &mut len) };
    (ok != 0).then(|| std::ffi::OsString::from_wide(&buf[..len as usize]).into())
}

/// Whether the process `id` names still runs.
pub(crate) fn alive(id: &ProcessId) -> bool {
    identity(id.pid).is_some_and(|now| now.started == id.started)
}

/// Run `program` with `args` in this one's place: Windows has no exec, so start it, let go of
/// this console (started from the Startup folder, `rd-agent.exe` gets a console window that
/// would stay open beside a GUI program such as the tray), wait, and exit with its code.
/// Returns only when the program could not be started.
pub(crate) fn hand_over(program: &std::path::Path, args: &[std::ffi::OsString]) -> std::io::Error {
    let mut child = match std::process::Command::new(program).args(args).spawn() {
        Ok(child) => child,
        Err(e) => return e,
    };
    // SAFETY: FreeConsole has no preconditions; failing (no console) is fine.
    unsafe {
        windows_sys::Win32::System::Console::FreeConsole();
    }
    let code = child.wait().ok().and_then(|s| s.code()).unwrap_or(1);
    std::process::exit(code)
}

/// Start `program` with `args` apart from this process: no console, a process group of its
/// own, no stdio. Its pid.
pub(crate) fn spawn_detached(
    program: &std::path::Path,
    args: &[std::ffi::OsString],
) -> std::io::Result<u32> {
    use std::os::windows::process::CommandExt as _;
    use std::process::Stdio;
    use windows_sys::Win32::System::Threading::{CREATE_NEW_PROCESS_GROUP, DETACHED_PROCESS};
    let child = std::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .creation_flags(DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP)
        .spawn()?;
    Ok(child.id())
}

/// Open `url` in the user's default browser (the shell's "open" verb).
pub(crate) fn open_url(url: &str) -> std::io::Result<()> {
    use windows_sys::Win32::UI::Shell::ShellExecuteW;
    use windows_sys::Win32::UI::WindowsAndMessaging::SW_SHOWNORMAL;
    let wide = |s: &str| s.encode_utf16().chain(Some(0)).collect::<Vec<u16>>();
    let (verb, file) = (wide("open"), wide(url));
    // SAFETY: both strings are NUL-terminated and outlive the call; the other pointers may
    // be null.
    let r = unsafe {
        ShellExecuteW(
            std::ptr::null_mut(),
            verb.as_ptr(),
            file.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            SW_SHOWNORMAL,
        )
    };
    // A value above 32 is success.
    if r as usize > 32 {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "ShellExecute returned {}",
            r as usize
        )))
    }
}

struct Handle(HANDLE);

impl Handle {
    fn open(pid: u32) -> Option<Handle> {
        // SAFETY: OpenProcess has no preconditions; a null handle is checked below.
        let h = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
        (!h.is_null()).then_some(Handle(h))
    }

    fn running(&self) -> bool {
        let mut code = 0u32;
        // SAFETY: a valid process handle and a writable u32.
        unsafe { GetExitCodeProcess(self.0, &mut code) != 0 && code == STILL_ACTIVE }
    }

    fn created(&self) -> Option<u64> {
        let zero = FILETIME {
            dwLowDateTime: 0,
            dwHighDateTime: 0,
        };
        let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
        // SAFETY: a valid process handle and four writable FILETIMEs.
        let ok = unsafe {
            GetProcessTimes(self.0, &mut created, &mut exited, &mut kernel, &mut user) != 0
        };
        ok.then(|| (u64::from(created.dwHighDateTime) << 32) | u64::from(created.dwLowDateTime))
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from OpenProcess and is closed once.
        unsafe { CloseHandle(self.0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_changed_start_time_is_not() {
        let me = identity(std::process::id()).unwrap();
        assert!(alive(&me));
        let reused = ProcessId {
            started: "filetime:1".into(),
            ..me.clone()
        };
        assert!(!alive(&reused));
        let me = std::fs::canonicalize(std::env::current_exe().unwrap()).unwrap();
        let seen = std::fs::canonicalize(image(std::process::id()).unwrap()).unwrap();
        assert_eq!(seen, me);
    }
}
