//! The ledger (SQLite, bundled): every chargeable login attempt and every status check.
//!
//! An attempt is written as `sending` BEFORE the request leaves, and updated after
//! (`loggedin`, `rejected`, `unknown`): a crash in between leaves `sending`, which the next
//! login resolves with outletLoginStatus. Times are UTC (RFC 3339, fixed width so text order is
//! time order); "today" and "this month" are IST. Never the Aadhaar, never the PID block: only
//! the device's identity (dpId, mi, srno) and the capture's quality.

use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use clock::{ist, ist_date, next_ist_midnight};
use instantpay::{Amount, Pool};

/// Migrations, applied in order; `PRAGMA user_version` counts how many ran.
const MIGRATIONS: &[&str] = &[
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

mod declines;
pub use declines::DECLINE_LIMIT;

/// Longest API message text kept (it is shown to the operator, not parsed).
const MAX_MESSAGE: usize = 200;

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

/// Where an attempt stands: the type the relay's store uses too (crates/instantpay/src/attempt.rs).
pub use instantpay::AttemptState;

/// What is known before sending: the reference and the device/capture identity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewAttempt {
    pub external_ref: String,
    /// The process that sends it: pid and start time (src/platform, `ProcessId`).
    pub owner_pid: Option<u32>,
    pub owner_started: Option<String>,
    pub dp_id: String,
    pub mi: String,
    pub srno: String,
    pub q_score: String,
    pub nm_points: String,
    /// The PID's `Skey ci`: the expiry date of the UIDAI key it was encrypted with.
    pub ci: String,
}

/// What is known after: the final state and the API's codes, mapped from the outcome by
/// instantpay (crates/instantpay/src/attempt.rs), as the relay maps it.
pub use instantpay::OutcomeRecord as Outcome;

/// How an unresolved (`sending`/`unknown`) attempt was settled by outletLoginStatus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// The status says logged in today: the attempt went through (and was charged).
    LoggedIn,
    /// The status says login required: the attempt did not log in; whether it was charged
    /// stays unknown.
    NotLoggedIn,
    /// The attempt was on an earlier IST day: today's status says nothing about it.
    Stale,
}

impl Resolution {
    fn as_str(self) -> &'static str {
        match self {
            Resolution::LoggedIn => "status_loggedin",
            Resolution::NotLoggedIn => "status_loginrequired",
            Resolution::Stale => "stale",
        }
    }
}

/// One row of the ledger, as `status` and `login` print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub external_ref: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub state: AttemptState,
    pub statuscode: Option<String>,
    pub actcode: Option<String>,
    pub ipay_uuid: Option<String>,
    pub message: Option<String>,
    pub dp_id: String,
    pub mi: String,
    pub srno: String,
    pub q_score: String,
    pub nm_points: String,
    pub charged: Option<bool>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
    /// The process that sent it (none for attempts written before schema 2).
    #[serde(default)]
    pub owner_pid: Option<u32>,
    #[serde(default)]
    pub owner_started: Option<String>,
    /// What it cost, when InstantPay's reply said (schema 3).
    #[serde(default)]
    pub pool: Option<Pool>,
    /// The PID's `Skey ci` (schema 5; empty before).
    #[serde(default)]
    pub ci: String,
    /// The outcome was a biometric decline (schema 5).
    #[serde(default)]
    pub biometric_decline: bool,
}

impl Attempt {
    /// Still waiting for outletLoginStatus to settle it.
    pub fn is_unresolved(&self) -> bool {
        matches!(self.state, AttemptState::Sending | AttemptState::Unknown)
            && self.resolved_at.is_none()
    }

    /// One line for the terminal.
    pub fn line(&self) -> String {
        let payable = self.pool.as_ref().and_then(|p| p.payable_value.as_ref());
        let charged = match (self.charged, payable) {
            (Some(true), Some(a)) => format!("charged ₹{a}"),
            (Some(true), None) => "charged".to_string(),
            (Some(false), _) => "not charged".to_string(),
            (None, _) => "charge unknown".to_string(),
        };
        let mut s = format!(
            "{}  {}  {}  {}/{}  device {} {}  qScore {}  {}",
            self.created_at
                .with_timezone(&ist())
                .format("%Y-%m-%d %H:%M:%S IST"),
            self.external_ref,
            self.state.as_str(),
            self.statuscode.as_deref().unwrap_or("-"),
            self.actcode.as_deref().unwrap_or("-"),
            nonempty(&self.mi),
            nonempty(&self.srno),
            nonempty(&self.q_score),
            charged,
        );
        if let Some(r) = &self.resolution {
            s.push_str(&format!("  (resolved: {r})"));
        }
        s
    }
}

