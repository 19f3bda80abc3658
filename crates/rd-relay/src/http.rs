//! The relay's HTTP interface (docs/relay.md): `/v1/…` for agents; `/fleet/today`, `/metrics`
//! and `/healthz` for the platform, behind the operations guard (crates/server-base, ops.rs).
//! Bodies are bounded; parse errors are described by kind, never by quoting the body. The
//! connections (deadlines, caps, TLS, the drain) are crates/server-base's.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use relay_api::{
    AttemptReply, EnrollRequest, LoginRequest, MAX_REQUEST_BYTES, PATH_ATTEMPTS, PATH_ENROLL,
    PATH_LOGIN, PATH_STATUS, codes,
};

use crate::Relay;
use crate::refusal::Refuse;
use crate::store::Device;

type Shared = Arc<Relay>;

pub(crate) fn router(relay: Shared) -> Router {
    Router::new()
        .route(PATH_ENROLL, post(enroll))
        .route(PATH_STATUS, post(status))
        .route(PATH_LOGIN, post(login))
        .route(&format!("{PATH_ATTEMPTS}/{{external_ref}}"), get(attempt))
        .route("/fleet/today", get(fleet_today))
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .layer(middleware::from_fn_with_state(relay.clone(), bounded_body))
        .with_state(relay)
}

