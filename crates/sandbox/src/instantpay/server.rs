//! The server: the routes with their fault layer, the accept loop, start and stop.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode as Http;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::liveness::{self};
use instantpay::{ClientConfig, PATH_LOGIN, PATH_LOGIN_STATUS};

use super::envelope::envelope_at;
use super::faults::{Fault, KillSwitch};
use super::handlers::{login, login_status, not_found};
use super::state::{DemoOutlet, SandboxConfig, SandboxState};

/// All routes with their state: InstantPay's AePS login routes, the face-liveness routes, the
/// fault layer around them all, and an enveloped 404 for anything else.
pub fn router(state: SandboxState) -> Router {
    Router::new()
        .route(PATH_LOGIN_STATUS, post(login_status))
        .route(PATH_LOGIN, post(login))
        .fallback(not_found)
        .with_state(state.clone())
        // Other engineers' routes go here, each checked by `SandboxState::check_auth`.
        .merge(liveness::router(state.liveness().clone()))
        .layer(axum::middleware::from_fn_with_state(state, faults))
}

/// A running sandbox InstantPay. Dropping it stops the server.
pub struct SandboxInstantPay {
    addr: SocketAddr,
    base_url: String,
    state: SandboxState,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SandboxInstantPay {
    /// `http://127.0.0.1:PORT`: put it in `instantpay.base_url`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &SandboxState {
        &self.state
    }

    /// Chargeable login attempts processed so far.
    pub fn charges(&self) -> u64 {
        self.state.charges()
    }

    /// A client config for the demo outlet (the first registered outlet) on this server.
    pub fn client_config(&self) -> ClientConfig {
        match self.state.outlets().first() {
            Some(o) => o.client_config(&self.base_url),
            None => DemoOutlet::demo().client_config(&self.base_url),
        }
    }

    /// Stop accepting, close every connection, and wait for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxInstantPay {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Start on `127.0.0.1:0` (a free port).
pub async fn start(config: SandboxConfig) -> std::io::Result<SandboxInstantPay> {
    let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
    start_on(listener, config).await
}

/// Start on a listener the caller bound (e.g. a fixed port for `rd-agent sandbox`).
// Async though it awaits nothing: it spawns the server task, which needs a running runtime,
// and being async makes callers be on one.
#[allow(clippy::unused_async)]
pub async fn start_on(
    listener: TcpListener,
    config: SandboxConfig,
) -> std::io::Result<SandboxInstantPay> {
    let addr = listener.local_addr()?;
    let state = SandboxState::new(config);
    let app = router(state.clone());
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(serve(listener, app, rx));
    Ok(SandboxInstantPay {
        addr,
        base_url: format!("http://{addr}"),
        state,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// The accept loop. Each connection gets a [`KillSwitch`] so a fault can hang up on it; on
/// shutdown every connection is closed.
async fn serve(listener: TcpListener, app: Router, mut shutdown: oneshot::Receiver<()>) {
    use hyper_util::rt::TokioIo;
    use hyper_util::service::TowerToHyperService;

    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors and the like: wait a little, keep serving.
                        tracing::warn!("sandbox InstantPay: accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let kill = KillSwitch::default();
                let svc = TowerToHyperService::new(app.clone().layer(axum::Extension(kill.clone())));
                conns.spawn(async move {
                    let conn = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc);
                    // Dropping the connection future closes the socket without a reply.
                    tokio::select! {
                        _ = conn => {}
                        _ = kill.0.notified() => {}
                    }
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.abort_all();
    while conns.join_next().await.is_some() {}
}

pub(super) async fn faults(State(st): State<SandboxState>, req: Request, next: Next) -> Response {
    let Some(fault) = st.fault_for(req.uri().path()) else {
        return next.run(req).await;
    };
    let kill = req.extensions().get::<KillSwitch>().cloned();
    // Read the whole request first: the server has received it, whatever happens next.
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, 4 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => return st.rpi("Invalid parameters: the body could not be read"),
    };
    let req = Request::from_parts(parts, Body::from(bytes));
    let hang_up = || async move {
        if let Some(k) = kill {
            k.0.notify_one();
        }
        std::future::pending::<Response>().await
    };
    match fault {
        Fault::Http500 => envelope_at(
            st.0.clock.now(),
            Http::INTERNAL_SERVER_ERROR,
            "ISE",
            None,
            "Internal server error",
            Value::Null,
            None,
        ),
        Fault::MalformedJson => {
            let _processed = next.run(req).await;
            (
                Http::OK,
                [("content-type", "application/json")],
                r#"{"statuscode":"TXN","actcode":"LOGG"#,
            )
                .into_response()
        }
        Fault::Slow(delay) => {
            let resp = next.run(req).await;
            tokio::time::sleep(delay).await;
            resp
        }
        Fault::DropConnection => hang_up().await,
        // Played by the login handler itself: the request is processed as usual.
        Fault::BiometricMismatch => next.run(req).await,
        Fault::DropAfterProcessing => {
            let _processed = next.run(req).await;
            hang_up().await
        }
    }
}
