//! The ledger (SQLite, bundled): every chargeable login attempt and every status check.
//!
//! An attempt is written as `sending` BEFORE the request leaves, and updated after
//! (`loggedin`, `rejected`, `unknown`): a crash in between leaves `sending`, which the next
//! login resolves with outletLoginStatus. Times are UTC (RFC 3339, fixed width so text order is
//! time order); "today" and "this month" are IST. Never the Aadhaar, never the PID block: only
//! the device's identity (dpId, mi, srno) and the capture's quality.

//!
//! The rooms: schema.rs (the migrations), attempt.rs (an attempt's life), pinning.rs (the
//! shop's scanner), summary.rs (the day and the money, for `status`), declines.rs (the
//! decline guard's count), history.rs (the last days' attempts and their cost).

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

mod attempt;
mod declines;
mod history;
mod pinning;
mod schema;
mod summary;
#[cfg(test)]
mod tests;

pub use attempt::{Attempt, AttemptState, NewAttempt, Outcome, Resolution};
pub(crate) use declines::DECLINE_LIMIT;
pub use history::{History, HistoryRow, MAX_HISTORY_ROWS};
pub use pinning::{Device, Pinned};
pub use summary::{DayState, Summary};

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(
        "cannot open the ledger {path}: {reason}. Check the state directory's permissions (--state-dir)"
    )]
    Open { path: String, reason: String },
    #[error(
        "the ledger {path} was written by a newer rd-agent (schema {found}, this build knows {known}): upgrade rd-agent"
    )]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("the ledger could not be read or written: {0}. Check the disk and the state directory")]
    Sqlite(#[from] rusqlite::Error),
    #[error("no attempt with externalRef {0} in the ledger")]
    NoSuchAttempt(String),
    #[error(
        "attempt {0} of today has no known outcome yet, so no new attempt is sent: run `rd-agent login` again in a few minutes"
    )]
    OpenAttempt(String),
    #[error(
        "the ledger's attempt {external_ref} has an unreadable {column} ({value:?}): the file was changed by something other than rd-agent; keep it for support and do not edit it"
    )]
    BadRow {
        external_ref: String,
        column: &'static str,
        value: String,
    },
}

impl LedgerError {
    /// The sentence in the catalogue (`Display` is its English); SQLite's and the OS's own
    /// words stay as they wrote them, inside it.
    pub(crate) fn msg(&self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            LedgerError::Open { path, reason } => Msg::new("ledger-error-open")
                .arg("path", path.as_str())
                .arg("reason", reason.as_str()),
            LedgerError::TooNew { path, found, known } => Msg::new("ledger-error-too-new")
                .arg("path", path.as_str())
                .arg("found", *found)
                .arg("known", *known),
            LedgerError::Sqlite(e) => Msg::new("ledger-error-sqlite").arg("error", e.to_string()),
            LedgerError::NoSuchAttempt(a) => {
                Msg::new("ledger-error-no-such-attempt").arg("attempt", a.as_str())
            }
            LedgerError::OpenAttempt(a) => {
                Msg::new("ledger-error-open-attempt").arg("attempt", a.as_str())
            }
            LedgerError::BadRow {
                external_ref,
                column,
                value,
            } => Msg::new("ledger-error-bad-row")
                .arg("attempt", external_ref.as_str())
                .arg("column", *column)
                .arg("value", value.as_str()),
        }
    }
}

pub struct Ledger {
    conn: Connection,
    /// The file, or `None` in memory: its directory holds the login lock.
    path: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger").finish_non_exhaustive()
    }
}

fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A stored time, or the error that names the row: never a default such as 1970.
fn parse_ts(
    external_ref: &str,
    column: &'static str,
    s: &str,
) -> Result<DateTime<Utc>, LedgerError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| bad_row(external_ref, column, s))
}

fn bad_row(external_ref: &str, column: &'static str, value: &str) -> LedgerError {
    LedgerError::BadRow {
        external_ref: external_ref.chars().take(40).collect(),
        column,
        value: value.chars().take(40).collect(),
    }
}
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

impl Ledger {
    /// Open (creating) the ledger file and run any pending migrations.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        // SQLite answers "database is locked" without calling the busy handler in a few places
        // (switching a new file to WAL, or reading the WAL index while another process is
        // creating it), so processes opening a new ledger at once retry, for at most 5 s.
        let mut tries = 0;
        loop {
            match Ledger::open_once(path) {
                Err(LedgerError::Sqlite(e)) if is_busy(&e) && tries < 50 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                other => return other,
            }
        }
    }

    /// Open an existing ledger to read it, without the write transaction that `open` begins
    /// to migrate: in WAL mode readers never wait for a writer, so `status` answers while a
    /// login holds the ledger. `None` when there is no ledger yet. A ledger whose schema is not
    /// this build's is opened as `open` does (once, after an upgrade).
    pub(crate) fn open_to_read(path: &Path) -> Result<Option<Ledger>, LedgerError> {
        if std::fs::symlink_metadata(path).is_err() {
            return Ok(None);
        }
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Ledger::open(path).map(Some);
        }
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
            | rusqlite::OpenFlags::SQLITE_OPEN_NOFOLLOW;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| LedgerError::Open {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version != schema::MIGRATIONS.len() as i64 {
            return Ledger::open(path).map(Some);
        }
        Ok(Some(Ledger {
            conn,
            path: Some(path.to_path_buf()),
        }))
    }

    fn open_once(path: &Path) -> Result<Ledger, LedgerError> {
        let shown = path.display().to_string();
        let open_err = |reason: String| LedgerError::Open {
            path: shown.clone(),
            reason,
        };
        // A link at the ledger's name (someone else's file, placed in the state directory) is
        // refused, not opened at its target: SQLite's NOFOLLOW, and a look first for the text.
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(open_err(
                "it is a symbolic link, not rd-agent's own file; remove the link".into(),
            ));
        }
        let flags = rusqlite::OpenFlags::default() | rusqlite::OpenFlags::SQLITE_OPEN_NOFOLLOW;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| open_err(e.to_string()))?;
        // SQLite creates the file as the umask says: the ledger is the owner's alone.
        crate::platform::fs::make_private(path).map_err(|e| open_err(e.to_string()))?;
        // The service and a one-shot command may share the file.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // WAL first, before any read: a read before the switch let a process opening a new
        // ledger beside others fail with "database is locked". On a ledger already in WAL (every
        // ledger rd-agent wrote) this writes nothing; `migrate` refuses a newer schema before
        // it writes anything.
        let _: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        let mut ledger = Ledger::migrate(conn, &shown)?;
        ledger.path = Some(path.to_path_buf());
        Ok(ledger)
    }

    /// The directory the ledger file is in (where the login lock lives); `None` in memory.
    pub(crate) fn dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }

    /// A ledger in memory, for tests and the in-process benchmark.
    pub fn open_in_memory() -> Result<Ledger, LedgerError> {
        Ledger::migrate(Connection::open_in_memory()?, ":memory:")
    }
}
