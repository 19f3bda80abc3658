//! ConnPay's card-mapping notification: the card a checked verification ended with
//! (docs/connpay.md, "After check").

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use subtle::ConstantTimeEq;

use super::{AppState, Shared, body_bytes, invoice_of_path, store_failed};
use crate::error::ReplyError;
use crate::model::{
    CheckSessionOut, Notification, NotificationRequest, NotificationResponse, parse_json,
};
use crate::store::{CardMapping, MapCard, SessionRecord, token_hash};

/// `POST /verification/notification`: the verification is found by ConnPay's token.
pub(super) async fn notification(
    State(state): Shared,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(notification_inner(&state, None, body).await, None)
}

/// `POST /verification/{invoiceId}/notification`, as the vendor's proxy branch named it: the
/// same rules, and the invoice must be the one the token was checked for.
pub(super) async fn notification_for(
    State(state): Shared,
    invoice_id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let invoice_id = match invoice_of_path(invoice_id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let result = notification_inner(&state, Some(&invoice_id), body).await;
    answer(result, Some(&invoice_id))
}

fn answer(result: Result<NotificationResponse, ReplyError>, invoice_id: Option<&str>) -> Response {
    match result {
        Ok(r) => Json(r).into_response(),
        Err(e) => {
            if !matches!(e, ReplyError::StoreFailed) {
                tracing::info!(
                    invoice_id = invoice_id.unwrap_or(""),
                    code = e.code(),
                    "notification refused"
                );
            }
            e.into_response_for(invoice_id)
        }
    }
}

/// A client card id of ours for ConnPay's card: `CARD` and 32 hex digits from the CSPRNG.
fn new_client_card_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    format!("CARD{}", hex::encode_upper(bytes))
}

/// The session the notification is about, or why it is refused. Every candidate is compared
/// on all three fields in constant time; the token must match for the session to count at all.
fn matching(candidates: Vec<SessionRecord>, n: &Notification) -> Result<SessionRecord, ReplyError> {
    let digest = token_hash(&n.access_token);
    let mut refusal = ReplyError::Mismatch;
    for session in candidates {
        let Some(token) = session.token.as_deref() else {
            continue;
        };
        let same_token: bool = token.as_bytes().ct_eq(n.token.as_bytes()).into();
        let same_device: bool = session
            .serial_number
            .as_bytes()
            .ct_eq(n.serial_number.as_bytes())
            .into();
        let our_access_token: bool = session.access_token_hash.ct_eq(&digest).into();
        match (same_token, our_access_token, same_device) {
            (true, true, true) => return Ok(session),
            (true, false, _) => refusal = ReplyError::AccessDenied,
            _ => {}
        }
    }
    Err(refusal)
}

async fn notification_inner(
    state: &AppState,
    invoice_id: Option<&str>,
    body: Result<Bytes, BytesRejection>,
) -> Result<NotificationResponse, ReplyError> {
    let body = body_bytes(body)?;
    let req = parse_json::<NotificationRequest>(&body)?.validate()?;
    let candidates = match invoice_id {
        Some(id) => vec![
            state
                .store
                .session(id)
                .await
                .map_err(store_failed(state))?
                .ok_or(ReplyError::UnknownInvoice)?,
        ],
        None => state
            .store
            .sessions_by_token(&req.token)
            .await
            .map_err(store_failed(state))?,
    };
    // Keyed on an invoice that exists (check's bucket), before its fields are compared.
    if let Some(first) = candidates.first()
        && !state.by_token.allow(&format!("i:{}", first.invoice_id))
    {
        return Err(ReplyError::RateLimited);
    }
    let session = matching(candidates, &req)?;
    let now = state.config.clock.now();
    let card = CardMapping {
        server_card_id: req.server_card_id.clone(),
        unique_reference_card_id: req.unique_reference_card_id,
        bin: req.bin,
        client_card_id: new_client_card_id(),
    };
    let invoice_id = session.invoice_id;
    match state
        .store
        .map_card(&invoice_id, &card, now)
        .await
        .map_err(store_failed(state))?
    {
        MapCard::Mapped => {
            tracing::info!(invoice_id = %invoice_id, client_card_id = %card.client_card_id, "card mapped");
        }
        MapCard::Repeat => {}
        MapCard::Conflict => return Err(ReplyError::CardConflict),
        MapCard::Missing => return Err(ReplyError::UnknownInvoice),
    }
    let cfg = &state.config;
    Ok(NotificationResponse {
        session: CheckSessionOut {
            check_signature: cfg.control_key.notification_signature(
                &session.nonce,
                &cfg.endpoint_id,
                &invoice_id,
            ),
            nonce: session.nonce,
            token: req.token,
        },
        invoice_id,
    })
}