fn nonempty(s: &str) -> &str {
    if s.is_empty() { "-" } else { s }
}

/// Today's state, from the ledger alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayState {
    LoggedIn,
    LoginRequired,
    /// An attempt today has no known outcome yet: run `rd-agent login` to check.
    Unknown,
}

/// What `rd-agent status` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The IST calendar day this is about.
    pub ist_date: NaiveDate,
    pub state: DayState,
    /// Midnight IST (in UTC) when today's login expires.
    pub expires_at: DateTime<Utc>,
    pub last_attempt: Option<Attempt>,
    pub charged_today: u32,
    pub charged_this_month: u32,
    /// Attempts whose charge is unknown (no reply), today and this IST month.
    pub charge_unknown_today: u32,
    pub charge_unknown_this_month: u32,
    /// What the charged attempts cost, as far as InstantPay's replies said.
    #[serde(default)]
    pub paid_today: Amount,
    #[serde(default)]
    pub paid_this_month: Amount,
    /// Charged attempts whose reply gave no amount (not in `paid_*`).
    #[serde(default)]
    pub amount_unknown_today: u32,
    #[serde(default)]
    pub amount_unknown_this_month: u32,
    /// The platform wallet after the last charge that reported it.
    #[serde(default)]
    pub wallet_balance: Option<Amount>,
    /// Possible biometric declines in a row since the last success or override
    /// (src/ledger/declines.rs); at [`DECLINE_LIMIT`] a login is refused.
    #[serde(default)]
    pub consecutive_declines: u32,
    /// The `Skey ci` (UIDAI key expiry, `YYYYMMDD`) of the latest attempt that recorded one.
    #[serde(default)]
    pub last_ci: Option<String>,
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

/// The scanner a login used: who made it, the model, its serial and its certificate's
/// fingerprint (the `mc` of its PID block). A login compares the next capture's device with
/// the pinned one (src/login/mod.rs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    pub dp_id: String,
    pub mi: String,
    pub srno: String,
    /// SHA-256 of the device certificate, hex: it changes when the certificate is renewed.
    pub mc_sha256: String,
}

impl Device {
    /// The same scanner: the same maker and serial. A new certificate alone is a renewal.
    pub fn same_scanner(&self, other: &Device) -> bool {
        self.dp_id == other.dp_id && self.srno == other.srno
    }
}

impl std::fmt::Display for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} serial {}", self.dp_id, self.mi, self.srno)
    }
}

