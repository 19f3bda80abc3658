//! The PostgreSQL store, for several instances behind one load balancer. A few connections,
//! each with its statements prepared once; a connection that dies is replaced on next use.
//!
//! TLS and the certificate check are crates/pgconn's.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Row, Statement};

use super::{
    CallbackOutcome, CallbackRecord, CardMapping, Consume, LIST_LIMIT, LaterColumns, ListFilter,
    MapCard, SESSION_COLUMNS, SessionRecord, State, StoreError, TokenRecord, from_millis, state_of,
    to_millis,
};

/// Connections per instance unless told otherwise.
pub(super) const DEFAULT_POOL: usize = 8;

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
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
                   AND table_name = 'connpay_sessions' AND column_name = 'state') THEN
        ALTER TABLE connpay_sessions ADD COLUMN state TEXT NOT NULL DEFAULT 'initiated';
        -- Sessions an older version checked are checked.
        UPDATE connpay_sessions SET state = 'checked' WHERE token IS NOT NULL;
    END IF;
END $$;
ALTER TABLE connpay_sessions
    ADD COLUMN IF NOT EXISTS mapped_at BIGINT,
    ADD COLUMN IF NOT EXISTS server_card_id TEXT,
    ADD COLUMN IF NOT EXISTS unique_reference_card_id BIGINT,
    ADD COLUMN IF NOT EXISTS card_bin BIGINT,
    ADD COLUMN IF NOT EXISTS client_card_id TEXT,
    ADD COLUMN IF NOT EXISTS final_at BIGINT,
    ADD COLUMN IF NOT EXISTS orderid TEXT;
DROP INDEX IF EXISTS connpay_sessions_expiry;
CREATE INDEX IF NOT EXISTS connpay_sessions_unchecked ON connpay_sessions (expires_at)
    WHERE token IS NULL;
CREATE INDEX IF NOT EXISTS connpay_sessions_checked ON connpay_sessions (consumed_at)
    WHERE token IS NOT NULL;
CREATE INDEX IF NOT EXISTS connpay_sessions_open ON connpay_sessions (created_at)
    WHERE state IN ('checked', 'mapped');
CREATE INDEX IF NOT EXISTS connpay_sessions_token ON connpay_sessions (token)
    WHERE token IS NOT NULL;
CREATE TABLE IF NOT EXISTS connpay_callbacks (
    client_orderid TEXT NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    orderid TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (client_orderid, status, kind, orderid)
);
CREATE INDEX IF NOT EXISTS connpay_callbacks_received ON connpay_callbacks (received_at);
COMMIT;
";

