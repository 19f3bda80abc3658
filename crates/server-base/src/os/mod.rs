//! What differs between Unix and Windows for a server: file permissions, the stop and reload
//! signals, and the limit on open files. One file per OS (docs/architecture.md, "Code that
//! differs per OS").

#[cfg(unix)]
#[path = "unix.rs"]
mod imp;
#[cfg(windows)]
#[path = "windows.rs"]
mod imp;

pub use imp::*;

/// Makes a SQLite database and the WAL and shared-memory files beside it readable by their
/// owner only (creating the database file 0600 if missing; SQLite gives the side files the
/// database's mode). Each file that others could read before is logged. Both servers' stores
/// hold what strangers must not read.
pub fn make_database_private(path: &std::path::Path) -> std::io::Result<()> {
    let mut files = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let side = std::path::PathBuf::from(name);
        if side.exists() {
            files.push(side);
        }
    }
    for file in &files {
        let tightened = make_private(file)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", file.display())))?;
        if tightened {
            tracing::warn!(
                "{} could be read by other users; it is now readable by its owner only",
                file.display()
            );
        }
    }
    Ok(())
}
