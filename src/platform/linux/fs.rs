//! Files on Linux: modes, and where the system service keeps its config and state.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// 0600 for a private file (secrets), 0644 otherwise.
pub(crate) fn file_mode(opts: &mut OpenOptions, private: bool) {
    opts.mode(if private { 0o600 } else { 0o644 });
}

/// 0700: the state directory holds the secrets, the ledger and the logs.
pub(crate) fn private_dir(b: &mut DirBuilder) {
    b.recursive(true).mode(0o700);
}

/// 0750 for the log directory: the service's group (support staff) may read the logs.
pub(crate) fn group_readable_dir(dir: &Path) -> io::Result<()> {
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o750))
}

/// Never follow a link at the path itself: a link someone placed in the state directory must
/// not make rd-agent write to its target (`O_NOFOLLOW`: opening a link fails with ELOOP).
pub(crate) fn no_follow(opts: &mut OpenOptions) {
    opts.custom_flags(libc::O_NOFOLLOW);
}

/// Why a directory rd-agent keeps its config or state in may be rearranged by someone else.
pub(crate) fn dir_problem(dir: &Path) -> io::Result<Option<crate::platform::DirProblem>> {
    use crate::platform::DirProblem;
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(dir)?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me && meta.uid() != 0 {
        return Ok(Some(DirProblem::Owner { uid: meta.uid() }));
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Ok(Some(DirProblem::Writable { mode }));
    }
    Ok(None)
}

/// Make an existing file private to its owner (0600): files SQLite creates follow the umask.
pub(crate) fn make_private(path: &Path) -> io::Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// True when group or others may read or write the file.
pub(crate) fn open_to_others(file: &File) -> io::Result<bool> {
    Ok(file.metadata()?.permissions().mode() & 0o077 != 0)
}

/// Make a rename in `dir` durable: fsync the directory itself.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    File::open(dir)?.sync_all()
}

/// Nothing to do: the state directory is made 0700 (`private_dir`, and systemd's
/// `StateDirectory=`), the secrets file 0600 and refused when it is not.
pub(crate) fn lock_down(
    _state_dir: &Path,
    _config_file: &Path,
    _secrets: &Path,
) -> Result<(), crate::platform::LockDownError> {
    Ok(())
}

pub(crate) fn system_config_dir() -> PathBuf {
    PathBuf::from("/etc/rd-agent")
}

/// systemd's `StateDirectory=` says where it made the directory; else the FHS place.
pub(crate) fn system_state_dir() -> PathBuf {
    match std::env::var_os("STATE_DIRECTORY") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from("/var/lib/rd-agent"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_files_are_0600_and_others_are_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut opts = OpenOptions::new();
        opts.write(true).create(true);
        file_mode(&mut opts, true);
        let f = opts.open(&path).unwrap();
        assert_eq!(f.metadata().unwrap().permissions().mode() & 0o777, 0o600);
        assert!(!open_to_others(&f).unwrap());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(open_to_others(&File::open(&path).unwrap()).unwrap());
    }

    #[test]
    fn readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::config::secrets::SECRETS_FILE_NAME);
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            crate::config::Secrets::load(&path),
            Err(crate::config::SecretsError::Permissions { .. })
        ));
    }
}
