//! Security identifiers, owned: the well-known ones, an account's by name, a token's user.

use std::io;

use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::Security::{
    CreateWellKnownSid, EqualSid, GetTokenInformation, LookupAccountNameW, PSID,
    SECURITY_MAX_SID_SIZE, SID_NAME_USE, SidTypeAlias, SidTypeGroup, TOKEN_USER, TokenUser,
    WELL_KNOWN_SID_TYPE,
};

/// A SID's bytes.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Sid(Vec<u8>);

impl std::fmt::Debug for Sid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Revision, sub-authority count, 6-byte authority, 32-bit sub-authorities: S-1-5-...
        let b = &self.0;
        if b.len() < 8 {
            return write!(f, "Sid(?)");
        }
        let authority = b[2..8].iter().fold(0u64, |a, x| (a << 8) | u64::from(*x));
        write!(f, "S-{}-{authority}", b[0])?;
        for sub in b[8..].chunks_exact(4) {
            write!(
                f,
                "-{}",
                u32::from_le_bytes([sub[0], sub[1], sub[2], sub[3]])
            )?;
        }
        Ok(())
    }
}

impl Sid {
    pub(crate) fn well_known(kind: WELL_KNOWN_SID_TYPE) -> io::Result<Sid> {
        let mut buf = vec![0u8; SECURITY_MAX_SID_SIZE as usize];
        let mut len = buf.len() as u32;
        // SAFETY: a buffer of SECURITY_MAX_SID_SIZE bytes and its length.
        let ok = unsafe {
            CreateWellKnownSid(
                kind,
                std::ptr::null_mut(),
                buf.as_mut_ptr().cast(),
                &mut len,
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        buf.truncate(len as usize);
        Ok(Sid(buf))
    }

    /// A local group by name (`None` when there is no such group).
    pub(crate) fn of_group(name: &str) -> Option<Sid> {
        let wide: Vec<u16> = name.encode_utf16().chain(Some(0)).collect();
        let mut buf = vec![0u8; SECURITY_MAX_SID_SIZE as usize];
        let mut len = buf.len() as u32;
        let mut domain = [0u16; 256];
        let mut domain_len = domain.len() as u32;
        let mut kind: SID_NAME_USE = 0;
        // SAFETY: every out-pointer is a buffer of the size passed beside it.
        let ok = unsafe {
            LookupAccountNameW(
                std::ptr::null(),
                wide.as_ptr(),
                buf.as_mut_ptr().cast(),
                &mut len,
                domain.as_mut_ptr(),
                &mut domain_len,
                &mut kind,
            )
        };
        if ok == 0 || !(kind == SidTypeAlias || kind == SidTypeGroup) {
            return None;
        }
        buf.truncate(len as usize);
        Some(Sid(buf))
    }

    /// The user a token belongs to.
    pub(crate) fn user_of(token: HANDLE) -> io::Result<Sid> {
        let mut buf = vec![0u64; 128];
        let mut len = 0u32;
        // SAFETY: a valid token and an aligned buffer of the given size.
        let ok = unsafe {
            GetTokenInformation(
                token,
                TokenUser,
                buf.as_mut_ptr().cast(),
                (buf.len() * 8) as u32,
                &mut len,
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: on success the buffer starts with a TOKEN_USER whose SID points inside it.
        unsafe {
            let user = &*(buf.as_ptr() as *const TOKEN_USER);
            Ok(Sid::copy_from(user.User.Sid))
        }
    }

    /// Copy a SID the OS owns.
    ///
    /// # Safety
    /// `sid` points to a valid SID.
    pub(crate) unsafe fn copy_from(sid: PSID) -> Sid {
        let p = sid as *const u8;
        // SAFETY: the caller passes a valid SID, whose byte 1 is its sub-authority count.
        let count = unsafe { *p.add(1) } as usize;
        // SAFETY: a valid SID is 8 + 4 * count bytes long.
        Sid(unsafe { std::slice::from_raw_parts(p, 8 + 4 * count) }.to_vec())
    }

    pub(crate) fn as_psid(&self) -> PSID {
        self.0.as_ptr() as PSID
    }

    /// Whether `sid` (owned by the OS) is this one.
    ///
    /// # Safety
    /// `sid` points to a valid SID.
    pub(crate) unsafe fn is(&self, sid: PSID) -> bool {
        // SAFETY: ours is a valid SID and the caller passes one.
        unsafe { EqualSid(self.as_psid(), sid) != 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use windows_sys::Win32::Security::{WinBuiltinAdministratorsSid, WinLocalSystemSid};

    #[test]
    fn well_known_sids_read_as_windows_writes_them() {
        let system = Sid::well_known(WinLocalSystemSid).unwrap();
        assert_eq!(format!("{system:?}"), "S-1-5-18");
        let admins = Sid::well_known(WinBuiltinAdministratorsSid).unwrap();
        assert_eq!(format!("{admins:?}"), "S-1-5-32-544");
        // SAFETY: both are valid SIDs.
        assert!(unsafe { system.is(system.as_psid()) });
        // SAFETY: both are valid SIDs.
        assert!(unsafe { !system.is(admins.as_psid()) });
        assert_eq!(Sid::of_group("no such group, rd-agent test"), None);
    }
}
