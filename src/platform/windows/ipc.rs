//! The service's endpoint on Windows: a named pipe whose DACL admits SYSTEM, administrators
//! and interactive users; a login also needs the client's token to pass
//! (src/platform/windows/token.rs), and clients check the server is the service. interprocess creates the first instance
//! with `FILE_FLAG_FIRST_PIPE_INSTANCE`, so the pipe cannot be created while another process
//! holds the name, and clients are granted data only, never the right to create instances
//! (which would let one answer another's tray).

use std::path::{Path, PathBuf};

use interprocess::local_socket::tokio::Stream;
use interprocess::local_socket::{GenericNamespaced, ListenerOptions, Name, ToNsName};

use super::fs::folded;
use crate::platform::{Admitted, Peer};

pub(crate) fn default_socket() -> PathBuf {
    PathBuf::from(r"\\.\pipe\rd-agent")
}

/// A pipe path is used as is; a state directory's socket path becomes one pipe per
/// directory, so tests and instances do not clash.
pub(crate) fn endpoint_name(path: &Path) -> std::io::Result<Name<'static>> {
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
    let digest = Sha256::digest(folded(path).as_bytes());
    format!("rd-agent-{}", hex::encode(&digest[..8]))
}

/// Pipes leave nothing behind to clean up.
pub(crate) fn prepare_bind(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

pub(crate) fn listener_options(opts: ListenerOptions<'_>) -> std::io::Result<ListenerOptions<'_>> {
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
pub(crate) const PIPE_SDDL: &str = "D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x12018b;;;IU)";

pub(crate) fn after_bind(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The client's pid. What its token grants is read later, by [`ClientToken`]: Windows lets
/// a server impersonate its client only after reading from the pipe (ERROR_CANNOT_IMPERSONATE).
pub(crate) fn peer_of(stream: &Stream) -> Peer {
    use interprocess::local_socket::traits::StreamCommon as _;
    Peer {
        pid: stream.peer_creds().ok().and_then(|c| c.pid()),
        ..Peer::default()
    }
}

/// The connection's client, to ask its token once a request has been read from it.
pub(crate) struct ClientToken {
    /// The pipe's handle as a number (handles are not `Send` as pointers); valid while the
    /// connection's stream lives, which the server holds for as long as it holds this.
    pipe: Option<usize>,
}

pub(crate) fn client_token(stream: &Stream) -> ClientToken {
    ClientToken {
        pipe: pipe_handle(stream).ok().map(|h| h as usize),
    }
}

impl ClientToken {
    /// What the client's token grants, measured by impersonating it for a moment. Called
    /// after reading from the pipe. A token that cannot be read grants nothing.
    pub(crate) fn rights(&self) -> Option<crate::platform::TokenRights> {
        use super::token::{Rule, Token};
        let rights = self
            .pipe
            .ok_or_else(|| std::io::Error::other("not a named pipe"))
            .and_then(|pipe| Token::of_pipe_client(pipe as windows_sys::Win32::Foundation::HANDLE))
            .and_then(|t| t.rights(&Rule::here()?));
        Some(rights.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not read the pipe client's token");
            crate::platform::TokenRights::default()
        }))
    }
}

fn pipe_handle(stream: &Stream) -> std::io::Result<windows_sys::Win32::Foundation::HANDLE> {
    use std::os::windows::io::{AsHandle as _, AsRawHandle as _};
    match stream {
        Stream::NamedPipe(s) => Ok(s.inner().as_handle().as_raw_handle()),
        #[allow(unreachable_patterns)]
        _ => Err(std::io::Error::other("not a named pipe")),
    }
}

/// Before a client sends anything: is the pipe's server the `rd-agent` service (the pid the
/// SCM reports) or, with no service registered, a process running `image`? Anyone can create
/// a pipe of that name while the service is stopped; this keeps a tray or `rd-agent login`
/// from talking to it. `Err` carries the server's pid and program, for the operator.
pub(crate) fn check_server(stream: &Stream, image: &Path) -> Result<(), (u32, String)> {
    let mut pid = 0u32;
    let handle = pipe_handle(stream).map_err(|e| (0, e.to_string()))?;
    // SAFETY: the client end of a connected pipe and a writable u32.
    let ok =
        unsafe { windows_sys::Win32::System::Pipes::GetNamedPipeServerProcessId(handle, &mut pid) };
    if ok == 0 {
        return Err((0, std::io::Error::last_os_error().to_string()));
    }
    if pid == std::process::id() {
        return Ok(());
    }
    let program = super::process::image(pid);
    let trusted = match super::service::running_pid() {
        Some(service) => service == Some(pid),
        None => program
            .as_deref()
            .is_some_and(|p| folded(p) == folded(image)),
    };
    if trusted {
        Ok(())
    } else {
        Err((
            pid,
            program
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "unknown program".into()),
        ))
    }
}

/// The pipe's DACL admits every interactive user, so a refused connection is not about the
/// group; a refused login is (the service says so, src/platform/windows/token.rs).
pub(crate) fn group_standing() -> crate::platform::GroupStanding {
    crate::platform::GroupStanding::Other
}

pub(crate) fn admitted() -> Admitted {
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
