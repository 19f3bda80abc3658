//! `rd-agent config init|show|set-secret`.
//!
//! Secrets are read from standard input (hidden on a terminal), never from the command line,
//! where other users could read them in the process list.

use std::io::{IsTerminal, Read};
use std::path::Path;

use serde_json::json;

use super::{CliError, CmdResult, Exit, Global, print_json};
use crate::config::{
    Config, ConfigError, Paths, Scope, SecretName, Secrets, ensure_state_dir, write_file_atomic,
};
use crate::i18n::{Catalog, Lang, Msg};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write the config file: asks on a terminal, or takes the values as flags.
    Init(InitArgs),
    /// Print the config in force (file, then environment), secrets as set / not set.
    Show,
    /// Set a secret (instantpay.client_secret, instantpay.encryption_key, operator.aadhaar)
    /// from standard input.
    SetSecret {
        /// instantpay.client_secret, instantpay.encryption_key or operator.aadhaar.
        name: String,
    },
}

#[derive(Debug, Default, clap::Args)]
pub struct InitArgs {
    /// InstantPay API root (default: the live API).
    #[arg(long)]
    pub base_url: Option<String>,
    #[arg(long)]
    pub client_id: Option<String>,
    #[arg(long)]
    pub outlet_id: Option<String>,
    /// The shop's public IP as whitelisted with InstantPay.
    #[arg(long)]
    pub endpoint_ip: Option<String>,
    /// Decimal degrees, 4 to 6 decimals, e.g. 19.0760.
    #[arg(long)]
    pub latitude: Option<String>,
    /// Decimal degrees, 4 to 6 decimals, e.g. 72.8777.
    #[arg(long)]
    pub longitude: Option<String>,
    /// RD Service ports to search, e.g. 11100-11120.
    #[arg(long)]
    pub rd_ports: Option<String>,
    #[arg(long)]
    pub min_qscore: Option<u32>,
    #[arg(long)]
    pub min_nmpoints: Option<u32>,
    /// Do not ask anything, even on a terminal.
    #[arg(long)]
    pub no_input: bool,
    /// Start from the defaults instead of the existing file.
    #[arg(long)]
    pub overwrite: bool,
}

/// The config file and state directory for a one-shot command run by a person.
pub(crate) fn user_paths(global: &Global) -> Result<Paths, CliError> {
    Paths::resolve(
        global.config.as_deref(),
        global.state_dir.as_deref(),
        Scope::User,
    )
    .map_err(config_error)
}

pub(crate) fn config_error(e: ConfigError) -> CliError {
    CliError::said(Exit::Usage, e.msg())
}

pub(crate) fn secrets_error(e: crate::config::SecretsError) -> CliError {
    CliError::said(Exit::Usage, e.msg())
}

pub fn run(cmd: Command, global: &Global) -> CmdResult {
    let paths = user_paths(global)?;
    match cmd {
        Command::Init(a) => init(a, &paths, global),
        Command::Show => show(&paths, global),
        Command::SetSecret { name } => set_secret(&name, &paths, global),
    }
}

fn init(a: InitArgs, paths: &Paths, global: &Global) -> CmdResult {
    let mut cfg = if a.overwrite {
        Config::default()
    } else {
        Config::load(&paths.config_file).map_err(config_error)?
    };
    let flags: [(&str, Option<String>); 9] = [
        ("instantpay.base_url", a.base_url),
        ("instantpay.client_id", a.client_id),
        ("instantpay.outlet_id", a.outlet_id),
        ("instantpay.endpoint_ip", a.endpoint_ip),
        ("outlet.latitude", a.latitude),
        ("outlet.longitude", a.longitude),
        ("rd.ports", a.rd_ports),
        ("capture.min_qscore", a.min_qscore.map(|n| n.to_string())),
        (
            "capture.min_nmpoints",
            a.min_nmpoints.map(|n| n.to_string()),
        ),
    ];
    let interactive = !a.no_input && !global.json && std::io::stdin().is_terminal();
    let cat = Catalog::get(if global.json {
        Lang::En
    } else {
        super::language(global)
    });
    if interactive {
        let m = Msg::new("config-setting-up").arg("path", paths.config_file.display().to_string());
        outln!("{}", cat.render(&m));
    }
    for (key, flag) in flags {
        let value = match flag {
            Some(v) => Some(v),
            None if interactive => ask(key, &get(&cfg, key), cat)?,
            None => None,
        };
        if let Some(v) = value {
            set(&mut cfg, key, v.trim())?;
        }
    }
    cfg.check_formats().map_err(config_error)?;
    write_file_atomic(&paths.config_file, &config_text(&cfg), false).map_err(config_error)?;

    if interactive {
        ensure_state_dir(&paths.state_dir).map_err(config_error)?;
        let file = paths.secrets_file();
        let mut secrets = Secrets::load(&file).map_err(secrets_error)?;
        for &name in cfg.required_secrets() {
            let prompt = cat.render(
                &Msg::new("config-prompt-secret-keep")
                    .arg("key", name.key())
                    .arg("shown", shown(&secrets, name)),
            );
            let typed = zeroize::Zeroizing::new(
                rpassword::prompt_password(prompt).map_err(|e| terminal_error(&e))?,
            );
            if !typed.trim().is_empty() {
                secrets.set(name, &typed).map_err(secrets_error)?;
            }
        }
        secrets.save(&file).map_err(secrets_error)?;
    }

    let problems = problems(&cfg, paths);
    if global.json {
        print_json(&json!({
            "ok": true,
            "config_file": paths.config_file,
            "problems": english(&problems),
        }));
    } else {
        let m = Msg::new("config-wrote").arg("path", paths.config_file.display().to_string());
        outln!("{}", cat.render(&m));
        print_problems(&problems, cat);
    }
    Ok(())
}

