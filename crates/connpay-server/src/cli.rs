//! `connpay-server` command line. The endpoint id and the control key come from the
//! environment (`CONNPAY_ENDPOINT_ID`, `CONNPAY_CONTROL_KEY` or `CONNPAY_CONTROL_KEY_FILE`), never
//! from argv, and the key is never logged. The database URL may carry a password, so it can
//! come from `CONNPAY_DB_URL` or `CONNPAY_DB_URL_FILE` instead of `--db`.
//!
//! The flags for what every server shares (TLS, the operations guard, logging, deadlines and
//! connection caps) are crates/server-base's `ServerArgs`, with the same names in rd-relay;
//! each may also be set as `CONNPAY_<FLAG>`. This file keeps what is connpay's own.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use server_base::ServerArgs;
use server_base::secret::{Source, warn_if_shared};

use super::admin;
use super::signature::CallbackKey;
use super::store::{State, StoreOptions};
use super::{AddressList, Config, ControlKey, Store};
use server_base::console;

/// The database when none is given.
const DEFAULT_DB: &str = "connpay.sqlite3";

/// The prefix of this server's environment variables (`CONNPAY_TRUST_PROXY`, `CONNPAY_LOG`).
const ENV_PREFIX: &str = "CONNPAY";

/// The name that prefixes its refusals to start on stderr (`connpay-server: …`).
const PROGRAM: &str = "connpay-server";

fn address_list(text: &str) -> Result<AddressList, String> {
    AddressList::parse(text)
}

#[derive(Debug, Parser)]
#[command(
    name = "connpay-server",
    version,
    about = "The Connecting Party server for ConnPay mobile card verification",
    long_about = "The Connecting Party server for ConnPay mobile card verification. It serves \
                  POST /auth/access-token, POST /verification/initiate-verification, \
                  POST /verification/{invoiceId}/check, ConnPay's card-mapping notification \
                  (POST /verification/notification and /verification/{invoiceId}/notification), \
                  the merchant callback with the final status (GET /verification/callback, \
                  --callback-path), GET /healthz and GET /metrics. \
                  `connpay-server verification show INVOICE --db DB` prints a verification's \
                  state and steps; `connpay-server verification list --db DB [--state S] \
                  [--day YYYY-MM-DD]` lists them. docs/connpay.md describes the flow.",
    after_help = "Environment: CONNPAY_ENDPOINT_ID (required), and CONNPAY_CONTROL_KEY or \
                  CONNPAY_CONTROL_KEY_FILE (a file holding the key; one of the two is required). \
                  CONNPAY_DB_URL or CONNPAY_DB_URL_FILE give the store instead of --db, so that a \
                  database password never appears in the process list. \
                  CONNPAY_LOG (or RUST_LOG) sets the log level (default info). \
                  CONNPAY_OPS_TOKEN or CONNPAY_OPS_TOKEN_FILE set the operations token. \
                  CONNPAY_MERCHANT_CONTROL_KEY or CONNPAY_MERCHANT_CONTROL_KEY_FILE give the \
                  merchant control key the callback's control is checked with, when it is not \
                  the control key. Every \
                  flag of the shared server settings may be set as CONNPAY_<FLAG> too \
                  (CONNPAY_TRUST_PROXY, CONNPAY_MAX_CONNECTIONS). SIGHUP reads the TLS \
                  certificate and key again."
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Session store: a SQLite file path (default connpay.sqlite3), or
    /// postgres://user@host/db for a shared PostgreSQL. Put a URL with a password in
    /// CONNPAY_DB_URL_FILE instead.
    #[arg(long)]
    db: Option<String>,
    /// Connections to PostgreSQL per instance (ignored for SQLite).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    db_connections: u32,
    /// CA certificates (PEM) that vouch for the PostgreSQL server, instead of the Mozilla roots.
    #[arg(long, env = "CONNPAY_DB_CA_FILE")]
    db_ca_file: Option<PathBuf>,
    /// Only these networks may call check and the card-mapping notification (ConnPay's
    /// addresses): CIDR[,CIDR...]. Without it both are open to every address.
    #[arg(long, env = "CONNPAY_CHECK_ALLOW", value_parser = address_list)]
    check_allow: Option<AddressList>,
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
    /// Print this manual page (roff, for `man -l -`) on stdout and exit; `connpay-server man`
    /// does the same (the flag is kept for packaging scripts that call it).
    #[arg(long, hide = true)]
    man: bool,
    /// Seconds between sweeps of expired sessions.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    sweep_secs: u64,
    /// Where the gateway sends the merchant callback (GET), as configured with ConnPay.
    #[arg(long, env = "CONNPAY_CALLBACK_PATH", default_value = super::config::DEFAULT_CALLBACK_PATH,
          value_parser = super::config::callback_path)]
    callback_path: String,
    /// Seconds after initiate by which a checked verification must have its final state, else
    /// it becomes expired.
    #[arg(long, default_value_t = 86_400, value_parser = clap::value_parser!(u32).range(60..=1_209_600))]
    final_within_secs: u32,
    /// Days checked sessions and callbacks are kept (the gateway re-sends a callback for 14).
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u32).range(15..=3650))]
    retention_days: u32,
    #[command(flatten)]
    server: ServerArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve (what `connpay-server` does without a command).
    Serve,
    /// Print the manual page (roff) on stdout: `connpay-server man | man -l -`.
    Man,
    /// What the store holds about verifications; needs only the store, no key.
    #[command(subcommand)]
    Verification(VerificationCommand),
}

