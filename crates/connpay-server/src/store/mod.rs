//! Where sessions and access tokens live: SQLite (WAL) by default, PostgreSQL when several
//! instances share the load. Both keep the same rows; times are UTC milliseconds.
//!
//! A session row is also the verification's life (`State`, one time per step): initiate
//! inserts it, check consumes its nonce, the card-mapping notification records the card, and a
//! merchant callback (or the sweep, when none comes in time) gives it its final state. Every
//! callback received is kept too (`connpay_callbacks`), which is how repeats are recognised.
//!
//! Access tokens are stored only as SHA-256 digests: a copy of the database does not let
//! anyone initiate in a consumer's name. The nonce and signatures are stored as issued (they
//! travel through the app and ConnPay anyway and are useless without the session).

mod postgres;
mod sqlite;

use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};

pub(crate) use postgres::PgStore;
pub(crate) use sqlite::SqliteStore;

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
pub(crate) fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// An access token issued by `/auth/access-token`, bound to one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub token_hash: Vec<u8>,
    pub serial_number: String,
    pub expires_at: DateTime<Utc>,
}

/// Where a verification stands. Stored as `as_str`; only this code writes the column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Initiated,
    Checked,
    /// ConnPay's card-mapping notification arrived.
    Mapped,
    Approved,
    Declined,
    Error,
    Filtered,
    /// No final state arrived within `Config::final_within` of initiate.
    Expired,
}

impl State {
    pub const ALL: [State; 8] = [
        State::Initiated,
        State::Checked,
        State::Mapped,
        State::Approved,
        State::Declined,
        State::Error,
        State::Filtered,
        State::Expired,
    ];

    /// The stored name, also the metric's label and what `verification list --state` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Initiated => "initiated",
            State::Checked => "checked",
            State::Mapped => "mapped",
            State::Approved => "approved",
            State::Declined => "declined",
            State::Error => "error",
            State::Filtered => "filtered",
            State::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn is_final(self) -> bool {
        !matches!(self, State::Initiated | State::Checked | State::Mapped)
    }

    /// The final state a callback's `status` moves a verification to; `None` for `processing`,
    /// `unknown` and anything else, which are recorded only.
    pub fn from_callback_status(status: &str) -> Option<State> {
        match status.to_ascii_lowercase().as_str() {
            "approved" => Some(State::Approved),
            "declined" => Some(State::Declined),
            "error" => Some(State::Error),
            "filtered" => Some(State::Filtered),
            _ => None,
        }
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn state_of(text: &str) -> Result<State, StoreError> {
    State::parse(text)
        .ok_or_else(|| StoreError::Backend(format!("a session holds an unknown state {text:?}")))
}

/// The card ConnPay mapped a verification to, and the client card id we gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardMapping {
    pub server_card_id: String,
    pub unique_reference_card_id: i64,
    pub bin: i64,
    pub client_card_id: String,
}

/// What recording a card did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapCard {
    /// This call recorded it.
    Mapped,
    /// The same `serverCardId` was recorded before: nothing changed.
    Repeat,
    /// Another card was recorded before: nothing changed.
    Conflict,
    /// No checked session (swept meanwhile).
    Missing,
}

/// One merchant callback as received; the four fields are also its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackRecord {
    /// Our invoice id (docs/connpay.md: the one place that says so is `handlers::callback`).
    pub client_orderid: String,
    pub status: String,
    pub kind: String,
    pub orderid: String,
    pub received_at: DateTime<Utc>,
}

/// What recording a callback did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackOutcome {
    /// The same callback had been received before.
    pub repeat: bool,
    /// This call moved the verification to its final state.
    pub moved: bool,
    /// The verification's state now; `None` when no session has this invoice id.
    pub state: Option<State>,
}

/// `verification list`'s filter: a state, and the initiate times in [from, to).
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub state: Option<State>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Most rows `verification list` prints.
pub(crate) const LIST_LIMIT: i64 = 10_000;

/// One verification: what initiate issued, what the first successful check recorded, and its
/// life after that.
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
    /// `put_session` stores `Initiated` and none of what follows, whatever the record says.
    pub state: State,
    pub mapped_at: Option<DateTime<Utc>>,
    pub card: Option<CardMapping>,
    /// When the final state was set (by a callback or by expiry).
    pub final_at: Option<DateTime<Utc>>,
    /// The gateway's order id, from the callback that set the final state.
    pub orderid: Option<String>,
}

/// The session columns in the order `session_from_row` of each store reads them.
pub(crate) const SESSION_COLUMNS: &str = "invoice_id, serial_number, access_token_hash, nonce, \
     signature, currency, held, created_at, expires_at, token, consumed_at, state, mapped_at, \
     server_card_id, unique_reference_card_id, card_bin, client_card_id, final_at, orderid";

