//! Everything that differs between Linux and Windows, behind one API: the IPC endpoint and
//! its peer check, file permissions and system locations, readiness and stop signals, service
//! registration, and handing over to another program. The rest of the crate calls
//! `crate::platform::…` and carries no `cfg` of its own; each OS's code is in `linux/` or
//! `windows/` beside this file, with the same module and function names.

#[cfg(target_os = "linux")]
#[path = "linux/mod.rs"]
mod os;
#[cfg(windows)]
#[path = "windows/mod.rs"]
mod os;

pub(crate) use os::*;

/// The language for `setting` (`ui.language`) here: [`crate::i18n::Lang::from_setting`] over
/// this process's environment and the OS's UI language (`os::locale`).
pub(crate) fn language(setting: &str) -> crate::i18n::Lang {
    crate::i18n::Lang::from_setting(setting, |k| match k {
        crate::i18n::UI_LANGUAGE => os::locale::ui_language(),
        _ => std::env::var(k).ok(),
    })
}

/// How a secret value sealed by the OS (Windows DPAPI) starts in the secrets file.
pub(crate) const SEALED_PREFIX: &str = "dpapi:";

/// Why the service stopped, as the service manager is told: a code of our own
/// ([`ServiceFailure::CONFIG`], else [`ServiceFailure::RUNTIME`]) and the operator's sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServiceFailure {
    pub(crate) code: u32,
    pub(crate) reason: String,
}

impl ServiceFailure {
    /// It stopped while running, or could not bind its endpoint.
    pub(crate) const RUNTIME: u32 = 1;
    /// The config could not be read or used: it never started.
    pub(crate) const CONFIG: u32 = 2;
    /// Its files could not be kept from other users ([`LockDownError`]): it never started.
    pub(crate) const PERMISSIONS: u32 = 3;
}

/// Why a directory rd-agent keeps its config or state in could be rearranged by someone else
/// (`fs::dir_problem`): then another user could replace the config (point the relay or
/// InstantPay at a host of their own) or plant links among the state files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DirProblem {
    /// Owned by another user than this process's, and not by root.
    #[cfg_attr(
        windows,
        expect(dead_code, reason = "Windows reads a DACL: LockDownError")
    )]
    Owner { uid: u32 },
    /// Group or others may create, remove or rename files in it (mode shown in octal).
    #[cfg_attr(
        windows,
        expect(dead_code, reason = "Windows reads a DACL: LockDownError")
    )]
    Writable { mode: u32 },
}

/// Why the service's files could not be kept to SYSTEM and Administrators (`fs::lock_down`).
#[derive(Debug, thiserror::Error)]
pub(crate) enum LockDownError {
    #[error(
        "Could not limit {path} to SYSTEM and Administrators ({error}). The service does not start while its secrets could be open to other users."
    )]
    #[cfg_attr(
        not(windows),
        expect(dead_code, reason = "only Windows applies a DACL")
    )]
    Apply { path: String, error: String },
    #[error(
        "{path} can be changed by {who}, so anyone could change what the service does. Remove that permission (right-click, Properties, Security) or reinstall rd-agent; the service does not start until then."
    )]
    #[cfg_attr(not(windows), expect(dead_code, reason = "only Windows reads a DACL"))]
    WritableByOthers { path: String, who: String },
}

impl LockDownError {
    pub(crate) fn msg(&self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            LockDownError::Apply { path, error } => Msg::new("lockdown-apply-failed")
                .arg("path", path.as_str())
                .arg("error", error.as_str()),
            LockDownError::WritableByOthers { path, who } => Msg::new("lockdown-writable")
                .arg("path", path.as_str())
                .arg("who", who.as_str()),
        }
    }
}

/// A future that completes when the service should stop (a signal, or the SCM's Stop).
pub(crate) type StopFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// A process, told apart from a later one given the same pid by its start time (an opaque
/// OS-specific text, only ever compared). An attempt records its owner (src/ledger.rs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessId {
    pub pid: u32,
    pub started: String,
}

/// Who is on the other end of an IPC connection, as far as the OS tells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Peer {
    pub(crate) pid: Option<u32>,
    pub(crate) uid: Option<u32>,
    pub(crate) gid: Option<u32>,
    /// Supplementary groups (Linux: read from /proc for the peer's pid).
    pub(crate) groups: Vec<u32>,
    /// Windows: what the client's token says, read while impersonating it on the pipe (Linux
    /// has the uid and groups above instead).
    pub(crate) token: Option<TokenRights>,
}