fn terminal_error(e: &std::io::Error) -> CliError {
    CliError::said(
        Exit::Failure,
        Msg::new("config-cannot-read-terminal").arg("error", e.to_string()),
    )
}

/// What `config show` and the prompts say about a secret: set / not set, the Aadhaar masked.
fn shown(secrets: &Secrets, name: SecretName) -> Msg {
    match (name, &secrets.aadhaar) {
        (SecretName::Aadhaar, Some(a)) => match a.usable() {
            Ok(_) => Msg::verbatim(a.masked()),
            Err(_) => Msg::new("secret-shown-aadhaar-invalid").arg("masked", a.masked()),
        },
        _ if secrets.is_set(name) => Msg::new("secret-shown-set"),
        _ => Msg::new("secret-shown-not-set"),
    }
}

fn english(msgs: &[Msg]) -> Vec<String> {
    msgs.iter().map(Msg::english).collect()
}

/// Ask one value on the terminal; `None` keeps the current one.
fn ask(key: &str, current: &str, cat: &Catalog) -> Result<Option<String>, CliError> {
    let prompt = Msg::new("config-prompt-value")
        .arg("key", key)
        .arg("current", current);
    // out! flushes, so the prompt shows before the read (src/console.rs).
    out!("{}", cat.render(&prompt));
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| terminal_error(&e))?;
    let line = line.trim();
    Ok((!line.is_empty()).then(|| line.to_string()))
}

fn get(cfg: &Config, key: &str) -> String {
    match key {
        "instantpay.base_url" => cfg.instantpay.base_url.clone(),
        "instantpay.client_id" => cfg.instantpay.client_id.clone(),
        "instantpay.outlet_id" => cfg.instantpay.outlet_id.clone(),
        "instantpay.endpoint_ip" => cfg.instantpay.endpoint_ip.clone(),
        "outlet.latitude" => crate::config::text_or_empty(&cfg.outlet.latitude),
        "outlet.longitude" => crate::config::text_or_empty(&cfg.outlet.longitude),
        "rd.ports" => cfg.rd.ports.to_string(),
        "capture.min_qscore" => cfg.capture.min_qscore.to_string(),
        "capture.min_nmpoints" => cfg.capture.min_nmpoints.to_string(),
        _ => String::new(),
    }
}

/// `v` as the key's type, or a usage error saying what the key takes.
fn typed<T: std::str::FromStr>(v: &str) -> Result<T, CliError>
where
    T::Err: std::fmt::Display,
{
    v.parse()
        .map_err(|e: T::Err| CliError::new(Exit::Usage, e.to_string()))
}

fn set(cfg: &mut Config, key: &str, v: &str) -> Result<(), CliError> {
    let number = |v: &str| {
        v.parse::<u32>().map_err(|_| {
            CliError::said(
                Exit::Usage,
                Msg::new("config-whole-number").arg("key", key.to_string()),
            )
        })
    };
    match key {
        "instantpay.base_url" => cfg.instantpay.base_url = v.into(),
        "instantpay.client_id" => cfg.instantpay.client_id = v.into(),
        "instantpay.outlet_id" => cfg.instantpay.outlet_id = v.into(),
        "instantpay.endpoint_ip" => cfg.instantpay.endpoint_ip = v.into(),
        "outlet.latitude" => cfg.outlet.latitude = Some(typed(v)?),
        "outlet.longitude" => cfg.outlet.longitude = Some(typed(v)?),
        "rd.ports" => cfg.rd.ports = typed(v)?,
        "capture.min_qscore" => cfg.capture.min_qscore = number(v)?,
        "capture.min_nmpoints" => cfg.capture.min_nmpoints = number(v)?,
        _ => {}
    }
    Ok(())
}

/// The file `config init` writes: the values, with a header saying where secrets go.
pub(crate) fn config_text(cfg: &Config) -> String {
    format!(
        "# rd-agent config. Every key can be overridden by RD_AGENT_<SECTION>__<KEY>.\n\
         # Secrets are not kept here: use `rd-agent config set-secret NAME`.\n\n{}",
        cfg.to_toml()
    )
}