/// The columns added to `connpay_sessions` since its first version, for databases created
/// before them (SQLite has no `ADD COLUMN IF NOT EXISTS`). Types are SQLite's; PostgreSQL's
/// schema spells its own.
pub(crate) const ADDED_COLUMNS: &[(&str, &str)] = &[
    ("state", "TEXT NOT NULL DEFAULT 'initiated'"),
    ("mapped_at", "INTEGER"),
    ("server_card_id", "TEXT"),
    ("unique_reference_card_id", "INTEGER"),
    ("card_bin", "INTEGER"),
    ("client_card_id", "TEXT"),
    ("final_at", "INTEGER"),
    ("orderid", "TEXT"),
];

/// The columns read after `consumed_at`, as the row holds them.
pub(crate) struct LaterColumns {
    pub state: String,
    pub mapped_at: Option<i64>,
    pub server_card_id: Option<String>,
    pub unique_reference_card_id: Option<i64>,
    pub card_bin: Option<i64>,
    pub client_card_id: Option<String>,
    pub final_at: Option<i64>,
    pub orderid: Option<String>,
}

impl LaterColumns {
    /// Fills the record's later fields from the row's.
    pub(crate) fn apply(self, r: &mut SessionRecord) -> Result<(), StoreError> {
        r.state = state_of(&self.state)?;
        r.mapped_at = self.mapped_at.map(from_millis);
        r.card = match (
            self.server_card_id,
            self.unique_reference_card_id,
            self.card_bin,
            self.client_card_id,
        ) {
            (Some(server_card_id), Some(unique), Some(bin), Some(client_card_id)) => {
                Some(CardMapping {
                    server_card_id,
                    unique_reference_card_id: unique,
                    bin,
                    client_card_id,
                })
            }
            _ => None,
        };
        r.final_at = self.final_at.map(from_millis);
        r.orderid = self.orderid;
        Ok(())
    }
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
            Store::Sqlite(s) => s.token(hash),
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
            Store::Sqlite(s) => s.session(invoice_id),
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

    /// The checked sessions whose ConnPay token is `token` (at most a few: ConnPay's tokens are
    /// unique, but a caller holding an app's nonce could check with a copy of one).
    pub async fn sessions_by_token(&self, token: &str) -> Result<Vec<SessionRecord>, StoreError> {
        match self {
            Store::Sqlite(s) => s.sessions_by_token(token),
            Store::Postgres(s) => s.sessions_by_token(token).await,
        }
    }

    /// Records the card of a checked session, once: exactly one caller ever gets `Mapped`.
    pub async fn map_card(
        &self,
        invoice_id: &str,
        card: &CardMapping,
        now: DateTime<Utc>,
    ) -> Result<MapCard, StoreError> {
        match self {
            Store::Sqlite(s) => s.map_card(invoice_id, card, now).await,
            Store::Postgres(s) => s.map_card(invoice_id, card, now).await,
        }
    }

    /// Records a callback, and moves its verification to `moves_to` when it has no final state
    /// yet (or only `Expired`): exactly one caller ever gets `moved`.
    pub async fn record_callback(
        &self,
        c: &CallbackRecord,
        moves_to: Option<State>,
    ) -> Result<CallbackOutcome, StoreError> {
        match self {
            Store::Sqlite(s) => s.record_callback(c, moves_to).await,
            Store::Postgres(s) => s.record_callback(c, moves_to).await,
        }
    }

    /// The callbacks received for an invoice, oldest first.
    pub async fn callbacks(&self, invoice_id: &str) -> Result<Vec<CallbackRecord>, StoreError> {
        match self {
            Store::Sqlite(s) => s.callbacks(invoice_id),
            Store::Postgres(s) => s.callbacks(invoice_id).await,
        }
    }

    /// The verifications `filter` selects, oldest first, at most `LIST_LIMIT`.
    pub async fn list(&self, filter: &ListFilter) -> Result<Vec<SessionRecord>, StoreError> {
        match self {
            Store::Sqlite(s) => s.list(filter),
            Store::Postgres(s) => s.list(filter).await,
        }
    }

    /// How many verifications are in each state (for `/metrics`); states with none are absent.
    pub async fn state_counts(&self) -> Result<Vec<(State, u64)>, StoreError> {
        match self {
            Store::Sqlite(s) => s.state_counts(),
            Store::Postgres(s) => s.state_counts().await,
        }
    }

    /// Moves checked verifications initiated before `cutoff` that have no final state to
    /// `Expired`; returns their invoice ids.
    pub async fn expire(
        &self,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        match self {
            Store::Sqlite(s) => s.expire(cutoff, now).await,
            Store::Postgres(s) => s.expire(cutoff, now).await,
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
            Store::Sqlite(s) => s.counts(),
            Store::Postgres(s) => s.counts().await,
        }
    }

    /// Deletes expired access tokens, sessions that expired unchecked, and checked sessions and
    /// callbacks older than `retention`; returns how many rows went.
    pub async fn sweep(
        &self,
        now: DateTime<Utc>,
        retention: chrono::Duration,
    ) -> Result<u64, StoreError> {
        let kept_since = now - retention;
        match self {
            Store::Sqlite(s) => s.sweep(now, kept_since).await,
            Store::Postgres(s) => s.sweep(now, kept_since).await,
        }
    }
}