/// What a Windows client's token grants it here. Any one of them lets it ask for a
/// (chargeable) login; the pipe's DACL already decided who may connect at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TokenRights {
    /// LocalSystem.
    pub(crate) system: bool,
    /// The account the service runs as.
    pub(crate) same_account: bool,
    /// A member of Administrators, also through the linked (elevated) token of a limited one.
    pub(crate) administrator: bool,
    /// A member of the local `rd-agent` group.
    pub(crate) operator: bool,
}

impl TokenRights {
    pub(crate) fn may_login(&self) -> bool {
        self.system || self.same_account || self.administrator || self.operator
    }
}

/// The local group whose members may use the service beyond watching it (Linux: the socket's
/// group; Windows: the group a login over the pipe needs).
#[cfg(windows)]
pub(crate) const OPERATORS_GROUP: &str = "rd-agent";

/// Who runs the service listening on a port (an RD Service must be trusted before a
/// chargeable capture: another user's program on the range could hand over a forged PID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PortOwner {
    User {
        /// The account as the OS knows it: "uid 1001" on Linux, a SID on Windows.
        account: String,
        /// Its name, when the OS has one (/etc/passwd; LookupAccountSid's DOMAIN\name).
        name: Option<String>,
        /// root; on Windows SYSTEM, LOCAL SERVICE or NETWORK SERVICE, as vendors' RD
        /// Services run.
        is_system: bool,
        /// The account this process runs as.
        is_self: bool,
    },
    /// It could not be read: the reason.
    Unknown(String),
    /// The OS does not tell (Wine's TCP tables carry no process): the reason.
    #[cfg_attr(not(windows), expect(dead_code, reason = "only Wine cannot tell"))]
    NotChecked(&'static str),
}

/// Where this process's user stands with the operators' group (`rd-agent`), for the sentence a
/// client refused by the endpoint's permissions reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupStanding {
    /// Not a member: an administrator must add the account.
    #[cfg_attr(
        windows,
        allow(
            dead_code,
            reason = "the pipe admits every interactive user; the tests use it"
        )
    )]
    NotMember,
    /// A member since after this session began: the session's groups were fixed at login, so
    /// it takes logging out and back in once.
    #[cfg_attr(
        windows,
        allow(
            dead_code,
            reason = "the pipe admits every interactive user; the tests use it"
        )
    )]
    JoinedSinceLogin,
    /// A member in this session too (the refusal has another cause), or it cannot be told.
    Other,
}

/// The standing from the groups this session has, the groups the account has now, and the
/// operators' group (`None`: no such group on this machine).
#[cfg_attr(
    windows,
    allow(
        dead_code,
        reason = "the pipe admits every interactive user; the tests use it"
    )
)]
pub(crate) fn group_standing_of(
    session: &[u32],
    account: &[u32],
    group: Option<u32>,
) -> GroupStanding {
    match group {
        Some(g) if session.contains(&g) => GroupStanding::Other,
        Some(g) if account.contains(&g) => GroupStanding::JoinedSinceLogin,
        Some(_) => GroupStanding::NotMember,
        None => GroupStanding::Other,
    }
}

/// Whom the OS's default policy admits to the service's endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Admitted {
    pub(crate) uids: Vec<u32>,
    pub(crate) gids: Vec<u32>,
    /// Everyone the OS let through (Windows, where the pipe's DACL is the check).
    pub(crate) os_checked: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session's groups are fixed at login; /etc/group says what the account has now.
    #[test]
    fn the_group_standing_tells_a_new_member_from_a_stranger() {
        let group = Some(990);
        assert_eq!(
            group_standing_of(&[1000], &[1000], group),
            GroupStanding::NotMember
        );
        assert_eq!(
            group_standing_of(&[1000], &[1000, 990], group),
            GroupStanding::JoinedSinceLogin
        );
        assert_eq!(
            group_standing_of(&[1000, 990], &[1000, 990], group),
            GroupStanding::Other
        );
        assert_eq!(
            group_standing_of(&[1000], &[1000], None),
            GroupStanding::Other
        );
    }
}
