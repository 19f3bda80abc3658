//! The relay's database: the outlet registry, enrolment codes, devices, one row per outlet and
//! IST day (the claim that serialises logins), every attempt (the platform's record of
//! every charge), and the lifts of the guards before a charge. SQLite for a single machine, PostgreSQL for several instances.
//!
//! Each query is written once, in SQL both understand, over `Backend`; `?N` placeholders are
//! turned into PostgreSQL's `$N`. Every write that decides money is one statement, so it is
//! atomic on both without holding a transaction (or a pooled connection) across a call to
//! InstantPay. Times are UTC milliseconds; tokens and codes are stored only as SHA-256.

mod guards;
mod postgres;
mod queries;
mod sqlite;

use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};

pub use guards::*;
pub(crate) use postgres::{DEFAULT_POOL, Postgres};
pub use queries::*;
pub(crate) use sqlite::Sqlite;

/// A failure of the database. Logged for the operator; an agent only sees RELAY_FAILED.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "Cannot open the relay database: {0}. Check --db (a file path or a postgres:// URL) and its permissions"
    )]
    Open(String),
    #[error("The relay database failed: {0}. Check that it is up and has space")]
    Backend(String),
}

/// A value bound to or read from a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// One row, by column index.
#[derive(Debug, Clone)]
pub(crate) struct Row(pub Vec<Value>);

impl Row {
    pub(crate) fn text(&self, i: usize) -> String {
        match self.0.get(i) {
            Some(Value::Text(s)) => s.clone(),
            Some(Value::Int(n)) => n.to_string(),
            _ => String::new(),
        }
    }
    pub(crate) fn opt_text(&self, i: usize) -> Option<String> {
        match self.0.get(i) {
            Some(Value::Text(s)) => Some(s.clone()),
            _ => None,
        }
    }
    pub(crate) fn int(&self, i: usize) -> Option<i64> {
        match self.0.get(i) {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }
    pub(crate) fn time(&self, i: usize) -> Option<DateTime<Utc>> {
        self.int(i).map(from_millis)
    }
}

/// The two databases: run a statement, or a query that returns rows.
pub(crate) trait Backend: Send + Sync {
    fn execute(
        &self,
        sql: &'static str,
        params: Vec<Value>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
    fn query(
        &self,
        sql: &'static str,
        params: Vec<Value>,
    ) -> impl Future<Output = Result<Vec<Row>, StoreError>> + Send;
}

pub(crate) fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The digest under which a token or code is stored and looked up, as hex.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The tables as first released, in SQL both databases take; later changes are
/// [`MIGRATIONS`]. Both run in one transaction (PostgreSQL's under an advisory lock).
pub(crate) const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS relay_outlets (
        outlet_id TEXT PRIMARY KEY,
        latitude TEXT NOT NULL,
        longitude TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS relay_codes (
        code_hash TEXT PRIMARY KEY,
        outlet_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT)",
    "CREATE TABLE IF NOT EXISTS relay_devices (
        device_id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        outlet_id TEXT NOT NULL,
        label TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT,
        revoked_at BIGINT)",
    "CREATE INDEX IF NOT EXISTS relay_devices_outlet ON relay_devices (outlet_id)",
    // state: claimed (holder's login is in flight), loggedin, open (free to claim), unknown
    // (holder's outcome is not known: settled by outletLoginStatus before anyone else sends).
    "CREATE TABLE IF NOT EXISTS relay_days (
        outlet_id TEXT NOT NULL,
        day TEXT NOT NULL,
        state TEXT NOT NULL,
        holder TEXT NOT NULL,
        claimed_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (outlet_id, day))",
    // state: an AttemptState's text (crates/instantpay/src/attempt.rs): sending, loggedin,
    // rejected, unknown, not_sent, shared (answered with another attempt's login, not
    // charged), not_logged_in (settled by the status). `outcome` is the
    // LoginOutcome as JSON: codes, InstantPay's scrubbed message, its ids; nothing biometric.
    "CREATE TABLE IF NOT EXISTS relay_attempts (
        external_ref TEXT PRIMARY KEY,
        outlet_id TEXT NOT NULL,
        day TEXT NOT NULL,
        device_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        state TEXT NOT NULL,
        charged BIGINT,
        statuscode TEXT,
        actcode TEXT,
        ipay_uuid TEXT,
        shared_from TEXT,
        outcome TEXT)",
    "CREATE INDEX IF NOT EXISTS relay_attempts_day_charged ON relay_attempts (day, outlet_id, charged)",
    "DROP INDEX IF EXISTS relay_attempts_day",
    // Which migrations below have run, by id.
    "CREATE TABLE IF NOT EXISTS relay_migrations (
        id BIGINT PRIMARY KEY,
        applied_at BIGINT NOT NULL)",
];