/// Everything still missing for a real login, as operator sentences.
fn problems(cfg: &Config, paths: &Paths) -> Vec<Msg> {
    let mut out = Vec::new();
    if let Err(e) = cfg.require_login() {
        out.push(e.msg());
    }
    match Secrets::load(&paths.secrets_file()) {
        Ok(s) => {
            for &name in cfg.required_secrets() {
                if !s.is_set(name) {
                    out.push(Msg::new("config-secret-not-set").arg("key", name.key()));
                }
            }
        }
        Err(e) => out.push(e.msg()),
    }
    out
}

fn print_problems(problems: &[Msg], cat: &Catalog) {
    if problems.is_empty() {
        outln!("{}", cat.tr("config-ready"));
    } else {
        outln!("{}", cat.tr("config-not-ready"));
        for p in problems {
            outln!("  - {}", cat.render(p));
        }
    }
}

fn show(paths: &Paths, global: &Global) -> CmdResult {
    let cfg = Config::load(&paths.config_file).map_err(config_error)?;
    let secrets_file = paths.secrets_file();
    let secrets = Secrets::load(&secrets_file).map_err(secrets_error)?;
    let shown_json: serde_json::Map<String, serde_json::Value> = cfg
        .required_secrets()
        .iter()
        .map(|n| (n.key().to_string(), json!(secrets.shown(*n))))
        .collect();
    let problems = problems(&cfg, paths);
    let exists = paths.config_file.is_file();
    if global.json {
        print_json(&json!({
            "config_file": paths.config_file,
            "config_file_exists": exists,
            "state_dir": paths.state_dir,
            "secrets_file": secrets_file,
            "config": cfg,
            "secrets": shown_json,
            "ready": problems.is_empty(),
            "problems": english(&problems),
        }));
        return Ok(());
    }
    let cat = Catalog::get(super::language(global));
    let path = |p: &Path| p.display().to_string();
    let file = Msg::new(if exists {
        "config-show-file"
    } else {
        "config-show-file-missing"
    })
    .arg("path", path(&paths.config_file));
    outln!("# {}", cat.render(&file));
    let dir = Msg::new("config-show-state-dir").arg("path", path(&paths.state_dir));
    outln!("# {}", cat.render(&dir));
    outln!("{}", cfg.to_toml());
    let secrets_line = Msg::new("config-show-secrets").arg("path", path(&secrets_file));
    outln!("# {}", cat.render(&secrets_line));
    for &n in cfg.required_secrets() {
        outln!("#   {:<27} {}", n.key(), cat.render(&shown(&secrets, n)));
    }
    print_problems(&problems, cat);
    Ok(())
}

/// One secret from standard input: hidden on a terminal, else all of stdin (bounded).
pub(crate) fn read_secret(
    name: SecretName,
    cat: &Catalog,
) -> Result<zeroize::Zeroizing<String>, CliError> {
    let stdin = std::io::stdin();
    Ok(if stdin.is_terminal() {
        let prompt = cat.render(&Msg::new("config-prompt-secret").arg("key", name.key()));
        zeroize::Zeroizing::new(rpassword::prompt_password(prompt).map_err(|e| terminal_error(&e))?)
    } else {
        let mut buf = zeroize::Zeroizing::new(Vec::new());
        stdin
            .lock()
            .take(MAX_SECRET_INPUT + 1)
            .read_to_end(&mut buf)
            .map_err(|e| {
                CliError::said(
                    Exit::Failure,
                    Msg::new("config-cannot-read-stdin").arg("error", e.to_string()),
                )
            })?;
        if buf.len() as u64 > MAX_SECRET_INPUT {
            return Err(CliError::said(
                Exit::Usage,
                Msg::new("config-secret-too-long").arg("key", name.key()),
            ));
        }
        let text = std::str::from_utf8(&buf).map_err(|_| {
            CliError::said(
                Exit::Usage,
                Msg::new("config-secret-not-text").arg("key", name.key()),
            )
        })?;
        zeroize::Zeroizing::new(text.to_string())
    })
}

/// Longest secret accepted on stdin.
const MAX_SECRET_INPUT: u64 = 4096;

fn set_secret(name: &str, paths: &Paths, global: &Global) -> CmdResult {
    let name = SecretName::parse(name).map_err(secrets_error)?;
    let cat = Catalog::get(if global.json {
        Lang::En
    } else {
        super::language(global)
    });
    let typed = read_secret(name, cat)?;
    ensure_state_dir(&paths.state_dir).map_err(config_error)?;
    let file = paths.secrets_file();
    let mut secrets = Secrets::load(&file).map_err(secrets_error)?;
    secrets.set(name, &typed).map_err(secrets_error)?;
    secrets.save(&file).map_err(secrets_error)?;
    if global.json {
        print_json(&json!({
            "ok": true,
            "name": name.key(),
            "value": secrets.shown(name),
            "secrets_file": file,
        }));
    } else {
        let saved = Msg::new("config-secret-saved")
            .arg("key", name.key())
            .arg("shown", shown(&secrets, name))
            .arg("path", file.display().to_string());
        outln!("{}", cat.render(&saved));
    }
    Ok(())
}
