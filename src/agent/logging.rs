//! The service's log: `tracing` to a daily rolling file in the log directory, and to stderr
//! (which journald keeps when systemd runs the service). Only state names, reasons and counts
//! are logged; never a secret, an Aadhaar or a PID block (those types redact themselves, and
//! the agent never formats request bodies).

use std::path::Path;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The log file's name stem; tracing-appender adds the date (`rd-agent.log.2026-11-22`).
pub(crate) const LOG_FILE: &str = "rd-agent.log";

/// Keeps the background log writer alive; drop it last to flush.
pub(crate) struct LogGuard(#[allow(dead_code)] tracing_appender::non_blocking::WorkerGuard);

/// Start logging to `dir` (created 0700 if missing) and stderr. `RD_AGENT_LOG` sets the
/// filter (default `info`).
pub(crate) fn init(dir: &Path) -> std::io::Result<LogGuard> {
    std::fs::create_dir_all(dir)?;
    let _ = crate::platform::fs::group_readable_dir(dir);
    let file = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(LOG_FILE)
        .max_log_files(31)
        .build(dir)
        .map_err(std::io::Error::other)?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter =
        || EnvFilter::try_from_env("RD_AGENT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false)
                .with_filter(filter()),
        )
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                // A failed write to stderr is not reported with an eprintln!, which would
                // panic the service on a broken stderr (a restarted journald; src/console.rs).
                .log_internal_errors(false)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .without_time()
                .with_filter(filter()),
        )
        .try_init();
    Ok(LogGuard(guard))
}

use tracing_subscriber::Layer as _;
