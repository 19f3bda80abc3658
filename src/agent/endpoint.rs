//! Where the service listens, and where every client looks for it: one answer for `run`,
//! `tray`, `status`, `login`, `doctor` and `service status`.
//!
//! In order: the explicit `--socket` (or `RD_AGENT_SOCKET`); the endpoint a running service
//! recorded in the state directory (so `--state-dir /var/lib/rd-agent` finds a service that
//! listens under `/run/rd-agent`); systemd's `RUNTIME_DIRECTORY` for the service itself; the
//! state directory's own `agent.sock`; the OS default.

use std::path::{Path, PathBuf};

use super::ipc::SOCKET_FILE;
use crate::platform;

/// The file in the state directory where the service records the endpoint it bound.
pub(crate) const ENDPOINT_FILE: &str = "endpoint";

/// Where a client should connect.
pub(crate) fn for_client(explicit: Option<&Path>, state_dir: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    let recorded_in = state_dir
        .map(Path::to_path_buf)
        .unwrap_or_else(platform::fs::system_state_dir);
    if let Some(p) = recorded(&recorded_in) {
        return p;
    }
    default_for(state_dir)
}

/// Where the service should listen.
pub(crate) fn for_service(explicit: Option<&Path>, state_dir: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if state_dir.is_none()
        && let Some(rt) = std::env::var_os("RUNTIME_DIRECTORY").filter(|d| !d.is_empty())
    {
        // systemd may list several directories separated by ':'; ours is the first.
        let rt = rt.to_string_lossy().into_owned();
        return PathBuf::from(rt.split(':').next().unwrap_or("")).join(SOCKET_FILE);
    }
    default_for(state_dir)
}

/// The service, once bound: record the endpoint for clients that know only the state dir.
pub(crate) fn record(state_dir: &Path, endpoint: &Path) -> std::io::Result<()> {
    std::fs::write(
        state_dir.join(ENDPOINT_FILE),
        endpoint.to_string_lossy().as_bytes(),
    )
}

/// The service, stopping: the record would point at nothing.
pub(crate) fn forget(state_dir: &Path) {
    let _ = std::fs::remove_file(state_dir.join(ENDPOINT_FILE));
}

fn recorded(state_dir: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(state_dir.join(ENDPOINT_FILE)).ok()?;
    let line = text.lines().next()?.trim();
    (!line.is_empty() && line.len() < 4096).then(|| PathBuf::from(line))
}

fn default_for(state_dir: Option<&Path>) -> PathBuf {
    match state_dir {
        Some(dir) => dir.join(SOCKET_FILE),
        None => platform::ipc::default_socket(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_then_recorded_then_state_dir() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path();
        let x = Path::new("/elsewhere/x.sock");
        assert_eq!(for_client(Some(x), Some(state)), x);
        assert_eq!(for_client(None, Some(state)), state.join(SOCKET_FILE));
        record(state, Path::new("/run/rd-agent/agent.sock")).unwrap();
        assert_eq!(
            for_client(None, Some(state)),
            Path::new("/run/rd-agent/agent.sock")
        );
        assert_eq!(for_client(Some(x), Some(state)), x);
        forget(state);
        assert_eq!(for_client(None, Some(state)), state.join(SOCKET_FILE));
        std::fs::write(state.join(ENDPOINT_FILE), "\n").unwrap();
        assert_eq!(for_client(None, Some(state)), state.join(SOCKET_FILE));
    }
}
