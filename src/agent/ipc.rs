//! The local IPC endpoint between the service and its clients (the tray, `rd-agent status`,
//! `rd-agent login`): a Unix domain socket on Linux, a named pipe on Windows, never TCP.
//!
//! The lines themselves (typed, versioned) are src/agent/protocol.rs: a client sends one
//! [`Request`] per line; the service answers each with one [`Message`] line. `subscribe`
//! answers with the current state and then streams a line per change, reminder and login
//! result until the client hangs up.

use std::path::{Path, PathBuf};

use interprocess::local_socket::ListenerOptions;
use interprocess::local_socket::tokio::{Listener, Stream, prelude::*};

use super::protocol::ConfigChange;
use crate::config::{Change, Standing, View};
use crate::platform::GroupStanding;
pub(crate) use crate::platform::Peer;
use crate::platform::ipc as platform;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::backend::LoginSummary;
use super::protocol::{self, BadReply, MAX_REPLY_LINE, Message, Request};
use crate::devices::DeviceReport;
use crate::i18n::Msg;
use crate::ledger::History;
use crate::login::LoginFlags;

/// The socket file name inside a state or runtime directory.
pub(crate) const SOCKET_FILE: &str = "agent.sock";

#[derive(Debug, thiserror::Error)]
pub enum IpcError {
    #[error(
        "The rd-agent service is not running (no socket at {0}). Start it with `systemctl start rd-agent` or run `rd-agent run`."
    )]
    NotRunning(String),
    #[error("{}", not_permitted(.0))]
    NotPermitted(String),
    #[error("The rd-agent service refused this connection: {0}")]
    Refused(Msg),
    #[error("Lost the connection to the rd-agent service ({0}). Check that it is running.")]
    Io(#[from] std::io::Error),
    #[error(
        "The rd-agent service sent a reply this program does not understand. Make sure the service and this command are the same version."
    )]
    Protocol,
    #[error("{}", protocol::service_of_other_version(*.0))]
    OtherVersion(u32),
    #[error("Another rd-agent service is already listening on {0}. Stop it first.")]
    AlreadyRunning(String),
    #[error(
        "The program answering on {path} (process {pid}, {program}) is not the rd-agent service, so nothing was sent to it and no money was taken. Restart the rd-agent service in Services (services.msc) and try again; if this comes back, call support."
    )]
    NotTheService {
        path: String,
        pid: u32,
        program: String,
    },
}

impl IpcError {
    /// The sentence in the catalogue (`Display` is its English).
    pub fn msg(&self) -> Msg {
        match self {
            IpcError::NotRunning(path) => Msg::new("ipc-not-running").arg("path", path.as_str()),
            IpcError::NotPermitted(path) => not_permitted(path),
            IpcError::Refused(why) => Msg::new("ipc-refused").arg("reason", why.clone()),
            IpcError::Io(e) => Msg::new("ipc-connection-lost").arg("error", e.to_string()),
            IpcError::Protocol => Msg::new("ipc-protocol"),
            IpcError::OtherVersion(theirs) => protocol::service_of_other_version(*theirs),
            IpcError::AlreadyRunning(path) => {
                Msg::new("ipc-already-running").arg("path", path.as_str())
            }
            IpcError::NotTheService { path, pid, program } => Msg::new("ipc-not-the-service")
                .arg("path", path.as_str())
                .arg("pid", *pid)
                .arg("image", program.as_str()),
        }
    }
}

/// The sentence for a user the endpoint's permissions kept out: never "not running", since the
/// service is there. Whether the account is in the `rd-agent` group, or joined it after this
/// session began (then only logging out and back in gives the session the group), says what
/// to do.
fn not_permitted(path: &str) -> Msg {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    let id = match platform::group_standing() {
        GroupStanding::NotMember => "ipc-not-permitted-not-member",
        GroupStanding::JoinedSinceLogin => "ipc-not-permitted-new-member",
        GroupStanding::Other => "ipc-not-permitted",
    };
    Msg::new(id).arg("path", path).arg("user", user)
}

/// The socket path for a state directory, or the system one.
pub fn socket_path(state_dir: Option<&Path>) -> PathBuf {
    match state_dir {
        Some(dir) => dir.join(SOCKET_FILE),
        None => platform::default_socket(),
    }
}

/// Bind the service's endpoint. A stale socket file left by a crash is replaced; a live
/// service on the same path is an error.
pub async fn bind(path: &Path) -> Result<Listener, IpcError> {
    if Stream::connect(platform::endpoint_name(path)?)
        .await
        .is_ok()
    {
        return Err(IpcError::AlreadyRunning(path.display().to_string()));
    }
    platform::prepare_bind(path)?;
    let opts =
        platform::listener_options(ListenerOptions::new().name(platform::endpoint_name(path)?))?;
    let listener = opts.create_tokio()?;
    platform::after_bind(path)?;
    Ok(listener)
}

