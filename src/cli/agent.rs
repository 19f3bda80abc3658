//! `rd-agent run` (the service) and `rd-agent tray` (the per-user icon).

use std::path::PathBuf;

use super::{CliError, CmdResult, Exit, Global};
use crate::agent::schedule::Schedule;
use crate::agent::{endpoint, logging, runtime};
use crate::config::{Config, Paths, Scope};

#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// Started by the Windows Service Control Manager (the installer sets this).
    #[arg(long, hide = true)]
    pub(crate) windows_service: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TrayArgs {
    /// Serve only the operator's page, without an icon or a display (what `rd-agent open`
    /// starts when no tray runs); it ends after 30 minutes unused.
    #[arg(long)]
    page_only: bool,
}

fn usage(e: impl std::fmt::Display) -> CliError {
    CliError::new(Exit::Usage, e.to_string())
}

/// The service's schedule from the config (`schedule.reminder_at`); the rest are defaults.
pub(crate) fn schedule_from(config: &Config) -> Result<Schedule, CliError> {
    let reminder_at = config.schedule.reminder_at.time();
    Ok(Schedule {
        reminder_at,
        ..Schedule::default()
    })
}

pub(crate) fn run(args: RunArgs, global: &Global) -> CmdResult {
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
    // Under the SCM (LocalSystem): the state directory and the config kept from other users
    // before anything is read from them (src/platform/windows/fs.rs).
    if args.windows_service {
        let locked = crate::platform::fs::lock_down(
            &paths.state_dir,
            &paths.config_file,
            &paths.secrets_file(),
        );
        if let Err(e) = locked {
            tracing::error!("{e}");
            let code = crate::platform::ServiceFailure::PERMISSIONS;
            if let Err(r) = runtime::refuse_under_service_manager(code, e.to_string()) {
                tracing::error!(error = %r, "could not report to the service manager");
            }
            return Err(CliError::said(Exit::Failure, e.msg()));
        }
        tracing::info!(state_dir = %paths.state_dir.display(), "state directory limited to SYSTEM and Administrators");
    }
    let loaded = paths
        .load_config()
        .map_err(usage)
        .and_then(|c| schedule_from(&c));
    let schedule = match loaded {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(config = %paths.config_file.display(), "{}", e.message);
            // Under the SCM the refusal goes through the dispatcher, so the SCM sees it.
            if args.windows_service
                && let Err(r) = runtime::refuse_under_service_manager(
                    crate::platform::ServiceFailure::CONFIG,
                    e.message.clone(),
                )
            {
                tracing::error!(error = %r, "could not report to the service manager");
            }
            return Err(e);
        }
    };
    let socket = endpoint::for_service(global.socket.as_deref(), global.state_dir.as_deref());
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        config = %paths.config_file.display(),
        state_dir = %paths.state_dir.display(),
        socket = %socket.display(),
        "rd-agent service starting"
    );

    let service = runtime::Service {
        paths,
        schedule,
        socket,
        log_dir,
    };
    let result = if args.windows_service {
        runtime::run_under_service_manager(service)
    } else {
        runtime::serve(
            service,
            Box::pin(crate::platform::runtime::stop_signal()),
            || {},
        )
    };
    result.map_err(|e| CliError::new(Exit::Failure, e.to_string()))
}

/// What the tray program is told by its flags: where the service is and what to show.
#[derive(Debug, Clone)]
pub struct TrayOptions {
    /// The service's IPC endpoint.
    pub socket: PathBuf,
    /// Used for "Open log folder" when the service does not say where its logs are.
    pub fallback_log_dir: PathBuf,
    /// The language of everything it shows: its user's, not the service's.
    pub lang: crate::i18n::Lang,
    /// Serve the operator's page only: no icon, no display.
    pub page_only: bool,
}

/// The tray itself, given by the program that has it (crates/tray); `Err` is its sentence.
pub(crate) type TrayRunner = fn(TrayOptions) -> Result<(), String>;

/// `rd-agent tray`: in the tray's own program, run it; in `rd-agent`, hand over to that
/// program.
pub(crate) fn tray(args: TrayArgs, global: &Global, runner: Option<TrayRunner>) -> CmdResult {
    let Some(run_tray) = runner else {
        return launch_tray(global, args.page_only);
    };
    init_tray_log();
    let socket = global.endpoint();
    let fallback_log_dir = Paths::resolve(
        global.config.as_deref(),
        global.state_dir.as_deref(),
        Scope::System,
    )
    .map(|p| p.log_dir())
    .unwrap_or_else(|_| PathBuf::from("."));
    run_tray(TrayOptions {
        socket,
        fallback_log_dir,
        // The tray speaks its user's language (the service's config is not theirs to read).
        lang: crate::platform::language("auto"),
        page_only: args.page_only,
    })
    .map_err(|e| CliError::new(Exit::Failure, e))
}

/// The tray is a program of its own, `rd-agent-tray` beside this one (crates/tray), so that
/// building the command line does not build the tray's desktop libraries. `rd-agent tray`
/// stays what the autostart entry (installer/linux/rd-agent-tray.desktop), older Startup
/// shortcuts and the docs run: it starts that program with the same flags.
fn launch_tray(global: &Global, page_only: bool) -> CmdResult {
    let name = format!("rd-agent-tray{}", std::env::consts::EXE_SUFFIX);
    let not_started = |program: &str, error: std::io::Error| {
        CliError::said(
            Exit::Failure,
            crate::i18n::Msg::new("cli-tray-not-started")
                .arg("program", program)
                .arg("error", error.to_string()),
        )
    };
    // Beside this program, never a bare name that the PATH would resolve.
    let program = std::env::current_exe()
        .map_err(|e| not_started(&name, e))?
        .with_file_name(&name);
    let mut args = global.args();
    if page_only {
        args.push("--page-only".into());
    }
    let error = crate::platform::process::hand_over(&program, &args);
    Err(not_started(&program.display().to_string(), error))
}

fn init_tray_log() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RD_AGENT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // No eprintln! of a failed write: it panics on a broken stderr (src/console.rs).
        .log_internal_errors(false)
        .try_init();
}
