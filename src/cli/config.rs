//! `rd-agent config init|show|set-secret`.
//!
//! Secrets are read from standard input (hidden on a terminal), never from the command line,
//! where other users could read them in the process list.

use std::io::{IsTerminal, Read};
use std::path::Path;

use serde_json::json;

use super::target::Target;
use super::{CliError, CmdResult, Exit, Global, print_json, wizard};
use crate::config::{Change, Config, ConfigError, Key, Paths, Scope, SecretName, View};
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
    let target = Target::of(global)?;
    match cmd {
        Command::Init(a) => init(a, &target, global),
        Command::Show => show(&target, global),
        Command::SetSecret { name } => set_secret(&name, &target, global),
    }
}

/// The catalogue for a command's human output (`--json` stays English).
fn catalog(global: &Global) -> &'static Catalog {
    Catalog::get(if global.json {
        Lang::En
    } else {
        super::language(global)
    })
}

fn init(a: InitArgs, target: &Target, global: &Global) -> CmdResult {
    let current = target.view()?;
    let mut cfg = if a.overwrite {
        Config::default()
    } else {
        current.config.clone()
    };
    let interactive = !a.no_input && !global.json && std::io::stdin().is_terminal();
    let cat = catalog(global);
    if interactive {
        outln!("{}", cat.render(&writing_to(target, &current)));
    }
    // Each answer is checked as it is typed, so nothing typed is lost to a later mistake;
    // the change is written once everything has been asked.
    wizard::ask_values(&mut cfg, &a, interactive, cat)?;
    cfg.check_formats().map_err(config_error)?;
    let mut change = Change {
        overwrite: a.overwrite,
        ..Change::default()
    };
    if interactive {
        change.secrets = wizard::ask_secrets(cfg.required_secrets(), &|n| current.shown(n), cat)?;
    }
    for &key in Key::ALL.iter().filter(|k| k.spec().init_flag.is_some()) {
        let now = key.get(&cfg).unwrap_or_default();
        if a.overwrite || a.value(key).is_some() || key.get(&current.config) != Some(now.clone()) {
            change.values.push((key, now));
        }
    }
    let view = target.write(&change)?;
    if global.json {
        print_json(&json!({
            "ok": true,
            "config_file": view.config_file,
            "via_service": matches!(target, Target::Service(_)),
            "problems": english(&view.problems),
        }));
    } else {
        let m = Msg::new("config-wrote").arg("path", view.config_file.display().to_string());
        outln!("{}", cat.render(&m));
        print_problems(&view.problems, cat);
    }
    Ok(())
}

/// "Setting up …": the file, and whether the service writes it.
fn writing_to(target: &Target, view: &View) -> Msg {
    let path = view.config_file.display().to_string();
    match target {
        Target::Service(_) => Msg::new("config-setting-up-service").arg("path", path),
        Target::Files(_) => Msg::new("config-setting-up").arg("path", path),
    }
}

fn english(msgs: &[Msg]) -> Vec<String> {
    msgs.iter().map(Msg::english).collect()
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

fn show(target: &Target, global: &Global) -> CmdResult {
    let view = target.view()?;
    let via_service = matches!(target, Target::Service(_));
    if global.json {
        let secrets: serde_json::Map<String, serde_json::Value> = view
            .secrets
            .iter()
            .map(|(k, m)| (k.clone(), json!(m.english())))
            .collect();
        print_json(&json!({
            "config_file": view.config_file,
            "config_file_exists": view.config_file_exists,
            "defaults_file": view.defaults_file,
            "via_service": via_service,
            "state_dir": view.state_dir,
            "secrets_file": view.secrets_file,
            "config": view.config,
            "secrets": secrets,
            "ready": view.problems.is_empty(),
            "problems": english(&view.problems),
        }));
        return Ok(());
    }
    let cat = Catalog::get(super::language(global));
    let path = |p: &Path| p.display().to_string();
    if via_service {
        outln!("# {}", cat.tr("config-show-via-service"));
    }
    let file = Msg::new(if view.config_file_exists {
        "config-show-file"
    } else {
        "config-show-file-missing"
    })
    .arg("path", path(&view.config_file));
    outln!("# {}", cat.render(&file));
    if let Some(defaults) = &view.defaults_file {
        let m = Msg::new("config-show-defaults-file").arg("path", path(defaults));
        outln!("# {}", cat.render(&m));
    }
    let dir = Msg::new("config-show-state-dir").arg("path", path(&view.state_dir));
    outln!("# {}", cat.render(&dir));
    outln!("{}", view.config.to_toml());
    let secrets_line = Msg::new("config-show-secrets").arg("path", path(&view.secrets_file));
    outln!("# {}", cat.render(&secrets_line));
    for (key, shown) in &view.secrets {
        outln!("#   {:<27} {}", key, cat.render(shown));
    }
    print_problems(&view.problems, cat);
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

fn set_secret(name: &str, target: &Target, global: &Global) -> CmdResult {
    let name = SecretName::parse(name).map_err(secrets_error)?;
    let cat = catalog(global);
    let typed = read_secret(name, cat)?;
    let view = target.write(&Change {
        secrets: vec![(name, typed)],
        ..Change::default()
    })?;
    if global.json {
        print_json(&json!({
            "ok": true,
            "name": name.key(),
            "value": view.shown(name).english(),
            "secrets_file": view.secrets_file,
            "via_service": matches!(target, Target::Service(_)),
        }));
    } else {
        let saved = Msg::new("config-secret-saved")
            .arg("key", name.key())
            .arg("shown", view.shown(name))
            .arg("path", view.secrets_file.display().to_string());
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