#[derive(Debug, Subcommand)]
enum VerificationCommand {
    /// The verification's current state on the first line, then each step with its time (UTC).
    Show {
        /// The invoice id initiate answered.
        invoice: String,
        /// The store, as for serving (else CONNPAY_DB_URL, CONNPAY_DB_URL_FILE, connpay.sqlite3).
        #[arg(long)]
        db: Option<String>,
    },
    /// One line per verification, oldest first: invoice id, state, initiate time, last step.
    List {
        /// The store, as for serving (else CONNPAY_DB_URL, CONNPAY_DB_URL_FILE, connpay.sqlite3).
        #[arg(long)]
        db: Option<String>,
        /// Only verifications in this state (initiated, checked, mapped, approved, declined,
        /// error, filtered, expired).
        #[arg(long, value_parser = admin::parse_state)]
        state: Option<State>,
        /// Only verifications initiated on this UTC day, YYYY-MM-DD.
        #[arg(long, value_parser = admin::parse_day)]
        day: Option<chrono::NaiveDate>,
    },
}

/// The command line, with the shared flags readable from `CONNPAY_<FLAG>`.
fn command() -> clap::Command {
    server_base::args::with_env(Args::command(), ENV_PREFIX)
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
    let text = Source::env("the control key", "CONNPAY_CONTROL_KEY")
        .read()?
        .ok_or_else(|| {
            anyhow!(
                "Set CONNPAY_CONTROL_KEY, or CONNPAY_CONTROL_KEY_FILE to a file holding the key"
            )
        })?;
    let key = ControlKey::parse(&text)?;
    Ok((endpoint_id, key))
}

/// The merchant control key for callbacks when it is not the endpoint's control key.
fn callback_key_from_env() -> anyhow::Result<Option<CallbackKey>> {
    let text = Source::env("the merchant control key", "CONNPAY_MERCHANT_CONTROL_KEY").read()?;
    Ok(text.map(|t| CallbackKey::new(&t)))
}

