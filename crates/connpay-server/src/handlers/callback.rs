//! The merchant callback: the gateway's final word on a verification, sent until it gets a
//! 200 (up to 30 times over 14 days; docs/connpay.md). Answered 200 whenever the `control`
//! verifies, whatever the store holds, so the gateway stops re-sending.

use axum::extract::State;
use axum::http::Uri;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use super::{AppState, Shared, store_failed};
use crate::error::ReplyError;
use crate::model::{CallbackQuery, parse_callback_query};
use crate::store::{CallbackRecord, State as VState};

pub(super) async fn callback(State(state): Shared, uri: Uri) -> Response {
    match callback_inner(&state, uri.query().unwrap_or("")).await {
        Ok(()) => ([(CONTENT_TYPE, "text/plain; charset=utf-8")], "OK\n").into_response(),
        Err(e) => e.into_response(),
    }
}

/// Our invoice id in a callback. The documents do not say which field carries the merchant's
/// order id for a DAPI verification; `client_orderid` is taken to be it, here and nowhere else.
fn invoice_of(q: &CallbackQuery) -> &str {
    &q.client_orderid
}

/// The structured line a merchant's own system can act on: one per verification reaching a
/// final state (`event=verification_final`), whichever instance moved it.
pub(crate) fn log_final(invoice_id: &str, state: VState, orderid: Option<&str>, at: DateTime<Utc>) {
    tracing::info!(
        event = "verification_final",
        invoice_id,
        state = state.as_str(),
        orderid = orderid.unwrap_or(""),
        at = %at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "verification final"
    );
}

async fn callback_inner(state: &AppState, query: &str) -> Result<(), ReplyError> {
    let q = parse_callback_query(query)?;
    if !state
        .config
        .callback_key
        .verifies(&q.status, &q.orderid, &q.client_orderid, &q.control)
    {
        tracing::info!(code = "CONTROL_MISMATCH", "callback refused");
        return Err(ReplyError::ControlMismatch);
    }
    let invoice_id = invoice_of(&q);
    let moves_to = VState::from_callback_status(&q.status);
    let now = state.config.clock.now();
    let record = CallbackRecord {
        client_orderid: invoice_id.to_owned(),
        status: q.status.clone(),
        kind: q.kind.clone(),
        orderid: q.orderid.clone(),
        received_at: now,
    };
    let outcome = state
        .store
        .record_callback(&record, moves_to)
        .await
        .map_err(store_failed(state))?;
    let status = q.status.as_str();
    match (outcome.state, moves_to) {
        (None, _) => {
            tracing::warn!(
                invoice_id,
                status,
                "a callback for an invoice this server does not hold"
            );
        }
        (Some(now_state), Some(_)) if outcome.moved => {
            log_final(invoice_id, now_state, Some(&q.orderid), now);
        }
        (Some(now_state), Some(want)) if !outcome.repeat && now_state != want => {
            tracing::warn!(
                invoice_id,
                status,
                state = now_state.as_str(),
                "a callback with another final status after the final state; the first is kept"
            );
        }
        (Some(_), None)
            if !matches!(
                status.to_ascii_lowercase().as_str(),
                "processing" | "unknown"
            ) =>
        {
            tracing::warn!(
                invoice_id,
                status,
                "a callback with a status this server does not know; recorded only"
            );
        }
        _ => tracing::debug!(
            invoice_id,
            status,
            repeat = outcome.repeat,
            "callback recorded"
        ),
    }
    Ok(())
}
