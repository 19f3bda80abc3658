//! Who runs the service listening on a loopback port: the uid column of the TCP tables in
//! /proc/self/net (readable under the hardened unit, unlike other users' /proc/PID entries;
//! its ProcSubset=pid hides the /proc/net link but not /proc/self).

use super::ipc::ids;
use crate::platform::PortOwner;

/// The owner of the TCP socket listening on `port`.
pub(crate) fn port_owner(port: u16) -> PortOwner {
    let mut found = None;
    for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        if let Some((uid, _)) = listener(&text, port) {
            found = Some(uid);
            break;
        }
    }
    match found {
        Some(uid) => PortOwner::User {
            account: format!("uid {uid}"),
            name: ids::name_of_uid(uid),
            is_system: uid == 0,
            is_self: uid == ids::euid(),
        },
        None => PortOwner::Unknown(format!(
            "no listening socket on port {port} in /proc/self/net/tcp or tcp6"
        )),
    }
}

/// The process holding the socket that listens on `port`, as "pid N, /path/to/exe", where
/// /proc shows it: every process to root, one's own otherwise, none of another user's under
/// the hardened unit (ProtectProc=invisible). For what a person reads; trust is the uid's.
pub(crate) fn port_process(port: u16) -> Option<String> {
    let inode = ["/proc/self/net/tcp", "/proc/self/net/tcp6"]
        .iter()
        .filter_map(|t| std::fs::read_to_string(t).ok())
        .find_map(|text| listener(&text, port))?
        .1;
    let socket = format!("socket:[{inode}]");
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        let holds = fds.flatten().any(|fd| {
            std::fs::read_link(fd.path()).is_ok_and(|l| l.as_os_str() == socket.as_str())
        });
        if holds {
            let exe = std::fs::read_link(entry.path().join("exe"))
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| "executable not readable".into());
            return Some(format!("pid {pid}, {exe}"));
        }
    }
    None
}

/// The uid and socket inode of the LISTEN entry (state 0A) for `port` in one /proc/net/tcp*
/// text.
fn listener(text: &str, port: u16) -> Option<(u32, u64)> {
    text.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        let local = f.get(1)?;
        let (_, hex_port) = local.rsplit_once(':')?;
        if u16::from_str_radix(hex_port, 16).ok()? != port || *f.get(3)? != "0A" {
            return None;
        }
        Some((f.get(7)?.parse().ok()?, f.get(9)?.parse().ok()?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listening_entry_for_the_port_gives_the_uid() {
        let text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
           0: 0100007F:2B5C 0100007F:D000 01 00000000:00000000 00:00000000 00000000  1000        0 1 1\n\
           1: 0100007F:2B5C 00000000:0000 0A 00000000:00000000 00:00000000 00000000    65534        0 2 1\n\
           2: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1\n";
        assert_eq!(
            listener(text, 11100),
            Some((65534, 2)),
            "LISTEN, not the connection"
        );
        assert_eq!(listener(text, 2024), Some((0, 3)));
        assert_eq!(listener(text, 11101), None);
        assert_eq!(listener("garbage\nmore garbage", 11100), None);
    }

    #[test]
    fn our_own_listener_is_ours() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        match port_owner(port) {
            PortOwner::User { is_self, .. } => assert!(is_self),
            other => panic!("{other:?}"),
        }
        let shown = port_process(port).expect("our own process is visible to us");
        assert!(
            shown.starts_with(&format!("pid {}, ", std::process::id())),
            "{shown}"
        );
    }
}
