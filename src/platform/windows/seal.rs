//! Secret values at rest on Windows: each one encrypted with DPAPI (`CryptProtectData`) and
//! written as `dpapi:` and the blob in base64. The service's store (under `%ProgramData%`, or
//! any state directory given with `--state-dir`) is sealed in machine scope, so the service
//! (LocalSystem) opens what an administrator set; a person's own store under their profile in
//! user scope. A machine-scope blob opens for any local account that can read the file: the
//! state directory's DACL keeps other users out, DPAPI makes a copied file useless elsewhere.

use std::path::Path;

use base64::Engine as _;
use windows_sys::Win32::Foundation::LocalFree;
use windows_sys::Win32::Security::Cryptography::{
    CRYPT_INTEGER_BLOB, CRYPTPROTECT_LOCAL_MACHINE, CRYPTPROTECT_UI_FORBIDDEN, CryptProtectData,
    CryptUnprotectData,
};
use zeroize::Zeroizing;

use super::super::SEALED_PREFIX;

/// A store under the user's own profile (`%LOCALAPPDATA%`, `%APPDATA%`) is theirs alone.
fn user_scope(store: &Path) -> bool {
    let store = store.to_string_lossy().to_lowercase();
    ["LOCALAPPDATA", "APPDATA"].iter().any(|var| {
        std::env::var(var)
            .ok()
            .filter(|d| !d.is_empty())
            .is_some_and(|d| store.starts_with(&d.to_lowercase()))
    })
}

/// The value as the secrets file holds it.
pub(crate) fn seal(value: &str, store: &Path) -> std::io::Result<String> {
    let flags = if user_scope(store) {
        CRYPTPROTECT_UI_FORBIDDEN
    } else {
        CRYPTPROTECT_UI_FORBIDDEN | CRYPTPROTECT_LOCAL_MACHINE
    };
    let blob = protect(value.as_bytes(), flags)?;
    Ok(format!(
        "{SEALED_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(blob)
    ))
}

/// The value from the file, and whether it was in the clear (a store from before DPAPI, to be
/// rewritten sealed).
pub(crate) fn unseal(stored: &str) -> Result<(Zeroizing<String>, bool), String> {
    let Some(b64) = stored.strip_prefix(SEALED_PREFIX) else {
        return Ok((Zeroizing::new(stored.to_string()), true));
    };
    let blob = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| "a sealed value is not base64".to_string())?;
    let plain = unprotect(&blob).map_err(|e| {
        format!("a sealed value cannot be opened by this account or on this machine ({e})")
    })?;
    let text = String::from_utf8(plain.to_vec()).map_err(|_| "a sealed value is not text")?;
    Ok((Zeroizing::new(text), false))
}

fn blob_of(bytes: &[u8]) -> std::io::Result<CRYPT_INTEGER_BLOB> {
    Ok(CRYPT_INTEGER_BLOB {
        cbData: u32::try_from(bytes.len()).map_err(|_| std::io::Error::other("too large"))?,
        pbData: bytes.as_ptr().cast_mut(),
    })
}

/// Copy DPAPI's output out, wipe and free its buffer.
fn take(out: CRYPT_INTEGER_BLOB) -> Zeroizing<Vec<u8>> {
    // SAFETY: on success DPAPI hands over `cbData` bytes at `pbData`, allocated with
    // LocalAlloc; they are copied, overwritten and freed once, here.
    unsafe {
        let len = out.cbData as usize;
        let copy = Zeroizing::new(std::slice::from_raw_parts(out.pbData, len).to_vec());
        std::ptr::write_bytes(out.pbData, 0, len);
        LocalFree(out.pbData.cast());
        copy
    }
}

fn protect(plain: &[u8], flags: u32) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let input = blob_of(plain)?;
    let mut out = CRYPT_INTEGER_BLOB::default();
    // SAFETY: `input` points at `plain`, alive for the call; the optional arguments are null.
    let ok = unsafe {
        CryptProtectData(
            &input,
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            flags,
            &mut out,
        )
    };
    if ok == 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(take(out))
}

fn unprotect(blob: &[u8]) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let input = blob_of(blob)?;
    let mut out = CRYPT_INTEGER_BLOB::default();
    // SAFETY: as in `protect`; no description is asked for.
    let ok = unsafe {
        CryptUnprotectData(
            &input,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            CRYPTPROTECT_UI_FORBIDDEN,
            &mut out,
        )
    };
    if ok == 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(take(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_sealed_and_opened_in_both_scopes() {
        let secret = "cs-not-in-the-clear-0042";
        for store in [
            Path::new(r"C:\ProgramData\rd-agent\state\secrets.toml").to_path_buf(),
            std::path::PathBuf::from(std::env::var("LOCALAPPDATA").unwrap_or_default())
                .join("secrets.toml"),
        ] {
            let sealed = seal(secret, &store).unwrap();
            assert!(sealed.starts_with(SEALED_PREFIX), "{sealed}");
            assert!(!sealed.contains(secret));
            let (open, was_plain) = unseal(&sealed).unwrap();
            assert_eq!((open.as_str(), was_plain), (secret, false));
        }
        let (plain, was_plain) = unseal("old-plain-value").unwrap();
        assert_eq!((plain.as_str(), was_plain), ("old-plain-value", true));
        for bad in ["dpapi:***", "dpapi:AAAA", "dpapi:"] {
            let e = unseal(bad).unwrap_err();
            assert!(!e.contains("AAAA"), "{e}");
        }
    }
}
