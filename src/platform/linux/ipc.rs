//! The service's endpoint on Linux: a Unix domain socket file, 0660, whose peer is checked by
//! `SO_PEERCRED` (uid root, the service's own uid, or a member of the `rd-agent` group).

use std::path::{Path, PathBuf};

use interprocess::local_socket::tokio::Stream;
use interprocess::local_socket::{GenericFilePath, ListenerOptions, Name, ToFsName};

use crate::platform::{Admitted, Peer};

/// Where the service listens without `--socket` or a state directory: systemd's
/// `RuntimeDirectory=rd-agent`.
pub(crate) const SYSTEM_SOCKET: &str = "/run/rd-agent/agent.sock";

pub(crate) fn default_socket() -> PathBuf {
    PathBuf::from(SYSTEM_SOCKET)
}

/// The socket file's name for interprocess.
pub(crate) fn endpoint_name(path: &Path) -> std::io::Result<Name<'static>> {
    path.to_path_buf().to_fs_name::<GenericFilePath>()
}

/// Before binding: the directory exists, and a stale socket file (nobody answered) is gone.
pub(crate) fn prepare_bind(path: &Path) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let _ = std::fs::remove_file(path);
    Ok(())
}

pub(crate) fn listener_options(opts: ListenerOptions<'_>) -> std::io::Result<ListenerOptions<'_>> {
    use interprocess::os::unix::local_socket::ListenerOptionsExt;
    // Owner and group only; the peer check is the real gate.
    Ok(opts.mode(0o660))
}

/// After binding: connecting needs write permission, and the umask (UMask=0027 under systemd)
/// would take it from the group, so set it explicitly.
pub(crate) fn after_bind(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))
}

/// The credentials of a connected peer.
pub(crate) fn peer_of(stream: &Stream) -> Peer {
    use interprocess::local_socket::traits::StreamCommon as _;
    let Ok(creds) = stream.peer_creds() else {
        return Peer::default();
    };
    let pid = creds.pid().and_then(|p| u32::try_from(p).ok());
    Peer {
        pid,
        uid: creds.euid(),
        gid: creds.egid(),
        groups: peer_groups(pid, creds.euid()),
        token: None,
    }
}

/// Linux has no token: the peer's uid and groups (`peer_of`) are the whole check.
pub(crate) struct ClientToken;

pub(crate) fn client_token(_stream: &Stream) -> ClientToken {
    ClientToken
}

impl ClientToken {
    pub(crate) fn rights(&self) -> Option<crate::platform::TokenRights> {
        None
    }
}

/// Nothing to check of the server: only root and the service create files in its socket's
/// directory (/run/rd-agent), so no one else can answer there.
pub(crate) fn check_server(_stream: &Stream, _image: &Path) -> Result<(), (u32, String)> {
    Ok(())
}

/// Root, the service's own uid, and the `rd-agent` group.
pub(crate) fn admitted() -> Admitted {
    let mut uids = vec![0, ids::euid()];
    uids.dedup();
    Admitted {
        uids,
        gids: ids::group_id("rd-agent").into_iter().collect(),
        os_checked: false,
    }
}

/// This process's user and the `rd-agent` group: the session's groups are this process's (as
/// the kernel fixed them at login), the account's are /etc/group's now.
pub(crate) fn group_standing() -> crate::platform::GroupStanding {
    // SAFETY: getegid has no preconditions and cannot fail.
    let egid = unsafe { libc::getegid() };
    let mut session = ids::proc_groups(std::process::id());
    session.push(egid);
    let account = match (
        std::fs::read_to_string("/etc/passwd"),
        std::fs::read_to_string("/etc/group"),
    ) {
        (Ok(passwd), Ok(group)) => ids::groups_of_uid(&passwd, &group, ids::euid()),
        _ => vec![],
    };
    crate::platform::group_standing_of(&session, &account, ids::group_id("rd-agent"))
}

/// The peer's supplementary groups: from /proc when it can be read, else (the unit's
/// `ProtectProc=invisible` hides other users' processes) from /etc/group by user name.
fn peer_groups(pid: Option<u32>, uid: Option<u32>) -> Vec<u32> {
    let from_proc = pid.map(ids::proc_groups).unwrap_or_default();
    if !from_proc.is_empty() {
        return from_proc;
    }
    let (Ok(passwd), Ok(group)) = (
        std::fs::read_to_string("/etc/passwd"),
        std::fs::read_to_string("/etc/group"),
    ) else {
        return vec![];
    };
    uid.map(|u| ids::groups_of_uid(&passwd, &group, u))
        .unwrap_or_default()
}

pub(crate) mod ids {
    //! User and group ids: the effective uid, groups from /etc/group and /proc.

    pub(crate) fn euid() -> u32 {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() }
    }

    /// The gid of a group, from /etc/group (no NSS: the package creates a local group).
    pub(crate) fn group_id(name: &str) -> Option<u32> {
        let text = std::fs::read_to_string("/etc/group").ok()?;
        text.lines().find_map(|line| {
            let mut f = line.split(':');
            if f.next()? != name {
                return None;
            }
            f.nth(1)?.parse().ok()
        })
    }

    /// The user name of a uid, from /etc/passwd.
    pub(crate) fn name_of_uid(uid: u32) -> Option<String> {
        let text = std::fs::read_to_string("/etc/passwd").ok()?;
        text.lines().find_map(|l| {
            let f: Vec<_> = l.split(':').collect();
            (f.len() > 2 && f[2].parse() == Ok(uid)).then(|| f[0].to_string())
        })
    }

    /// The groups listing the user with this uid as a member (from passwd and group texts).
    pub(crate) fn groups_of_uid(passwd: &str, group: &str, uid: u32) -> Vec<u32> {
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
    pub(crate) fn proc_groups(pid: u32) -> Vec<u32> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_membership_from_etc_group_when_proc_is_hidden() {
        let passwd = "root:x:0:0::/root:/bin/sh\nasha:x:1001:1001::/home/asha:/bin/sh\n";
        let group = "root:x:0:\nrd-agent:x:998:ravi,asha\nasha:x:1001:\nplugdev:x:46:asha\n";
        assert_eq!(ids::groups_of_uid(passwd, group, 1001), vec![998, 46]);
        assert_eq!(ids::groups_of_uid(passwd, group, 0), Vec::<u32>::new());
        assert_eq!(ids::groups_of_uid(passwd, group, 4242), Vec::<u32>::new());
        assert_eq!(ids::groups_of_uid("garbage", "x:y", 1), Vec::<u32>::new());
    }
}