struct Conn {
    client: Client,
    put_token: Statement,
    token: Statement,
    put_session: Statement,
    session: Statement,
    consume: Statement,
    read_token: Statement,
    by_token: Statement,
    map_card: Statement,
    read_card: Statement,
    insert_callback: Statement,
    final_state: Statement,
    read_state: Statement,
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
            put_session: p(
                "INSERT INTO connpay_sessions (invoice_id, serial_number, access_token_hash, \
                   nonce, signature, currency, held, created_at, expires_at, token, consumed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                    .into(),
            )
            .await?,
            session: p(format!(
                "SELECT {SESSION_COLUMNS} FROM connpay_sessions WHERE invoice_id = $1"
            ))
            .await?,
            // Under READ COMMITTED a second concurrent update waits for the first to commit,
            // then re-checks `token IS NULL` and changes nothing.
            consume: p("UPDATE connpay_sessions SET token = $1, consumed_at = $2, \
                   state = CASE WHEN state = 'initiated' THEN 'checked' ELSE state END \
                 WHERE invoice_id = $3 AND token IS NULL"
                .into())
            .await?,
            read_token: p("SELECT token FROM connpay_sessions WHERE invoice_id = $1".into())
                .await?,
            by_token: p(format!(
                "SELECT {SESSION_COLUMNS} FROM connpay_sessions WHERE token = $1 LIMIT 4"
            ))
            .await?,
            // The same statements as the SQLite store's (sqlite.rs), in PostgreSQL's spelling.
            // Under READ COMMITTED a second instance's update waits for the first to commit,
            // then re-checks its WHERE and changes nothing.
            map_card: p("UPDATE connpay_sessions SET server_card_id = $1, \
                   unique_reference_card_id = $2, card_bin = $3, client_card_id = $4, \
                   mapped_at = $5, \
                   state = CASE WHEN state IN ('initiated', 'checked') THEN 'mapped' ELSE state END \
                 WHERE invoice_id = $6 AND token IS NOT NULL AND server_card_id IS NULL"
                .into())
            .await?,
            read_card: p("SELECT server_card_id FROM connpay_sessions \
                 WHERE invoice_id = $1 AND token IS NOT NULL"
                .into())
            .await?,
            insert_callback: p("INSERT INTO connpay_callbacks \
                   (client_orderid, status, kind, orderid, received_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"
                .into())
            .await?,
            final_state: p("UPDATE connpay_sessions SET state = $1, final_at = $2, orderid = $3 \
                 WHERE invoice_id = $4 \
                   AND state IN ('initiated', 'checked', 'mapped', 'expired')"
                .into())
            .await?,
            read_state: p("SELECT state FROM connpay_sessions WHERE invoice_id = $1".into())
                .await?,
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

fn session_from_row(row: &Row) -> Result<SessionRecord, StoreError> {
    let mut r = SessionRecord {
        invoice_id: row.try_get(0).map_err(backend)?,
        serial_number: row.try_get(1).map_err(backend)?,
        access_token_hash: row.try_get(2).map_err(backend)?,
        nonce: row.try_get(3).map_err(backend)?,
        signature: row.try_get(4).map_err(backend)?,
        currency: row.try_get(5).map_err(backend)?,
        held: row.try_get(6).map_err(backend)?,
        created_at: from_millis(row.try_get(7).map_err(backend)?),
        expires_at: from_millis(row.try_get(8).map_err(backend)?),
        token: row.try_get(9).map_err(backend)?,
        consumed_at: row
            .try_get::<_, Option<i64>>(10)
            .map_err(backend)?
            .map(from_millis),
        state: State::Initiated,
        mapped_at: None,
        card: None,
        final_at: None,
        orderid: None,
    };
    LaterColumns {
        state: row.try_get(11).map_err(backend)?,
        mapped_at: row.try_get(12).map_err(backend)?,
        server_card_id: row.try_get(13).map_err(backend)?,
        unique_reference_card_id: row.try_get(14).map_err(backend)?,
        card_bin: row.try_get(15).map_err(backend)?,
        client_card_id: row.try_get(16).map_err(backend)?,
        final_at: row.try_get(17).map_err(backend)?,
        orderid: row.try_get(18).map_err(backend)?,
    }
    .apply(&mut r)?;
    Ok(r)
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
        row.as_ref().map(session_from_row).transpose()
    }

    pub async fn sessions_by_token(&self, token: &str) -> Result<Vec<SessionRecord>, StoreError> {
        let c = self.conn().await?;
        let rows = c
            .client
            .query(&c.by_token, &[&token])
            .await
            .map_err(backend)?;
        rows.iter().map(session_from_row).collect()
    }

    pub async fn map_card(
        &self,
        invoice_id: &str,
        card: &CardMapping,
        now: DateTime<Utc>,
    ) -> Result<MapCard, StoreError> {
        let c = self.conn().await?;
        let changed = c
            .client
            .execute(
                &c.map_card,
                &[
                    &card.server_card_id,
                    &card.unique_reference_card_id,
                    &card.bin,
                    &card.client_card_id,
                    &to_millis(now),
                    &invoice_id,
                ],
            )
            .await
            .map_err(backend)?;
        if changed == 1 {
            return Ok(MapCard::Mapped);
        }
        // The card columns only ever go from NULL to a value: any connection reads the winner's.
        let row = c
            .client
            .query_opt(&c.read_card, &[&invoice_id])
            .await
            .map_err(backend)?;
        Ok(match row.map(|r| r.try_get::<_, Option<String>>(0)) {
            Some(Ok(Some(s))) if s == card.server_card_id => MapCard::Repeat,
            Some(Ok(Some(_))) => MapCard::Conflict,
            Some(Err(e)) => return Err(backend(e)),
            _ => MapCard::Missing,
        })
    }

