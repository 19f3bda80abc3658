//! The service's endpoint on Windows: a named pipe whose DACL admits SYSTEM, administrators
//! and interactive users; the DACL is the peer check. interprocess creates the first instance
//! with `FILE_FLAG_FIRST_PIPE_INSTANCE`, so the pipe cannot be created while another process
//! holds the name, and clients are granted data only, never the right to create instances
//! (which would let one answer another's tray).

use std::path::{Path, PathBuf};

use interprocess::local_socket::tokio::Stream;
use interprocess::local_socket::{GenericNamespaced, ListenerOptions, Name, ToNsName};

use crate::platform::{Admitted, Peer};

pub fn default_socket() -> PathBuf {
    PathBuf::from(r"\\.\pipe\rd-agent")
}

/// A pipe path is used as is; a state directory's socket path becomes one pipe per
/// directory, so tests and instances do not clash.
pub fn endpoint_name(path: &Path) -> std::io::Result<Name<'static>> {
    let s = path.to_string_lossy();
    let pipe = match s.strip_prefix(r"\\.\pipe\") {
        Some(rest) => rest.to_string(),
        None => pipe_for(path),
    };
    pipe.to_ns_name::<GenericNamespaced>()
}

/// The pipe of a socket path in a state directory: a fixed hash (SHA-256; std's
/// `DefaultHasher` may change between Rust releases) of the directory's canonical path, case
/// folded, so `C:\rdstate` and `c:\RDSTATE` (one directory to Windows) meet at one pipe.
fn pipe_for(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    let canonical = match (path.parent(), path.file_name()) {
        (Some(dir), Some(file)) => std::fs::canonicalize(dir)
            .map(|d| d.join(file))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    };
    let text = canonical.to_string_lossy().replace('/', "\\");
    // canonicalize() gives the verbatim form (\\?\C:\...), a typed path the plain one.
    let text = text.strip_prefix(r"\\?\").unwrap_or(&text).to_lowercase();
    let digest = Sha256::digest(text.as_bytes());
    format!("rd-agent-{}", hex::encode(&digest[..8]))
}

/// Pipes leave nothing behind to clean up.
pub fn prepare_bind(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

pub fn listener_options(opts: ListenerOptions<'_>) -> std::io::Result<ListenerOptions<'_>> {
    use interprocess::os::windows::local_socket::ListenerOptionsExt;
    use interprocess::os::windows::security_descriptor::SecurityDescriptor;
    let sddl = widestring::U16CString::from_str(PIPE_SDDL)
        .map_err(|_| std::io::Error::other("bad SDDL"))?;
    Ok(opts.security_descriptor(SecurityDescriptor::deserialize(&sddl)?))
}

/// SYSTEM and administrators: full control; interactive users: read and write data, nothing
/// more (0x12018b = FILE_GENERIC_READ | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES: no
/// FILE_CREATE_PIPE_INSTANCE 0x4, which GENERIC_WRITE would include). Nobody else: no network
/// logons, no services running as other accounts. Protected: nothing inherited.
pub const PIPE_SDDL: &str = "D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x12018b;;;IU)";

pub fn after_bind(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The client's pid; the DACL already decided who may connect.
pub fn peer_of(stream: &Stream) -> Peer {
    use interprocess::local_socket::traits::StreamCommon as _;
    match stream.peer_creds() {
        Ok(creds) => Peer {
            pid: creds.pid(),
            ..Peer::default()
        },
        Err(_) => Peer::default(),
    }
}

pub fn admitted() -> Admitted {
    Admitted {
        uids: vec![],
        gids: vec![],
        os_checked: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every right a client ACE grants, read from the SDDL text (`(A;;RIGHTS;;;SID)`).
    fn client_rights(sddl: &str, sid: &str) -> u32 {
        sddl.split('(')
            .filter_map(|ace| ace.strip_suffix(')'))
            .map(|ace| ace.split(';').collect::<Vec<_>>())
            .filter(|f| f.len() == 6 && f[0] == "A" && f[5] == sid)
            .map(|f| {
                let hex = f[2].strip_prefix("0x").expect("clients get a numeric mask");
                u32::from_str_radix(hex, 16).unwrap()
            })
            .fold(0, |a, b| a | b)
    }

    #[test]
    fn clients_may_read_and_write_but_never_create_an_instance() {
        const FILE_CREATE_PIPE_INSTANCE: u32 = 0x4;
        const GENERIC_WRITE: u32 = 0x4000_0000;
        const GENERIC_ALL: u32 = 0x1000_0000;
        const WRITE_DAC: u32 = 0x4_0000;
        const WRITE_OWNER: u32 = 0x8_0000;
        let iu = client_rights(PIPE_SDDL, "IU");
        assert_eq!(iu & 0x3, 0x3, "read and write data");
        for forbidden in [
            FILE_CREATE_PIPE_INSTANCE,
            GENERIC_WRITE,
            GENERIC_ALL,
            WRITE_DAC,
            WRITE_OWNER,
        ] {
            assert_eq!(iu & forbidden, 0, "{forbidden:#x}");
        }
        assert!(PIPE_SDDL.starts_with("D:P"), "protected, nothing inherited");
        assert!(!PIPE_SDDL.contains(";;;WD)") && !PIPE_SDDL.contains(";;;AU)"));
        // The descriptor Windows builds from it is valid.
        let sddl = widestring::U16CString::from_str(PIPE_SDDL).unwrap();
        interprocess::os::windows::security_descriptor::SecurityDescriptor::deserialize(&sddl)
            .unwrap();
    }

    #[test]
    fn a_state_directory_has_one_pipe_however_it_is_spelt() {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("agent.sock");
        let shouted = PathBuf::from(sock.to_string_lossy().to_uppercase());
        let slashed = PathBuf::from(sock.to_string_lossy().replace('\\', "/"));
        assert_eq!(pipe_for(&sock), pipe_for(&shouted));
        assert_eq!(pipe_for(&sock), pipe_for(&slashed));
        let other = tempfile::tempdir().unwrap();
        assert_ne!(pipe_for(&sock), pipe_for(&other.path().join("agent.sock")));
        // Fixed from one release to the next: the SHA-256 of the folded path.
        assert_eq!(
            pipe_for(Path::new(r"C:\No-Such-Dir-rd-agent\agent.sock")),
            "rd-agent-2b239b82bdffaafb"
        );
    }
}