/// Every body is read here, whole and at most `MAX_REQUEST_BYTES`, before a handler sees it.
/// An oversized one is refused after the rest has been read, with the connection closed
/// (crates/bodylimit), so the client reads the refusal and does not reuse the connection.
async fn bounded_body(State(relay): State<Shared>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    match bodylimit::read(&parts.headers, body, MAX_REQUEST_BYTES).await {
        bodylimit::Read::Full(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        bodylimit::Read::TooLarge(rest) => {
            let refusal = Refuse::bad_request(&format!(
                "the body is larger than {} KiB",
                MAX_REQUEST_BYTES / 1024
            ));
            bodylimit::too_large(&parts.headers, rest, refused(&relay, refusal)).await
        }
        bodylimit::Read::Broken => refused(&relay, Refuse::bad_request("the body was cut off")),
        bodylimit::Read::TimedOut => refused(
            &relay,
            Refuse::bad_request("the body did not arrive in time; send it whole"),
        ),
    }
}

fn body<T>(parsed: Result<Json<T>, JsonRejection>) -> Result<T, Refuse> {
    match parsed {
        Ok(Json(v)) => Ok(v),
        Err(JsonRejection::JsonDataError(_)) => Err(Refuse::bad_request(
            "a field of the body is missing or of the wrong type",
        )),
        Err(JsonRejection::JsonSyntaxError(_)) => Err(Refuse::bad_request("the body is not JSON")),
        Err(JsonRejection::MissingJsonContentType(_)) => {
            Err(Refuse::bad_request("Content-Type must be application/json"))
        }
        Err(_) => Err(Refuse::bad_request("the body could not be read")),
    }
}

fn refused(relay: &Relay, r: Refuse) -> Response {
    relay.metrics.refusal(r.code);
    r.into_response()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The client's host (`server_base::address::host`), for the limits per address: the peer, or
/// the address a trusted proxy forwarded; "unknown" when a trusted proxy's header cannot be
/// read (all such clients share one bucket).
fn client_key(relay: &Relay, peer: SocketAddr, headers: &HeaderMap) -> String {
    server_base::address::client_address(peer.ip(), headers, &relay.settings.trust_proxy)
        .map_or_else(
            || "unknown".to_owned(),
            |ip| server_base::address::host(ip).to_string(),
        )
}

fn too_many(what: &str) -> Refuse {
    Refuse::new(
        codes::RATE_LIMITED,
        &format!("too many {what} from this address; wait a few minutes"),
    )
}

/// The calling device, within its limits. Unknown or revoked tokens are counted per client
/// address, and an address past its budget is refused before the database is asked.
async fn device(relay: &Relay, peer: SocketAddr, headers: &HeaderMap) -> Result<Device, Refuse> {
    let key = client_key(relay, peer, headers);
    if !relay.bad_tokens_by_address.available(&key) {
        return Err(too_many("calls with unknown device tokens"));
    }
    let device = match crate::enrol::authenticate(relay, bearer(headers)).await {
        Ok(d) => d,
        Err(r) => {
            if matches!(r.code, codes::DEVICE_UNKNOWN | codes::DEVICE_REVOKED) {
                relay.bad_tokens_by_address.allow(&key);
            }
            return Err(r);
        }
    };
    let limited = || {
        Refuse::new(
            codes::RATE_LIMITED,
            "too many calls from this computer or outlet; wait a minute",
        )
    };
    if !relay.device_limit.allow(&device.device_id) || !relay.outlet_limit.allow(&device.outlet_id)
    {
        return Err(limited());
    }
    relay
        .store
        .touch_device(&device.device_id, relay.clock.now())
        .await?;
    Ok(device)
}

async fn enroll(
    State(relay): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    parsed: Result<Json<EnrollRequest>, JsonRejection>,
) -> Response {
    let run = async {
        // Per address first, so one address flooding wrong codes spends its own buckets and
        // not the global one that every shop shares.
        let key = client_key(&relay, peer, &headers);
        if !relay.failed_codes_by_address.available(&key) {
            return Err(too_many("wrong enrolment codes"));
        }
        if !relay.enroll_by_address.allow(&key) {
            return Err(too_many("enrolments"));
        }
        if !relay.enroll_limit.allow("enroll") {
            return Err(Refuse::new(
                codes::RATE_LIMITED,
                "too many enrolments; wait a minute",
            ));
        }
        let req = body(parsed)?;
        let enrolled = crate::enrol::enroll(&relay, &req.code, &req.label).await;
        if let Err(r) = &enrolled
            && r.code == codes::CODE_INVALID
        {
            relay.failed_codes_by_address.allow(&key);
        }
        enrolled
    };
    match run.await {
        Ok(reply) => Json(reply).into_response(),
        Err(r) => refused(&relay, r),
    }
}

async fn status(
    State(relay): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let device = device(&relay, peer, &headers).await?;
        relay.status(&device).await
    };
    match run.await {
        Ok(s) => Json(s).into_response(),
        Err(r) => refused(&relay, r),
    }
}

async fn login(
    State(relay): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    parsed: Result<Json<LoginRequest>, JsonRejection>,
) -> Response {
    let run = async {
        let device = device(&relay, peer, &headers).await?;
        let req = body(parsed)?;
        relay.login(&device, req).await
    };
    match run.await {
        Ok(mut reply) => {
            reply.outcome = crate::login::for_device(reply.outcome);
            Json(reply).into_response()
        }
        Err(r) => refused(&relay, r),
    }
}

async fn attempt(
    State(relay): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(external_ref): Path<String>,
) -> Response {
    let run = async {
        let device = device(&relay, peer, &headers).await?;
        if !instantpay::valid_external_ref(&external_ref) {
            return Err(Refuse::bad_request("not an attempt id"));
        }
        let outcome = relay.attempt(&device, &external_ref).await?;
        Ok(AttemptReply {
            external_ref,
            outcome: outcome.map(crate::login::for_device),
        })
    };
    match run.await {
        Ok(reply) => Json(reply).into_response(),
        Err(r) => refused(&relay, r),
    }
}

/// The operations guard's answer: `None` to go on, else the refusal.
fn ops_refused(relay: &Relay, peer: IpAddr, headers: &HeaderMap) -> Option<Response> {
    match relay.settings.ops.check(peer, headers) {
        Ok(()) => None,
        Err(why) => {
            tracing::debug!(%peer, "operations endpoint refused: {why}");
            Some(StatusCode::FORBIDDEN.into_response())
        }
    }
}

async fn fleet_today(
    State(relay): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = ops_refused(&relay, peer.ip(), &headers) {
        return refused;
    }
    let day = clock::ist_date(relay.clock.now());
    match crate::fleet::today(&relay.store, day, relay.settings.max_failures_per_day).await {
        Ok(view) => Json(view).into_response(),
        Err(e) => Refuse::from(e).into_response(),
    }
}

async fn metrics(
    State(relay): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = ops_refused(&relay, peer.ip(), &headers) {
        return refused;
    }
    (
        [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
        relay.metrics.render(),
    )
        .into_response()
}

async fn healthz(
    State(relay): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    // Each answer costs a database query: operators and their balancers only.
    if let Some(refused) = ops_refused(&relay, peer.ip(), &headers) {
        return refused;
    }
    match relay.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

/// Serve until `shutdown` resolves, with the connection handling of crates/server-base as
/// `relay.settings` sets it (limits, TLS). On shutdown, requests in flight finish (a login's
/// outcome is recorded); connections without a whole request are closed at once.
pub(crate) async fn serve(
    relay: Shared,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = relay.settings.limits.clone();
    let tls = relay.settings.tls.clone();
    let connections = relay.metrics.connections.clone();
    server_base::serve(listener, router(relay), limits, tls, connections, shutdown).await
}

/// Serve on a free loopback port in the background (tests, the load run): its URL.
pub async fn serve_on_loopback(relay: Shared) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(serve(relay, listener, std::future::pending()));
    Ok(url)
}