/// `verification show|list`: opens the store, prints, exits 0; 1 when the invoice is unknown
/// or the output cannot be written, 2 when the store cannot be opened.
fn verification(command: VerificationCommand) -> ExitCode {
    let db = match &command {
        VerificationCommand::Show { db, .. } | VerificationCommand::List { db, .. } => db.clone(),
    };
    let db = match db_url(db) {
        Ok(db) => db,
        Err(e) => {
            console::error(PROGRAM, &format!("{e:#}"));
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            console::error(PROGRAM, &format!("cannot start the async runtime: {e}"));
            return ExitCode::from(5);
        }
    };
    runtime.block_on(async move {
        let options = StoreOptions {
            pg_connections: 1,
            pg_ca_file: std::env::var_os("CONNPAY_DB_CA_FILE").map(PathBuf::from),
        };
        let store = match Store::open_with(&db, &options).await {
            Ok(s) => s,
            Err(e) => {
                console::error(PROGRAM, &e.to_string());
                return ExitCode::from(2);
            }
        };
        let lines = match command {
            VerificationCommand::Show { invoice, .. } => admin::show(&store, &invoice).await,
            VerificationCommand::List { state, day, .. } => {
                admin::list(&store, &admin::filter(state, day)).await
            }
        };
        match lines {
            Ok(lines) => {
                let mut text = lines.join("\n");
                if !text.is_empty() {
                    text.push('\n');
                }
                match console::out(&text) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        console::error(PROGRAM, &format!("cannot write the answer: {e}"));
                        ExitCode::from(1)
                    }
                }
            }
            Err(e) => {
                console::error(PROGRAM, &e.to_string());
                ExitCode::from(1)
            }
        }
    })
}

/// The store's URL: `--db`, `CONNPAY_DB_URL` or the file named by `CONNPAY_DB_URL_FILE` (at
/// most one of them), else the default SQLite file.
fn db_url(flag: Option<String>) -> anyhow::Result<zeroize::Zeroizing<String>> {
    let inline = std::env::var("CONNPAY_DB_URL").ok();
    let file = std::env::var_os("CONNPAY_DB_URL_FILE");
    let given =
        usize::from(flag.is_some()) + usize::from(inline.is_some()) + usize::from(file.is_some());
    if given > 1 {
        bail!("Give the store only once: --db, CONNPAY_DB_URL or CONNPAY_DB_URL_FILE");
    }
    let url = if let Some(url) = flag {
        if has_password(&url) {
            tracing::warn!(
                "the --db URL holds a password, which other users can see in the process list; \
                 put the URL in a file and name it in CONNPAY_DB_URL_FILE"
            );
        }
        url
    } else if let Some(url) = inline {
        url
    } else if let Some(path) = file {
        let path = std::path::Path::new(&path);
        warn_if_shared(path, "the database URL");
        std::fs::read_to_string(path)
            .with_context(|| {
                format!(
                    "Cannot read the database URL file {}; check CONNPAY_DB_URL_FILE and its permissions",
                    path.display()
                )
            })?
            .trim()
            .to_owned()
    } else {
        DEFAULT_DB.to_owned()
    };
    if url.is_empty() {
        bail!("The database URL is empty; give a SQLite file path or a postgres:// URL");
    }
    Ok(zeroize::Zeroizing::new(url))
}

/// A PostgreSQL URL that carries a password (`user:password@` or `?password=`).
fn has_password(url: &str) -> bool {
    url.parse::<tokio_postgres::Config>()
        .is_ok_and(|c| c.get_password().is_some())
}

/// What of a database URL may be shown: a SQLite path as it is; for PostgreSQL only the
/// user, hosts, port and database (a password may sit in the authority or in `?password=`).
fn display_db(db: &str) -> String {
    if !(db.starts_with("postgres://") || db.starts_with("postgresql://")) {
        return db.to_owned();
    }
    // An unescaped `@` in a password would be shown as part of the host.
    let authority = db
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or("");
    if authority.matches('@').count() > 1 {
        return "postgres://(a URL with more than one @: escape a password's @ as %40)".to_owned();
    }
    match db.parse::<tokio_postgres::Config>() {
        Ok(c) => {
            let hosts: Vec<String> = c
                .get_hosts()
                .iter()
                .map(|h| match h {
                    tokio_postgres::config::Host::Tcp(name) => name.clone(),
                    #[cfg(unix)]
                    tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
                })
                .collect();
            let ports: Vec<String> = c.get_ports().iter().map(u16::to_string).collect();
            format!(
                "postgres://{}@{}:{}/{}",
                c.get_user().unwrap_or(""),
                hosts.join(","),
                ports.join(","),
                c.get_dbname().unwrap_or("")
            )
        }
        Err(_) => "postgres://(a URL that does not parse)".to_owned(),
    }
}

