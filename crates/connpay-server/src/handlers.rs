//! The calls, the operations endpoints, the fallbacks, and the guard every request
//! passes: who the client is, whether its address may make this call, a rate limit per client
//! host, the body read under the size limit, and a deadline.

mod callback;
mod notification;

pub(crate) use callback::log_final;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, FailedToBufferBody, PathRejection};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use subtle::ConstantTimeEq;
use tokio::time::Instant;

use super::client::{AddressList, client_address};
use super::config::Config;
use super::error::ReplyError;
use super::metrics::Metrics;
use super::metrics::Route;
use super::model::{
    AccessTokenRequest, AccessTokenResponse, AccessTokenSession, CheckRequest, CheckResponse,
    CheckSessionOut, HeldData, InitiateRequest, InitiateResponse, InitiateSessionOut,
    TransactionOut, parse_json, validate_invoice_id,
};
use super::store::Store;
use super::store::{Consume, SessionRecord, StoreError, TokenRecord, token_hash};
use bodylimit::Read;
use ratelimit::RateLimiter;
use server_base::{OpsGuard, RemoteAddr};

/// What every handler shares.
pub(crate) struct AppState {
    pub config: Config,
    /// Who may read `/healthz` and `/metrics` (crates/server-base, ops.rs).
    pub ops: OpsGuard,
    pub store: Store,
    pub by_address: RateLimiter,
    pub by_token: RateLimiter,
    pub metrics: Arc<Metrics>,
}

type Shared = State<Arc<AppState>>;

