//! The Connecting Party server for ConnPay mobile card verification (docs/connpay.md).
//!
//! `run` takes its listener, its store, its configuration and a shutdown future (the
//! mini-redis shape), so tests bind port 0 and stop it cleanly. The connection handling, TLS,
//! the address lists and the operations guard are crates/server-base's, shared with rd-relay.

//!
//! The modules are private; what the binary, the tests, the examples and the fuzz targets use
//! is re-exported below, and nothing else.

mod admin;
mod cli;
mod client;
mod config;
mod error;
mod handlers;
mod metrics;
mod model;
mod signature;
mod store;
mod tls;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

pub use cli::main;
pub use client::{AddressList, client_address};
pub use config::Config;
use handlers::AppState;
use metrics::Metrics;
/// The parsers of what callers send, for the fuzz targets (fuzz/fuzz_targets/connpay_*.rs).
pub use model::{
    AccessTokenRequest, CallbackQuery, Check, CheckRequest, Initiate, InitiateRequest,
    Notification, NotificationRequest, parse_callback_query, parse_json, validate_invoice_id,
};
use ratelimit::RateLimiter;
pub use signature::{CallbackKey, ControlKey};
pub use store::{
    CallbackRecord, CardMapping, SessionRecord, State, Store, StoreError, StoreOptions,
};
pub use tls::Tls;

/// Serves until `shutdown` completes, then lets requests in flight finish.
pub async fn run(
    listener: tokio::net::TcpListener,
    store: Store,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    config::callback_path(&config.callback_path)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let metrics = Arc::new(Metrics::new());
    let limits = limits(&config);
    let tls = config.tls.clone();
    let ops = server_base::OpsGuard::new(
        config.ops_allow.clone(),
        config.trust_proxy.clone(),
        config.ops_token.clone(),
    );
    let state = Arc::new(AppState {
        ops,
        by_address: RateLimiter::new(config.rate_per_address.0, config.rate_per_address.1),
        by_token: RateLimiter::new(config.rate_per_token.0, config.rate_per_token.1),
        config,
        store,
        metrics: metrics.clone(),
    });
    let sweeper = tokio::spawn(sweep_loop(state.clone()));
    let app = handlers::router(state);
    let connections = metrics.connections.clone();
    let result = server_base::serve(listener, app, limits, tls, connections, shutdown).await;
    sweeper.abort();
    result
}

/// Serves `app` with this server's connection handling (TLS, the header and idle deadlines, the
/// connection caps) as `config` sets it, but none of its calls or store: for measuring what the
/// HTTP stack alone costs (examples/connpay_noop.rs).
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    server_base::serve(
        listener,
        app,
        limits(config),
        config.tls.clone(),
        server_base::ConnectionMetrics::new(),
        shutdown,
    )
    .await
}

fn limits(config: &Config) -> server_base::Limits {
    server_base::Limits {
        max_connections: config.max_connections,
        per_address: config.max_connections_per_address,
        unlimited: config.trust_proxy.clone(),
        idle: config.idle_timeout,
        header_read: config.header_read_timeout,
        body_read: config.body_read_timeout,
        // A request in flight ends by its deadline; a second more lets its answer be written.
        drain: config
            .drain_timeout
            .unwrap_or(config.deadline + Duration::from_secs(1)),
    }
}

async fn sweep_loop(state: Arc<AppState>) {
    let mut tick = tokio::time::interval(state.config.sweep_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let cfg = &state.config;
        let now = cfg.clock.now();
        match state.store.expire(now - cfg.final_within, now).await {
            Ok(expired) => {
                for invoice_id in expired {
                    handlers::log_final(&invoice_id, store::State::Expired, None, now);
                }
            }
            Err(e) => tracing::warn!("expiring verifications failed: {e}"),
        }
        match state.store.sweep(now, cfg.retention).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!("swept {n} expired sessions, access tokens and callbacks"),
            Err(e) => tracing::warn!("sweeping expired sessions failed: {e}"),
        }
        state.by_address.prune();
        state.by_token.prune();
    }
}
