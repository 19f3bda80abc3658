//! `rd-agent enroll --relay URL --code CODE`: join the platform's login relay (docs/relay.md).
//!
//! The one-time code is exchanged for a device token bound to one outlet. The config is
//! written in relay mode with the outlet's id and coordinates from the relay's registry; the
//! secret store keeps the token and the operator's Aadhaar, and loses any client secret or
//! encryption key it held: in relay mode those are the relay's alone.

use serde_json::json;

use zeroize::Zeroizing;

use super::config::read_secret;
use super::target::Target;
use super::{CliError, CmdResult, Exit, Global, print_json};
use crate::config::{Change, SecretName};
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
    let target = Target::of(global)?;
    let cat = Catalog::get(if global.json {
        Lang::En
    } else {
        super::language(global)
    });
    let relay_url = args.relay.trim_end_matches('/').to_string();
    // Before the one-time code is spent: would this change be taken? A config that cannot be
    // read, or a member re-enrolling a service set up by someone else, stops here.
    let mut change = crate::setup::enrolment(&relay_url, "(not yet)");
    change.check_only = true;
    target.write(&change)?;

    let label = args.label.unwrap_or_else(crate::setup::host_name);
    let reply = super::block_on(relay_api::enroll(&args.relay, &args.code, &label))
        .map_err(|e| CliError::said(Exit::Rejected, crate::i18n::errors::api_error(&e)))?;

    // The token, with the outlet's values, first: the code is spent, so what the relay gave
    // is kept whatever follows.
    let mut change = crate::setup::enrolled(&relay_url, &reply);
    // A relay's test Aadhaar is stored only when the person said this is a sandbox: a relay
    // that is not one must never choose the operator's number.
    let sandbox_aadhaar = reply.sandbox_aadhaar.as_ref().filter(|_| args.sandbox);
    if let Some(a) = sandbox_aadhaar {
        change
            .secrets
            .push((SecretName::Aadhaar, Zeroizing::new(a.clone())));
    }
    let view = target.write(&change)?;

    let enrolled = Msg::new("enroll-done")
        .arg("outlet", reply.outlet_id.clone())
        .arg("url", relay_url.clone())
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
        target.write(&Change {
            secrets: vec![(SecretName::Aadhaar, typed)],
            ..Change::default()
        })?;
    }
    if global.json {
        print_json(&json!({
            "ok": true,
            "device_id": reply.device_id,
            "outlet_id": reply.outlet_id,
            "relay_url": relay_url,
            "config_file": view.config_file,
        }));
    } else {
        outln!("{}", cat.tr("enroll-next"));
    }
    Ok(())
}
