//! `rd-relay`: serve (the default), and the platform admin's commands on the same database.
//!
//! The platform's InstantPay credentials come from the environment or from files named there,
//! never from the command line (other users can read a process's arguments):
//! `RD_RELAY_CLIENT_ID`, `RD_RELAY_ENDPOINT_IP`, `RD_RELAY_INSTANTPAY_URL`, and
//! `RD_RELAY_CLIENT_SECRET` / `RD_RELAY_CLIENT_SECRET_FILE`, `RD_RELAY_ENCRYPTION_KEY` /
//! `RD_RELAY_ENCRYPTION_KEY_FILE` (one of each pair; crates/server-base, secret.rs). `--sandbox`
//! needs none of them.
//!
//! The flags for what every server shares (TLS, the operations guard, logging, deadlines and
//! connection caps) are crates/server-base's `ServerArgs`, with the same names as in
//! connpay-server; each may also be set as `RD_RELAY_<FLAG>` (`RD_RELAY_OPS_ALLOW` as before).
//!
//! What it writes besides logs goes through crates/server-base's `console` (no `println!` or
//! `eprintln!` elsewhere): the lines scripts read, the admin commands' answers, and errors.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use clock::{Clock, SystemClock};
use instantpay::Secret;
use server_base::ServerArgs;
use server_base::console;
use server_base::secret::Source;

use sandbox::instantpay::DEMO_OUTLET_ID;

