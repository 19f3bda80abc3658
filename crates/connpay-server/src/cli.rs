//! `connpay-server` command line. The endpoint id and the control key come from the
//! environment (`CONNPAY_ENDPOINT_ID`, `CONNPAY_CONTROL_KEY` or `CONNPAY_CONTROL_KEY_FILE`), never
//! from argv, and the key is never logged.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::Parser;

use super::{Config, ControlKey, Store};

#[derive(Debug, Parser)]
#[command(
    name = "connpay-server",
    version,
    about = "The Connecting Party server for ConnPay mobile card verification",
    after_help = "Environment: CONNPAY_ENDPOINT_ID (required), and CONNPAY_CONTROL_KEY or \
                  CONNPAY_CONTROL_KEY_FILE (a file holding the key; one of the two is required). \
                  RUST_LOG sets the log level (default info)."
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Session store: a SQLite file path, or postgres://user@host/db for a shared PostgreSQL.
    #[arg(long, default_value = "connpay.sqlite3")]
    db: String,
    /// Connections to PostgreSQL per instance (ignored for SQLite).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    db_connections: u32,
    /// Seconds a verification session stays valid after initiate.
    #[arg(long, default_value_t = 1800, value_parser = clap::value_parser!(u32).range(1..=86_400))]
    session_ttl_secs: u32,
    /// Seconds an access token stays valid.
    #[arg(long, default_value_t = 1800, value_parser = clap::value_parser!(u32).range(1..=86_400))]
    token_ttl_secs: u32,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = 16_384, value_parser = clap::value_parser!(u32).range(256..=1_048_576))]
    max_body: u32,
    /// Deadline for one request, in milliseconds.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(10..=120_000))]
    deadline_ms: u64,
    /// Requests per second allowed per client address (0 = no limit; behind a proxy every
    /// request shares the proxy's address).
    #[arg(long, default_value_t = 100.0)]
    rate_per_address: f64,
    /// Burst allowed per client address.
    #[arg(long, default_value_t = 200.0)]
    burst_per_address: f64,
    /// Requests per second allowed per access token (initiate) and per invoice (check).
    #[arg(long, default_value_t = 5.0)]
    rate_per_token: f64,
    /// Burst allowed per access token and per invoice.
    #[arg(long, default_value_t = 10.0)]
    burst_per_token: f64,
    /// Seconds without a byte from the client after which a connection is closed.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    idle_timeout_secs: u64,
    /// Print this manual page (roff, for `man -l -`) on stdout and exit; packaging uses it.
    #[arg(long, hide = true)]
    man: bool,
    /// Open connections at most (keep it below the process's file descriptor limit).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_connections: u32,
    /// Seconds between sweeps of expired sessions.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    sweep_secs: u64,
}

/// Reads the endpoint id and the control key from the environment.
fn secrets_from_env() -> anyhow::Result<(String, ControlKey)> {
    let endpoint_id = std::env::var("CONNPAY_ENDPOINT_ID")
        .map_err(|_| anyhow!("Set CONNPAY_ENDPOINT_ID to your ConnPay endpoint id"))?;
    let endpoint_id = endpoint_id.trim().to_owned();
    if endpoint_id.is_empty()
        || endpoint_id.len() > 64
        || !endpoint_id.bytes().all(|b| b.is_ascii_graphic())
    {
        bail!("CONNPAY_ENDPOINT_ID must be 1 to 64 printable characters, as ConnPay issued it");
    }
    let inline = std::env::var("CONNPAY_CONTROL_KEY").ok();
    let file = std::env::var_os("CONNPAY_CONTROL_KEY_FILE");
    let text = zeroize::Zeroizing::new(match (inline, file) {
        (Some(_), Some(_)) => {
            bail!("Set only one of CONNPAY_CONTROL_KEY and CONNPAY_CONTROL_KEY_FILE")
        }
        (Some(k), None) => k,
        (None, Some(path)) => {
            warn_if_shared(std::path::Path::new(&path));
            std::fs::read_to_string(&path).with_context(|| {
            format!(
                "Cannot read the control key file {}; check CONNPAY_CONTROL_KEY_FILE and its permissions",
                    std::path::Path::new(&path).display()
                )
            })?
        }
        (None, None) => {
            bail!("Set CONNPAY_CONTROL_KEY, or CONNPAY_CONTROL_KEY_FILE to a file holding the key")
        }
    });
    let key = ControlKey::parse(&text)?;
    Ok((endpoint_id, key))
}

