//! Where sessions and access tokens live: SQLite (WAL) by default, PostgreSQL when several
//! instances share the load. Both keep the same rows; times are UTC milliseconds.
//!
//! Access tokens are stored only as SHA-256 digests: a copy of the database does not let
//! anyone initiate in a consumer's name. The nonce and signatures are stored as issued (they
//! travel through the app and ConnPay anyway and are useless without the session).

mod postgres;
mod sqlite;

use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// A failure of the store. Logged for the operator; a client only ever sees SERVER_FAILED.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "Cannot open the session database: {0}. Check the --db path or URL and its permissions"
    )]
    Open(String),
    #[error("The session database failed: {0}. Check that the database is up and has space")]
    Backend(String),
    #[error("Invoice id collision; the request can be retried")]
    Duplicate,
}

/// The digest under which an access token is stored and looked up.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// An access token issued by `/auth/access-token`, bound to one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub token_hash: Vec<u8>,
    pub serial_number: String,
    pub expires_at: DateTime<Utc>,
}

/// One verification: what initiate issued, and what the first successful check recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub invoice_id: String,
    pub serial_number: String,
    pub access_token_hash: Vec<u8>,
    pub nonce: String,
    pub signature: String,
    pub currency: String,
    /// `model::HeldData` as JSON.
    pub held: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// ConnPay's `session.token`, set by the first successful check (which consumes the nonce).
    pub token: Option<String>,
    pub consumed_at: Option<DateTime<Utc>>,
}

/// The result of trying to consume a session's nonce with a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consume {
    /// This call consumed the nonce.
    Consumed,
    /// An earlier check consumed it, with this token.
    Already(String),
    /// No such session (swept meanwhile).
    Missing,
}

pub(crate) fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// How to open a PostgreSQL store (SQLite needs nothing more than its path).
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Connections per instance.
    pub pg_connections: usize,
    /// CA certificates (PEM) that vouch for the PostgreSQL server, instead of the Mozilla roots.
    pub pg_ca_file: Option<std::path::PathBuf>,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            pg_connections: postgres::DEFAULT_POOL,
            pg_ca_file: None,
        }
    }
}

/// The store behind the server.
#[derive(Clone)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl Store {
    /// Opens `url`: `postgres://` or `postgresql://` for PostgreSQL, anything else is a SQLite
    /// file path (an optional `sqlite://` prefix is accepted). Creates the tables if needed.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, &StoreOptions::default()).await
    }

    /// As `open`, with the PostgreSQL settings of `options`.
    pub async fn open_with(url: &str, options: &StoreOptions) -> Result<Store, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Store::Postgres(
                PgStore::connect(url, options.pg_connections, options.pg_ca_file.as_deref())
                    .await?,
            ))
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            Ok(Store::Sqlite(SqliteStore::open(path).await?))
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    pub async fn put_token(&self, t: &TokenRecord) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => s.put_token(t).await,
            Store::Postgres(s) => s.put_token(t).await,
        }
    }

    pub async fn token(&self, hash: &[u8]) -> Result<Option<TokenRecord>, StoreError> {
        match self {
            Store::Sqlite(s) => s.token(hash).await,
            Store::Postgres(s) => s.token(hash).await,
        }
    }

    /// Inserts a new session; `Duplicate` if the invoice id exists already.
    pub async fn put_session(&self, r: &SessionRecord) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => s.put_session(r).await,
            Store::Postgres(s) => s.put_session(r).await,
        }
    }

    pub async fn session(&self, invoice_id: &str) -> Result<Option<SessionRecord>, StoreError> {
        match self {
            Store::Sqlite(s) => s.session(invoice_id).await,
            Store::Postgres(s) => s.session(invoice_id).await,
        }
    }

    /// Atomically records `token` on the session if no check has yet: exactly one caller ever
    /// gets `Consumed` for a session.
    pub async fn consume(
        &self,
        invoice_id: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Consume, StoreError> {
        match self {
            Store::Sqlite(s) => s.consume(invoice_id, token, now).await,
            Store::Postgres(s) => s.consume(invoice_id, token, now).await,
        }
    }

    /// Whether the store answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => s.ping().await,
            Store::Postgres(s) => s.ping().await,
        }
    }

    /// How many access tokens and sessions are stored (for operators and tests).
    pub async fn counts(&self) -> Result<(u64, u64), StoreError> {
        match self {
            Store::Sqlite(s) => s.counts().await,
            Store::Postgres(s) => s.counts().await,
        }
    }

    /// Deletes expired sessions and access tokens; returns how many rows went.
    pub async fn sweep(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        match self {
            Store::Sqlite(s) => s.sweep(now).await,
            Store::Postgres(s) => s.sweep(now).await,
        }
    }
}
