//! Secret values at rest on Linux: the store is a 0600 file (src/config/secrets.rs), so a value
//! is written as it is. A value sealed on Windows cannot be opened here.

use std::path::Path;

use zeroize::Zeroizing;

use super::super::SEALED_PREFIX;

/// The value as the secrets file holds it.
pub(crate) fn seal(value: &str, _store: &Path) -> std::io::Result<String> {
    Ok(value.to_string())
}

/// The value from the file, and whether it was in the clear (never a reason to rewrite here).
pub(crate) fn unseal(stored: &str) -> Result<(Zeroizing<String>, bool), String> {
    if stored.starts_with(SEALED_PREFIX) {
        return Err("it was sealed with Windows DPAPI on another machine".into());
    }
    Ok((Zeroizing::new(stored.to_string()), false))
}
