//! The local `rd-agent` group: who may log in through the service (src/platform/windows/token.rs).
//! The MSI can neither create a group nor add a member (wixl has no util extension), so the
//! service does both when it starts, as LocalSystem.

/// Where the MSI records who installed it (installer/windows/rd-agent.wxs).
const INSTALL_KEY: &str = "Software\\rd-agent";
const INSTALLING_USER: &str = "InstallingUser";

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(Some(0)).collect()
}

/// Create the local `rd-agent` group whose members may log in through the service
/// (src/platform/windows/token.rs); nothing when it exists. True when it was created.
pub(crate) fn ensure_operators_group() -> std::io::Result<bool> {
    use windows_sys::Win32::NetworkManagement::NetManagement::{
        LOCALGROUP_INFO_1, NetLocalGroupAdd,
    };
    // NERR_GroupExists, and ERROR_ALIAS_EXISTS for a local group (alias).
    const EXISTS: [u32; 2] = [2223, 1379];
    let mut name: Vec<u16> = crate::platform::OPERATORS_GROUP
        .encode_utf16()
        .chain(Some(0))
        .collect();
    let mut comment: Vec<u16> = "May log in to AePS through the rd-agent service"
        .encode_utf16()
        .chain(Some(0))
        .collect();
    let info = LOCALGROUP_INFO_1 {
        lgrpi1_name: name.as_mut_ptr(),
        lgrpi1_comment: comment.as_mut_ptr(),
    };
    let mut bad_field = 0;
    // SAFETY: level 1 with a LOCALGROUP_INFO_1 whose strings outlive the call.
    let status = unsafe {
        NetLocalGroupAdd(
            std::ptr::null(),
            1,
            (&info as *const LOCALGROUP_INFO_1).cast(),
            &mut bad_field,
        )
    };
    match status {
        0 => Ok(true),
        s if EXISTS.contains(&s) => Ok(false),
        s => Err(std::io::Error::from_raw_os_error(s as i32)),
    }
}

/// The account that ran the MSI (`DOMAIN\user`, recorded at install) joins the operators'
/// group, so the person who installed rd-agent can use it without an administrator's second
/// step; the record is then removed, so it is done once. `None` when there is no record.
pub(crate) fn admit_installing_user() -> std::io::Result<Option<String>> {
    let Some(user) = installing_user()? else {
        return Ok(None);
    };
    add_member(&user)?;
    let (key, name) = (wide(INSTALL_KEY), wide(INSTALLING_USER));
    // SAFETY: both names are NUL-terminated UTF-16 that outlive the call.
    let status = unsafe {
        windows_sys::Win32::System::Registry::RegDeleteKeyValueW(
            windows_sys::Win32::System::Registry::HKEY_LOCAL_MACHINE,
            key.as_ptr(),
            name.as_ptr(),
        )
    };
    if status != 0 {
        tracing::warn!(status, "could not remove the installing user's record");
    }
    Ok(Some(user))
}

/// The MSI's record of who installed it, if any.
fn installing_user() -> std::io::Result<Option<String>> {
    use windows_sys::Win32::System::Registry::{HKEY_LOCAL_MACHINE, RRF_RT_REG_SZ, RegGetValueW};
    const NOT_FOUND: u32 = 2;
    let (key, name) = (wide(INSTALL_KEY), wide(INSTALLING_USER));
    let mut buf = vec![0u16; 512];
    let mut bytes = (buf.len() * 2) as u32;
    // SAFETY: the names are NUL-terminated UTF-16; `buf` holds `bytes` bytes, which the call
    // fills with a NUL-terminated string and updates to the length written.
    let status = unsafe {
        RegGetValueW(
            HKEY_LOCAL_MACHINE,
            key.as_ptr(),
            name.as_ptr(),
            RRF_RT_REG_SZ,
            std::ptr::null_mut(),
            buf.as_mut_ptr().cast(),
            &mut bytes,
        )
    };
    match status {
        0 => {
            let len = (bytes as usize / 2).min(buf.len());
            let text = String::from_utf16_lossy(&buf[..len]);
            // No domain (USERDOMAIN unset) leaves a bare `\user`: the local account.
            let user = text
                .trim_end_matches('\0')
                .trim()
                .trim_start_matches('\\')
                .to_string();
            // A domain without a name (LogonUser unset) records nothing usable.
            Ok((!user.is_empty() && !user.ends_with('\\')).then_some(user))
        }
        NOT_FOUND => Ok(None),
        s => Err(std::io::Error::from_raw_os_error(s as i32)),
    }
}

/// Add `DOMAIN\user` to the operators' group; already a member is fine.
fn add_member(user: &str) -> std::io::Result<()> {
    use windows_sys::Win32::NetworkManagement::NetManagement::{
        LOCALGROUP_MEMBERS_INFO_3, NetLocalGroupAddMembers,
    };
    const MEMBER_IN_ALIAS: u32 = 1378;
    let group = wide(crate::platform::OPERATORS_GROUP);
    let mut name = wide(user);
    let member = LOCALGROUP_MEMBERS_INFO_3 {
        lgrmi3_domainandname: name.as_mut_ptr(),
    };
    // SAFETY: level 3 with one LOCALGROUP_MEMBERS_INFO_3 whose string outlives the call.
    let status = unsafe {
        NetLocalGroupAddMembers(
            std::ptr::null(),
            group.as_ptr(),
            3,
            (&member as *const LOCALGROUP_MEMBERS_INFO_3).cast(),
            1,
        )
    };
    match status {
        0 | MEMBER_IN_ALIAS => Ok(()),
        s => Err(std::io::Error::from_raw_os_error(s as i32)),
    }
}