/// A refusal to start: the exit code and what goes on stderr.
struct Refusal(u8, String);

impl Refusal {
    /// Exit code 2: the settings are wrong.
    fn settings(e: impl std::fmt::Display) -> Refusal {
        Refusal(2, e.to_string())
    }
}

pub fn main() -> ExitCode {
    let args = match Args::from_arg_matches(&command().get_matches()) {
        Ok(a) => a,
        Err(e) => e.exit(),
    };
    if args.man || matches!(args.command, Some(Command::Man)) {
        return print_man();
    }
    if let Some(Command::Verification(command)) = args.command {
        return verification(command);
    }
    server_base::logging::init(args.server.log_format, ENV_PREFIX);
    match serve(args) {
        Ok(code) => code,
        Err(Refusal(code, text)) => {
            console::error(PROGRAM, &text);
            ExitCode::from(code)
        }
    }
}

/// The configuration from the flags and the environment: the identity and keys, then the
/// limits of this server, then what every server shares.
fn config(args: &Args) -> Result<Config, Refusal> {
    let (endpoint_id, control_key) =
        secrets_from_env().map_err(|e| Refusal(2, format!("{e:#}")))?;
    let mut config = Config::new(endpoint_id, control_key);
    if let Some(key) = callback_key_from_env().map_err(|e| Refusal(2, format!("{e:#}")))? {
        config.callback_key = key;
    }
    own_settings(args, &mut config);
    shared_settings(&args.server, &mut config)?;
    config.check_allow = args.check_allow.clone();
    Ok(config)
}

/// What is connpay's own: the verification's life, the deadlines and the rate limits.
fn own_settings(args: &Args, config: &mut Config) {
    config.callback_path = args.callback_path.clone();
    config.final_within = chrono::Duration::seconds(args.final_within_secs.into());
    config.retention = chrono::Duration::days(args.retention_days.into());
    config.session_ttl = chrono::Duration::seconds(args.session_ttl_secs.into());
    config.token_ttl = chrono::Duration::seconds(args.token_ttl_secs.into());
    config.max_body = args.max_body as usize;
    config.deadline = Duration::from_millis(args.deadline_ms);
    config.rate_per_address = (args.rate_per_address, args.burst_per_address);
    config.rate_per_token = (args.rate_per_token, args.burst_per_token);
    config.sweep_every = Duration::from_secs(args.sweep_secs);
}

/// What every server shares (crates/server-base's `ServerArgs`): connection limits, the
/// operations guard and its token, TLS.
fn shared_settings(server: &ServerArgs, config: &mut Config) -> Result<(), Refusal> {
    let limits = server.limits(config.deadline + Duration::from_secs(1));
    config.idle_timeout = limits.idle;
    config.max_connections = limits.max_connections;
    config.max_connections_per_address = limits.per_address;
    config.header_read_timeout = limits.header_read;
    config.body_read_timeout = limits.body_read;
    config.drain_timeout = Some(limits.drain);
    config.trust_proxy = server.trust_proxy.clone().unwrap_or_default();
    config.ops_allow = server.ops_allow.clone();
    config.ops_token = Source::env("the ops token", "CONNPAY_OPS_TOKEN")
        .or_file_flag("--ops-token-file", server.ops_token_file.clone())
        .read()
        .map_err(Refusal::settings)?;
    config.tls = server.tls().map_err(Refusal::settings)?;
    Ok(())
}

