//! The SQLite store's part of a verification's life after check: the card, the callbacks, the
//! final state and expiry, and what `verification show|list` and `/metrics` read.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{SqliteStore, backend, sessions};
use crate::store::{
    CallbackOutcome, CallbackRecord, CardMapping, LIST_LIMIT, ListFilter, MapCard, SESSION_COLUMNS,
    SessionRecord, State, StoreError, from_millis, state_of, to_millis,
};

/// Records the card once; a session checked and not yet final becomes `mapped`.
const MAP_CARD: &str = "UPDATE connpay_sessions SET server_card_id = ?1,
      unique_reference_card_id = ?2, card_bin = ?3, client_card_id = ?4, mapped_at = ?5,
      state = CASE WHEN state IN ('initiated', 'checked') THEN 'mapped' ELSE state END
    WHERE invoice_id = ?6 AND token IS NOT NULL AND server_card_id IS NULL";

const INSERT_CALLBACK: &str = "INSERT INTO connpay_callbacks
      (client_orderid, status, kind, orderid, received_at) VALUES (?1, ?2, ?3, ?4, ?5)
    ON CONFLICT DO NOTHING";

/// A final state is set once; `expired` (ours, not the gateway's) gives way to the gateway's.
const FINAL_STATE: &str = "UPDATE connpay_sessions SET state = ?1, final_at = ?2, orderid = ?3
    WHERE invoice_id = ?4 AND state IN ('initiated', 'checked', 'mapped', 'expired')";

const EXPIRE: &str = "UPDATE connpay_sessions SET state = 'expired', final_at = ?1
    WHERE state IN ('checked', 'mapped') AND created_at <= ?2 RETURNING invoice_id";

impl SqliteStore {
    pub async fn map_card(
        &self,
        invoice_id: &str,
        card: &CardMapping,
        now: DateTime<Utc>,
    ) -> Result<MapCard, StoreError> {
        let id = invoice_id.to_owned();
        let card = card.clone();
        // One writer connection: nothing slips between the update and the read-back.
        self.write(move |c| {
            let changed = c
                .prepare_cached(MAP_CARD)
                .and_then(|mut s| {
                    s.execute(params![
                        card.server_card_id,
                        card.unique_reference_card_id,
                        card.bin,
                        card.client_card_id,
                        to_millis(now),
                        id
                    ])
                })
                .map_err(backend)?;
            if changed == 1 {
                return Ok(MapCard::Mapped);
            }
            let stored: Option<Option<String>> = c
                .prepare_cached(
                    "SELECT server_card_id FROM connpay_sessions
                     WHERE invoice_id = ?1 AND token IS NOT NULL",
                )
                .and_then(|mut s| s.query_row(params![id], |row| row.get(0)).optional())
                .map_err(backend)?;
            Ok(match stored {
                Some(Some(s)) if s == card.server_card_id => MapCard::Repeat,
                Some(Some(_)) => MapCard::Conflict,
                _ => MapCard::Missing,
            })
        })
        .await
    }

    pub async fn record_callback(
        &self,
        cb: &CallbackRecord,
        moves_to: Option<State>,
    ) -> Result<CallbackOutcome, StoreError> {
        let cb = cb.clone();
        self.write(move |c| {
            let inserted = c
                .prepare_cached(INSERT_CALLBACK)
                .and_then(|mut s| {
                    s.execute(params![
                        cb.client_orderid,
                        cb.status,
                        cb.kind,
                        cb.orderid,
                        to_millis(cb.received_at)
                    ])
                })
                .map_err(backend)?;
            // Not only for a new callback: a repeat must still move a verification that an
            // earlier attempt failed to move.
            let moved = match moves_to {
                Some(state) => {
                    c.prepare_cached(FINAL_STATE)
                        .and_then(|mut s| {
                            s.execute(params![
                                state.as_str(),
                                to_millis(cb.received_at),
                                cb.orderid,
                                cb.client_orderid
                            ])
                        })
                        .map_err(backend)?
                        == 1
                }
                None => false,
            };
            let state: Option<String> = c
                .prepare_cached("SELECT state FROM connpay_sessions WHERE invoice_id = ?1")
                .and_then(|mut s| {
                    s.query_row(params![cb.client_orderid], |row| row.get(0))
                        .optional()
                })
                .map_err(backend)?;
            Ok(CallbackOutcome {
                repeat: inserted == 0,
                moved,
                state: state.as_deref().map(state_of).transpose()?,
            })
        })
        .await
    }

    pub fn callbacks(&self, invoice_id: &str) -> Result<Vec<CallbackRecord>, StoreError> {
        let id = invoice_id.to_owned();
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT client_orderid, status, kind, orderid, received_at
                     FROM connpay_callbacks WHERE client_orderid = ?1 ORDER BY received_at",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map(params![id], |row| {
                    Ok(CallbackRecord {
                        client_orderid: row.get(0)?,
                        status: row.get(1)?,
                        kind: row.get(2)?,
                        orderid: row.get(3)?,
                        received_at: from_millis(row.get(4)?),
                    })
                })
                .map_err(backend)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(backend)
        })
    }

    pub fn list(&self, filter: &ListFilter) -> Result<Vec<SessionRecord>, StoreError> {
        let state = filter.state.map(State::as_str);
        let from = filter.from.map_or(i64::MIN, to_millis);
        let to = filter.to.map_or(i64::MAX, to_millis);
        self.read(move |c| {
            let sql = format!(
                "SELECT {SESSION_COLUMNS} FROM connpay_sessions
                 WHERE (?1 IS NULL OR state = ?1) AND created_at >= ?2 AND created_at < ?3
                 ORDER BY created_at, invoice_id LIMIT ?4"
            );
            sessions(c, &sql, params![state, from, to, LIST_LIMIT])
        })
    }

    pub fn state_counts(&self) -> Result<Vec<(State, u64)>, StoreError> {
        self.read(|c| {
            let mut stmt = c
                .prepare_cached("SELECT state, count(*) FROM connpay_sessions GROUP BY state")
                .map_err(backend)?;
            let rows = stmt
                .query_map([], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
                })
                .map_err(backend)?;
            let mut out = Vec::new();
            for row in rows {
                let (state, n) = row.map_err(backend)?;
                out.push((state_of(&state)?, n as u64));
            }
            Ok(out)
        })
    }

    pub async fn expire(
        &self,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        self.write(move |c| {
            let mut stmt = c.prepare_cached(EXPIRE).map_err(backend)?;
            let rows = stmt
                .query_map(params![to_millis(now), to_millis(cutoff)], |row| row.get(0))
                .map_err(backend)?;
            rows.collect::<Result<Vec<String>, _>>().map_err(backend)
        })
        .await
    }
}
