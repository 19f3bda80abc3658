//! Writing rd-agent's own files so that a crash or another local user cannot spoil them: whole
//! files through a temporary file, fsync and a rename; private modes; never through a link
//! someone placed at the name. The OS-specific pieces (modes, `O_NOFOLLOW` or its Windows
//! counterpart, a directory fsync) are `crate::platform::fs`; this composes them, once.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use crate::platform::fs as os;

/// Options to create or open one of rd-agent's files in place (a lock, a note beside it): a
/// link at the name is refused rather than followed, and a file it creates is private (0600)
/// when `private`, else 0644.
pub(crate) fn own_file_options(private: bool) -> OpenOptions {
    let mut opts = OpenOptions::new();
    os::no_follow(&mut opts);
    os::file_mode(&mut opts, private);
    opts
}

/// Create `dir` (and its parents) private to its owner (0700 on Unix) when it is missing.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = DirBuilder::new();
    os::private_dir(&mut b);
    b.create(dir)
}

/// Replace `path` with `bytes` in one step: written to a temporary file of our own in the same
/// directory, synced, renamed over `path`, and the rename synced. A crash leaves the old file or
/// the new one, never half of one. The directory must exist.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], private: bool) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.{}.{:08x}.tmp",
        std::process::id(),
        rand::random::<u32>()
    ));
    let written = (|| {
        // Created exclusively: a file or link someone placed at the temporary name beforehand
        // makes this fail instead of being written through.
        let mut opts = own_file_options(private);
        opts.write(true).create_new(true);
        let mut f: File = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        // The rename replaces a link at `path` itself; it never writes through it.
        std::fs::rename(&tmp, path)?;
        os::sync_dir(dir)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn an_atomic_write_replaces_a_link_and_never_writes_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, "keep").unwrap();
        let path = dir.path().join("config.toml");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        write_atomic(&path, b"new", true).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert!(!path.is_symlink());
        assert_eq!(mode(&path), 0o600);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no temporary file left: {names:?}");
    }

    #[test]
    fn a_file_others_may_read_is_0644_and_a_missing_directory_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        write_atomic(&path, b"a", false).unwrap();
        assert_eq!(mode(&path), 0o644);
        let e = write_atomic(&dir.path().join("none").join("f"), b"a", true).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn own_files_refuse_a_link_at_their_name() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "keep").unwrap();
        let link = dir.path().join("login.holder");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let mut opts = own_file_options(true);
        opts.write(true).create(true).truncate(true);
        assert!(opts.open(&link).is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        let fresh = dir.path().join("login.lock");
        opts.open(&fresh).unwrap();
        assert_eq!(mode(&fresh), 0o600);
    }

    #[test]
    fn a_private_directory_is_0700_with_its_parents() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a").join("b");
        create_private_dir(&deep).unwrap();
        assert_eq!(mode(&deep), 0o700);
        create_private_dir(&deep).unwrap();
    }
}
