//! The PostgreSQL store, for several instances behind one load balancer. A few connections,
//! each with its statements prepared once; a connection that dies is replaced on next use.
//!
//! TLS and the certificate check are crates/pgconn's.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Row, Statement};

use super::{Consume, SessionRecord, StoreError, TokenRecord, from_millis, to_millis};

/// Connections per instance unless told otherwise.
pub const DEFAULT_POOL: usize = 8;

// Taken under an advisory lock so that instances starting together do not race on the DDL.
const SCHEMA: &str = "
BEGIN;
SELECT pg_advisory_xact_lock(727274);
CREATE TABLE IF NOT EXISTS connpay_access_tokens (
    token_hash BYTEA PRIMARY KEY,
    serial_number TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS connpay_access_tokens_expiry ON connpay_access_tokens (expires_at);
CREATE TABLE IF NOT EXISTS connpay_sessions (
    invoice_id TEXT PRIMARY KEY,
    serial_number TEXT NOT NULL,
    access_token_hash BYTEA NOT NULL,
    nonce TEXT NOT NULL,
    signature TEXT NOT NULL,
    currency TEXT NOT NULL,
    held TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    token TEXT,
    consumed_at BIGINT
);
CREATE INDEX IF NOT EXISTS connpay_sessions_expiry ON connpay_sessions (expires_at);
COMMIT;
";

const SESSION_COLUMNS: &str = "invoice_id, serial_number, access_token_hash, nonce, signature, \
     currency, held, created_at, expires_at, token, consumed_at";

struct Conn {
    client: Client,
    put_token: Statement,
    token: Statement,
    put_session: Statement,
    session: Statement,
    consume: Statement,
    read_token: Statement,
    sweep_tokens: Statement,
    sweep_sessions: Statement,
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

impl Conn {
    async fn connect(target: pgconn::Target) -> Result<Conn, StoreError> {
        let client = pgconn::connect(&target).await.map_err(StoreError::Open)?;
        let p = |sql: String| {
            let client = &client;
            async move {
                client
                    .prepare(&sql)
                    .await
                    .map_err(|e| StoreError::Open(e.to_string()))
            }
        };
        Ok(Conn {
            put_token: p(
                "INSERT INTO connpay_access_tokens (token_hash, serial_number, expires_at) \
                 VALUES ($1, $2, $3)"
                    .into(),
            )
            .await?,
            token: p(
                "SELECT serial_number, expires_at FROM connpay_access_tokens \
                 WHERE token_hash = $1"
                    .into(),
            )
            .await?,
            put_session: p(format!(
                "INSERT INTO connpay_sessions ({SESSION_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            ))
            .await?,
            session: p(format!(
                "SELECT {SESSION_COLUMNS} FROM connpay_sessions WHERE invoice_id = $1"
            ))
            .await?,
            // Under READ COMMITTED a second concurrent update waits for the first to commit,
            // then re-checks `token IS NULL` and changes nothing.
            consume: p("UPDATE connpay_sessions SET token = $1, consumed_at = $2 \
                 WHERE invoice_id = $3 AND token IS NULL"
                .into())
            .await?,
            read_token: p("SELECT token FROM connpay_sessions WHERE invoice_id = $1".into())
                .await?,
            sweep_tokens: p("DELETE FROM connpay_access_tokens WHERE expires_at <= $1".into())
                .await?,
            sweep_sessions: p("DELETE FROM connpay_sessions WHERE expires_at <= $1".into()).await?,
            client,
        })
    }
}

impl pgconn::Pooled for Conn {
    fn client(&self) -> &Client {
        &self.client
    }
}

#[derive(Clone)]
pub struct PgStore {
    pool: Arc<pgconn::Pool<Conn>>,
}

fn session_from_row(row: &Row) -> SessionRecord {
    SessionRecord {
        invoice_id: row.get(0),
        serial_number: row.get(1),
        access_token_hash: row.get(2),
        nonce: row.get(3),
        signature: row.get(4),
        currency: row.get(5),
        held: row.get(6),
        created_at: from_millis(row.get(7)),
        expires_at: from_millis(row.get(8)),
        token: row.get(9),
        consumed_at: row.get::<_, Option<i64>>(10).map(from_millis),
    }
}

impl PgStore {
    /// Connects `pool` connections (at least one) and creates the tables if needed.
    pub async fn connect(
        url: &str,
        pool: usize,
        ca_file: Option<&Path>,
    ) -> Result<PgStore, StoreError> {
        let pool = pool.max(1);
        let target =
            pgconn::Target::new(url, ca_file, "connpay-server").map_err(StoreError::Open)?;
        // The tables must exist before the statements on them can be prepared.
        pgconn::connect(&target)
            .await
            .map_err(StoreError::Open)?
            .batch_execute(SCHEMA)
            .await
            .map_err(|e| StoreError::Open(e.to_string()))?;
        Ok(PgStore {
            pool: Arc::new(pgconn::Pool::new(target, pool, Conn::connect).await?),
        })
    }

    async fn conn(&self) -> Result<Arc<Conn>, StoreError> {
        self.pool.get(Conn::connect).await
    }

    pub async fn put_token(&self, t: &TokenRecord) -> Result<(), StoreError> {
        let c = self.conn().await?;
        c.client
            .execute(
                &c.put_token,
                &[&t.token_hash, &t.serial_number, &to_millis(t.expires_at)],
            )
            .await
            .map_err(backend)?;
        Ok(())
    }

    pub async fn token(&self, hash: &[u8]) -> Result<Option<TokenRecord>, StoreError> {
        let c = self.conn().await?;
        let row = c
            .client
            .query_opt(&c.token, &[&hash])
            .await
            .map_err(backend)?;
        Ok(row.map(|row| TokenRecord {
            token_hash: hash.to_vec(),
            serial_number: row.get(0),
            expires_at: from_millis(row.get(1)),
        }))
    }

    pub async fn put_session(&self, r: &SessionRecord) -> Result<(), StoreError> {
        let c = self.conn().await?;
        let result = c
            .client
            .execute(
                &c.put_session,
                &[
                    &r.invoice_id,
                    &r.serial_number,
                    &r.access_token_hash,
                    &r.nonce,
                    &r.signature,
                    &r.currency,
                    &r.held,
                    &to_millis(r.created_at),
                    &to_millis(r.expires_at),
                    &r.token,
                    &r.consumed_at.map(to_millis),
                ],
            )
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => Err(StoreError::Duplicate),
            Err(e) => Err(backend(e)),
        }
    }

    pub async fn session(&self, invoice_id: &str) -> Result<Option<SessionRecord>, StoreError> {
        let c = self.conn().await?;
        let row = c
            .client
            .query_opt(&c.session, &[&invoice_id])
            .await
            .map_err(backend)?;
        Ok(row.as_ref().map(session_from_row))
    }

    pub async fn consume(
        &self,
        invoice_id: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Consume, StoreError> {
        let c = self.conn().await?;
        let changed = c
            .client
            .execute(&c.consume, &[&token, &to_millis(now), &invoice_id])
            .await
            .map_err(backend)?;
        if changed == 1 {
            return Ok(Consume::Consumed);
        }
        // The token column only ever goes from NULL to a value, so reading it afterwards on
        // any connection sees the winner's token.
        let row = c
            .client
            .query_opt(&c.read_token, &[&invoice_id])
            .await
            .map_err(backend)?;
        Ok(match row.and_then(|r| r.get::<_, Option<String>>(0)) {
            Some(t) => Consume::Already(t),
            None => Consume::Missing,
        })
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        let c = self.conn().await?;
        c.client.simple_query("SELECT 1").await.map_err(backend)?;
        Ok(())
    }

    pub async fn counts(&self) -> Result<(u64, u64), StoreError> {
        let c = self.conn().await?;
        let row = c
            .client
            .query_one(
                "SELECT (SELECT count(*) FROM connpay_access_tokens), \
                        (SELECT count(*) FROM connpay_sessions)",
                &[],
            )
            .await
            .map_err(backend)?;
        Ok((row.get::<_, i64>(0) as u64, row.get::<_, i64>(1) as u64))
    }

    pub async fn sweep(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let c = self.conn().await?;
        let now = to_millis(now);
        let a = c
            .client
            .execute(&c.sweep_tokens, &[&now])
            .await
            .map_err(backend)?;
        let b = c
            .client
            .execute(&c.sweep_sessions, &[&now])
            .await
            .map_err(backend)?;
        Ok(a + b)
    }
}
