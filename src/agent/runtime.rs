//! The service's runtime: bind the IPC endpoint, say "ready" to the OS's service manager
//! only then, serve until told to stop, and clean up. `rd-agent run` calls this; tests start
//! the same `crate::agent::run` on a temporary socket.

use std::path::PathBuf;
use std::sync::Arc;

use clock::SystemClock;

use super::ipc::{self, PeerPolicy};
use super::schedule::Schedule;
use super::{Agent, endpoint};
use crate::config::Paths;
use crate::platform;

/// Everything the service needs to start.
#[derive(Debug, Clone)]
pub(crate) struct Service {
    pub(crate) paths: Paths,
    pub(crate) schedule: Schedule,
    pub(crate) socket: PathBuf,
    pub(crate) log_dir: PathBuf,
}

/// Why the service could not run.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RuntimeError {
    #[error("Could not start: {0}")]
    Start(std::io::Error),
    #[error("{0}")]
    Bind(#[from] ipc::IpcError),
    #[error("The Windows service manager did not start the service: {0}")]
    ServiceManager(String),
}

/// A future that completes when the service should stop.
pub(crate) use crate::platform::StopFuture as Stop;

/// Build the runtime, bind, announce readiness (`ready`, then the OS's own signal), and serve
/// until `stop` completes.
pub(crate) fn serve(svc: Service, stop: Stop, ready: impl FnOnce()) -> Result<(), RuntimeError> {
    // Two workers are plenty for a handful of local clients; fewer threads, less memory.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .enable_all()
        .build()
        .map_err(RuntimeError::Start)?;
    rt.block_on(async move {
        let listener = ipc::bind(&svc.socket).await.inspect_err(|e| {
            tracing::error!(error = %e, "could not bind the IPC socket");
        })?;
        if let Err(e) = endpoint::record(&svc.paths.state_dir, &svc.socket) {
            tracing::warn!(error = %e, "could not record the endpoint in the state directory");
        }
        let clock = Arc::new(SystemClock);
        let backend = Arc::new(super::live::LiveBackend::new(
            svc.paths.clone(),
            clock.clone(),
        ));
        let agent = Agent::new(backend, clock, svc.schedule);
        agent.set_log_dir(svc.log_dir);
        if let Some(w) = super::watchdog::Watchdog::from_manager() {
            tracing::info!(
                every_secs = w.every().as_secs(),
                "pinging the service manager's watchdog"
            );
            agent.set_watchdog(w);
        }
        let usb = super::usb::watch(agent.clone());
        tracing::info!(usb, "ready");
        ready();
        platform::runtime::notify_ready();
        super::run(listener, stop, agent, PeerPolicy::system()).await;
        platform::runtime::notify_stopping();
        endpoint::forget(&svc.paths.state_dir);
        tracing::info!("rd-agent service stopped");
        Ok(())
    })
}

/// Under the Windows SCM: it sends the stop, and hears "running" once the pipe exists.
/// Elsewhere there is no such manager to hand control to.
pub(crate) fn run_under_service_manager(svc: Service) -> Result<(), RuntimeError> {
    platform::service::run_as_service(move |stop, ready| {
        serve(svc, stop, ready).map_err(|e| platform::ServiceFailure {
            code: platform::ServiceFailure::RUNTIME,
            reason: e.to_string(),
        })
    })
    .map_err(|e| RuntimeError::ServiceManager(e.to_string()))
}

/// Started by the service manager but unable to run (a config that cannot be used, files it
/// cannot keep from other users): tell it so (stopped, with `code` and `reason`), rather than
/// leaving it to time the start out.
pub(crate) fn refuse_under_service_manager(code: u32, reason: String) -> Result<(), RuntimeError> {
    platform::service::run_as_service(move |_stop, _ready| {
        Err(platform::ServiceFailure { code, reason })
    })
    .map_err(|e| RuntimeError::ServiceManager(e.to_string()))
}
