//! Who runs the service listening on a loopback port, on Windows: the owning pid from the TCP
//! listener tables (GetExtendedTcpTable), then that process's token user: its SID, its
//! DOMAIN\name, and whether it is one of the service accounts vendors' RD Services run as.

use std::ptr::{null, null_mut};

use windows_sys::Win32::Foundation::{
    CloseHandle, ERROR_INSUFFICIENT_BUFFER, HANDLE, HLOCAL, LocalFree, NO_ERROR,
};
use windows_sys::Win32::NetworkManagement::IpHelper::{
    GetExtendedTcpTable, MIB_TCP6TABLE_OWNER_PID, MIB_TCPTABLE_OWNER_PID,
    TCP_TABLE_OWNER_PID_LISTENER,
};
use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6};
use windows_sys::Win32::Security::Authorization::ConvertSidToStringSidW;
use windows_sys::Win32::Security::{
    GetTokenInformation, LookupAccountSidW, SID_NAME_USE, TOKEN_QUERY, TOKEN_USER, TokenUser,
};
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, OpenProcess, OpenProcessToken, PROCESS_QUERY_LIMITED_INFORMATION,
};

use crate::platform::PortOwner;

/// LocalSystem, LocalService, NetworkService.
const SERVICE_ACCOUNTS: [&str; 3] = ["S-1-5-18", "S-1-5-19", "S-1-5-20"];

/// The owner of the TCP socket listening on `port`.
pub(crate) fn port_owner(port: u16) -> PortOwner {
    let pid = match listener_pid(port) {
        // Wine lists the listener but not its process (its tables give pid 0): the test lane
        // runs there, so say so, never guess. Windows itself always names the process.
        Ok(Some(0)) if under_wine() => {
            return PortOwner::NotChecked("Wine does not report which process listens on a port");
        }
        Ok(Some(0)) => {
            return PortOwner::Unknown(format!(
                "Windows did not say which process listens on port {port}"
            ));
        }
        Ok(Some(pid)) => pid,
        Ok(None) => {
            return PortOwner::Unknown(format!("no listening socket on port {port}"));
        }
        Err(e) => return PortOwner::Unknown(e),
    };
    let owner = match Token::of_process(pid).and_then(|t| t.user()) {
        Ok(u) => u,
        Err(e) => return PortOwner::Unknown(format!("process {pid}: {e}")),
    };
    let me = Token::of_process(std::process::id()).and_then(|t| t.user());
    PortOwner::User {
        is_system: SERVICE_ACCOUNTS.contains(&owner.sid.as_str()),
        is_self: me.is_ok_and(|m| m.sid == owner.sid),
        account: owner.sid,
        name: owner.name,
    }
}

/// The process listening on `port`, as "pid N, C:\path\to.exe", for what a person reads
/// (trust is the account's). None where the table gives no process (Wine).
pub(crate) fn port_process(port: u16) -> Option<String> {
    use windows_sys::Win32::System::Threading::{PROCESS_NAME_WIN32, QueryFullProcessImageNameW};
    let pid = listener_pid(port).ok().flatten().filter(|&p| p != 0)?;
    // SAFETY: the handle is checked and closed; the buffer holds `len` u16s.
    unsafe {
        let h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
        if h.is_null() {
            return Some(format!("pid {pid}"));
        }
        let mut buf = vec![0u16; 1024];
        let mut len = buf.len() as u32;
        let ok = QueryFullProcessImageNameW(h, PROCESS_NAME_WIN32, buf.as_mut_ptr(), &mut len) != 0;
        CloseHandle(h);
        Some(if ok {
            format!(
                "pid {pid}, {}",
                String::from_utf16_lossy(&buf[..len as usize])
            )
        } else {
            format!("pid {pid}")
        })
    }
}

