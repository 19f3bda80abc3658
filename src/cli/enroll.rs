//! `rd-agent enroll --relay URL --code CODE`: join the platform's login relay (docs/relay.md).
//!
//! The one-time code is exchanged for a device token bound to one outlet. The config is
//! written in relay mode with the outlet's id and coordinates from the relay's registry; the
//! secret store keeps the token and the operator's Aadhaar, and loses any client secret or
//! encryption key it held: in relay mode those are the relay's alone.

use serde_json::json;

use super::config::{config_error, config_text, read_secret, secrets_error, user_paths};
use super::{CliError, CmdResult, Exit, Global, print_json};
use crate::config::{Config, Mode, SecretName, Secrets, ensure_state_dir, write_file};
use crate::i18n::{Catalog, Lang, Msg};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The relay's URL, as the platform gave it (https; http only to this computer).
    #[arg(long)]
    pub(crate) relay: String,
    /// The one-time enrolment code from the platform.
    #[arg(long)]
    pub(crate) code: String,
    /// What the relay's device list calls this computer (default: its host name).
    #[arg(long)]
    pub(crate) label: Option<String>,
    /// Trying rd-agent against a sandbox relay (`rd-relay --sandbox`): store the test Aadhaar it
    /// offers as the operator's. Without it, the operator's own number is asked for.
    #[arg(long)]
    pub(crate) sandbox: bool,
}

pub(crate) fn run(args: Args, global: &Global) -> CmdResult {
    let paths = user_paths(global)?;
    let cat = Catalog::get(if global.json {
        Lang::En
    } else {
        super::language(global)
    });
    // A config that cannot be read is not overwritten blindly: the person fixes or removes it.
    let mut cfg = Config::load(&paths.config_file).map_err(config_error)?;
    ensure_state_dir(&paths.state_dir).map_err(config_error)?;
    let secrets_file = paths.secrets_file();
    let mut secrets = Secrets::load(&secrets_file).map_err(secrets_error)?;

    let label = args.label.unwrap_or_else(host_name);
    let reply = super::block_on(relay_api::enroll(&args.relay, &args.code, &label))
        .map_err(|e| CliError::said(Exit::Rejected, crate::i18n::errors::api_error(&e)))?;

    let bad_reply = |what: &str| {
        CliError::said(
            Exit::Failure,
            Msg::new("enroll-bad-reply").arg("what", what.to_string()),
        )
    };
    cfg.instantpay.mode = Mode::Relay;
    cfg.relay.url = args.relay.trim_end_matches('/').to_string();
    // Through the config's own rule, so the file written loads again.
    crate::config::Key::OutletId
        .set(&mut cfg, &reply.outlet_id)
        .map_err(|_| bad_reply("outlet id"))?;
    cfg.outlet.latitude = Some(reply.latitude.parse().map_err(|_| bad_reply("latitude"))?);
    cfg.outlet.longitude = Some(
        reply
            .longitude
            .parse()
            .map_err(|_| bad_reply("longitude"))?,
    );
    cfg.check_formats().map_err(config_error)?;

    // The token first: the code is spent, so what the relay gave is kept whatever follows.
    secrets.client_secret = None;
    secrets.encryption_key = None;
    secrets
        .set(SecretName::RelayToken, &reply.token)
        .map_err(secrets_error)?;
    // A relay's test Aadhaar is stored only when the person said this is a sandbox: a relay
    // that is not one must never choose the operator's number.
    let sandbox_aadhaar = reply.sandbox_aadhaar.as_ref().filter(|_| args.sandbox);
    if let Some(a) = sandbox_aadhaar {
        secrets.set(SecretName::Aadhaar, a).map_err(secrets_error)?;
    }
    secrets.save(&secrets_file).map_err(secrets_error)?;
    write_file(&paths.config_file, &config_text(&cfg), false).map_err(config_error)?;

    let enrolled = Msg::new("enroll-done")
        .arg("outlet", reply.outlet_id.clone())
        .arg("url", cfg.relay.url.clone())
        .arg("device", reply.device_id.clone());
    if !global.json {
        eoutln!("{}", cat.render(&enrolled));
    }
    if reply.sandbox_aadhaar.is_some() && !args.sandbox && !global.json {
        eoutln!("{}", cat.tr("enroll-sandbox-aadhaar-ignored"));
    }
    // The Aadhaar is the operator's: typed here, never known to the relay (but in a sandbox).
    if sandbox_aadhaar.is_none() {
        let typed = read_secret(SecretName::Aadhaar, cat)?;
        secrets
            .set(SecretName::Aadhaar, &typed)
            .map_err(secrets_error)?;
        secrets.save(&secrets_file).map_err(secrets_error)?;
    }
    if global.json {
        print_json(&json!({
            "ok": true,
            "device_id": reply.device_id,
            "outlet_id": reply.outlet_id,
            "relay_url": cfg.relay.url,
            "config_file": paths.config_file,
        }));
    } else {
        outln!("{}", cat.tr("enroll-next"));
    }
    Ok(())
}

/// This computer's name, for the relay's device list.
fn host_name() -> String {
    let from_env = std::env::var("COMPUTERNAME").or_else(|_| std::env::var("HOSTNAME"));
    let name = from_env
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .unwrap_or_default();
    name.trim().chars().take(64).collect()
}
