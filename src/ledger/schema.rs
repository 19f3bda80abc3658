//! The ledger's schema: one migration per version, applied in order (PRAGMA user_version).

use rusqlite::Connection;

use super::{Ledger, LedgerError};

/// Migrations, applied in order; `PRAGMA user_version` counts how many ran.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: attempts and status checks.
    "CREATE TABLE attempts (
        id           INTEGER PRIMARY KEY,
        external_ref TEXT NOT NULL UNIQUE,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('sending','loggedin','rejected','unknown')),
        statuscode   TEXT,
        actcode      TEXT,
        ipay_uuid    TEXT,
        message      TEXT,
        dp_id        TEXT NOT NULL DEFAULT '',
        mi           TEXT NOT NULL DEFAULT '',
        srno         TEXT NOT NULL DEFAULT '',
        q_score      TEXT NOT NULL DEFAULT '',
        nm_points    TEXT NOT NULL DEFAULT '',
        charged      INTEGER CHECK (charged IN (0, 1)),
        resolved_at  TEXT,
        resolution   TEXT
    );
    CREATE INDEX attempts_created ON attempts(created_at);
    CREATE TABLE status_checks (
        id         INTEGER PRIMARY KEY,
        checked_at TEXT NOT NULL,
        statuscode TEXT NOT NULL,
        actcode    TEXT NOT NULL
    );
    CREATE INDEX status_checks_at ON status_checks(checked_at);",
    // 2: each attempt's owner (the process that sends it), and the scanner this shop logs
    // in with, remembered after its first successful login.
    "ALTER TABLE attempts ADD COLUMN owner_pid INTEGER;
    ALTER TABLE attempts ADD COLUMN owner_started TEXT;
    CREATE TABLE pinned_device (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        dp_id     TEXT NOT NULL,
        mi        TEXT NOT NULL,
        srno      TEXT NOT NULL,
        mc_sha256 TEXT NOT NULL,
        pinned_at TEXT NOT NULL
    );",
    // 3: what a charged attempt cost, when InstantPay's reply said (`data.pool`), as decimal
    // text (crates/instantpay/src/pool.rs).
    "ALTER TABLE attempts ADD COLUMN opening_balance TEXT;
    ALTER TABLE attempts ADD COLUMN transaction_value TEXT;
    ALTER TABLE attempts ADD COLUMN payable TEXT;
    ALTER TABLE attempts ADD COLUMN closing_balance TEXT;",
    // 4: the port the shop's scanner's RD Service answered on at its last login, tried first
    // next time (src/login/live.rs).
    "ALTER TABLE pinned_device ADD COLUMN rd_port INTEGER;",
    // 5: the UIDAI key each attempt's PID was encrypted with (`Skey ci`), whether its outcome
    // was a biometric decline, and the operator's overrides of the decline guard
    // (src/ledger/declines.rs).
    "ALTER TABLE attempts ADD COLUMN ci TEXT NOT NULL DEFAULT '';
    ALTER TABLE attempts ADD COLUMN biometric_decline INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE decline_overrides (
        id         INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        by_whom    TEXT NOT NULL
    );",
];

impl Ledger {
    /// Bring the schema up to date. The version is read and every step applied inside one
    /// write transaction, so two processes creating a new ledger at once both succeed: the
    /// second waits (busy timeout), then finds the work done.
    pub(super) fn migrate(mut conn: Connection, shown: &str) -> Result<Ledger, LedgerError> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(LedgerError::TooNew {
                path: shown.to_string(),
                found: version,
                known,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        Ok(Ledger { conn, path: None })
    }
}