/// The pid listening on `port`, from the IPv4 then the IPv6 listener table.
fn listener_pid(port: u16) -> Result<Option<u32>, String> {
    for family in [AF_INET, AF_INET6] {
        let table = tcp_table(u32::from(family))?;
        // SAFETY: `table` holds what GetExtendedTcpTable wrote for this family: a count, then
        // that many rows of the family's row type. The buffer is u64-aligned.
        let found = unsafe {
            if family == AF_INET {
                let t = table.as_ptr().cast::<MIB_TCPTABLE_OWNER_PID>();
                let rows =
                    std::slice::from_raw_parts((*t).table.as_ptr(), (*t).dwNumEntries as usize);
                rows.iter()
                    .find(|r| local_port(r.dwLocalPort) == port)
                    .map(|r| r.dwOwningPid)
            } else {
                let t = table.as_ptr().cast::<MIB_TCP6TABLE_OWNER_PID>();
                let rows =
                    std::slice::from_raw_parts((*t).table.as_ptr(), (*t).dwNumEntries as usize);
                rows.iter()
                    .find(|r| local_port(r.dwLocalPort) == port)
                    .map(|r| r.dwOwningPid)
            }
        };
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// Running under Wine (its ntdll exports `wine_get_version`).
fn under_wine() -> bool {
    use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleA, GetProcAddress};
    // SAFETY: both names are NUL-terminated; a missing module or export is a null result.
    unsafe {
        let ntdll = GetModuleHandleA(c"ntdll.dll".as_ptr().cast());
        !ntdll.is_null() && GetProcAddress(ntdll, c"wine_get_version".as_ptr().cast()).is_some()
    }
}

/// The port sits in the low 16 bits, in network byte order.
fn local_port(dw: u32) -> u16 {
    u16::from_be((dw & 0xffff) as u16)
}

/// One family's listener table with owning pids, in a u64-aligned buffer.
fn tcp_table(family: u32) -> Result<Vec<u64>, String> {
    let mut size = 0u32;
    let mut buf: Vec<u64> = Vec::new();
    // The table can grow between the sizing call and the read: try a few times.
    for _ in 0..4 {
        // SAFETY: `buf` has room for `size` bytes (0 on the first call, which only sizes).
        let rc = unsafe {
            GetExtendedTcpTable(
                if buf.is_empty() {
                    null_mut()
                } else {
                    buf.as_mut_ptr().cast()
                },
                &mut size,
                0,
                family,
                TCP_TABLE_OWNER_PID_LISTENER,
                0,
            )
        };
        match rc {
            NO_ERROR if !buf.is_empty() => return Ok(buf),
            NO_ERROR | ERROR_INSUFFICIENT_BUFFER => {
                buf = vec![0u64; (size as usize).div_ceil(8) + 1];
            }
            e => {
                return Err(format!(
                    "the TCP listener table could not be read (error {e})"
                ));
            }
        }
    }
    Err("the TCP listener table kept changing while it was read".into())
}

/// A process's access token, closed on drop.
struct Token(HANDLE);

/// A token's user: its SID as text and its DOMAIN\name when the account is known.
struct Account {
    sid: String,
    name: Option<String>,
}

impl Token {
    fn of_process(pid: u32) -> Result<Token, String> {
        // SAFETY: plain Win32 calls; every handle is checked, and the process handle closed.
        unsafe {
            let process = if pid == std::process::id() {
                GetCurrentProcess()
            } else {
                OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid)
            };
            if process.is_null() {
                return Err(format!("cannot be opened ({})", last_error()));
            }
            let mut token: HANDLE = null_mut();
            let ok = OpenProcessToken(process, TOKEN_QUERY, &mut token) != 0;
            if pid != std::process::id() {
                CloseHandle(process);
            }
            if !ok {
                return Err(format!("its token cannot be read ({})", last_error()));
            }
            Ok(Token(token))
        }
    }

    fn user(&self) -> Result<Account, String> {
        // SAFETY: the buffer is sized by the first call and u64-aligned for TOKEN_USER; the
        // SID it points into lives in that buffer while it is used.
        unsafe {
            let mut len = 0u32;
            GetTokenInformation(self.0, TokenUser, null_mut(), 0, &mut len);
            if len == 0 {
                return Err(format!(
                    "its token's user cannot be read ({})",
                    last_error()
                ));
            }
            let mut buf = vec![0u64; (len as usize).div_ceil(8)];
            if GetTokenInformation(self.0, TokenUser, buf.as_mut_ptr().cast(), len, &mut len) == 0 {
                return Err(format!(
                    "its token's user cannot be read ({})",
                    last_error()
                ));
            }
            let sid = (*buf.as_ptr().cast::<TOKEN_USER>()).User.Sid;
            let mut text: *mut u16 = null_mut();
            if ConvertSidToStringSidW(sid, &mut text) == 0 {
                return Err(format!("its SID cannot be written out ({})", last_error()));
            }
            let sid_text = wide_to_string(text);
            LocalFree(text as HLOCAL);
            Ok(Account {
                sid: sid_text,
                name: account_name(sid),
            })
        }
    }
}

