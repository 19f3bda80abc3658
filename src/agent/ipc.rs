//! The local IPC endpoint between the service and its clients (the tray, `rd-agent status`,
//! `rd-agent login`): a Unix domain socket on Linux, a named pipe on Windows, never TCP.
//!
//! Protocol: newline-delimited JSON. A client sends one [`Request`] per line; the service
//! answers each with one [`Message`] line. `subscribe` answers with the current state and then
//! streams a line per change, reminder and login result until the client hangs up.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use interprocess::local_socket::tokio::{Listener, Stream, prelude::*};
use interprocess::local_socket::{ListenerOptions, Name};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::AgentState;
use super::backend::LoginOutcome;

/// A request line is small; anything longer is garbage and the connection is dropped.
pub const MAX_LINE: usize = 16 * 1024;

/// The socket file name inside a state or runtime directory.
pub const SOCKET_FILE: &str = "agent.sock";

/// Where the system service listens when no state directory is given.
#[cfg(unix)]
pub const SYSTEM_SOCKET: &str = "/run/rd-agent/agent.sock";

#[derive(Debug, thiserror::Error)]
pub enum IpcError {
    #[error(
        "The rd-agent service is not running (no socket at {0}). Start it with `systemctl start rd-agent` or run `rd-agent run`."
    )]
    NotRunning(String),
    #[error("The rd-agent service refused this connection: {0}")]
    Refused(String),
    #[error("Lost the connection to the rd-agent service ({0}). Check that it is running.")]
    Io(#[from] std::io::Error),
    #[error(
        "The rd-agent service sent a reply this program does not understand. Make sure the service and this command are the same version."
    )]
    Protocol,
    #[error("Another rd-agent service is already listening on {0}. Stop it first.")]
    AlreadyRunning(String),
}

/// What a client asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Request {
    Status,
    Login {
        #[serde(default)]
        force: bool,
    },
    Devices,
    Subscribe,
    /// Re-ask the remote status now.
    Recheck,
}

/// What the service sends back: replies and subscription events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Message {
    /// Reply to `status`, and the first line of a subscription.
    Status {
        state: AgentState,
        since: DateTime<Utc>,
        sentence: String,
        #[serde(default)]
        detail: serde_json::Value,
        /// Where the service writes its log (for the tray's "Open log folder").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        log_dir: Option<String>,
    },
    /// Reply to `login`, and an event to subscribers when any login ends.
    Login(LoginOutcome),
    /// Reply to `devices`.
    Devices { devices: serde_json::Value },
    /// A subscription event: the state changed.
    State {
        state: AgentState,
        since: DateTime<Utc>,
        sentence: String,
    },
    /// A subscription event: time to log in.
    Reminder { message: String },
    /// Something went wrong with the request; the connection stays usable unless refused.
    Error { message: String },
}

/// Parse one request line. Errors are sentences for the client.
pub fn parse_request(line: &[u8]) -> Result<Request, String> {
    if line.len() > MAX_LINE {
        return Err("The request is too long.".into());
    }
    serde_json::from_slice(line).map_err(|_| {
        "The request is not understood: send one JSON object per line, such as {\"cmd\":\"status\"}."
            .to_string()
    })
}

/// Parse one line from the service (the client side).
pub fn parse_message(line: &[u8]) -> Result<Message, IpcError> {
    if line.len() > MAX_LINE * 4 {
        return Err(IpcError::Protocol);
    }
    serde_json::from_slice(line).map_err(|_| IpcError::Protocol)
}

/// The socket path for a state directory, or the system one.
pub fn socket_path(state_dir: Option<&Path>) -> PathBuf {
    match state_dir {
        Some(dir) => dir.join(SOCKET_FILE),
        None => default_socket(),
    }
}

#[cfg(unix)]
fn default_socket() -> PathBuf {
    PathBuf::from(SYSTEM_SOCKET)
}

#[cfg(windows)]
fn default_socket() -> PathBuf {
    PathBuf::from(r"\\.\pipe\rd-agent")
}

/// The OS name for a socket path: a file on Unix, a pipe named after the path on Windows.
fn to_name(path: &Path) -> std::io::Result<Name<'static>> {
    #[cfg(unix)]
    {
        use interprocess::local_socket::GenericFilePath;
        path.to_path_buf().to_fs_name::<GenericFilePath>()
    }
    #[cfg(windows)]
    {
        use interprocess::local_socket::GenericNamespaced;
        let s = path.to_string_lossy();
        let pipe = if let Some(rest) = s.strip_prefix(r"\\.\pipe\") {
            rest.to_string()
        } else {
            // A state directory: one pipe per directory, so tests and instances do not clash.
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            s.hash(&mut h);
            format!("rd-agent-{:016x}", h.finish())
        };
        pipe.to_ns_name::<GenericNamespaced>()
    }
}

