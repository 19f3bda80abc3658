//! The Connecting Party server for ConnPay mobile card verification (docs/connpay.md).
//!
//! `run` takes its listener, its store, its configuration and a shutdown future (the
//! mini-redis shape), so tests bind port 0 and stop it cleanly.

pub mod cli;
pub mod error;
mod handlers;
mod listener;
pub mod model;
mod os;
pub mod ratelimit;
pub mod signature;
pub mod store;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use clock::{Clock, SystemClock};
pub use error::ReplyError;
use listener::{GuardedListener, RemoteAddr};
use ratelimit::RateLimiter;
pub use signature::ControlKey;
pub use store::Store;

/// Everything the server needs besides its listener and store.
#[derive(Clone)]
pub struct Config {
    /// Our ConnPay endpoint id, answered on initiate and part of both signatures.
    pub endpoint_id: String,
    pub control_key: ControlKey,
    /// How long a verification session (and its nonce) stays valid after initiate.
    pub session_ttl: chrono::Duration,
    /// How long an access token stays valid.
    pub token_ttl: chrono::Duration,
    /// Largest request body accepted, in bytes.
    pub max_body: usize,
    /// Deadline for one request, reading the body included.
    pub deadline: Duration,
    /// Requests per second and burst per client address (0 turns the limit off).
    pub rate_per_address: (f64, f64),
    /// Requests per second and burst per access token (initiate) and per invoice (check).
    pub rate_per_token: (f64, f64),
    /// How often expired sessions and tokens are swept.
    pub sweep_every: Duration,
    /// A connection on which no byte arrives for this long is closed (idle keep-alive
    /// connections included).
    pub idle_timeout: Duration,
    /// Open connections at most; further clients wait in the accept queue.
    pub max_connections: usize,
    pub clock: Arc<dyn Clock>,
}

impl Config {
    /// The defaults: 30-minute sessions and tokens, 16 KiB bodies, 10 s deadline,
    /// 100 requests/s (burst 200) per address, 5/s (burst 10) per token, sweep every minute,
    /// connections closed after 30 s without a byte, 1000 connections at most.
    pub fn new(endpoint_id: impl Into<String>, control_key: ControlKey) -> Config {
        Config {
            endpoint_id: endpoint_id.into(),
            control_key,
            session_ttl: chrono::Duration::minutes(30),
            token_ttl: chrono::Duration::minutes(30),
            max_body: 16 * 1024,
            deadline: Duration::from_secs(10),
            rate_per_address: (100.0, 200.0),
            rate_per_token: (5.0, 10.0),
            sweep_every: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(30),
            max_connections: 1000,
            clock: Arc::new(SystemClock),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("endpoint_id", &self.endpoint_id)
            .field("control_key", &self.control_key)
            .field("session_ttl", &self.session_ttl)
            .field("token_ttl", &self.token_ttl)
            .field("max_body", &self.max_body)
            .field("deadline", &self.deadline)
            .field("rate_per_address", &self.rate_per_address)
            .field("rate_per_token", &self.rate_per_token)
            .field("sweep_every", &self.sweep_every)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_connections", &self.max_connections)
            .finish_non_exhaustive()
    }
}

pub(crate) struct AppState {
    pub config: Config,
    pub store: Store,
    pub by_address: RateLimiter,
    pub by_token: RateLimiter,
}

/// Serves until `shutdown` completes, then lets requests in flight finish.
pub async fn run(
    listener: tokio::net::TcpListener,
    store: Store,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = Arc::new(AppState {
        by_address: RateLimiter::new(config.rate_per_address.0, config.rate_per_address.1),
        by_token: RateLimiter::new(config.rate_per_token.0, config.rate_per_token.1),
        config,
        store,
    });
    let listener = GuardedListener::new(
        listener,
        state.config.max_connections,
        state.config.idle_timeout,
    );
    let sweeper = tokio::spawn(sweep_loop(state.clone()));
    let app = handlers::router(state);
    let result = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<RemoteAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    sweeper.abort();
    result
}

async fn sweep_loop(state: Arc<AppState>) {
    let mut tick = tokio::time::interval(state.config.sweep_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match state.store.sweep(state.config.clock.now()).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!("swept {n} expired sessions and access tokens"),
            Err(e) => tracing::warn!("sweeping expired sessions failed: {e}"),
        }
        state.by_address.prune();
        state.by_token.prune();
    }
}