impl Drop for Token {
    fn drop(&mut self) {
        // SAFETY: the handle came from OpenProcessToken and is closed once.
        unsafe { CloseHandle(self.0) };
    }
}

/// DOMAIN\name of a SID, when the system knows the account.
///
/// # Safety
/// `sid` must point to a valid SID.
unsafe fn account_name(sid: *mut core::ffi::c_void) -> Option<String> {
    let (mut name_len, mut domain_len, mut kind) = (256u32, 256u32, 0 as SID_NAME_USE);
    let mut name = vec![0u16; name_len as usize];
    let mut domain = vec![0u16; domain_len as usize];
    // SAFETY: both buffers hold the lengths passed; `sid` is valid (the caller's promise).
    let ok = unsafe {
        LookupAccountSidW(
            null(),
            sid,
            name.as_mut_ptr(),
            &mut name_len,
            domain.as_mut_ptr(),
            &mut domain_len,
            &mut kind,
        ) != 0
    };
    if !ok {
        return None;
    }
    let name = String::from_utf16_lossy(&name[..name_len as usize]);
    let domain = String::from_utf16_lossy(&domain[..domain_len as usize]);
    Some(if domain.is_empty() {
        name
    } else {
        format!("{domain}\\{name}")
    })
}

/// A NUL-terminated wide string.
///
/// # Safety
/// `p` must point to a NUL-terminated UTF-16 string.
unsafe fn wide_to_string(p: *const u16) -> String {
    let mut len = 0;
    // SAFETY: the string is NUL-terminated (the caller's promise).
    unsafe {
        while *p.add(len) != 0 {
            len += 1;
        }
        String::from_utf16_lossy(std::slice::from_raw_parts(p, len))
    }
}

fn last_error() -> String {
    std::io::Error::last_os_error().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_is_read_from_network_byte_order() {
        assert_eq!(local_port(u32::from(11100u16.to_be())), 11100);
        assert_eq!(local_port(0xdead_0000 | u32::from(80u16.to_be())), 80);
    }

    #[test]
    fn our_own_listener_is_found_and_is_ours() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let pid = listener_pid(port)
            .unwrap()
            .expect("the listener is in the table");
        match port_owner(port) {
            PortOwner::User {
                is_self, account, ..
            } => {
                assert_eq!(pid, std::process::id());
                assert!(is_self, "{account}");
                assert!(account.starts_with("S-1-"), "{account}");
            }
            // Wine's table has the listener without its process.
            PortOwner::NotChecked(_) if under_wine() => assert_eq!(pid, 0),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn this_process_token_names_its_account() {
        let me = Token::of_process(std::process::id())
            .unwrap()
            .user()
            .unwrap();
        assert!(me.sid.starts_with("S-1-"), "{}", me.sid);
        assert!(me.name.is_some_and(|n| !n.is_empty()));
    }

    #[test]
    fn a_port_nobody_listens_on_is_unknown() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        assert!(matches!(port_owner(port), PortOwner::Unknown(_)));
    }
}