/// Bind the service's endpoint. A stale socket file left by a crash is replaced; a live
/// service on the same path is an error.
pub async fn bind(path: &Path) -> Result<Listener, IpcError> {
    if Stream::connect(to_name(path)?).await.is_ok() {
        return Err(IpcError::AlreadyRunning(path.display().to_string()));
    }
    #[cfg(unix)]
    {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // Nobody answered: whatever is there is stale.
        let _ = std::fs::remove_file(path);
    }
    let opts = ListenerOptions::new().name(to_name(path)?);
    #[cfg(unix)]
    let opts = {
        use interprocess::os::unix::local_socket::ListenerOptionsExt;
        // Owner and group only; the peer check below is the real gate.
        opts.mode(0o660)
    };
    #[cfg(windows)]
    let opts = {
        use interprocess::os::windows::local_socket::ListenerOptionsExt;
        use interprocess::os::windows::security_descriptor::SecurityDescriptor;
        // SYSTEM and administrators: full; interactive users: read/write. Nobody else (no
        // network logons, no services running as other accounts).
        let sddl = widestring::U16CString::from_str("D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GRGW;;;IU)")
            .map_err(|_| std::io::Error::other("bad SDDL"))?;
        opts.security_descriptor(SecurityDescriptor::deserialize(&sddl)?)
    };
    let listener = opts.create_tokio()?;
    #[cfg(unix)]
    {
        // Connecting needs write permission; the umask (UMask=0027 under systemd) would take
        // it from the group, so set it explicitly.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))?;
    }
    Ok(listener)
}

/// Who is on the other end of a connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Peer {
    pub pid: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    /// Supplementary groups (Linux: read from /proc for the peer's pid).
    pub groups: Vec<u32>,
}

/// Who may talk to the service. Unix: uid 0, the service's own uid, and members of the
/// `rd-agent` group. Windows: the pipe's DACL already admits only interactive users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerPolicy {
    pub uids: Vec<u32>,
    pub gids: Vec<u32>,
    /// Admit everyone the OS let through (Windows, where the DACL is the check).
    pub os_checked: bool,
}

impl PeerPolicy {
    /// The production policy.
    pub fn system() -> Self {
        #[cfg(unix)]
        {
            let mut uids = vec![0, unix_ids::euid()];
            uids.dedup();
            PeerPolicy {
                uids,
                gids: unix_ids::group_id("rd-agent").into_iter().collect(),
                os_checked: false,
            }
        }
        #[cfg(not(unix))]
        {
            PeerPolicy {
                uids: vec![],
                gids: vec![],
                os_checked: true,
            }
        }
    }

    /// Exactly these uids and gids (for tests, and for a service that wants to be stricter).
    pub fn only(uids: Vec<u32>, gids: Vec<u32>) -> Self {
        PeerPolicy {
            uids,
            gids,
            os_checked: false,
        }
    }

    pub fn allows(&self, peer: &Peer) -> bool {
        if self.os_checked {
            return true;
        }
        if peer.uid.is_some_and(|u| self.uids.contains(&u)) {
            return true;
        }
        peer.gid.is_some_and(|g| self.gids.contains(&g))
            || peer.groups.iter().any(|g| self.gids.contains(g))
    }
}

/// The credentials of a connected peer.
pub fn peer_of(stream: &Stream) -> Peer {
    let Ok(creds) = stream.peer_creds() else {
        return Peer::default();
    };
    #[cfg(unix)]
    {
        let pid = creds.pid().and_then(|p| u32::try_from(p).ok());
        Peer {
            pid,
            uid: creds.euid(),
            gid: creds.egid(),
            groups: peer_groups(pid, creds.euid()),
        }
    }
    #[cfg(not(unix))]
    {
        Peer {
            pid: creds.pid(),
            ..Peer::default()
        }
    }
}

/// The peer's supplementary groups: from /proc when it can be read, else (the unit's
/// `ProtectProc=invisible` hides other users' processes) from /etc/group by user name.
#[cfg(unix)]
fn peer_groups(pid: Option<u32>, uid: Option<u32>) -> Vec<u32> {
    let from_proc = pid.map(unix_ids::proc_groups).unwrap_or_default();
    if !from_proc.is_empty() {
        return from_proc;
    }
    let (Ok(passwd), Ok(group)) = (
        std::fs::read_to_string("/etc/passwd"),
        std::fs::read_to_string("/etc/group"),
    ) else {
        return vec![];
    };
    uid.map(|u| unix_ids::groups_of_uid(&passwd, &group, u))
        .unwrap_or_default()
}

