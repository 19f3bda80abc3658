use std::path::Path;

/// No modes on Windows: the file's DACL is the administrator's to set.
pub(crate) fn shared_with_others(_path: &Path) -> bool {
    false
}

/// No SIGTERM on Windows; Ctrl-C is handled beside this.
pub async fn terminate() {
    std::future::pending::<()>().await
}

/// The database's folder's ACL decides who may read it on Windows.
pub fn make_private(_path: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// No SIGHUP on Windows: restart the service to read a new certificate.
pub struct Hangups;

impl Hangups {
    pub fn listen() -> Hangups {
        Hangups
    }

    pub async fn next(&mut self) {
        std::future::pending::<()>().await
    }
}

/// Windows has no per-process limit on sockets of this kind; the connection cap stands alone.
pub(crate) fn raise_open_files_limit() -> Option<u64> {
    None
}