/// Who may talk to the service, and who may ask it for a login. Unix: uid 0, the service's
/// own uid and members of the `rd-agent` group, for everything. Windows: the pipe's DACL admits
/// interactive users (a tray watches the state for whoever is logged on); a login needs the
/// client's token to pass (`platform::TokenRights`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerPolicy {
    pub(crate) uids: Vec<u32>,
    pub(crate) gids: Vec<u32>,
    /// Admit everyone the OS let through (Windows, where the DACL is the check).
    pub(crate) os_checked: bool,
}

impl PeerPolicy {
    /// The production policy.
    pub fn system() -> Self {
        let a = platform::admitted();
        PeerPolicy {
            uids: a.uids,
            gids: a.gids,
            os_checked: a.os_checked,
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

    /// May this peer connect at all?
    pub(crate) fn allows(&self, peer: &Peer) -> bool {
        if self.os_checked {
            return true;
        }
        if peer.uid.is_some_and(|u| self.uids.contains(&u)) {
            return true;
        }
        peer.gid.is_some_and(|g| self.gids.contains(&g))
            || peer.groups.iter().any(|g| self.gids.contains(g))
    }

    /// What this peer may change of the service's configuration: `None` for one who may not
    /// log in either. An administrator (Unix: root or the service's own account; Windows:
    /// SYSTEM, the service's account or an administrator) may change anything; an operator
    /// may set up what is empty (`config::Standing`).
    pub(crate) fn standing(&self, peer: &Peer) -> Option<Standing> {
        if !self.may_login(peer) {
            return None;
        }
        let administrator = match peer.token {
            Some(t) => t.system || t.same_account || t.administrator,
            None => peer.uid.is_some_and(|u| self.uids.contains(&u)),
        };
        Some(if administrator {
            Standing::Administrator
        } else {
            Standing::Member
        })
    }

    /// May this peer ask for a login (the call that is charged)? Where the OS admitted the
    /// connection, its token decides; elsewhere the connection check already did.
    pub(crate) fn may_login(&self, peer: &Peer) -> bool {
        match peer.token {
            Some(rights) => rights.may_login(),
            None => !self.os_checked && self.allows(peer),
        }
    }
}

/// The credentials of a connected peer.
pub(crate) fn peer_of(stream: &Stream) -> Peer {
    platform::peer_of(stream)
}

/// The client's token, read once a request has been (Windows; nothing on Linux).
pub(crate) use platform::client_token;

/// A connection to the service.
pub struct Connection {
    reader: BufReader<tokio::io::ReadHalf<Stream>>,
    writer: tokio::io::WriteHalf<Stream>,
    line: Vec<u8>,
}

/// Connect to a socket path, to the service or, with none registered, to this program (the
/// tray looks for the `rd-agent` beside it: `server_program`).
pub async fn connect(path: &Path) -> Result<Connection, IpcError> {
    connect_expecting(path, &server_program()).await
}

/// The program a client expects to answer when no service is registered: this one, or for
/// the tray's own Windows program, the `rd-agent` beside it.
pub(crate) fn server_program() -> PathBuf {
    let me = std::env::current_exe().unwrap_or_default();
    let tray = me
        .file_stem()
        .is_some_and(|s| s.eq_ignore_ascii_case("rd-agent-tray"));
    match (tray, me.extension()) {
        (true, Some(ext)) => me.with_file_name("rd-agent").with_extension(ext),
        (true, None) => me.with_file_name("rd-agent"),
        (false, _) => me,
    }
}

/// Connect to a socket path, and before sending anything check who answers: the service, or
/// (none registered) a process running `image` (Windows: anyone may create a pipe of that
/// name while the service is down; Linux: the socket's directory keeps others out).
pub async fn connect_expecting(path: &Path, image: &Path) -> Result<Connection, IpcError> {
    let name = platform::endpoint_name(path)?;
    let stream = Stream::connect(name).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::PermissionDenied => IpcError::NotPermitted(path.display().to_string()),
        _ => IpcError::NotRunning(path.display().to_string()),
    })?;
    platform::check_server(&stream, image).map_err(|(pid, program)| {
        tracing::warn!(
            pid,
            program,
            "the endpoint is not answered by the rd-agent service"
        );
        IpcError::NotTheService {
            path: path.display().to_string(),
            pid,
            program,
        }
    })?;
    let (r, w) = tokio::io::split(stream);
    Ok(Connection {
        reader: BufReader::new(r),
        writer: w,
        line: Vec::new(),
    })
}

impl Connection {
    /// Send a request line.
    pub(crate) async fn send(&mut self, req: &Request) -> Result<(), IpcError> {
        self.writer.write_all(&protocol::encode(req)).await?;
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
            .take(MAX_REPLY_LINE as u64)
            .read_until(b'\n', &mut self.line)
            .await?;
        if n == 0 {
            return Ok(None);
        }
        match protocol::parse_message(&self.line) {
            Ok(m) => Ok(Some(m)),
            Err(BadReply::Garbage) => Err(IpcError::Protocol),
            Err(BadReply::OtherVersion(theirs)) => Err(IpcError::OtherVersion(theirs)),
        }
    }