/// A change to the tables after [`SCHEMA`], run once per database (in the same transaction
/// as its row in `relay_migrations`), in SQL both databases take.
pub(crate) struct Migration {
    pub id: i64,
    pub statements: &'static [&'static str],
}

/// In order; never edit one that has shipped, add another.
pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    id: 1,
    statements: &[
        // The guards before a charge (crate::guard). `decline`: the finished attempt's outcome
        // was a biometric decline (1) or not (0); NULL until known.
        "ALTER TABLE relay_attempts ADD COLUMN decline BIGINT",
        // An outlet's attempts in time order: the decline streak is counted from its last
        // login, which is usually its latest attempt.
        "CREATE INDEX IF NOT EXISTS relay_attempts_outlet_time ON relay_attempts (outlet_id, created_at)",
        // A platform admin (or, with --allow-device-override, a device) let a held outlet go
        // on. what: declines, cap or both; day: the IST day it was lifted on (a cap lift
        // counts for that day only).
        "CREATE TABLE IF NOT EXISTS relay_lifts (
            outlet_id TEXT NOT NULL,
            day TEXT NOT NULL,
            what TEXT NOT NULL,
            lifted_by TEXT NOT NULL,
            lifted_at BIGINT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS relay_lifts_outlet ON relay_lifts (outlet_id, lifted_at)",
    ],
}];

/// The migrations not in `applied`, in order.
pub(crate) fn pending(applied: &[i64]) -> impl Iterator<Item = &'static Migration> + '_ {
    MIGRATIONS.iter().filter(|m| !applied.contains(&m.id))
}

/// The database behind the relay.
#[derive(Clone)]
pub enum Store {
    Sqlite(Sqlite),
    Postgres(Postgres),
}

macro_rules! on {
    ($self:ident, $b:ident => $e:expr) => {
        match $self {
            Store::Sqlite($b) => $e,
            Store::Postgres($b) => $e,
        }
    };
}

impl Store {
    /// `postgres://…` for PostgreSQL; anything else is a SQLite file path (`sqlite://` optional).
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, DEFAULT_POOL, None).await
    }

    /// As [`Store::open`], with PostgreSQL's pool size and CA file.
    pub async fn open_with(
        url: &str,
        pg_connections: usize,
        pg_ca_file: Option<&std::path::Path>,
    ) -> Result<Store, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Store::Postgres(
                Postgres::connect(url, pg_connections, pg_ca_file).await?,
            ));
        }
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        Ok(Store::Sqlite(Sqlite::open(path).await?))
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    pub(crate) async fn execute(
        &self,
        sql: &'static str,
        p: Vec<Value>,
    ) -> Result<u64, StoreError> {
        on!(self, b => b.execute(sql, p).await)
    }

    pub(crate) async fn query(
        &self,
        sql: &'static str,
        p: Vec<Value>,
    ) -> Result<Vec<Row>, StoreError> {
        on!(self, b => b.query(sql, p).await)
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        self.query("SELECT 1", vec![]).await.map(drop)
    }
}
