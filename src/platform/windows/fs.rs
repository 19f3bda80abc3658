//! Files on Windows: where the system service keeps its config and state, and the DACL that
//! keeps other users out of them (modes do not exist; DPAPI makes a copied secrets file
//! useless, the DACL keeps it from being read here).

use std::fs::{DirBuilder, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

pub(crate) fn file_mode(_opts: &mut OpenOptions, _private: bool) {}

pub(crate) fn private_dir(b: &mut DirBuilder) {
    b.recursive(true);
}

pub(crate) fn group_readable_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

pub(crate) fn open_to_others(_file: &File) -> io::Result<bool> {
    Ok(false)
}

/// Open a reparse point (a symbolic link or junction) itself rather than what it points to:
/// Windows' counterpart of `O_NOFOLLOW` (FILE_FLAG_OPEN_REPARSE_POINT).
pub(crate) fn no_follow(opts: &mut OpenOptions) {
    use std::os::windows::fs::OpenOptionsExt;
    // winbase.h's FILE_FLAG_OPEN_REPARSE_POINT (windows-sys has it behind a feature we do
    // not otherwise need).
    const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
    opts.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
}

/// Windows has no modes: the service gives its folders a DACL of their own at start
/// (`lock_down`), and refuses to run when others can still write them.
pub(crate) fn dir_problem(_dir: &Path) -> io::Result<Option<crate::platform::DirProblem>> {
    Ok(None)
}

/// The file inherits its folder's DACL.
pub(crate) fn make_private(_path: &Path) -> io::Result<()> {
    Ok(())
}

/// Windows has no directory fsync; NTFS journals the rename itself.
pub(crate) fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

fn program_data() -> PathBuf {
    std::env::var_os("ProgramData")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"))
}

pub(crate) fn system_config_dir() -> PathBuf {
    program_data().join("rd-agent")
}

pub(crate) fn system_state_dir() -> PathBuf {
    program_data().join("rd-agent").join("state")
}

/// The service's folders: SYSTEM and Administrators, full control, inherited by everything
/// inside; nobody else. Protected: nothing inherited from %ProgramData%, which lets Users
/// create files.
pub(crate) const STATE_DIR_SDDL: &str = "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";
/// The secrets file: the same two, on the file itself.
pub(crate) const SECRETS_SDDL: &str = "D:P(A;;FA;;;SY)(A;;FA;;;BA)";

/// Under the SCM, before the config is read: give the state directory (and the config's
/// folder, where it is the system one) [`STATE_DIR_SDDL`] and the `secrets` file
/// [`SECRETS_SDDL`], then refuse where Users, Everyone, Authenticated Users or INTERACTIVE
/// can still change the config, its folder or the state directory.
pub(crate) fn lock_down(
    state_dir: &Path,
    config_file: &Path,
    secrets: &Path,
) -> Result<(), LockDownError> {
    let apply_err = |path: &Path, e: io::Error| LockDownError::Apply {
        path: path.display().to_string(),
        error: e.to_string(),
    };
    std::fs::create_dir_all(state_dir).map_err(|e| apply_err(state_dir, e))?;
    let config_dir = config_file.parent().filter(|d| !d.as_os_str().is_empty());
    let system_dir = config_dir.filter(|d| folded(d) == folded(&system_config_dir()));
    // The parent first: its inherited entries reach the state directory, then its own.
    for dir in system_dir.into_iter().chain(Some(state_dir)) {
        dacl::apply(dir, STATE_DIR_SDDL).map_err(|e| apply_err(dir, e))?;
    }
    if secrets.exists() {
        dacl::apply(secrets, SECRETS_SDDL).map_err(|e| apply_err(secrets, e))?;
    }
    let config = config_file.exists().then_some(config_file);
    for path in [Some(state_dir), config_dir, config].into_iter().flatten() {
        let dacl = dacl::Dacl::of(path).map_err(|e| apply_err(path, e))?;
        if let Some(who) = dacl.writable_by_others() {
            return Err(LockDownError::WritableByOthers {
                path: path.display().to_string(),
                who: who.to_string(),
            });
        }
    }
    Ok(())
}

/// A path as Windows compares it: canonical where it exists (else its directory's), either
/// slash, no verbatim prefix, case folded.
pub(crate) fn folded(path: &Path) -> String {
    let canonical = std::fs::canonicalize(path)
        .ok()
        .or_else(|| {
            let (dir, file) = (path.parent()?, path.file_name()?);
            std::fs::canonicalize(dir).ok().map(|d| d.join(file))
        })
        .unwrap_or_else(|| path.to_path_buf());
    let text = canonical.to_string_lossy().replace('/', "\\");
    // canonicalize() gives the verbatim form (\\?\C:\...), a typed path the plain one.
    text.strip_prefix(r"\\?\").unwrap_or(&text).to_lowercase()
}

use crate::platform::LockDownError;

mod dacl {
    //! A file's DACL: set from SDDL, read back, and searched for write access by the groups
    //! every local user is in.

    use std::io;
    use std::path::Path;

    use windows_sys::Win32::Foundation::{ERROR_SUCCESS, LocalFree};
    use windows_sys::Win32::Security::Authorization::{
        ConvertStringSecurityDescriptorToSecurityDescriptorW, GetNamedSecurityInfoW,
        SDDL_REVISION_1, SE_FILE_OBJECT, SetNamedSecurityInfoW,
    };
    use windows_sys::Win32::Security::{
        ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, ACL_SIZE_INFORMATION, AclSizeInformation,
        DACL_SECURITY_INFORMATION, GetAce, GetAclInformation, GetSecurityDescriptorDacl,
        INHERIT_ONLY_ACE, PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR,
        WinAuthenticatedUserSid, WinBuiltinUsersSid, WinInteractiveSid, WinWorldSid,
    };

    use crate::platform::os::sid::Sid;

    const ACCESS_ALLOWED_ACE_TYPE: u8 = 0;
    /// Rights that change a file or folder, or who may: write or append data (add a file or
    /// subfolder), delete children, delete, change the DACL or owner, and the generic ones.
    const WRITE_RIGHTS: u32 =
        0x2 | 0x4 | 0x40 | 0x1_0000 | 0x4_0000 | 0x8_0000 | 0x4000_0000 | 0x1000_0000;

    fn wide(path: &Path) -> Vec<u16> {
        use std::os::windows::ffi::OsStrExt as _;
        path.as_os_str().encode_wide().chain(Some(0)).collect()
    }

    /// A security descriptor the OS allocated (LocalFree on drop), and its DACL.
    pub(crate) struct Dacl {
        sd: PSECURITY_DESCRIPTOR,
        acl: *mut ACL,
    }

    impl Drop for Dacl {
        fn drop(&mut self) {
            // SAFETY: allocated by the OS with LocalAlloc, freed once.
            unsafe { LocalFree(self.sd) };
        }
    }

    impl Dacl {
        pub(crate) fn from_sddl(sddl: &str) -> io::Result<Dacl> {
            let text: Vec<u16> = sddl.encode_utf16().chain(Some(0)).collect();
            let mut sd = std::ptr::null_mut();
            // SAFETY: a NUL-terminated string and a writable pointer.
            let ok = unsafe {
                ConvertStringSecurityDescriptorToSecurityDescriptorW(
                    text.as_ptr(),
                    SDDL_REVISION_1,
                    &mut sd,
                    std::ptr::null_mut(),
                )
            };
            if ok == 0 {
                return Err(io::Error::last_os_error());
            }
            let (mut present, mut defaulted, mut acl) = (0, 0, std::ptr::null_mut());
            // SAFETY: a valid descriptor and writable out-pointers.
            unsafe { GetSecurityDescriptorDacl(sd, &mut present, &mut acl, &mut defaulted) };
            Ok(Dacl { sd, acl })
        }

        pub(crate) fn of(path: &Path) -> io::Result<Dacl> {
            let (mut acl, mut sd) = (std::ptr::null_mut(), std::ptr::null_mut());
            // SAFETY: a NUL-terminated path and writable out-pointers; others left null.
            let e = unsafe {
                GetNamedSecurityInfoW(
                    wide(path).as_ptr(),
                    SE_FILE_OBJECT,
                    DACL_SECURITY_INFORMATION,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    &mut acl,
                    std::ptr::null_mut(),
                    &mut sd,
                )
            };
            if e != ERROR_SUCCESS {
                return Err(io::Error::from_raw_os_error(e as i32));
            }
            Ok(Dacl { sd, acl })
        }

        /// The first of Users, Everyone, Authenticated Users and INTERACTIVE that an allow
        /// entry (not inherit-only) gives a right to change the object. A null DACL lets
        /// everyone do anything.
        pub(crate) fn writable_by_others(&self) -> Option<&'static str> {
            if self.acl.is_null() {
                return Some("Everyone");
            }
            let others: Vec<(Sid, &'static str)> = [
                (WinBuiltinUsersSid, "Users"),
                (WinWorldSid, "Everyone"),
                (WinAuthenticatedUserSid, "Authenticated Users"),
                (WinInteractiveSid, "INTERACTIVE"),
            ]
            .into_iter()
            .filter_map(|(k, name)| Some((Sid::well_known(k).ok()?, name)))
            .collect();
            let mut info = ACL_SIZE_INFORMATION {
                AceCount: 0,
                AclBytesInUse: 0,
                AclBytesFree: 0,
            };
            // SAFETY: a valid ACL and a buffer of the class's size.
            let ok = unsafe {
                GetAclInformation(
                    self.acl,
                    (&mut info as *mut ACL_SIZE_INFORMATION).cast(),
                    size_of::<ACL_SIZE_INFORMATION>() as u32,
                    AclSizeInformation,
                )
            };
            if ok == 0 {
                return Some("an unreadable access list");
            }
            for i in 0..info.AceCount {
                let mut ace = std::ptr::null_mut();
                // SAFETY: an index below the ACL's count.
                if unsafe { GetAce(self.acl, i, &mut ace) } == 0 {
                    continue;
                }
                // SAFETY: every ACE starts with an ACE_HEADER.
                let header = unsafe { &*(ace as *const ACE_HEADER) };
                if header.AceType != ACCESS_ALLOWED_ACE_TYPE
                    || u32::from(header.AceFlags) & INHERIT_ONLY_ACE != 0
                {
                    continue;
                }
                // SAFETY: an allow ACE; its SID starts at SidStart.
                let allow = unsafe { &*(ace as *const ACCESS_ALLOWED_ACE) };
                if allow.Mask & WRITE_RIGHTS == 0 {
                    continue;
                }
                let sid = (&allow.SidStart as *const u32).cast_mut().cast();
                // SAFETY: the SID inside a valid ACE.
                if let Some((_, name)) = others.iter().find(|(s, _)| unsafe { s.is(sid) }) {
                    return Some(name);
                }
            }
            None
        }
    }

    /// Replace `path`'s DACL with `sddl`'s, protected (nothing inherited from above); a folder
    /// passes its inheritable entries on to what is inside.
    pub(crate) fn apply(path: &Path, sddl: &str) -> io::Result<()> {
        let dacl = Dacl::from_sddl(sddl)?;
        // SAFETY: a NUL-terminated path and a valid ACL; owner, group and SACL untouched.
        let e = unsafe {
            SetNamedSecurityInfoW(
                wide(path).as_ptr(),
                SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                dacl.acl,
                std::ptr::null(),
            )
        };
        if e != ERROR_SUCCESS {
            return Err(io::Error::from_raw_os_error(e as i32));
        }
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn write_access_for_every_local_user_is_found() {
            let writable = |sddl: &str| Dacl::from_sddl(sddl).unwrap().writable_by_others();
            assert_eq!(writable(super::super::STATE_DIR_SDDL), None);
            assert_eq!(writable(super::super::SECRETS_SDDL), None);
            // %ProgramData%'s own: Users may add files and folders.
            assert_eq!(
                writable("D:(A;OICI;FA;;;SY)(A;CI;0x116;;;BU)"),
                Some("Users")
            );
            assert_eq!(writable("D:(A;;FA;;;WD)"), Some("Everyone"));
            assert_eq!(writable("D:(A;;GW;;;AU)"), Some("Authenticated Users"));
            assert_eq!(writable("D:(A;;0x12019f;;;IU)"), Some("INTERACTIVE"));
            // Reading is not changing; inherit-only entries do not apply to the folder itself;
            // a deny entry grants nothing.
            assert_eq!(writable("D:(A;;0x1200a9;;;WD)"), None);
            assert_eq!(writable("D:(A;OICIIO;FA;;;BU)"), None);
            assert_eq!(writable("D:(D;;FA;;;BU)"), None);
            // No DACL at all: everyone may do anything.
            assert_eq!(writable("O:SY"), Some("Everyone"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wine keeps no DACL it is given (it reports its own default: the user and SYSTEM full,
    /// Everyone read), so this shows the calls succeed and the check reads what is there;
    /// that the DACL then holds is Windows' part.
    #[test]
    fn the_state_directory_is_locked_down_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "").unwrap();
        std::fs::create_dir_all(&state).unwrap();
        let secrets = state.join("secrets.toml");
        std::fs::write(&secrets, "").unwrap();
        lock_down(&state, &config, &secrets).unwrap();
        assert!(state.is_dir());
    }
}
