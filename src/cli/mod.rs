//! The `rd-agent` command line (docs/architecture.md, "Command line"). One file per command group; this file only
//! parses, sets up diagnostics and dispatches.
//!
//! Contract: `--json` prints one JSON document on stdout and nothing else there; human output
//! goes to stdout, diagnostics to stderr; exit 0 only on success, else one of `Exit`'s codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::UiLanguage;

pub(crate) mod agent;
pub(crate) mod capture;
pub(crate) mod completions;
pub(crate) mod config;
pub(crate) mod devices;
pub(crate) mod doctor;
pub(crate) mod enroll;
pub(crate) mod help;
pub(crate) mod liveness;
pub(crate) mod login;
pub(crate) mod man;
pub(crate) mod open;
pub(crate) mod pid;
mod progress;
pub(crate) mod sandbox;
pub(crate) mod service;
pub(crate) mod status;
mod target;
pub(crate) mod uidai;
pub(crate) mod wizard;

pub use agent::TrayOptions;

#[derive(Debug, Parser)]
#[command(name = "rd-agent", version, about = "Daily AePS biometric login agent")]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Flags every command takes.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Global {
    /// Print one JSON document on stdout instead of human text.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Config file (default: the system or per-user location).
    #[arg(long, global = true, env = "RD_AGENT_CONFIG", value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// State directory: ledger, secrets file, logs, IPC socket.
    #[arg(long, global = true, env = "RD_AGENT_STATE_DIR", value_name = "DIR")]
    pub(crate) state_dir: Option<PathBuf>,
    /// The service's IPC endpoint (default: the one the service recorded in the state
    /// directory, else `<state dir>/agent.sock`, else the system one).
    #[arg(long, global = true, env = "RD_AGENT_SOCKET", value_name = "PATH")]
    pub(crate) socket: Option<PathBuf>,
    /// The language of what a person reads: en, hi or auto (default: the config's
    /// ui.language).
    #[arg(long, global = true, value_name = "LANG", value_parser = ["en", "hi", "auto"])]
    pub(crate) lang: Option<String>,
}

impl Global {
    /// Where a client finds the service (one resolver for every command).
    pub(crate) fn endpoint(&self) -> PathBuf {
        crate::agent::endpoint::for_client(self.socket.as_deref(), self.state_dir.as_deref())
    }

    /// These flags as arguments again, for a program that takes the same ones (the tray's).
    pub(crate) fn args(&self) -> Vec<std::ffi::OsString> {
        let mut args = Vec::new();
        if self.json {
            args.push("--json".into());
        }
        for (flag, value) in [
            ("--config", &self.config),
            ("--state-dir", &self.state_dir),
            ("--socket", &self.socket),
        ] {
            if let Some(v) = value {
                args.push(flag.into());
                args.push(v.clone().into_os_string());
            }
        }
        if let Some(lang) = &self.lang {
            args.push("--lang".into());
            args.push(lang.into());
        }
        args
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Discover RD Services on this machine.
    Devices(devices::Args),
    /// Capture one fingerprint and print the parsed PID (crypto fields by length only).
    Capture(capture::Args),
    /// Work with PidData XML files.
    #[command(subcommand)]
    Pid(pid::Command),
    /// The daily login.
    Login(login::Args),
    /// Today's login state, expiry, last attempt and attempts charged.
    Status(status::Args),
    /// Face-liveness sessions.
    #[command(subcommand)]
    Liveness(liveness::Command),
    /// Run the simulated RD Service and sandbox InstantPay in the foreground.
    Sandbox(sandbox::Args),
    /// Run the background service.
    Run(agent::RunArgs),
    /// Run the per-user tray icon.
    Tray(agent::TrayArgs),
    /// Open the operator's page in the browser (`--print-url`: print its address).
    Open(open::Args),
    /// Register or remove the service.
    #[command(subcommand)]
    Service(service::Command),
    /// Create, show and fill in the config.
    #[command(subcommand)]
    Config(config::Command),
    /// Join the platform's login relay with a one-time code (no InstantPay secret on this PC).
    Enroll(enroll::Args),
    /// Check everything a support call would.
    Doctor(doctor::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::Args),
    /// Print the manual page, or write every command's page into a directory.
    Man(man::Args),
}

/// The language of a command's human output: `--lang`, else `ui.language` from the config
/// where one can be read, else the user's locale. `--json` is English whatever this says.
pub(crate) fn language(global: &Global) -> crate::i18n::Lang {
    if let Some(lang) = lang_flag(global) {
        return lang;
    }
    config::user_paths(global)
        .ok()
        .and_then(|p| p.load_config().ok())
        .map(|c| c.ui.language)
        .unwrap_or_default()
        .lang()
}

/// The language `--lang` names, if it was given.
pub(crate) fn lang_flag(global: &Global) -> Option<crate::i18n::Lang> {
    global
        .lang
        .as_deref()
        .and_then(|l| l.parse::<UiLanguage>().ok())
        .map(UiLanguage::lang)
}

/// Exit codes (docs/architecture.md, "Command line").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Exit {
    /// Anything not covered below.
    Failure = 1,
    /// Bad usage or config.
    Usage = 2,
    /// Device or RD Service.
    Device = 3,
    /// Rejected by the API.
    Rejected = 4,
    /// Network failure or unknown outcome.
    Network = 5,
}

