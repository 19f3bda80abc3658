use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Group or others may read the file (a file of secrets should be 0600).
pub(crate) fn shared_with_others(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

/// SIGTERM; never completes where it cannot be listened for.
pub async fn terminate() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut s) => {
            s.recv().await;
        }
        Err(_) => std::future::pending::<()>().await,
    }
}

/// Creates `path` (if missing) readable and writable by its owner only, or takes the group's and
/// others' access away if it has any; true when an existing file was tightened. SQLite creates
/// a database's WAL and shared-memory files with the database file's mode.
pub fn make_private(path: &Path) -> std::io::Result<bool> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)?;
    let mode = std::fs::metadata(path)?.permissions().mode();
    if mode & 0o077 == 0 {
        return Ok(false);
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
    Ok(true)
}

/// SIGHUP, which asks the server to read its certificate again. Listening replaces the default
/// action (ending the process), so a stray SIGHUP never stops the server.
pub struct Hangups(Option<tokio::signal::unix::Signal>);

impl Hangups {
    pub fn listen() -> Hangups {
        use tokio::signal::unix::{SignalKind, signal};
        Hangups(signal(SignalKind::hangup()).ok())
    }

    pub async fn next(&mut self) {
        match &mut self.0 {
            Some(s) => {
                s.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    }
}

/// Raises the soft limit on open files to the hard one where it is lower, and returns the soft
/// limit in force afterwards (`None` when it cannot be read). Every connection is a file, so
/// the connection cap is kept below this (serve.rs); the default soft limit is often 1024.
pub(crate) fn raise_open_files_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct it is given, which lives on this stack.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return None;
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: setrlimit only reads the struct it is given. It fails (and changes nothing)
        // where the hard limit is above what the kernel allows (macOS's RLIM_INFINITY).
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit.rlim_cur = limit.rlim_max;
        }
    }
    #[allow(clippy::unnecessary_cast)] // rlim_t is u64 on Linux, not everywhere
    Some(limit.rlim_cur as u64)
}
