//! `rd-agent run` (the service) and `rd-agent tray` (the per-user icon).

use std::path::PathBuf;
use std::sync::Arc;

use super::{CliError, CmdResult, Exit, Global};
use crate::agent::ipc::{self, PeerPolicy};
use crate::agent::schedule::ScheduleConfig;
use crate::agent::{Agent, logging};
use crate::config::{Config, Paths, Scope};
use clock::SystemClock;

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// IPC socket path (default: `<state dir>/agent.sock` with --state-dir, else
    /// `$RUNTIME_DIRECTORY/agent.sock` under systemd, else /run/rd-agent/agent.sock).
    #[arg(long, env = "RD_AGENT_SOCKET", value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// Started by the Windows Service Control Manager (the installer sets this).
    #[arg(long, hide = true)]
    pub windows_service: bool,
}

#[derive(Debug, clap::Args)]
pub struct TrayArgs {
    /// IPC socket of the service (same default as `rd-agent run`).
    #[arg(long, env = "RD_AGENT_SOCKET", value_name = "PATH")]
    pub socket: Option<PathBuf>,
}

/// Where the service listens and clients look.
pub fn socket_for(explicit: Option<PathBuf>, global: &Global) -> PathBuf {
    if let Some(s) = explicit {
        return s;
    }
    if global.state_dir.is_none()
        && let Some(rt) = std::env::var_os("RUNTIME_DIRECTORY").filter(|d| !d.is_empty())
    {
        // systemd may list several directories separated by ':'; ours is the first.
        let first = rt
            .to_string_lossy()
            .split(':')
            .next()
            .unwrap_or("")
            .to_string();
        return PathBuf::from(first).join(ipc::SOCKET_FILE);
    }
    ipc::socket_path(global.state_dir.as_deref())
}

fn usage(e: impl std::fmt::Display) -> CliError {
    CliError::new(Exit::Usage, e.to_string())
}

/// The service's schedule from the config (`schedule.reminder_at`); the rest are defaults.
pub fn schedule_from(config: &Config) -> Result<ScheduleConfig, CliError> {
    let reminder_at = config.schedule.reminder_at.time();
    Ok(ScheduleConfig {
        reminder_at,
        ..ScheduleConfig::default()
    })
}

pub fn run(args: RunArgs, global: &Global) -> CmdResult {
    let paths = Paths::resolve(
        global.config.as_deref(),
        global.state_dir.as_deref(),
        Scope::System,
    )
    .map_err(usage)?;
    // systemd's LogsDirectory= wins; otherwise the state directory's logs/.
    let log_dir = std::env::var_os("LOGS_DIRECTORY")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| paths.log_dir());
    let _guard = logging::init(&log_dir).map_err(|e| {
        CliError::new(
            Exit::Failure,
            format!(
                "Could not open the log directory {}: {e}. Check its owner and permissions.",
                log_dir.display()
            ),
        )
    })?;
    let config = Config::load(&paths.config_file).map_err(usage)?;
    let schedule = schedule_from(&config)?;
    let socket = socket_for(args.socket.clone(), global);
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        config = %paths.config_file.display(),
        state_dir = %paths.state_dir.display(),
        socket = %socket.display(),
        "rd-agent service starting"
    );

    #[cfg(windows)]
    if args.windows_service {
        return crate::service::windows::run_as_service(move |stop| {
            serve(paths, schedule, socket, log_dir, stop)
        })
        .map_err(|e| CliError::new(Exit::Failure, e.to_string()));
    }

    serve(
        paths,
        schedule,
        socket,
        log_dir,
        Box::pin(shutdown_signal()),
    )
}

/// Build the runtime, bind, announce readiness and serve until `stop` completes.
pub fn serve(
    paths: Paths,
    schedule: ScheduleConfig,
    socket: PathBuf,
    log_dir: PathBuf,
    stop: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
) -> CmdResult {
    // Two workers are plenty for a handful of local clients; fewer threads, less memory.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .enable_all()
        .build()
        .map_err(|e| CliError::new(Exit::Failure, format!("Could not start: {e}")))?;
    rt.block_on(async move {
        let listener = ipc::bind(&socket).await.map_err(|e| {
            tracing::error!(error = %e, "could not bind the IPC socket");
            CliError::new(Exit::Failure, e.to_string())
        })?;
        let clock = Arc::new(SystemClock);
        let backend = Arc::new(crate::agent::live::LiveBackend::new(paths, clock.clone()));
        let agent = Agent::new(backend, clock, schedule);
        agent.set_log_dir(log_dir);
        let usb = crate::agent::usb::watch(agent.clone());
        tracing::info!(usb, "ready");
        notify_ready();
        crate::agent::run(listener, stop, agent, PeerPolicy::system()).await;
        tracing::info!("rd-agent service stopped");
        Ok(())
    })
}

fn notify_ready() {
    #[cfg(target_os = "linux")]
    {
        // Type=notify: systemd counts the service as started only now. Outside systemd
        // NOTIFY_SOCKET is unset and this does nothing.
        let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Ready]);
    }
}

/// SIGTERM (systemd stop) or Ctrl-C.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => tracing::info!("SIGTERM received"),
                    _ = tokio::signal::ctrl_c() => tracing::info!("interrupted"),
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        #[cfg(target_os = "linux")]
        let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Stopping]);
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub fn tray(args: TrayArgs, global: &Global) -> CmdResult {
    init_tray_log();
    let socket = socket_for(args.socket, global);
    let fallback_log_dir = Paths::resolve(
        global.config.as_deref(),
        global.state_dir.as_deref(),
        Scope::System,
    )
    .map(|p| p.log_dir())
    .unwrap_or_else(|_| PathBuf::from("."));
    crate::tray::run(crate::tray::TrayOptions {
        socket,
        fallback_log_dir,
    })
    .map_err(|e| CliError::new(Exit::Failure, e.to_string()))
}

fn init_tray_log() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RD_AGENT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
