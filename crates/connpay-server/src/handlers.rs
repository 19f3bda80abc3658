//! The three calls, the fallbacks, and the guard every request passes: a rate limit per client
//! address and a deadline.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use subtle::ConstantTimeEq;

use super::AppState;
use super::error::ReplyError;
use super::listener::RemoteAddr;
use super::model::{
    AccessTokenRequest, AccessTokenResponse, AccessTokenSession, CheckRequest, CheckResponse,
    CheckSessionOut, HeldData, InitiateRequest, InitiateResponse, InitiateSessionOut,
    TransactionOut, parse_json, validate_invoice_id,
};
use super::ratelimit::address_key;
use super::store::{Consume, SessionRecord, StoreError, TokenRecord, token_hash};

type Shared = State<Arc<AppState>>;

pub(crate) fn router(state: Arc<AppState>) -> Router {
    let max_body = state.config.max_body;
    Router::new()
        .route("/auth/access-token", post(access_token))
        .route("/verification/initiate-verification", post(initiate))
        .route("/verification/{invoice_id}/check", post(check))
        .fallback(|| async { ReplyError::NotFound })
        .method_not_allowed_fallback(|| async { ReplyError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// The invoice id of a check URL, when it is well-formed, so refusals can carry it.
fn check_invoice_of(path: &str) -> Option<String> {
    let id = path
        .strip_prefix("/verification/")?
        .strip_suffix("/check")?;
    validate_invoice_id(id).ok()?;
    Some(id.to_owned())
}

async fn guard(
    State(state): Shared,
    ConnectInfo(RemoteAddr(peer)): ConnectInfo<RemoteAddr>,
    request: Request,
    next: Next,
) -> Response {
    let invoice = check_invoice_of(request.uri().path());
    if !state.by_address.allow(&address_key(peer.ip())) {
        return ReplyError::RateLimited.into_response_for(invoice.as_deref());
    }
    match tokio::time::timeout(state.config.deadline, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ReplyError::DeadlineExceeded.into_response_for(invoice.as_deref()),
    }
}

fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ReplyError> {
    match body {
        Ok(b) => Ok(b),
        Err(BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_))) => {
            Err(ReplyError::BodyTooLarge)
        }
        Err(_) => Err(ReplyError::MalformedJson),
    }
}

/// 32 bytes from the thread's CSPRNG (ChaCha, seeded and reseeded from the OS), as 43
/// URL-safe characters.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn new_invoice_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    format!("INV{}", hex::encode_upper(bytes))
}

fn store_failed(e: StoreError) -> ReplyError {
    tracing::error!("{e}");
    ReplyError::StoreFailed
}