use crate::store::{LiftWhat, Outlet, Store};
use crate::{Relay, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "rd-relay",
    version,
    about = "The platform's login relay for rd-agent: one charge per outlet per day, no platform secret on shop PCs"
)]
pub(crate) struct Cli {
    /// The database: a SQLite file path, or a postgres:// URL for several instances.
    /// Without it, `--sandbox` uses a temporary SQLite file.
    #[arg(long, env = "RD_RELAY_DB", global = true)]
    pub db: Option<String>,
    /// CA certificates (PEM) that vouch for a remote PostgreSQL, instead of the Mozilla roots.
    #[arg(long, env = "RD_RELAY_DB_CA_FILE", global = true)]
    pub db_ca_file: Option<PathBuf>,
    /// PostgreSQL connections per instance.
    #[arg(long, default_value_t = crate::store::DEFAULT_POOL, global = true)]
    pub db_connections: usize,
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The prefix of the relay's environment variables (`RD_RELAY_OPS_ALLOW`, `RD_RELAY_LOG`).
const ENV_PREFIX: &str = "RD_RELAY";

/// The name that prefixes its errors on stderr (`rd-relay: …`).
const PROGRAM: &str = "rd-relay";

/// The command line, with the shared flags readable from `RD_RELAY_<FLAG>`.
pub(crate) fn command() -> clap::Command {
    server_base::args::with_env(Cli::command(), ENV_PREFIX)
}

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on (HTTPS with --tls-cert and --tls-key, or a TLS proxy in front of
    /// it: docs/relay.md).
    #[arg(long, env = "RD_RELAY_LISTEN", default_value = "127.0.0.1:8700")]
    pub listen: SocketAddr,
    /// Run against an embedded sandbox InstantPay with a demo outlet, and print an
    /// enrolment code for it.
    #[arg(long)]
    pub sandbox: bool,
    /// Calls per minute allowed per device.
    #[arg(long, default_value_t = 20.0)]
    pub device_per_minute: f64,
    /// Calls per minute allowed per outlet (all its devices).
    #[arg(long, default_value_t = 60.0)]
    pub outlet_per_minute: f64,
    /// InstantPay's read timeout, in seconds.
    #[arg(long, default_value_t = 30)]
    pub read_timeout_secs: u64,
    /// How old an attempt with no known outcome must be before "login required" settles it
    /// (at least twice the read timeout plus 60).
    #[arg(long, default_value_t = 180)]
    pub settle_window_secs: i64,
    /// Charged failures per outlet and IST day after which the relay sends nothing more for
    /// it that day (the platform pays for each); `rd-relay guard lift --what cap` lets it go on.
    #[arg(
        long,
        env = "RD_RELAY_MAX_FAILURES_PER_DAY",
        default_value_t = crate::relay::MAX_FAILURES_PER_DAY,
        value_parser = clap::value_parser!(u64).range(1..),
        global = true
    )]
    pub max_failures_per_day: u64,
    /// Let an operator who explicitly asks (`override_declines`) go on after two biometric
    /// declines in a row; without it only `rd-relay guard lift` does.
    #[arg(
        long,
        env = "RD_RELAY_ALLOW_DEVICE_OVERRIDE",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub allow_device_override: bool,
    #[command(flatten)]
    pub server: ServerArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Serve the relay (what `rd-relay` does without a command).
    Serve,
    /// Print the manual page (troff) on stdout: `rd-relay man | man -l -`.
    Man,
    /// Add an outlet to the registry, or update its coordinates.
    OutletAdd {
        #[arg(long)]
        outlet: String,
        /// Decimal degrees, 4 to 6 decimals.
        #[arg(long)]
        latitude: String,
        #[arg(long)]
        longitude: String,
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Create a one-time enrolment code for an outlet, for `rd-agent enroll`.
    EnrollCode {
        #[arg(long)]
        outlet: String,
        /// Hours the code stays valid.
        #[arg(long, default_value_t = 24)]
        valid_hours: i64,
    },
    /// List the enrolled devices, with their last use.
    Devices {
        #[arg(long)]
        outlet: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device: its next call is refused.
    Revoke {
        #[arg(long)]
        device: String,
    },
    /// Every attempt of an IST day, as CSV (the record of charges).
    Report {
        /// YYYY-MM-DD (IST); today if left out.
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// The guards before a charge: why an outlet is held, and letting it go on.
    Guard {
        #[command(subcommand)]
        action: GuardAction,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum GuardAction {
    /// Let a held outlet log in again, recorded with who and when.
    Lift {
        #[arg(long)]
        outlet: String,
        /// Who lifts it (a name the platform's support knows), kept with the lift.
        #[arg(long)]
        by: String,
        /// declines: its biometric declines count from zero again; cap: today's failures
        /// count from zero again (this IST day only); both.
        #[arg(long, value_enum, default_value_t = LiftWhat::Both)]
        what: LiftWhat,
    },
    /// An outlet's biometric declines in a row, today's charged failures, and its lifts.
    Show {
        #[arg(long)]
        outlet: String,
    },
}

pub fn main() -> ExitCode {
    let cli = match Cli::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    server_base::logging::init(cli.serve.server.log_format, ENV_PREFIX);
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            console::error(PROGRAM, &format!("cannot start: {e}"));
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            console::error(PROGRAM, &format!("{e:#}"));
            ExitCode::from(2)
        }
    }
}

/// The manual page, from the same clap definitions as `--help` (the .deb installs it:
/// installer/linux/build-deb.sh).
fn print_man() -> anyhow::Result<()> {
    server_base::man::print(command()).context("could not write the manual page")
}

/// Where the database is and how to reach it.
struct Db {
    url: Option<String>,
    ca_file: Option<PathBuf>,
    connections: usize,
}

impl Db {
    async fn open_url(&self, url: &str) -> anyhow::Result<Store> {
        Ok(Store::open_with(url, self.connections, self.ca_file.as_deref()).await?)
    }

    async fn open(&self) -> anyhow::Result<Store> {
        let Some(url) = &self.url else {
            bail!("no database: pass --db FILE (SQLite) or --db postgres://… (or set RD_RELAY_DB)");
        };
        self.open_url(url).await
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let db = Db {
        url: cli.db,
        ca_file: cli.db_ca_file,
        connections: cli.db_connections,
    };
    match cli.command {
        None | Some(Command::Serve) => serve(db, cli.serve, clock).await,
        Some(Command::Guard { action }) => {
            guard(&db, action, clock.now(), cli.serve.max_failures_per_day).await
        }
        Some(Command::Man) => print_man(),
        Some(Command::OutletAdd {
            outlet,
            latitude,
            longitude,
            name,
        }) => {
            instantpay::validate_coordinates(&latitude, &longitude)?;
            let store = db.open().await?;
            store
                .put_outlet(
                    &Outlet {
                        outlet_id: outlet.clone(),
                        latitude,
                        longitude,
                        name,
                    },
                    clock.now(),
                )
                .await?;
            say(&format!("outlet {outlet} registered\n"))
        }
        Some(Command::EnrollCode {
            outlet,
            valid_hours,
        }) => {
            let store = db.open().await?;
            let now = clock.now();
            if store.outlet(&outlet).await?.is_none() {
                bail!(
                    "outlet {outlet} is not registered: add it with `rd-relay outlet-add --outlet {outlet} --latitude … --longitude …`"
                );
            }
            let code = crate::enrol::new_code();
            store
                .put_code(
                    &crate::store::digest(&crate::enrol::normalise_code(&code)),
                    &outlet,
                    now,
                    now + chrono::Duration::hours(valid_hours.clamp(1, 24 * 30)),
                )
                .await?;
            say(&format!("enrolment code: {code}\n"))
        }
        Some(Command::Devices { outlet, json }) => {
            let store = db.open().await?;
            let devices = store.devices(outlet.as_deref()).await?;
            let mut text = String::new();
            if json {
                text = serde_json::to_string_pretty(&devices)? + "\n";
            } else {
                let ist = |t: chrono::DateTime<chrono::Utc>| {
                    t.with_timezone(&clock::ist())
                        .format("%Y-%m-%d %H:%M IST")
                        .to_string()
                };
                for d in devices {
                    text += &format!(
                        "{}  outlet {}  {:<20}  enrolled {}  last used {}{}\n",
                        d.device_id,
                        d.outlet_id,
                        d.label,
                        ist(d.created_at),
                        d.last_used_at.map_or("never".into(), ist),
                        d.revoked_at
                            .map_or(String::new(), |t| format!("  REVOKED {}", ist(t))),
                    );
                }
            }
            say(&text)
        }
        Some(Command::Revoke { device }) => {
            let store = db.open().await?;
            if !store.revoke(&device, clock.now()).await? {
                bail!("no device {device}: see `rd-relay devices`");
            }
            say(&format!("device {device} revoked\n"))
        }
        Some(Command::Report { date }) => {
            let store = db.open().await?;
            let day = date.unwrap_or_else(|| clock::ist_date(clock.now()));
            say(&crate::fleet::report(&store, day).await?)
        }
    }
}

/// `rd-relay guard lift|show`.
async fn guard(
    db: &Db,
    action: GuardAction,
    now: chrono::DateTime<chrono::Utc>,
    max_failures_per_day: u64,
) -> anyhow::Result<()> {
    let store = db.open().await?;
    let registered = async |outlet: &str| {
        if store.outlet(outlet).await?.is_none() {
            bail!("outlet {outlet} is not registered: add it with `rd-relay outlet-add`");
        }
        anyhow::Ok(())
    };
    let text = match action {
        GuardAction::Lift { outlet, by, what } => {
            registered(&outlet).await?;
            let by: String = by.chars().filter(|c| !c.is_control()).take(64).collect();
            if by.trim().is_empty() {
                bail!("--by must name who lifts the hold");
            }
            crate::guard::lift(&store, &outlet, what, by.trim(), now, max_failures_per_day).await?
        }
        GuardAction::Show { outlet } => {
            registered(&outlet).await?;
            crate::guard::show(&store, &outlet, now, max_failures_per_day).await?
        }
    };
    say(&text)
}

/// An admin command's answer on stdout (server-base's console): a reader that went away is
/// nobody's error, any other failure (a full disk under `report > charges.csv`) fails the
/// command.
fn say(text: &str) -> anyhow::Result<()> {
    console::out(text).context("could not write the answer to standard output")
}

/// A secret from `NAME`, or from the file `NAME_FILE` names (not both).
fn secret_from_env(name: &str) -> anyhow::Result<Secret> {
    match Source::env(name, name).read()? {
        Some(v) => Ok(Secret::new(v.as_str())),
        None => bail!("{name} is not set: set it, or {name}_FILE to a file holding it"),
    }
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// The platform's InstantPay client settings and encryption key, from the environment.
fn platform_credentials(settings: &Settings) -> anyhow::Result<(instantpay::ClientConfig, Secret)> {
    let mut cc = instantpay::ClientConfig::new(
        env_or("RD_RELAY_INSTANTPAY_URL", instantpay::DEFAULT_BASE_URL),
        env_or("RD_RELAY_CLIENT_ID", ""),
        secret_from_env("RD_RELAY_CLIENT_SECRET")?,
        // Every call names its outlet (Client::for_outlet); this one is never sent.
        "0",
        env_or("RD_RELAY_ENDPOINT_IP", ""),
    );
    cc.read_timeout = settings.read_timeout;
    if cc.client_id.is_empty() {
        bail!("RD_RELAY_CLIENT_ID is not set: the platform's InstantPay client id");
    }
    let key = secret_from_env("RD_RELAY_ENCRYPTION_KEY")?;
    if key.len() != instantpay::KEY_LEN {
        bail!(
            "RD_RELAY_ENCRYPTION_KEY must be exactly {} bytes (InstantPay's Encryption Key); this one has {}",
            instantpay::KEY_LEN,
            key.len()
        );
    }
    Ok((cc, key))
}

async fn serve(db: Db, args: ServeArgs, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let floor = instantpay::min_settle_window_secs(args.read_timeout_secs);
    if u64::try_from(args.settle_window_secs).map_or(true, |w| w < floor) {
        bail!(
            "--settle-window-secs must be at least twice --read-timeout-secs plus 60 ({floor}): a shorter window could pay twice for one login"
        );
    }
    let server = &args.server;
    let tls = server.tls()?;
    let settings = Settings {
        ops: server.ops_guard(ENV_PREFIX)?,
        // A login in flight waits for InstantPay's answer and records it: the drain lets it.
        limits: server.limits(std::time::Duration::from_secs(args.read_timeout_secs + 10)),
        tls: tls.clone(),
        trust_proxy: server.trust_proxy.clone().unwrap_or_default(),
        device_per_minute: args.device_per_minute,
        outlet_per_minute: args.outlet_per_minute,
        max_failures_per_day: args.max_failures_per_day,
        allow_device_override: args.allow_device_override,
        read_timeout: std::time::Duration::from_secs(args.read_timeout_secs),
        settle_window: chrono::Duration::seconds(args.settle_window_secs),
        ..Settings::default()
    };
    let mut temp_db: Option<PathBuf> = None;
    let url = match db.url.clone() {
        Some(url) => url,
        None if args.sandbox => {
            let path = std::env::temp_dir()
                .join(format!("rd-relay-sandbox-{}.sqlite3", std::process::id()));
            temp_db = Some(path.clone());
            path.display().to_string()
        }
        None => {
            bail!("no database: pass --db FILE (SQLite) or --db postgres://… (or set RD_RELAY_DB)")
        }
    };
    let mut sandbox = None;
    let relay = if args.sandbox {
        let store = db.open_url(&url).await?;
        let s = crate::demo::start(store, settings, clock.clone()).await?;
        let relay = s.relay.clone();
        let code = crate::enrol::issue_code(&relay, DEMO_OUTLET_ID, chrono::Duration::hours(24))
            .await?
            .context("the demo outlet is registered")?;
        console::note(&format!(
            "rd-relay sandbox: sandbox InstantPay at {}, demo outlet {DEMO_OUTLET_ID}",
            s.instantpay.base_url(),
        ));
        if let Some(p) = &temp_db {
            console::note(&format!(
                "rd-relay sandbox: database {} (removed at exit)",
                p.display()
            ));
        }
        console::line(&format!("enrolment code: {code}"));
        sandbox = Some(s.instantpay);
        relay
    } else {
        let (client_config, key) = platform_credentials(&settings)?;
        let store = db.open_url(&url).await?;
        let instantpay = instantpay::Client::new(client_config)?;
        Arc::new(Relay::new(store, instantpay, key, clock.clone(), settings))
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(%addr, db = relay.store.kind(), "rd-relay listening on {scheme}");
    console::line(&format!("listening on {scheme}://{addr}"));
    server_base::signals::reload_on_hangup(tls);
    let served = crate::http::serve(relay, listener, server_base::signals::shutdown()).await;
    if let Some(s) = sandbox {
        s.shutdown().await;
    }
    if let Some(p) = temp_db {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
        }
    }
    Ok(served?)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{Cli, Command, GuardAction};
    use crate::store::LiftWhat;

    #[test]
    fn the_limits_and_guards_are_flags_with_their_defaults() {
        let cli = Cli::try_parse_from(["rd-relay"]).unwrap();
        assert_eq!(cli.serve.device_per_minute, 20.0);
        assert_eq!(cli.serve.outlet_per_minute, 60.0);
        assert_eq!(cli.serve.max_failures_per_day, 5);
        assert!(!cli.serve.allow_device_override);
        let cli = Cli::try_parse_from([
            "rd-relay",
            "--device-per-minute",
            "4",
            "--outlet-per-minute",
            "8",
            "--max-failures-per-day",
            "3",
            "--allow-device-override",
        ])
        .unwrap();
        assert_eq!(cli.serve.device_per_minute, 4.0);
        assert_eq!(cli.serve.outlet_per_minute, 8.0);
        assert_eq!(cli.serve.max_failures_per_day, 3);
        assert!(cli.serve.allow_device_override);
        // No cap at all is not a setting: every failure is paid for.
        assert!(Cli::try_parse_from(["rd-relay", "--max-failures-per-day", "0"]).is_err());
    }

    #[test]
    fn guard_lift_takes_an_outlet_a_name_and_what_to_lift() {
        let cli = Cli::try_parse_from([
            "rd-relay", "guard", "lift", "--outlet", "72762", "--by", "asha", "--what", "cap",
        ])
        .unwrap();
        match cli.command {
            Some(Command::Guard {
                action: GuardAction::Lift { outlet, by, what },
            }) => assert_eq!(
                (outlet.as_str(), by.as_str(), what),
                ("72762", "asha", LiftWhat::Cap)
            ),
            other => panic!("{other:?}"),
        }
        let cli = Cli::try_parse_from([
            "rd-relay", "guard", "lift", "--outlet", "72762", "--by", "asha",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Guard {
                action: GuardAction::Lift {
                    what: LiftWhat::Both,
                    ..
                }
            })
        ));
        assert!(Cli::try_parse_from(["rd-relay", "guard", "lift", "--outlet", "72762"]).is_err());
        let cli = Cli::try_parse_from([
            "rd-relay",
            "guard",
            "show",
            "--outlet",
            "72762",
            "--max-failures-per-day",
            "7",
        ])
        .unwrap();
        assert_eq!(cli.serve.max_failures_per_day, 7);
    }
}