    pub async fn record_callback(
        &self,
        cb: &CallbackRecord,
        moves_to: Option<State>,
    ) -> Result<CallbackOutcome, StoreError> {
        let c = self.conn().await?;
        let inserted = c
            .client
            .execute(
                &c.insert_callback,
                &[
                    &cb.client_orderid,
                    &cb.status,
                    &cb.kind,
                    &cb.orderid,
                    &to_millis(cb.received_at),
                ],
            )
            .await
            .map_err(backend)?;
        // As in sqlite.rs: a repeat may still have to move what an earlier attempt did not.
        let moved = match moves_to {
            Some(state) => {
                c.client
                    .execute(
                        &c.final_state,
                        &[
                            &state.as_str(),
                            &to_millis(cb.received_at),
                            &cb.orderid,
                            &cb.client_orderid,
                        ],
                    )
                    .await
                    .map_err(backend)?
                    == 1
            }
            None => false,
        };
        let row = c
            .client
            .query_opt(&c.read_state, &[&cb.client_orderid])
            .await
            .map_err(backend)?;
        let state = match row {
            Some(r) => Some(state_of(&r.try_get::<_, String>(0).map_err(backend)?)?),
            None => None,
        };
        Ok(CallbackOutcome {
            repeat: inserted == 0,
            moved,
            state,
        })
    }

    pub async fn callbacks(&self, invoice_id: &str) -> Result<Vec<CallbackRecord>, StoreError> {
        let c = self.conn().await?;
        let rows = c
            .client
            .query(
                "SELECT client_orderid, status, kind, orderid, received_at \
                 FROM connpay_callbacks WHERE client_orderid = $1 ORDER BY received_at",
                &[&invoice_id],
            )
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(CallbackRecord {
                    client_orderid: r.try_get(0).map_err(backend)?,
                    status: r.try_get(1).map_err(backend)?,
                    kind: r.try_get(2).map_err(backend)?,
                    orderid: r.try_get(3).map_err(backend)?,
                    received_at: from_millis(r.try_get(4).map_err(backend)?),
                })
            })
            .collect()
    }

    pub async fn list(&self, filter: &ListFilter) -> Result<Vec<SessionRecord>, StoreError> {
        let c = self.conn().await?;
        let state = filter.state.map(State::as_str);
        let from = filter.from.map_or(i64::MIN, to_millis);
        let to = filter.to.map_or(i64::MAX, to_millis);
        let rows = c
            .client
            .query(
                &format!(
                    "SELECT {SESSION_COLUMNS} FROM connpay_sessions \
                     WHERE ($1::TEXT IS NULL OR state = $1) AND created_at >= $2 \
                       AND created_at < $3 ORDER BY created_at, invoice_id LIMIT $4"
                ),
                &[&state, &from, &to, &LIST_LIMIT],
            )
            .await
            .map_err(backend)?;
        rows.iter().map(session_from_row).collect()
    }

    pub async fn state_counts(&self) -> Result<Vec<(State, u64)>, StoreError> {
        let c = self.conn().await?;
        let rows = c
            .client
            .query(
                "SELECT state, count(*) FROM connpay_sessions GROUP BY state",
                &[],
            )
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| {
                let state: String = r.try_get(0).map_err(backend)?;
                let n: i64 = r.try_get(1).map_err(backend)?;
                Ok((state_of(&state)?, n as u64))
            })
            .collect()
    }

    pub async fn expire(
        &self,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        let c = self.conn().await?;
        let rows = c
            .client
            .query(
                "UPDATE connpay_sessions SET state = 'expired', final_at = $1 \
                 WHERE state IN ('checked', 'mapped') AND created_at <= $2 RETURNING invoice_id",
                &[&to_millis(now), &to_millis(cutoff)],
            )
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| r.try_get::<_, String>(0).map_err(backend))
            .collect()
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

    pub async fn sweep(
        &self,
        now: DateTime<Utc>,
        kept_since: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let c = self.conn().await?;
        let now = to_millis(now);
        let kept_since = to_millis(kept_since);
        let mut n = 0;
        for (sql, at) in [
            (
                "DELETE FROM connpay_access_tokens WHERE expires_at <= $1",
                now,
            ),
            (
                "DELETE FROM connpay_sessions WHERE token IS NULL AND expires_at <= $1",
                now,
            ),
            (
                "DELETE FROM connpay_sessions WHERE token IS NOT NULL AND consumed_at <= $1",
                kept_since,
            ),
            (
                "DELETE FROM connpay_callbacks WHERE received_at <= $1",
                kept_since,
            ),
        ] {
            n += c.client.execute(sql, &[&at]).await.map_err(backend)?;
        }
        Ok(n)
    }
}
