//! Logging for a server: lines on stderr for people, or one JSON object per line for a log
//! collector; the level from `<PREFIX>_LOG` (`CONNPAY_LOG`, `RD_RELAY_LOG`), else `RUST_LOG`
//! (what connpay-server read before), else `info`.

/// How log lines are written (`--log-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The variable that sets the level: `<prefix>_LOG`.
pub(crate) fn filter_variable(prefix: &str) -> String {
    format!("{prefix}_LOG")
}

/// Installs the subscriber for the process; a second call does nothing.
pub fn init(format: LogFormat, prefix: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env(filter_variable(prefix))
        .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Not reported with an eprintln!, which panics on a broken stderr (journald restarted).
        .log_internal_errors(false)
        .with_env_filter(filter);
    let _ = match format {
        LogFormat::Text => logs.try_init(),
        LogFormat::Json => logs.json().flatten_event(true).try_init(),
    };
}