/// The pinned scanner and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pinned {
    pub device: Device,
    pub pinned_at: DateTime<Utc>,
    /// Where its RD Service answered at the last login, when known.
    pub rd_port: Option<u16>,
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Start of an IST day, in UTC.
fn ist_day_start(d: NaiveDate) -> DateTime<Utc> {
    let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    ist()
        .from_local_datetime(&midnight)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
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
    pub fn dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }

    /// A ledger in memory, for tests and the in-process benchmark.
    pub fn open_in_memory() -> Result<Ledger, LedgerError> {
        Ledger::migrate(Connection::open_in_memory()?, ":memory:")
    }

    /// Bring the schema up to date. The version is read and every step applied inside one
    /// write transaction, so two processes creating a new ledger at once both succeed: the
    /// second waits (busy timeout), then finds the work done.
    fn migrate(mut conn: Connection, shown: &str) -> Result<Ledger, LedgerError> {
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

    /// Record an attempt as `sending`. Call BEFORE the request leaves. Refused while an
    /// earlier attempt of the same IST day is `sending` or `unknown` and not settled: its
    /// charge may still land, and a second request could pay twice. The check and the insert
    /// are one write transaction, so two processes cannot both pass it.
    pub fn begin(&mut self, a: &NewAttempt, now: DateTime<Utc>) -> Result<(), LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let open: Option<String> = tx
            .query_row(
                "SELECT external_ref FROM attempts
                 WHERE state IN ('sending','unknown') AND resolved_at IS NULL AND created_at >= ?1
                 ORDER BY id LIMIT 1",
                params![ts(ist_day_start(ist_date(now)))],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(external_ref) = open {
            return Err(LedgerError::OpenAttempt(external_ref));
        }
        tx.execute(
            "INSERT INTO attempts (external_ref, created_at, updated_at, state, dp_id, mi, srno,
                q_score, nm_points, owner_pid, owner_started, ci)
             VALUES (?1, ?2, ?2, 'sending', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                a.external_ref,
                ts(now),
                a.dp_id,
                a.mi,
                a.srno,
                a.q_score,
                a.nm_points,
                a.owner_pid,
                a.owner_started,
                a.ci
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Record the outcome of an attempt.
    pub fn finish(
        &self,
        external_ref: &str,
        o: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        let message = o
            .message
            .as_deref()
            .map(|m| m.chars().take(MAX_MESSAGE).collect::<String>());
        let pool = o.pool.clone().unwrap_or_default();
        let text = |a: &Option<Amount>| a.as_ref().map(Amount::to_string);
        let n = self.conn.execute(
            "UPDATE attempts SET state = ?2, statuscode = ?3, actcode = ?4, ipay_uuid = ?5,
                message = ?6, charged = ?7, updated_at = ?8, opening_balance = ?9,
                transaction_value = ?10, payable = ?11, closing_balance = ?12,
                biometric_decline = ?13
             WHERE external_ref = ?1",
            params![
                external_ref,
                o.state.as_str(),
                o.statuscode,
                o.actcode,
                o.ipay_uuid,
                message,
                o.charged,
                ts(now),
                text(&pool.opening_balance),
                text(&pool.transaction_value),
                text(&pool.payable_value),
                text(&pool.closing_balance),
                o.biometric_decline,
            ],
        )?;
        if n == 0 {
            return Err(LedgerError::NoSuchAttempt(external_ref.to_string()));
        }
        Ok(())
    }

    /// Record the outcome of an unresolved attempt as the relay that forwarded it recorded it
    /// (`GET /v1/attempts/{ref}`, docs/relay.md): its real outcome, marked settled by the relay.
    pub fn finish_from_relay(
        &self,
        external_ref: &str,
        o: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.finish(external_ref, o, now)?;
        self.conn.execute(
            "UPDATE attempts SET resolved_at = ?2, resolution = 'relay_record' WHERE external_ref = ?1",
            params![external_ref, ts(now)],
        )?;
        Ok(())
    }

    /// Attempts still `sending` or `unknown` and not yet settled, oldest first.
    pub fn unresolved(&self) -> Result<Vec<Attempt>, LedgerError> {
        self.query(
            "WHERE state IN ('sending','unknown') AND resolved_at IS NULL ORDER BY id",
            [],
        )
    }

    /// Settle an unresolved attempt with what outletLoginStatus said. A `sending` row becomes
    /// `unknown` first: its request may have left.
    pub fn resolve(
        &self,
        external_ref: &str,
        r: Resolution,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        let (state, charged) = match r {
            Resolution::LoggedIn => ("loggedin", Some(true)),
            Resolution::NotLoggedIn | Resolution::Stale => ("unknown", None),
        };
        let n = self.conn.execute(
            "UPDATE attempts SET state = ?2, charged = COALESCE(?3, charged), resolved_at = ?4,
                resolution = ?5, updated_at = ?4
             WHERE external_ref = ?1",
            params![external_ref, state, charged, ts(now), r.as_str()],
        )?;
        if n == 0 {
            return Err(LedgerError::NoSuchAttempt(external_ref.to_string()));
        }
        Ok(())
    }

    /// Remember what outletLoginStatus said (it is free, and it wins over our own rows).
    pub fn record_status(
        &self,
        statuscode: &str,
        actcode: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT INTO status_checks (checked_at, statuscode, actcode) VALUES (?1, ?2, ?3)",
            params![ts(now), statuscode, actcode],
        )?;
        Ok(())
    }

    /// The scanner of the last successful login, if one was pinned.
    pub fn pinned_device(&self) -> Result<Option<Pinned>, LedgerError> {
        let row = self
            .conn
            .query_row(
                "SELECT dp_id, mi, srno, mc_sha256, pinned_at, rd_port FROM pinned_device
                 WHERE id = 1",
                [],
                |r| {
                    Ok((
                        Device {
                            dp_id: r.get(0)?,
                            mi: r.get(1)?,
                            srno: r.get(2)?,
                            mc_sha256: r.get(3)?,
                        },
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<i64>>(5)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(device, at, port)| {
            Ok(Pinned {
                pinned_at: parse_ts("pinned_device", "pinned_at", &at)?,
                device,
                // A port out of range is a hint lost, not an error: the range is scanned.
                rd_port: port.and_then(|p| u16::try_from(p).ok()),
            })
        })
        .transpose()
    }

    /// Remember `device` as this shop's scanner (replacing the one before).
    pub fn pin_device(&self, device: &Device, now: DateTime<Utc>) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT INTO pinned_device (id, dp_id, mi, srno, mc_sha256, pinned_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET dp_id = ?1, mi = ?2, srno = ?3, mc_sha256 = ?4,
                pinned_at = ?5",
            params![
                device.dp_id,
                device.mi,
                device.srno,
                device.mc_sha256,
                ts(now)
            ],
        )?;
        Ok(())
    }

    /// Remember where the pinned scanner's RD Service answered (nothing without a pinned one).
    pub fn set_pinned_port(&self, port: u16) -> Result<(), LedgerError> {
        self.conn.execute(
            "UPDATE pinned_device SET rd_port = ?1 WHERE id = 1",
            params![i64::from(port)],
        )?;
        Ok(())
    }

    pub fn get(&self, external_ref: &str) -> Result<Option<Attempt>, LedgerError> {
        Ok(self
            .query("WHERE external_ref = ?1", [external_ref])?
            .into_iter()
            .next())
    }

    pub fn last_attempt(&self) -> Result<Option<Attempt>, LedgerError> {
        Ok(self
            .query("ORDER BY id DESC LIMIT 1", [])?
            .into_iter()
            .next())
    }

    /// Every attempt, oldest first.
    pub fn all(&self) -> Result<Vec<Attempt>, LedgerError> {
        self.query("ORDER BY id", [])
    }

    /// A successful login recorded today (IST), by an attempt or a status check: the local
    /// "already logged in" check.
    pub fn logged_in_today(&self, now: DateTime<Utc>) -> Result<bool, LedgerError> {
        Ok(self.day_state(now)? == DayState::LoggedIn)
    }

    /// Today's state: the latest event of today wins (a status check or an attempt's outcome).
    pub fn day_state(&self, now: DateTime<Utc>) -> Result<DayState, LedgerError> {
        let start = ts(ist_day_start(ist_date(now)));
        let attempt: Option<(String, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT updated_at, state, resolved_at FROM attempts
                 WHERE updated_at >= ?1 ORDER BY updated_at DESC, id DESC LIMIT 1",
                [&start],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let check: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT checked_at, actcode FROM status_checks
                 WHERE checked_at >= ?1 ORDER BY checked_at DESC, id DESC LIMIT 1",
                [&start],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let from_attempt = |state: &str, resolved: &Option<String>| match state {
            "loggedin" => DayState::LoggedIn,
            "sending" | "unknown" if resolved.is_none() => DayState::Unknown,
            _ => DayState::LoginRequired,
        };
        let from_check = |actcode: &str| {
            if actcode == "LOGGEDIN" {
                DayState::LoggedIn
            } else {
                DayState::LoginRequired
            }
        };
        Ok(match (attempt, check) {
            (None, None) => DayState::LoginRequired,
            (Some((_, s, r)), None) => from_attempt(&s, &r),
            (None, Some((_, a))) => from_check(&a),
            (Some((at, s, r)), Some((ct, a))) => {
                // On a tie the attempt wins: the login asks the status before it sends.
                if at >= ct {
                    from_attempt(&s, &r)
                } else {
                    from_check(&a)
                }
            }
        })
    }

    /// Everything `rd-agent status` shows.
    pub fn summary(&self, now: DateTime<Utc>) -> Result<Summary, LedgerError> {
        let today = ist_date(now);
        let day_start = ist_day_start(today);
        let day_end = next_ist_midnight(now);
        let month_first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
        let month_start = ist_day_start(month_first);
        let count = |from: DateTime<Utc>, charged: &str| -> Result<u32, LedgerError> {
            let sql = format!(
                "SELECT COUNT(*) FROM attempts WHERE created_at >= ?1 AND created_at < ?2 AND {charged}"
            );
            Ok(self
                .conn
                .query_row(&sql, [ts(from), ts(day_end)], |r| r.get::<_, u32>(0))?)
        };
        let (paid_today, amount_unknown_today) = self.paid(day_start, day_end)?;
        let (paid_this_month, amount_unknown_this_month) = self.paid(month_start, day_end)?;
        Ok(Summary {
            paid_today,
            paid_this_month,
            amount_unknown_today,
            amount_unknown_this_month,
            wallet_balance: self.wallet_balance()?,
            consecutive_declines: self.consecutive_declines()?,
            last_ci: self.last_ci()?,
            ist_date: today,
            state: self.day_state(now)?,
            expires_at: day_end,
            last_attempt: self.last_attempt()?,
            charged_today: count(day_start, "charged = 1")?,
            charged_this_month: count(month_start, "charged = 1")?,
            charge_unknown_today: count(day_start, "charged IS NULL")?,
            charge_unknown_this_month: count(month_start, "charged IS NULL")?,
        })
    }

    /// The sum of what charged attempts in `[from, to)` cost, and how many gave no amount.
    /// Added in paise: never floats.
    fn paid(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<(Amount, u32), LedgerError> {
        let mut stmt = self.conn.prepare(
            "SELECT external_ref, payable FROM attempts
             WHERE created_at >= ?1 AND created_at < ?2 AND charged = 1",
        )?;
        let rows = stmt.query_map([ts(from), ts(to)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        let (mut paise, mut unknown) = (0i64, 0u32);
        for row in rows {
            let (external_ref, payable) = row?;
            match payable {
                Some(text) => {
                    let a = Amount::parse(&text)
                        .ok_or_else(|| bad_row(&external_ref, "payable", &text))?;
                    paise = paise.saturating_add(a.paise());
                }
                None => unknown += 1,
            }
        }
        Ok((Amount::from_paise(paise), unknown))
    }

    /// The wallet balance the latest reply that gave one reported.
    fn wallet_balance(&self) -> Result<Option<Amount>, LedgerError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT external_ref, closing_balance FROM attempts
                 WHERE closing_balance IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(external_ref, text)| {
            Amount::parse(&text).ok_or_else(|| bad_row(&external_ref, "closing_balance", &text))
        })
        .transpose()
    }

    fn query<P: rusqlite::Params>(&self, tail: &str, p: P) -> Result<Vec<Attempt>, LedgerError> {
        let sql = format!(
            "SELECT external_ref, created_at, updated_at, state, statuscode, actcode, ipay_uuid,
                    message, dp_id, mi, srno, q_score, nm_points, charged, resolved_at, resolution,
                    owner_pid, owner_started, opening_balance, transaction_value, payable,
                    closing_balance, ci, biometric_decline
             FROM attempts {tail}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(p, |r| {
            let external_ref: String = r.get(0)?;
            let text = |i: usize| r.get::<_, String>(i);
            let (created, updated, state) = (text(1)?, text(2)?, text(3)?);
            let resolved = r.get::<_, Option<String>>(14)?;
            let parsed = || -> Result<_, LedgerError> {
                Ok((
                    parse_ts(&external_ref, "created_at", &created)?,
                    parse_ts(&external_ref, "updated_at", &updated)?,
                    state
                        .parse::<AttemptState>()
                        .map_err(|_| bad_row(&external_ref, "state", &state))?,
                    resolved
                        .as_deref()
                        .map(|s| parse_ts(&external_ref, "resolved_at", s))
                        .transpose()?,
                ))
            };
            let (created_at, updated_at, state, resolved_at) = match parsed() {
                Ok(v) => v,
                Err(e) => return Ok(Err(e)),
            };
            let mut amounts = Vec::with_capacity(4);
            for (i, column) in [
                (18, "opening_balance"),
                (19, "transaction_value"),
                (20, "payable"),
                (21, "closing_balance"),
            ] {
                let text: Option<String> = r.get(i)?;
                match text
                    .map(|t| Amount::parse(&t).ok_or_else(|| bad_row(&external_ref, column, &t)))
                {
                    Some(Err(e)) => return Ok(Err(e)),
                    Some(Ok(a)) => amounts.push(Some(a)),
                    None => amounts.push(None),
                }
            }
            let mut amounts = amounts.into_iter();
            let mut next = || amounts.next().flatten();
            let pool = Pool {
                opening_balance: next(),
                transaction_value: next(),
                payable_value: next(),
                closing_balance: next(),
            };
            let pool = (pool != Pool::default()).then_some(pool);
            Ok(Ok(Attempt {
                external_ref,
                created_at,
                updated_at,
                state,
                statuscode: r.get(4)?,
                actcode: r.get(5)?,
                ipay_uuid: r.get(6)?,
                message: r.get(7)?,
                dp_id: r.get(8)?,
                mi: r.get(9)?,
                srno: r.get(10)?,
                q_score: r.get(11)?,
                nm_points: r.get(12)?,
                charged: r.get(13)?,
                resolved_at,
                resolution: r.get(15)?,
                owner_pid: r.get(16)?,
                owner_started: r.get(17)?,
                pool,
                ci: r.get(22)?,
                biometric_decline: r.get(23)?,
            }))
        })?;
        rows.map(|row| row?).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    fn new(r: &str) -> NewAttempt {
        NewAttempt {
            external_ref: r.into(),
            dp_id: "MANTRA.MSIPL".into(),
            mi: "MFS100".into(),
            srno: "1234567".into(),
            q_score: "70".into(),
            nm_points: "40".into(),
            ..NewAttempt::default()
        }
    }

    fn outcome(state: AttemptState, charged: Option<bool>) -> Outcome {
        Outcome {
            state,
            statuscode: Some("TXN".into()),
            actcode: Some("LOGGEDIN".into()),
            ipay_uuid: Some("u1".into()),
            message: Some("x".repeat(500)),
            charged,
            pool: None,
            biometric_decline: false,
        }
    }

    #[test]
    fn attempt_lifecycle_and_summary() {
        let mut l = Ledger::open_in_memory().unwrap();
        // 2026-11-22 04:00 UTC = 09:30 IST.
        let now = at(22, 4, 0);
        assert_eq!(l.day_state(now).unwrap(), DayState::LoginRequired);
        l.begin(&new("A1"), now).unwrap();
        assert_eq!(l.unresolved().unwrap().len(), 1);
        assert_eq!(l.day_state(now).unwrap(), DayState::Unknown);
        l.finish("A1", &outcome(AttemptState::LoggedIn, Some(true)), now)
            .unwrap();
        assert!(l.unresolved().unwrap().is_empty());
        assert!(l.logged_in_today(now).unwrap());
        let a = l.get("A1").unwrap().unwrap();
        assert_eq!(a.message.as_ref().unwrap().len(), MAX_MESSAGE);
        assert_eq!(a.charged, Some(true));
        assert!(a.line().contains("A1") && a.line().contains("loggedin"));

        let s = l.summary(now).unwrap();
        assert_eq!(s.charged_today, 1);
        assert_eq!(s.charged_this_month, 1);
        assert_eq!(s.expires_at, at(22, 18, 30));
        // 19:00 UTC is past midnight IST: a new day, login required, month still counts it.
        let later = at(22, 19, 0);
        let s = l.summary(later).unwrap();
        assert_eq!(s.state, DayState::LoginRequired);
        assert_eq!(s.charged_today, 0);
        assert_eq!(s.charged_this_month, 1);
        // A status check saying LOGINREQUIRED after the login wins (the bank invalidated it).
        l.record_status("TXN", "LOGINREQUIRED", at(22, 5, 0))
            .unwrap();
        assert_eq!(l.day_state(at(22, 5, 1)).unwrap(), DayState::LoginRequired);
        l.record_status("TXN", "LOGGEDIN", at(22, 6, 0)).unwrap();
        assert_eq!(l.day_state(at(22, 6, 1)).unwrap(), DayState::LoggedIn);
    }

    fn pool(payable: i64, closing: i64) -> Option<Pool> {
        Some(Pool {
            opening_balance: Some(Amount::from_paise(closing + payable)),
            transaction_value: Some(Amount::from_paise(100)),
            payable_value: Some(Amount::from_paise(payable)),
            closing_balance: Some(Amount::from_paise(closing)),
        })
    }

    #[test]
    fn amounts_are_kept_and_added_in_paise() {
        let mut l = Ledger::open_in_memory().unwrap();
        // Yesterday (the 21st): ₹1.18, wallet 5000.00 after.
        l.begin(&new("M1"), at(21, 4, 0)).unwrap();
        let mut o = outcome(AttemptState::LoggedIn, Some(true));
        o.pool = pool(118, 500_000);
        l.finish("M1", &o, at(21, 4, 0)).unwrap();
        // Today: one charged without an amount, one with ₹1.18 and 4998.82 after.
        l.begin(&new("M2"), at(22, 3, 0)).unwrap();
        l.finish(
            "M2",
            &outcome(AttemptState::Rejected, Some(true)),
            at(22, 3, 0),
        )
        .unwrap();
        l.begin(&new("M3"), at(22, 4, 0)).unwrap();
        let mut o = outcome(AttemptState::LoggedIn, Some(true));
        o.pool = pool(118, 499_882);
        l.finish("M3", &o, at(22, 4, 0)).unwrap();

        let s = l.summary(at(22, 5, 0)).unwrap();
        assert_eq!(s.paid_today.to_string(), "1.18");
        assert_eq!(s.amount_unknown_today, 1);
        assert_eq!(s.paid_this_month.to_string(), "2.36");
        assert_eq!(s.amount_unknown_this_month, 1);
        assert_eq!(
            s.wallet_balance.as_ref().map(Amount::to_string).as_deref(),
            Some("4998.82")
        );
        let a = l.get("M3").unwrap().unwrap();
        assert_eq!(a.pool, pool(118, 499_882));
        assert!(a.line().contains("charged ₹1.18"), "{}", a.line());
        // The JSON keeps them as text.
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["paid_today"], "1.18");
        assert_eq!(json["wallet_balance"], "4998.82");

        // A stored amount that is not one is an error naming the row, not a wrong sum.
        l.conn
            .execute(
                "UPDATE attempts SET payable = '1.1x' WHERE external_ref = 'M3'",
                [],
            )
            .unwrap();
        let e = l.summary(at(22, 5, 0)).unwrap_err().to_string();
        assert!(e.contains("M3") && e.contains("payable"), "{e}");
    }

    #[test]
    fn resolve_unknown_rows() {
        let mut l = Ledger::open_in_memory().unwrap();
        let now = at(22, 4, 0);
        l.begin(&new("S1"), now).unwrap();
        // While S1 is open, no second attempt of the day may begin.
        assert!(matches!(
            l.begin(&new("S2"), now),
            Err(LedgerError::OpenAttempt(r)) if r == "S1"
        ));
        l.resolve("S1", Resolution::LoggedIn, now).unwrap();
        let a = l.get("S1").unwrap().unwrap();
        assert_eq!((a.state, a.charged), (AttemptState::LoggedIn, Some(true)));
        l.begin(&new("S2"), now).unwrap();
        l.resolve("S2", Resolution::NotLoggedIn, now).unwrap();
        let b = l.get("S2").unwrap().unwrap();
        assert_eq!((b.state, b.charged), (AttemptState::Unknown, None));
        assert!(!b.is_unresolved());
        assert!(l.unresolved().unwrap().is_empty());
        let s = l.summary(now).unwrap();
        assert_eq!((s.charged_today, s.charge_unknown_today), (1, 1));
        assert!(matches!(
            l.finish("nope", &outcome(AttemptState::Rejected, None), now),
            Err(LedgerError::NoSuchAttempt(_))
        ));
        // An externalRef is unique.
        assert!(l.begin(&new("S1"), now).is_err());
    }

    #[test]
    fn migrations_run_once_and_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        {
            let mut l = Ledger::open(&path).unwrap();
            l.begin(&new("K1"), at(22, 4, 0)).unwrap();
        }
        let l = Ledger::open(&path).unwrap();
        assert_eq!(l.all().unwrap().len(), 1);
        drop(l);
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        assert!(matches!(
            Ledger::open(&path),
            Err(LedgerError::TooNew { found: 99, .. })
        ));
    }

    #[test]
    fn garbage_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        std::fs::write(&path, b"this is not a database, just some bytes....").unwrap();
        assert!(Ledger::open(&path).is_err());
    }

    #[test]
    fn a_row_that_does_not_parse_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        let mut l = Ledger::open(&path).unwrap();
        l.begin(&new("R1"), at(22, 3, 0)).unwrap();
        drop(l);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE attempts SET created_at = 'yesterday' WHERE external_ref = 'R1'",
            [],
        )
        .unwrap();
        drop(conn);
        let l = Ledger::open(&path).unwrap();
        let e = l.all().unwrap_err().to_string();
        assert!(
            e.contains("R1") && e.contains("created_at") && e.contains("yesterday"),
            "{e}"
        );
    }
}
