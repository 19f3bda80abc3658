use std::path::Path;

/// No modes on Windows: the file's DACL is the administrator's to set.
pub fn shared_with_others(_path: &Path) -> bool {
    false
}

/// No SIGTERM on Windows; Ctrl-C is handled beside this.
pub async fn terminate() {
    std::future::pending::<()>().await
}
