//! Files on Windows: where the system service keeps its config and state. Modes do not exist;
//! the state directory's DACL is what keeps other users out.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

pub fn file_mode(_opts: &mut OpenOptions, _private: bool) {}

pub fn private_dir(b: &mut DirBuilder) {
    b.recursive(true);
}

pub fn group_readable_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

pub fn open_to_others(_file: &File) -> io::Result<bool> {
    Ok(false)
}

/// Windows has no directory fsync; NTFS journals the rename itself.
pub fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

fn program_data() -> PathBuf {
    std::env::var_os("ProgramData")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"))
}

pub fn system_config_dir() -> PathBuf {
    program_data().join("rd-agent")
}

pub fn system_state_dir() -> PathBuf {
    program_data().join("rd-agent").join("state")
}
