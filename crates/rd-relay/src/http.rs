//! The relay's HTTP interface (docs/relay.md): `/v1/…` for agents, `/fleet/today` and
//! `/metrics` for the platform (from `--ops-allow` addresses only), `/healthz` for a balancer.
//! Bodies are bounded; parse errors are described by kind, never by quoting the body.

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

pub fn router(relay: Shared) -> Router {
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

/// The calling device, within its limits.
async fn device(relay: &Relay, headers: &HeaderMap) -> Result<Device, Refuse> {
    let device = crate::enrol::authenticate(relay, bearer(headers)).await?;
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
    parsed: Result<Json<EnrollRequest>, JsonRejection>,
) -> Response {
    let run = async {
        if !relay.enroll_limit.allow("enroll") {
            return Err(Refuse::new(
                codes::RATE_LIMITED,
                "too many enrolments; wait a minute",
            ));
        }
        let req = body(parsed)?;
        crate::enrol::enroll(&relay, &req.code, &req.label).await
    };
    match run.await {
        Ok(reply) => Json(reply).into_response(),
        Err(r) => refused(&relay, r),
    }
}

async fn status(State(relay): State<Shared>, headers: HeaderMap) -> Response {
    let run = async {
        let device = device(&relay, &headers).await?;
        relay.status(&device).await
    };
    match run.await {
        Ok(s) => Json(s).into_response(),
        Err(r) => refused(&relay, r),
    }
}

async fn login(
    State(relay): State<Shared>,
    headers: HeaderMap,
    parsed: Result<Json<LoginRequest>, JsonRejection>,
) -> Response {
    let run = async {
        let device = device(&relay, &headers).await?;
        let req = body(parsed)?;
        relay.login(&device, req).await
    };
    match run.await {
        Ok(reply) => Json(reply).into_response(),
        Err(r) => refused(&relay, r),
    }
}

async fn attempt(
    State(relay): State<Shared>,
    headers: HeaderMap,
    Path(external_ref): Path<String>,
) -> Response {
    let run = async {
        let device = device(&relay, &headers).await?;
        if !instantpay::request::valid_external_ref(&external_ref) {
            return Err(Refuse::bad_request("not an attempt id"));
        }
        let outcome = relay.attempt(&device, &external_ref).await?;
        Ok(AttemptReply {
            external_ref,
            outcome,
        })
    };
    match run.await {
        Ok(reply) => Json(reply).into_response(),
        Err(r) => refused(&relay, r),
    }
}

fn ops_allowed(relay: &Relay, peer: IpAddr) -> bool {
    let peer = match peer {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(peer, IpAddr::V4),
        v4 => v4,
    };
    relay.settings.ops_allow.iter().any(|n| n.contains(&peer))
}

async fn fleet_today(
    State(relay): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if !ops_allowed(&relay, peer.ip()) {
        return StatusCode::FORBIDDEN.into_response();
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
) -> Response {
    if !ops_allowed(&relay, peer.ip()) {
        return StatusCode::FORBIDDEN.into_response();
    }
    (
        [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
        relay.metrics.render(),
    )
        .into_response()
}

async fn healthz(State(relay): State<Shared>) -> Response {
    match relay.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

/// Serve until `shutdown` resolves; requests in flight finish (a login's outcome is recorded).
pub async fn serve(
    relay: Shared,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(relay).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Serve on a free loopback port in the background (tests, the load run): its URL.
pub async fn serve_on_loopback(relay: Shared) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(serve(relay, listener, std::future::pending()));
    Ok(url)
}
