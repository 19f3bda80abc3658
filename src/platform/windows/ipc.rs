//! The service's endpoint on Windows: a named pipe whose DACL admits SYSTEM, administrators
//! and interactive users; the DACL is the peer check.

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
    let pipe = if let Some(rest) = s.strip_prefix(r"\\.\pipe\") {
        rest.to_string()
    } else {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        s.hash(&mut h);
        format!("rd-agent-{:016x}", h.finish())
    };
    pipe.to_ns_name::<GenericNamespaced>()
}

/// Pipes leave nothing behind to clean up.
pub fn prepare_bind(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

pub fn listener_options(opts: ListenerOptions<'_>) -> std::io::Result<ListenerOptions<'_>> {
    use interprocess::os::windows::local_socket::ListenerOptionsExt;
    use interprocess::os::windows::security_descriptor::SecurityDescriptor;
    // SYSTEM and administrators: full; interactive users: read/write. Nobody else (no
    // network logons, no services running as other accounts).
    let sddl = widestring::U16CString::from_str("D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GRGW;;;IU)")
        .map_err(|_| std::io::Error::other("bad SDDL"))?;
    Ok(opts.security_descriptor(SecurityDescriptor::deserialize(&sddl)?))
}

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