/// A command's failure: what to tell the person, and the exit code.
#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) exit: Exit,
    /// The sentence as it is shown (already in the person's language), or English where
    /// `said` is set.
    pub(crate) message: String,
    /// The sentence as a catalogue message, rendered in the person's language at the end
    /// (English under `--json`).
    pub(crate) said: Option<crate::i18n::Msg>,
    /// Under `--json`, more of the command's document to print beside `ok` and `error` (so
    /// stdout still holds one document).
    pub(crate) json: Option<serde_json::Map<String, serde_json::Value>>,
}

impl CliError {
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Self {
        CliError {
            exit,
            message: message.into(),
            said: None,
            json: None,
        }
    }

    /// A failure whose sentence is in the catalogue.
    pub(crate) fn said(exit: Exit, said: crate::i18n::Msg) -> Self {
        CliError {
            exit,
            message: said.english(),
            said: Some(said),
            json: None,
        }
    }
}

pub(crate) type CmdResult = Result<(), CliError>;

/// Print a value as the command's one JSON document.
pub(crate) fn print_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => outln!("{s}"),
        Err(e) => eoutln!("error: could not encode the output as JSON: {e}"),
    }
}

/// Run an async command body on a fresh runtime.
pub(crate) fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("the tokio runtime starts")
        .block_on(fut)
}

fn init_diagnostics() {
    // Diagnostics go to stderr; RD_AGENT_LOG=debug for more. The service adds its own file log.
    let filter = tracing_subscriber::EnvFilter::try_from_env("RD_AGENT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Its own report of a failed write would be an eprintln!, which panics when stderr
        // is a pipe nobody reads (src/console.rs).
        .log_internal_errors(false)
        .try_init();
}

/// Entry point of the `rd-agent` binary.
pub fn main() -> ExitCode {
    run(parse(std::env::args_os().collect()))
}

/// The arguments, parsed with the operator's commands' help in their language (src/cli/help.rs).
fn parse(args: Vec<std::ffi::OsString>) -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let lang = help::language_before_parsing(&args);
    let matches = help::localize(Cli::command(), lang).get_matches_from(args);
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Entry point of the `rd-agent-tray` program (crates/tray): its arguments are `rd-agent
/// tray`'s, and `run_tray` is the tray; `Err` is the sentence to show.
pub fn tray_main(run_tray: fn(TrayOptions) -> Result<(), String>) -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    args.insert(1.min(args.len()), "tray".into());
    run_with(parse(args), Some(run_tray))
}

fn run(cli: Cli) -> ExitCode {
    run_with(cli, None)
}

fn run_with(cli: Cli, tray: Option<agent::TrayRunner>) -> ExitCode {
    let global = cli.global;
    if !matches!(cli.command, Command::Run(_) | Command::Tray(_)) {
        init_diagnostics();
    }
    let result = match cli.command {
        Command::Devices(a) => devices::run(a, &global),
        Command::Capture(a) => capture::run(a, &global),
        Command::Pid(c) => pid::run(c, &global),
        Command::Login(a) => login::run(a, &global),
        Command::Status(a) => status::run(a, &global),
        Command::Liveness(c) => liveness::run(c, &global),
        Command::Sandbox(a) => sandbox::run(a, &global),
        Command::Run(a) => agent::run(a, &global),
        Command::Tray(a) => agent::tray(a, &global, tray),
        Command::Open(a) => open::run(a, &global),
        Command::Service(c) => service::run(c, &global),
        Command::Config(c) => config::run(c, &global),
        Command::Enroll(a) => enroll::run(a, &global),
        Command::Doctor(a) => doctor::run(a, &global),
        Command::Completions(a) => completions::run(a),
        Command::Man(a) => man::run(a),
    };
    // A command that did its work but whose output could not be written (not a reader that
    // went away: src/console.rs) has not done what was asked.
    let result = result.and_then(|()| match crate::console::stdout_failure() {
        Some(error) => Err(CliError::said(
            Exit::Failure,
            crate::i18n::Msg::new("cli-output-failed").arg("error", error),
        )),
        None => Ok(()),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            use crate::i18n::{Catalog, Lang, Msg};
            // --json (the document and stderr) is English in every language.
            let lang = if global.json {
                Lang::En
            } else {
                language(&global)
            };
            let cat = Catalog::get(lang);
            if global.json {
                let mut doc = e.json.unwrap_or_default();
                doc.insert("ok".into(), false.into());
                doc.insert(
                    "error".into(),
                    serde_json::json!({ "kind": e.exit, "message": e.message }),
                );
                print_json(&doc);
            }
            let message = e.said.map_or(e.message, |m| cat.render(&m));
            eoutln!(
                "{}",
                cat.render(&Msg::new("cli-error").arg("message", message))
            );
            ExitCode::from(e.exit as u8)
        }
    }
}