    async fn call(&mut self, req: &Request) -> Result<Message, IpcError> {
        self.send(req).await?;
        match self.next().await? {
            Some(Message::Error { message, said }) => Err(IpcError::Refused(
                said.unwrap_or_else(|| Msg::verbatim(message)),
            )),
            Some(m) => Ok(m),
            None => Err(IpcError::Refused(Msg::new("ipc-closed"))),
        }
    }

    /// The ledger's attempts of the last `days` IST days and this month's money.
    pub async fn history(&mut self, days: u32) -> Result<History, IpcError> {
        match self.call(&Request::History { days }).await? {
            Message::History(h) => Ok(*h),
            _ => Err(IpcError::Protocol),
        }
    }

    /// The service's configuration, as setup shows it.
    pub async fn config_show(&mut self) -> Result<View, IpcError> {
        match self.call(&Request::ConfigShow).await? {
            Message::Config(view) => Ok(*view),
            _ => Err(IpcError::Protocol),
        }
    }

    /// Change the service's configuration; its view afterwards.
    pub(crate) async fn config_change(&mut self, change: &Change) -> Result<View, IpcError> {
        let req = Request::ConfigChange(ConfigChange::of(change));
        match self.call(&req).await? {
            Message::Config(view) => Ok(*view),
            _ => Err(IpcError::Protocol),
        }
    }

    pub async fn status(&mut self) -> Result<Message, IpcError> {
        self.call(&Request::Status).await
    }

    pub async fn login(&mut self, force: bool) -> Result<LoginSummary, IpcError> {
        self.login_with(LoginFlags {
            force,
            ..LoginFlags::default()
        })
        .await
    }

    pub async fn login_with(&mut self, flags: LoginFlags) -> Result<LoginSummary, IpcError> {
        let req = Request::Login {
            force: flags.force,
            accept_new_device: flags.accept_new_device,
            despite_declines: flags.despite_declines,
        };
        match self.call(&req).await? {
            Message::Login(o) => Ok(o),
            _ => Err(IpcError::Protocol),
        }
    }

    pub async fn devices(&mut self) -> Result<DeviceReport, IpcError> {
        match self.call(&Request::Devices).await? {
            Message::Devices(report) => Ok(report),
            _ => Err(IpcError::Protocol),
        }
    }

    /// Start a subscription; read events with [`Connection::next`]. Returns the current status.
    pub async fn subscribe(&mut self) -> Result<Message, IpcError> {
        self.call(&Request::Subscribe).await
    }
}

use tokio::io::AsyncReadExt as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_admits_root_self_and_group_only() {
        let p = PeerPolicy::only(vec![0, 1000], vec![500]);
        let peer = |uid, gid, groups: Vec<u32>| Peer {
            pid: None,
            uid: Some(uid),
            gid: Some(gid),
            groups,
            token: None,
        };
        assert!(p.allows(&peer(0, 0, vec![])));
        assert!(p.allows(&peer(1000, 1000, vec![])));
        assert!(p.allows(&peer(1001, 500, vec![])));
        assert!(p.allows(&peer(1001, 1001, vec![27, 500])));
        assert!(!p.allows(&peer(1001, 1001, vec![27])));
        assert!(!p.allows(&Peer::default()));
        // Without a token, the connection check is the login check.
        assert!(p.may_login(&peer(1001, 500, vec![])));
        assert!(!p.may_login(&peer(1001, 1001, vec![27])));
    }

    /// Windows: the DACL admits every interactive user, so a tray can watch; a login needs
    /// the token to be SYSTEM, the service's account, an administrator or an operator.
    #[test]
    fn where_the_os_admits_the_connection_the_token_decides_the_login() {
        use crate::platform::TokenRights;
        let p = PeerPolicy {
            uids: vec![],
            gids: vec![],
            os_checked: true,
        };
        let with = |rights| Peer {
            token: Some(rights),
            ..Peer::default()
        };
        let nobody = TokenRights::default();
        assert!(p.allows(&with(nobody)), "a user's tray may connect");
        assert!(!p.may_login(&with(nobody)), "a non-member may not log in");
        assert!(
            !p.may_login(&Peer::default()),
            "a token that could not be read"
        );
        for rights in [
            TokenRights {
                system: true,
                ..nobody
            },
            TokenRights {
                same_account: true,
                ..nobody
            },
            TokenRights {
                administrator: true,
                ..nobody
            },
            TokenRights {
                operator: true,
                ..nobody
            },
        ] {
            assert!(p.may_login(&with(rights)), "{rights:?}");
        }
    }

    #[test]
    fn state_dir_socket_path() {
        assert_eq!(
            socket_path(Some(Path::new("/tmp/x"))),
            Path::new("/tmp/x/agent.sock")
        );
    }
}