async fn access_token(State(state): Shared, body: Result<Bytes, BytesRejection>) -> Response {
    match access_token_inner(&state, body).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn access_token_inner(
    state: &AppState,
    body: Result<Bytes, BytesRejection>,
) -> Result<AccessTokenResponse, ReplyError> {
    let body = body_bytes(body)?;
    let serial_number = parse_json::<AccessTokenRequest>(&body)?.validate()?;
    let token = random_token();
    let expires_at = state.config.clock.now() + state.config.token_ttl;
    state
        .store
        .put_token(&TokenRecord {
            token_hash: token_hash(&token),
            serial_number,
            expires_at,
        })
        .await
        .map_err(store_failed)?;
    Ok(AccessTokenResponse {
        session: AccessTokenSession {
            access_token: token,
            expires_at: expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
    })
}

async fn initiate(State(state): Shared, body: Result<Bytes, BytesRejection>) -> Response {
    match initiate_inner(&state, body).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn initiate_inner(
    state: &AppState,
    body: Result<Bytes, BytesRejection>,
) -> Result<InitiateResponse, ReplyError> {
    let body = body_bytes(body)?;
    let req = parse_json::<InitiateRequest>(&body)?.validate()?;
    let hash = token_hash(&req.access_token);
    if !state
        .by_token
        .allow(&format!("t:{}", hex::encode(&hash[..16])))
    {
        return Err(ReplyError::RateLimited);
    }
    let now = state.config.clock.now();
    let record = state.store.token(&hash).await.map_err(store_failed)?;
    let Some(record) = record else {
        return Err(ReplyError::AccessDenied);
    };
    let same_device: bool = record
        .serial_number
        .as_bytes()
        .ct_eq(req.serial_number.as_bytes())
        .into();
    if record.expires_at <= now || !same_device {
        return Err(ReplyError::AccessDenied);
    }

    let cfg = &state.config;
    let nonce = random_token();
    let held = serde_json::to_string(&req.held).map_err(|_| ReplyError::StoreFailed)?;
    // A collision of 128 random bits will not happen; the retry only keeps the code total.
    for _ in 0..3 {
        let invoice_id = new_invoice_id();
        let signature = cfg.control_key.initiate_signature(
            &req.access_token,
            &req.serial_number,
            &cfg.endpoint_id,
            &nonce,
            &invoice_id,
            &req.currency,
        );
        let session = SessionRecord {
            invoice_id: invoice_id.clone(),
            serial_number: req.serial_number.clone(),
            access_token_hash: hash.clone(),
            nonce: nonce.clone(),
            signature: signature.clone(),
            currency: req.currency.clone(),
            held: held.clone(),
            created_at: now,
            expires_at: now + cfg.session_ttl,
            token: None,
            consumed_at: None,
        };
        match state.store.put_session(&session).await {
            Ok(()) => {
                tracing::info!(invoice_id = %invoice_id, "verification initiated");
                return Ok(InitiateResponse {
                    endpoint_id: cfg.endpoint_id.clone(),
                    invoice_id,
                    session: InitiateSessionOut { nonce, signature },
                });
            }
            Err(StoreError::Duplicate) => continue,
            Err(e) => return Err(store_failed(e)),
        }
    }
    Err(ReplyError::StoreFailed)
}

async fn check(
    State(state): Shared,
    Path(invoice_id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Err(e) = validate_invoice_id(&invoice_id) {
        return e.into_response();
    }
    match check_inner(&state, &invoice_id, body).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => {
            if !matches!(e, ReplyError::StoreFailed) {
                tracing::info!(invoice_id = %invoice_id, code = e.code(), "check refused");
            }
            e.into_response_for(Some(&invoice_id))
        }
    }
}

async fn check_inner(
    state: &AppState,
    invoice_id: &str,
    body: Result<Bytes, BytesRejection>,
) -> Result<CheckResponse, ReplyError> {
    let body = body_bytes(body)?;
    let req = parse_json::<CheckRequest>(&body)?.validate()?;
    if !state.by_token.allow(&format!("i:{invoice_id}")) {
        return Err(ReplyError::RateLimited);
    }
    let session = state
        .store
        .session(invoice_id)
        .await
        .map_err(store_failed)?
        .ok_or(ReplyError::UnknownInvoice)?;

    // Every field is compared, without stopping at the first difference, in constant time.
    let matches = session
        .serial_number
        .as_bytes()
        .ct_eq(req.serial_number.as_bytes())
        & session
            .access_token_hash
            .ct_eq(&token_hash(&req.access_token))
        & session.nonce.as_bytes().ct_eq(req.nonce.as_bytes())
        & session.signature.as_bytes().ct_eq(req.signature.as_bytes());
    if !bool::from(matches) {
        return Err(ReplyError::Mismatch);
    }
    let now = state.config.clock.now();
    if session.expires_at <= now {
        return Err(ReplyError::SessionExpired);
    }

    let winner = match &session.token {
        Some(t) => t.clone(),
        None => match state
            .store
            .consume(invoice_id, &req.token, now)
            .await
            .map_err(store_failed)?
        {
            Consume::Consumed => {
                tracing::info!(invoice_id = %invoice_id, "verification checked; nonce consumed");
                req.token.clone()
            }
            Consume::Already(t) => t,
            Consume::Missing => return Err(ReplyError::UnknownInvoice),
        },
    };
    if !bool::from(winner.as_bytes().ct_eq(req.token.as_bytes())) {
        return Err(ReplyError::TokenConflict);
    }

    let held: HeldData = serde_json::from_str(&session.held).map_err(|_| {
        tracing::error!(invoice_id = %invoice_id, "held data of the session is not valid JSON");
        ReplyError::StoreFailed
    })?;
    let cfg = &state.config;
    Ok(CheckResponse {
        invoice_id: invoice_id.to_owned(),
        session: CheckSessionOut {
            check_signature: cfg.control_key.check_signature(
                &session.serial_number,
                &session.nonce,
                &cfg.endpoint_id,
                invoice_id,
            ),
            nonce: session.nonce,
            token: winner,
        },
        transaction: TransactionOut {
            currency: session.currency,
        },
        billing: held.billing,
        consumer: held.consumer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_of_check_paths() {
        assert_eq!(
            check_invoice_of("/verification/INV1/check").as_deref(),
            Some("INV1")
        );
        assert_eq!(check_invoice_of("/verification/a b/check"), None);
        assert_eq!(
            check_invoice_of("/verification/initiate-verification"),
            None
        );
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token();
        let b = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(new_invoice_id().len(), 35);
    }
}
