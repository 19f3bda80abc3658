//! `rd-agent config init|show|set-secret`.
//!
//! Secrets are read from standard input (hidden on a terminal), never from the command line,
//! where other users could read them in the process list.

use std::io::{IsTerminal, Read};
use std::path::Path;

use serde_json::json;

use super::{CliError, CmdResult, Exit, Global, print_json, wizard};
use crate::config::{
    Config, ConfigError, Key, Paths, Scope, SecretName, Secrets, ensure_state_dir, write_file,
};
use crate::i18n::{Catalog, Lang, Msg};

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Write the config file: asks on a terminal, or takes the values as flags.
    Init(InitArgs),
    /// Print the config in force (file, then environment), secrets as set / not set.
    Show,
    /// Set a secret from standard input.
    SetSecret {
        #[arg(help = secret_names())]
        name: String,
    },
}

#[derive(Debug, Default, clap::Args)]
pub(crate) struct InitArgs {
    /// InstantPay API root (default: the live API).
    #[arg(long)]
    pub(crate) base_url: Option<String>,
    #[arg(long)]
    pub(crate) client_id: Option<String>,
    /// The InstantPay outlet id: digits only.
    #[arg(long)]
    pub(crate) outlet_id: Option<String>,
    /// The shop's public IP as whitelisted with InstantPay.
    #[arg(long)]
    pub(crate) endpoint_ip: Option<String>,
    /// Decimal degrees, 4 to 6 decimals, e.g. 19.0760 (3 are padded to 4).
    #[arg(long)]
    pub(crate) latitude: Option<String>,
    /// Decimal degrees, 4 to 6 decimals, e.g. 72.8777 (3 are padded to 4).
    #[arg(long)]
    pub(crate) longitude: Option<String>,
    /// RD Service ports to search, e.g. 11100-11120.
    #[arg(long)]
    pub(crate) rd_ports: Option<String>,
    #[arg(long)]
    pub(crate) min_qscore: Option<u32>,
    #[arg(long)]
    pub(crate) min_nmpoints: Option<u32>,
    /// Do not ask anything, even on a terminal.
    #[arg(long)]
    pub(crate) no_input: bool,
    /// Start from the defaults instead of the existing file.
    #[arg(long)]
    pub(crate) overwrite: bool,
}

/// The names `config set-secret` takes: the secret store's rows of the key table.
fn secret_names() -> String {
    let names: Vec<&str> = Key::ALL
        .iter()
        .filter(|k| k.secret().is_some())
        .map(|k| k.name())
        .collect();
    format!("One of: {}.", names.join(", "))
}

impl InitArgs {
    /// The flag given for `key`. Every key has its arm: a new key says here whether `config
    /// init` takes it (and its row in `config/keys.rs` names the flag; a test holds the two
    /// together).
    pub(crate) fn value(&self, key: Key) -> Option<String> {
        let number = |n: Option<u32>| n.map(|n| n.to_string());
        match key {
            Key::BaseUrl => self.base_url.clone(),
            Key::ClientId => self.client_id.clone(),
            Key::OutletId => self.outlet_id.clone(),
            Key::EndpointIp => self.endpoint_ip.clone(),
            Key::Latitude => self.latitude.clone(),
            Key::Longitude => self.longitude.clone(),
            Key::RdPorts => self.rd_ports.clone(),
            Key::MinQscore => number(self.min_qscore),
            Key::MinNmpoints => number(self.min_nmpoints),
            Key::Mode
            | Key::ReadTimeoutSecs
            | Key::SettleWindowSecs
            | Key::RdHost
            | Key::RdEnv
            | Key::RdTrustedUsers
            | Key::ReminderAt
            | Key::Language
            | Key::RelayUrl
            | Key::ClientSecret
            | Key::EncryptionKey
            | Key::RelayToken
            | Key::Aadhaar => None,
        }
    }
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

pub(crate) fn run(cmd: Command, global: &Global) -> CmdResult {
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
    // Each answer is checked as it is typed, so nothing typed is lost to a later mistake; the
    // files are written once everything has been asked.
    wizard::ask_values(&mut cfg, &a, interactive, cat)?;
    cfg.check_formats().map_err(config_error)?;
    let typed_secrets = if interactive {
        ensure_state_dir(&paths.state_dir).map_err(config_error)?;
        let secrets = Secrets::load(&paths.secrets_file()).map_err(secrets_error)?;
        wizard::ask_secrets(cfg.required_secrets(), &|n| shown(&secrets, n), cat)?
    } else {
        Vec::new()
    };
    write_file(&paths.config_file, &config_text(&cfg), false).map_err(config_error)?;
    if interactive {
        let file = paths.secrets_file();
        let mut secrets = Secrets::load(&file).map_err(secrets_error)?;
        for (name, value) in &typed_secrets {
            secrets.set(*name, value).map_err(secrets_error)?;
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
        zeroize::Zeroizing::new(
            rpassword::prompt_password(prompt).map_err(|e| wizard::terminal_error(&e))?,
        )
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};
    use std::collections::BTreeSet;

    #[derive(clap::Parser)]
    struct Init {
        #[command(flatten)]
        args: InitArgs,
    }

    /// `config init`'s flags are the table's init flags, and each reaches its own key.
    #[test]
    fn init_flags_are_the_tables() {
        let flagged: Vec<(Key, &str)> = Key::ALL
            .iter()
            .filter_map(|&k| Some((k, k.spec().init_flag?)))
            .collect();
        let table: BTreeSet<&str> = flagged.iter().map(|(_, f)| *f).collect();
        let cmd = Init::command();
        let clap: BTreeSet<&str> = cmd
            .get_arguments()
            .filter_map(|a| a.get_long())
            .filter(|l| !["no-input", "overwrite"].contains(l))
            .collect();
        assert_eq!(clap, table);
        let mut argv = vec!["init".to_string()];
        for (i, (_, flag)) in flagged.iter().enumerate() {
            argv.push(format!("--{flag}"));
            argv.push(i.to_string());
        }
        let parsed = Init::try_parse_from(&argv).unwrap().args;
        for &key in Key::ALL {
            let expected = flagged
                .iter()
                .position(|(k, _)| *k == key)
                .map(|i| i.to_string());
            assert_eq!(parsed.value(key), expected, "{key:?}");
        }
    }

    #[test]
    fn set_secret_names_every_secret() {
        let help = secret_names();
        for name in SecretName::ALL {
            assert!(help.contains(name.key()), "{help}");
        }
    }
}