/// Warns when the key file can be read by anyone but its owner.
fn warn_if_shared(path: &std::path::Path) {
    if crate::os::shared_with_others(path) {
        tracing::warn!(
            "the control key file {} is readable by other users; chmod 600 it",
            path.display()
        );
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = crate::os::terminate();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

/// Hides the password of a database URL before it is shown.
fn display_db(db: &str) -> String {
    match (db.find("://"), db.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***@{}", &db[..scheme], &db[at + 1..])
        }
        _ => db.to_owned(),
    }
}

pub fn main() -> ExitCode {
    let args = Args::parse();
    if args.man {
        return print_man();
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    let (endpoint_id, control_key) = match secrets_from_env() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("connpay-server: {e:#}");
            return ExitCode::from(2);
        }
    };
    let mut config = Config::new(endpoint_id, control_key);
    config.session_ttl = chrono::Duration::seconds(args.session_ttl_secs.into());
    config.token_ttl = chrono::Duration::seconds(args.token_ttl_secs.into());
    config.max_body = args.max_body as usize;
    config.deadline = Duration::from_millis(args.deadline_ms);
    config.rate_per_address = (args.rate_per_address, args.burst_per_address);
    config.rate_per_token = (args.rate_per_token, args.burst_per_token);
    config.sweep_every = Duration::from_secs(args.sweep_secs);
    config.idle_timeout = Duration::from_secs(args.idle_timeout_secs);
    config.max_connections = args.max_connections as usize;

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("connpay-server: cannot start the async runtime: {e}");
            return ExitCode::from(5);
        }
    };
    runtime.block_on(async move {
        let store = match Store::open_with_pool(&args.db, args.db_connections as usize).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("connpay-server: {e}");
                return ExitCode::from(2);
            }
        };
        let listener = match tokio::net::TcpListener::bind(args.listen).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!(
                    "connpay-server: cannot listen on {}: {e}; choose another --listen address",
                    args.listen
                );
                return ExitCode::from(2);
            }
        };
        let local = listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        // One line on stdout, so scripts and tests that bind port 0 learn the port.
        println!("listening on {local}");
        tracing::info!(
            "connpay-server listening on {local}, store {} ({})",
            store.kind(),
            display_db(&args.db)
        );
        match super::run(listener, store, config, shutdown_signal()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("connpay-server: the server stopped: {e}");
                ExitCode::from(5)
            }
        }
    })
}

/// The manual page, from the same definitions as `--help`.
fn print_man() -> ExitCode {
    use clap::CommandFactory;
    let mut page = Vec::new();
    match clap_mangen::Man::new(Args::command()).render(&mut page) {
        Ok(()) => {
            use std::io::Write;
            let _ = std::io::stdout().write_all(&page);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("connpay-server: could not write the manual page: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_password_is_hidden() {
        assert_eq!(
            display_db("postgres://u:pw@localhost/db"),
            "postgres://***@localhost/db"
        );
        assert_eq!(display_db("connpay.sqlite3"), "connpay.sqlite3");
    }

    #[test]
    fn args_parse() {
        let a = Args::try_parse_from(["connpay-server", "--listen", "127.0.0.1:0"]).unwrap();
        assert_eq!(a.db, "connpay.sqlite3");
        assert!(Args::try_parse_from(["connpay-server", "--control-key", "x"]).is_err());
    }
}
