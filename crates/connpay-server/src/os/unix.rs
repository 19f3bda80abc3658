use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Group or others may read the file (the control key file should be 0600).
pub fn shared_with_others(path: &Path) -> bool {
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