/// Reads the settings, opens the store, listens, and serves until SIGTERM.
fn serve(args: Args) -> Result<ExitCode, Refusal> {
    let config = config(&args)?;
    let db = db_url(args.db.clone()).map_err(|e| Refusal(2, format!("{e:#}")))?;
    let store_options = StoreOptions {
        pg_connections: args.db_connections as usize,
        pg_ca_file: args.db_ca_file.clone(),
    };
    match &config.check_allow {
        Some(list) => tracing::info!("check and the notification are accepted only from {list}"),
        None => tracing::warn!(
            "check and the notification are accepted from every address; set --check-allow to \
             ConnPay's addresses"
        ),
    }
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Refusal(5, format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async move {
        let store = Store::open_with(&db, &store_options)
            .await
            .map_err(Refusal::settings)?;
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| {
                Refusal::settings(format!(
                    "cannot listen on {}: {e}; choose another --listen address",
                    args.listen
                ))
            })?;
        announce(&listener, &config, &store, &db);
        server_base::signals::reload_on_hangup(config.tls.clone());
        super::run(listener, store, config, server_base::signals::shutdown())
            .await
            .map_err(|e| Refusal(5, format!("the server stopped: {e}")))?;
        Ok(ExitCode::SUCCESS)
    })
}

/// The one line on stdout (scripts and tests that bind port 0 learn the port from it), and the
/// log line with the scheme and the store.
fn announce(listener: &tokio::net::TcpListener, config: &Config, store: &Store, db: &str) {
    let local = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    console::line(&format!("listening on {local}"));
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    tracing::info!(
        "connpay-server listening on {scheme}://{local}, store {} ({})",
        store.kind(),
        display_db(db)
    );
}

/// The manual page, from the same definitions as `--help`.
fn print_man() -> ExitCode {
    match server_base::man::print(command()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            console::error(PROGRAM, &format!("could not write the manual page: {e}"));
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
            "postgres://u@localhost:5432/db"
        );
        let shown = display_db("postgres://u@h/db?password=s3cret&sslmode=require");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(!display_db("postgres://u:p@ss@h/db").contains("ss@"));
        assert_eq!(display_db("connpay.sqlite3"), "connpay.sqlite3");
    }

    #[test]
    fn args_parse() {
        let a = Args::try_parse_from(["connpay-server", "--listen", "127.0.0.1:0"]).unwrap();
        assert_eq!(a.db, None);
        assert_eq!(a.server.ops_allow, AddressList::loopback());
        assert!(a.command.is_none());
        let a = Args::try_parse_from(["connpay-server", "man"]).unwrap();
        assert!(matches!(a.command, Some(Command::Man)));
        // Every flag of before keeps its name.
        for flag in [
            "--tls-cert",
            "--trust-proxy",
            "--ops-allow",
            "--log-format",
            "--idle-timeout-secs",
            "--header-timeout-secs",
            "--max-connections",
            "--max-connections-per-address",
            "--check-allow",
            "--deadline-ms",
            "--max-body",
            "--sweep-secs",
            "--db-ca-file",
        ] {
            let long = flag.trim_start_matches("--");
            assert!(
                command()
                    .get_arguments()
                    .any(|a| a.get_long() == Some(long)),
                "{flag}"
            );
        }
        let trust = command()
            .get_arguments()
            .find(|a| a.get_id() == "trust_proxy")
            .and_then(|a| a.get_env().map(|e| e.to_os_string()))
            .unwrap();
        assert_eq!(trust, "CONNPAY_TRUST_PROXY");
        assert!(Args::try_parse_from(["connpay-server", "--control-key", "x"]).is_err());
        // A certificate needs its key, and lists must parse.
        assert!(Args::try_parse_from(["connpay-server", "--tls-cert", "c.pem"]).is_err());
        assert!(Args::try_parse_from(["connpay-server", "--check-allow", "10.0.0.0/99"]).is_err());
        let a = Args::try_parse_from(["connpay-server", "--check-allow", "10.0.0.0/8,127.0.0.1"])
            .unwrap();
        assert!(
            a.check_allow
                .unwrap()
                .contains("127.0.0.1".parse().unwrap())
        );
    }

    #[test]
    fn passwords_in_urls_are_seen() {
        assert!(has_password("postgres://u:pw@host/db"));
        assert!(has_password("postgres://u@host/db?password=pw"));
        assert!(!has_password("postgres://u@host/db"));
        assert!(!has_password("connpay.sqlite3"));
    }
}