pub(crate) fn router(state: Arc<AppState>) -> Router {
    let max_body = state.config.max_body;
    Router::new()
        .route("/auth/access-token", post(access_token))
        .route("/verification/initiate-verification", post(initiate))
        .route("/verification/{invoice_id}/check", post(check))
        .route(
            "/verification/notification",
            post(notification::notification),
        )
        .route(
            "/verification/{invoice_id}/notification",
            post(notification::notification_for),
        )
        .route(&state.config.callback_path, get(callback::callback))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback(|| async { ReplyError::NotFound })
        .method_not_allowed_fallback(|| async { ReplyError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// The invoice id of a check or notification URL, when it is well-formed, so refusals can
/// carry it.
fn check_invoice_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/verification/")?;
    let id = rest
        .strip_suffix("/check")
        .or_else(|| rest.strip_suffix("/notification"))?;
    validate_invoice_id(id).ok()?;
    Some(id.to_owned())
}

async fn guard(
    State(state): Shared,
    ConnectInfo(RemoteAddr(peer)): ConnectInfo<RemoteAddr>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let route = Route::of(request.uri().path(), &state.config.callback_path);
    let response = guarded(&state, route, peer.ip(), request, next).await;
    let status = response.status().as_u16();
    state.metrics.request(route, status, started.elapsed());
    tracing::debug!(route = ?route, status, took_us = started.elapsed().as_micros() as u64, "request");
    response
}

async fn guarded(
    state: &AppState,
    route: Route,
    peer: std::net::IpAddr,
    request: Request,
    next: Next,
) -> Response {
    let cfg = &state.config;
    let client = client_address(peer, request.headers(), &cfg.trust_proxy);
    let invoice = match route {
        Route::Check | Route::Notification => check_invoice_of(request.uri().path()),
        _ => None,
    };
    let refuse = |e: ReplyError| e.into_response_for(invoice.as_deref());
    // An unknown client (a trusted proxy's header that cannot be read) is in no list.
    let listed = |l: &AddressList| client.is_some_and(|c| l.contains(c));
    let allowed = match route {
        // ConnPay calls both. The callback is left open: the gateway may send it from other
        // addresses, and its `control` already proves who wrote it.
        Route::Check | Route::Notification => cfg.check_allow.as_ref().is_none_or(listed),
        Route::Health | Route::Metrics => match state.ops.check(peer, request.headers()) {
            Ok(()) => true,
            Err(why) => {
                tracing::debug!(peer = %peer, "operations endpoint refused: {why}");
                false
            }
        },
        _ => true,
    };
    if !allowed {
        // Before the body is read: nothing of the request is looked at, nothing consumed.
        return refuse(ReplyError::AddressNotAllowed);
    }
    // Unknown clients share one bucket.
    let key = client.map_or_else(|| "unknown".to_owned(), address_key);
    if !state.by_address.allow(&key) {
        return refuse(ReplyError::RateLimited);
    }
    let deadline = Instant::now() + cfg.deadline;
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout_at(
        deadline,
        bodylimit::read(&parts.headers, body, cfg.max_body),
    );
    let bytes = match read.await {
        Err(_) => return refuse(ReplyError::DeadlineExceeded),
        Ok(Read::Broken) => return refuse(ReplyError::MalformedJson),
        Ok(Read::TimedOut) => return refuse(ReplyError::BodyTimedOut),
        Ok(Read::TooLarge(rest)) => {
            return bodylimit::too_large(&parts.headers, rest, refuse(ReplyError::BodyTooLarge))
                .await;
        }
        Ok(Read::Full(bytes)) => bytes,
    };
    // A body is JSON, said so; a request without one (a GET) is not asked.
    if !bytes.is_empty() && !is_json(&parts.headers) {
        return refuse(ReplyError::UnsupportedMediaType);
    }
    let request = Request::from_parts(parts, Body::from(bytes));
    match tokio::time::timeout_at(deadline, next.run(request)).await {
        Ok(response) => response,
        Err(_) => refuse(ReplyError::DeadlineExceeded),
    }
}

/// `Content-Type: application/json`, parameters (`; charset=utf-8`) allowed.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// 200 when the store answers a query, 503 when it does not.
async fn healthz(State(state): Shared) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(serde_json::json!({"status": "ok"})).into_response(),
        Err(e) => {
            state.metrics.store_error();
            tracing::warn!("health check: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

async fn metrics(State(state): Shared) -> Response {
    let counted = async {
        let counts = state.store.counts().await?;
        let states = state.store.state_counts().await?;
        Ok::<_, StoreError>((counts, states))
    };
    let counts = match counted.await {
        Ok(c) => Some(c),
        Err(e) => {
            state.metrics.store_error();
            tracing::warn!("counting sessions for /metrics: {e}");
            None
        }
    };
    (
        [(CONTENT_TYPE, super::metrics::CONTENT_TYPE)],
        state.metrics.render(counts),
    )
        .into_response()
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

fn store_failed(state: &AppState) -> impl Fn(StoreError) -> ReplyError + '_ {
    move |e| {
        state.metrics.store_error();
        tracing::error!("{e}");
        ReplyError::StoreFailed
    }
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
        .map_err(store_failed(state))?;
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
    let now = state.config.clock.now();
    let record = state
        .store
        .token(&hash)
        .await
        .map_err(store_failed(state))?;
    let Some(record) = record else {
        return Err(ReplyError::AccessDenied);
    };
    // Keyed on a token the store knows, so made-up tokens cannot fill or churn the limiter.
    if !state
        .by_token
        .allow(&format!("t:{}", hex::encode(&hash[..16])))
    {
        return Err(ReplyError::RateLimited);
    }
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
            state: super::store::State::Initiated,
            mapped_at: None,
            card: None,
            final_at: None,
            orderid: None,
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
            Err(e) => return Err(store_failed(state)(e)),
        }
    }
    Err(ReplyError::StoreFailed)
}

/// The invoice id in a call's path, or why it is refused. An id that is not even UTF-8 gets
/// the same answer as any other malformed id.
fn invoice_of_path(path: Result<Path<String>, PathRejection>) -> Result<String, ReplyError> {
    let invoice_id = path.map_or_else(|_| "\u{FFFD}".to_owned(), |Path(id)| id);
    validate_invoice_id(&invoice_id)?;
    Ok(invoice_id)
}

async fn check(
    State(state): Shared,
    invoice_id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let invoice_id = match invoice_of_path(invoice_id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
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
    let session = state
        .store
        .session(invoice_id)
        .await
        .map_err(store_failed(state))?
        .ok_or(ReplyError::UnknownInvoice)?;
    // Keyed on an invoice that exists, before its fields are compared.
    if !state.by_token.allow(&format!("i:{invoice_id}")) {
        return Err(ReplyError::RateLimited);
    }

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
            .map_err(store_failed(state))?
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

/// The rate-limit key for a client address: its host (`client::host`).
fn address_key(ip: std::net::IpAddr) -> String {
    super::client::host(ip).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        let with = |v: &'static str| {
            let mut h = axum::http::HeaderMap::new();
            h.insert(CONTENT_TYPE, axum::http::HeaderValue::from_static(v));
            is_json(&h)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(!with("text/plain"));
        assert!(!with("application/json-seq"));
        assert!(!is_json(&axum::http::HeaderMap::new()));
    }

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
        assert_eq!(
            check_invoice_of("/verification/INV2/notification").as_deref(),
            Some("INV2")
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