#[cfg(unix)]
mod unix_ids {
    //! User and group ids: the effective uid, groups from /etc/group and /proc.

    pub fn euid() -> u32 {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() }
    }

    /// The gid of a group, from /etc/group (no NSS: the package creates a local group).
    pub fn group_id(name: &str) -> Option<u32> {
        let text = std::fs::read_to_string("/etc/group").ok()?;
        text.lines().find_map(|line| {
            let mut f = line.split(':');
            if f.next()? != name {
                return None;
            }
            f.nth(1)?.parse().ok()
        })
    }

    /// The groups listing the user with this uid as a member (from passwd and group texts).
    pub fn groups_of_uid(passwd: &str, group: &str, uid: u32) -> Vec<u32> {
        let Some(name) = passwd.lines().find_map(|l| {
            let f: Vec<_> = l.split(':').collect();
            (f.len() > 2 && f[2].parse() == Ok(uid)).then(|| f[0].to_string())
        }) else {
            return vec![];
        };
        group
            .lines()
            .filter_map(|l| {
                let f: Vec<_> = l.split(':').collect();
                let members = f.get(3)?;
                members
                    .split(',')
                    .any(|m| m.trim() == name)
                    .then(|| f.get(2)?.parse().ok())?
            })
            .collect()
    }

    /// Supplementary groups of a process (the `Groups:` line of /proc/PID/status).
    pub fn proc_groups(pid: u32) -> Vec<u32> {
        let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
            return vec![];
        };
        text.lines()
            .find_map(|l| l.strip_prefix("Groups:"))
            .map(|rest| {
                rest.split_whitespace()
                    .filter_map(|g| g.parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A connection to the service.
pub struct Client {
    reader: BufReader<tokio::io::ReadHalf<Stream>>,
    writer: tokio::io::WriteHalf<Stream>,
    line: Vec<u8>,
}

/// Connect to the service for this state directory (or the system one). `None` when no
/// service is listening: the caller then works in-process.
///
/// How the CLI uses it (inside `block_on`):
/// ```ignore
/// if let Some(mut c) = rd_agent::agent::ipc::try_connect(global.state_dir.as_deref()).await {
///     let reply = c.status().await?; // or c.login(force).await?
/// }
/// ```
pub async fn try_connect(state_dir: Option<&Path>) -> Option<Client> {
    connect(&socket_path(state_dir)).await.ok()
}

/// Connect to a socket path.
pub async fn connect(path: &Path) -> Result<Client, IpcError> {
    let name = to_name(path)?;
    let stream = Stream::connect(name)
        .await
        .map_err(|_| IpcError::NotRunning(path.display().to_string()))?;
    let (r, w) = tokio::io::split(stream);
    Ok(Client {
        reader: BufReader::new(r),
        writer: w,
        line: Vec::new(),
    })
}

impl Client {
    /// Send a request line.
    pub async fn send(&mut self, req: &Request) -> Result<(), IpcError> {
        let mut line = serde_json::to_vec(req).map_err(|_| IpcError::Protocol)?;
        line.push(b'\n');
        self.writer.write_all(&line).await?;
        self.writer.flush().await?;
        Ok(())
    }

    /// Send bytes as they are (tests use this to send garbage).
    pub async fn send_raw(&mut self, bytes: &[u8]) -> Result<(), IpcError> {
        self.writer.write_all(bytes).await?;
        self.writer.flush().await?;
        Ok(())
    }

    /// The next line from the service. `Ok(None)` when the service hung up.
    pub async fn next(&mut self) -> Result<Option<Message>, IpcError> {
        self.line.clear();
        let n = (&mut self.reader)
            .take(MAX_LINE as u64 * 4)
            .read_until(b'\n', &mut self.line)
            .await?;
        if n == 0 {
            return Ok(None);
        }
        parse_message(&self.line).map(Some)
    }

    async fn call(&mut self, req: &Request) -> Result<Message, IpcError> {
        self.send(req).await?;
        match self.next().await? {
            Some(Message::Error { message }) => Err(IpcError::Refused(message)),
            Some(m) => Ok(m),
            None => Err(IpcError::Refused(
                "the service closed the connection".into(),
            )),
        }
    }

    pub async fn status(&mut self) -> Result<Message, IpcError> {
        self.call(&Request::Status).await
    }

    pub async fn login(&mut self, force: bool) -> Result<LoginOutcome, IpcError> {
        match self.call(&Request::Login { force }).await? {
            Message::Login(o) => Ok(o),
            _ => Err(IpcError::Protocol),
        }
    }

    pub async fn devices(&mut self) -> Result<serde_json::Value, IpcError> {
        match self.call(&Request::Devices).await? {
            Message::Devices { devices } => Ok(devices),
            _ => Err(IpcError::Protocol),
        }
    }

    /// Start a subscription; read events with [`Client::next`]. Returns the current status.
    pub async fn subscribe(&mut self) -> Result<Message, IpcError> {
        self.call(&Request::Subscribe).await
    }
}

use tokio::io::AsyncReadExt as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse_and_garbage_is_refused() {
        assert_eq!(parse_request(br#"{"cmd":"status"}"#), Ok(Request::Status));
        assert_eq!(
            parse_request(br#"{"cmd":"login"}"#),
            Ok(Request::Login { force: false })
        );
        assert_eq!(
            parse_request(br#"{"cmd":"login","force":true}"#),
            Ok(Request::Login { force: true })
        );
        for bad in [
            &b""[..],
            b"status",
            b"{\"cmd\":",
            b"{\"cmd\":\"format_disk\"}",
            b"{\"cmd\":42}",
            b"{\"cmd\":\"login\",\"force\":\"yes\"}",
            b"[1,2,3]",
            b"\xff\xfe",
        ] {
            assert!(parse_request(bad).is_err(), "{bad:?}");
        }
        let long = vec![b' '; MAX_LINE + 1];
        assert_eq!(parse_request(&long), Err("The request is too long.".into()));
    }

    #[test]
    fn policy_admits_root_self_and_group_only() {
        let p = PeerPolicy::only(vec![0, 1000], vec![500]);
        let peer = |uid, gid, groups: Vec<u32>| Peer {
            pid: None,
            uid: Some(uid),
            gid: Some(gid),
            groups,
        };
        assert!(p.allows(&peer(0, 0, vec![])));
        assert!(p.allows(&peer(1000, 1000, vec![])));
        assert!(p.allows(&peer(1001, 500, vec![])));
        assert!(p.allows(&peer(1001, 1001, vec![27, 500])));
        assert!(!p.allows(&peer(1001, 1001, vec![27])));
        assert!(!p.allows(&Peer::default()));
    }

    #[cfg(unix)]
    #[test]
    fn group_membership_from_etc_group_when_proc_is_hidden() {
        let passwd = "root:x:0:0::/root:/bin/sh\nasha:x:1001:1001::/home/asha:/bin/sh\n";
        let group = "root:x:0:\nrd-agent:x:998:ravi,asha\nasha:x:1001:\nplugdev:x:46:asha\n";
        assert_eq!(unix_ids::groups_of_uid(passwd, group, 1001), vec![998, 46]);
        assert_eq!(unix_ids::groups_of_uid(passwd, group, 0), Vec::<u32>::new());
        assert_eq!(
            unix_ids::groups_of_uid(passwd, group, 4242),
            Vec::<u32>::new()
        );
        assert_eq!(
            unix_ids::groups_of_uid("garbage", "x:y", 1),
            Vec::<u32>::new()
        );
    }

    #[test]
    fn messages_round_trip() {
        let m = Message::Reminder {
            message: "Daily login needed.".into(),
        };
        let s = serde_json::to_string(&m).unwrap();
        assert_eq!(s, r#"{"type":"reminder","message":"Daily login needed."}"#);
        assert_eq!(serde_json::from_str::<Message>(&s).unwrap(), m);
    }

    #[test]
    fn replies_from_a_broken_service_are_errors_not_panics() {
        let good = br#"{"type":"state","state":{"state":"logged_in","until":"2026-11-22T18:30:00Z"},"since":"2026-11-22T03:00:00Z","sentence":"x"}"#;
        assert!(matches!(parse_message(good), Ok(Message::State { .. })));
        for bad in [
            &b""[..],
            &good[..good.len() / 2],
            b"{\"type\":\"state\",\"state\":{\"state\":\"logged_in\"}}",
            b"{\"type\":\"state\",\"state\":{\"state\":\"logged_in\",\"until\":7}}",
            b"{\"type\":\"teapot\"}",
            b"{\"type\":\"login\",\"ok\":\"yes\"}",
            b"null",
            b"\x00\x01",
        ] {
            assert!(parse_message(bad).is_err(), "{bad:?}");
        }
        let huge = vec![b'x'; MAX_LINE * 4 + 1];
        assert!(parse_message(&huge).is_err());
    }

    #[test]
    fn state_dir_socket_path() {
        assert_eq!(
            socket_path(Some(Path::new("/tmp/x"))),
            Path::new("/tmp/x/agent.sock")
        );
    }
}
