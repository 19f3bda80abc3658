//! A process's identity on Linux: its pid and its start time (field 22 of /proc/PID/stat,
//! clock ticks since boot), so a later process that is given the same pid is not taken for it;
//! and handing this process over to another program.

use crate::platform::ProcessId;

/// The identity of the process `pid`, while it runs.
pub fn identity(pid: u32) -> Option<ProcessId> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    Some(ProcessId {
        pid,
        started: format!("ticks:{}", start_ticks(&stat)?),
    })
}

/// Whether the process `id` names still runs. A hardened unit's ProtectProc=invisible hides
/// other users' processes: one of those reads as gone (the login lock, not this check, is what
/// keeps two logins apart: src/login/lock.rs).
pub(crate) fn alive(id: &ProcessId) -> bool {
    identity(id.pid).is_some_and(|now| now.started == id.started)
}

/// Field 22 of a stat line. The name (field 2) is in parentheses and may hold spaces or
/// parentheses itself, so the count starts after its last ')'.
fn start_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    // Fields 3.. follow; field 22 is the 20th of them.
    after_name.split_whitespace().nth(19)?.parse().ok()
}

/// Become `program` with `args` (exec): the pid, the terminal and the parent stay, so a
/// desktop's autostart entry that runs `rd-agent tray` holds the tray itself. Returns only
/// when the program could not be started.
pub(crate) fn hand_over(program: &std::path::Path, args: &[std::ffi::OsString]) -> std::io::Error {
    use std::os::unix::process::CommandExt as _;
    std::process::Command::new(program).args(args).exec()
}

/// Start `program` with `args` apart from this process: a session of its own (no terminal, so
/// closing the terminal does not end it) and no stdio. Its pid.
pub(crate) fn spawn_detached(
    program: &std::path::Path,
    args: &[std::ffi::OsString],
) -> std::io::Result<u32> {
    use std::os::unix::process::CommandExt as _;
    use std::process::Stdio;
    let mut cmd = std::process::Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: setsid is async-signal-safe and touches no memory of this process; it runs in
    // the child between fork and exec, as pre_exec requires.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = cmd.spawn()?;
    let pid = child.id();
    // Reaped by a thread, so a long-lived caller leaves no zombie behind.
    std::thread::spawn(move || {
        let mut child = child;
        let _ = child.wait();
    });
    Ok(pid)
}

/// Open `url` in the desktop's default browser (xdg-open).
pub(crate) fn open_url(url: &str) -> std::io::Result<()> {
    use std::process::Stdio;
    let mut child = std::process::Command::new("xdg-open")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_time_is_read_past_a_name_with_spaces_and_parentheses() {
        let stat = "4242 (rd (agent) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 3 0 987654 12345 678";
        assert_eq!(start_ticks(stat), Some(987654));
        assert_eq!(start_ticks("4242 (short) S 1 2"), None);
        assert_eq!(start_ticks("garbage"), None);
    }

    #[test]
    fn this_process_is_alive_and_a_changed_start_time_is_not() {
        let me = identity(std::process::id()).unwrap();
        assert!(alive(&me));
        let reused = ProcessId {
            started: "ticks:1".into(),
            ..me.clone()
        };
        assert!(!alive(&reused));
    }
}
