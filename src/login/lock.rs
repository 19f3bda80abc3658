//! One owner of the chargeable login per state directory: an OS file lock (`flock` on Linux,
//! `LockFileEx` on Windows, through std) held from the status check to the recorded outcome,
//! by whichever process logs in (the service, a CLI in-process, a tray click through the
//! service). A second login waits, then asks the status itself and sees the first one's
//! result instead of sending. The OS drops the lock when its holder dies, however it dies.

use std::fs::{File, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Utc;
use clock::ist;

use super::Progress;

/// The lock file, beside the ledger. Windows locks are mandatory, so who holds it is written
/// to a second file that others can read.
pub(crate) const LOCK_FILE: &str = "login.lock";
pub(crate) const HOLDER_FILE: &str = "login.holder";

/// Held for the whole chargeable sequence; released when dropped (or when the process dies).
#[derive(Debug)]
pub(crate) struct LoginLock {
    _file: Option<File>,
}

#[derive(Debug, thiserror::Error)]
#[error("Could not take the login lock {path}: {source}. Check the state directory's permissions")]
pub struct LockError {
    path: PathBuf,
    source: std::io::Error,
}

impl LockError {
    /// The sentence in the catalogue; the OS's words stay as they are, inside it.
    pub(crate) fn msg(&self) -> crate::i18n::Msg {
        crate::i18n::Msg::new("login-error-lock")
            .arg("path", self.path.display().to_string())
            .arg("error", self.source.to_string())
    }
}

impl LoginLock {
    /// The lock of a ledger's state directory (`Ledger::dir`); none for a ledger that lives in
    /// memory (tests, the in-process benchmark), which no other process can see.
    pub(crate) async fn for_ledger_dir(
        dir: Option<&Path>,
        progress: &dyn Progress,
    ) -> Result<LoginLock, LockError> {
        match dir {
            Some(dir) => LoginLock::acquire(dir, progress).await,
            None => Ok(LoginLock { _file: None }),
        }
    }

    /// Take the lock of the state directory `dir`, waiting for another login to finish.
    pub(crate) async fn acquire(
        dir: &Path,
        progress: &dyn Progress,
    ) -> Result<LoginLock, LockError> {
        let path = dir.join(LOCK_FILE);
        let err = |source| LockError {
            path: path.clone(),
            source,
        };
        // Never through a link someone placed in the state directory, and private.
        let file = crate::fs::own_file_options(true)
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(err)?;
        let file = match file.try_lock() {
            Ok(()) => file,
            Err(TryLockError::WouldBlock) => {
                progress
                    .step(&crate::i18n::Msg::new("login-lock-waiting").arg("holder", holder(dir)));
                tokio::task::spawn_blocking(move || file.lock().map(|()| file))
                    .await
                    .map_err(|e| err(std::io::Error::other(e)))?
                    .map_err(err)?
            }
            Err(TryLockError::Error(e)) => return Err(err(e)),
        };
        let now = Utc::now().with_timezone(&ist());
        let me = format!(
            "pid {}, started {} IST",
            std::process::id(),
            now.format("%H:%M")
        );
        // Best effort: the lock is the guarantee, the holder file only explains a wait. A link
        // at its name is not followed (its target is never written).
        let holder = crate::fs::own_file_options(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(dir.join(HOLDER_FILE));
        if let Ok(mut f) = holder {
            let _ = f.write_all(me.as_bytes());
        }
        Ok(LoginLock { _file: Some(file) })
    }
}

/// Who holds the lock, as the holder wrote it.
fn holder(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(HOLDER_FILE))
        .ok()
        .map(|s| s.chars().take(80).collect::<String>())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "another rd-agent process".into())
}
