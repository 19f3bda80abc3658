//! `rd-agent devices`: discover RD Services, with each one's device info and certificate expiry,
//! and the scanners present on USB.

use std::time::Duration;

use serde_json::json;

use super::{CliError, CmdResult, Exit, Global};
use crate::i18n::{Catalog, Lang, Msg};
use rd::{self, DiscoverOptions};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Port range to probe (default: rd.ports from the config, the service's when installed,
    /// else 11100-11120).
    #[arg(long)]
    pub(crate) ports: Option<rd::PortRange>,
    /// Host to probe, loopback (default: rd.host from the config, else 127.0.0.1).
    #[arg(long)]
    pub(crate) host: Option<String>,
    /// Deadline of each probe, in milliseconds.
    #[arg(long, default_value_t = rd::DEFAULT_PROBE_TIMEOUT.as_millis() as u64)]
    pub(crate) probe_timeout_ms: u64,
}

/// Where the commands a person runs look for RD Services: the flags where given, else the
/// config's `rd.host` and `rd.ports` as the login and `doctor` use them
/// (`agent::live::discover_options`), else the defaults when there is no usable config. The
/// config is the one setup writes (cli/target.rs): the installed service's, else the person's
/// own files; a service that cannot be asked leaves the person's files.
pub(crate) fn discovery(
    global: &Global,
    ports: Option<rd::PortRange>,
    host: Option<&str>,
) -> (crate::config::Config, DiscoverOptions) {
    use super::target::Target;
    let own = || {
        super::config::user_paths(global)
            .ok()
            .and_then(|p| p.load_config().ok())
    };
    // Only the config is needed: files are read as such (a view would load the secrets too).
    let config = match Target::of(global) {
        Ok(service @ Target::Service(_)) => service.view().map(|v| v.config).ok().or_else(own),
        Ok(Target::Files(paths)) => paths.load_config().ok(),
        Err(_) => own(),
    }
    .unwrap_or_default();
    let mut opts = crate::agent::live::discover_options(&config);
    if let Some(ports) = ports {
        opts.ports = ports;
    }
    if let Some(host) = host {
        opts.host = host.to_string();
    }
    (config, opts)
}

pub(crate) fn run(args: Args, global: &Global) -> CmdResult {
    let (config, mut opts) = discovery(global, args.ports, args.host.as_deref());
    opts.probe_timeout = Duration::from_millis(args.probe_timeout_ms);
    // Who may run a usable RD Service (rd.trusted_users) comes from the config too.
    let trusted_users = config.rd.trusted_user_list();
    let (report, described) = super::block_on(crate::devices::scan(&opts, &trusted_users));
    let warning = crate::login::live::several_ready(&rd::ready_ports(&report.services));
    let usb = rd::scan_usb();
    let cat = Catalog::get(super::language(global));

    if report.services.is_empty() {
        let not_found = rd::RdError::NotFound {
            host: opts.host.clone(),
            ports: opts.ports.to_string(),
        };
        // --json is English in every language.
        let cat = if global.json {
            Catalog::get(Lang::En)
        } else {
            cat
        };
        let mut lines = vec![cat.render(&crate::i18n::errors::rd_error(&not_found))];
        for f in &report.failures {
            lines.push(format!("  {}", cat.render(&port_failure(f))));
        }
        match &usb {
            Ok(found) if !found.is_empty() => lines.push(
                cat.render(&Msg::new("devices-usb-no-service").arg("scanner", found[0].name)),
            ),
            Ok(_) => lines.push(cat.tr("devices-no-scanner")),
            Err(_) => {}
        }
        return Err(CliError::new(Exit::Device, lines.join("\n")));
    }

    if global.json {
        let services: Vec<_> = described.iter().map(|d| &d.description).collect();
        super::print_json(&json!({
            "ok": true,
            "services": services,
            "failures": report.failures,
            "warnings": warning.iter().map(Msg::english).collect::<Vec<_>>(),
            "usb": usb.as_ref().ok(),
            "usb_error": usb.as_ref().err().map(|e| e.to_string()),
        }));
        return Ok(());
    }
    for described in &described {
        let d = &described.description;
        let svc = &d.service;
        outln!(
            "{}://{}:{}  {}  {}",
            svc.scheme.as_str(),
            svc.host,
            svc.port,
            svc.status,
            svc.info
        );
        outln!(
            "    DEVICEINFO {}  CAPTURE {}",
            svc.device_info_path,
            svc.capture_path
        );
        if let Some(di) = &d.device_info {
            let line = Msg::new("devices-device")
                .arg("dp_id", di.dp_id.as_str())
                .arg("mi", di.mi.as_str())
                .arg("rds_id", di.rds_id.as_str())
                .arg("rds_ver", di.rds_ver.as_str())
                .arg("serial", di.srno.as_str());
            outln!("    {}", cat.render(&line));
            outln!("    {}", cat.render(&crate::devices::generation_msg(di)));
        }
        if let Some(e) = &d.device_info_error {
            outln!(
                "    {}",
                cat.render(&Msg::new("devices-device-info-error").arg("error", e.as_str()))
            );
        }
        if let Some(exp) = &d.mc_expires {
            let m = Msg::new("devices-cert-expires")
                .arg("date", exp.as_str())
                .arg("days", d.mc_days_left.unwrap_or_default());
            outln!("    {}", cat.render(&m));
        }
        if let Some(e) = &d.mc_error {
            outln!(
                "    {}",
                cat.render(&Msg::new("devices-cert-error").arg("error", e.as_str()))
            );
        }
        let owner = d.owner.as_str();
        match (d.trusted, &described.untrusted) {
            (true, _) => {
                let m = Msg::new("devices-trusted").arg("owner", owner);
                outln!("    {}", cat.render(&m));
            }
            (false, Some(why)) => {
                let m = Msg::new("devices-not-trusted")
                    .arg("owner", owner)
                    .arg("why", why.clone());
                outln!("    {}", cat.render(&m));
            }
            (false, None) => {}
        }
    }
    if let Some(w) = warning {
        outln!(
            "{}",
            cat.render(&Msg::new("devices-warning").arg("warning", w))
        );
    }
    for f in &report.failures {
        outln!("{}", cat.render(&port_failure(f)));
    }
    match &usb {
        Ok(found) => {
            for s in found {
                let m = Msg::new("devices-usb")
                    .arg("vendor_id", format!("{:04x}", s.vendor_id))
                    .arg("product_id", format!("{:04x}", s.product_id))
                    .arg("name", s.name)
                    .arg("bus", s.bus)
                    .arg("address", s.address);
                outln!("{}", cat.render(&m));
            }
        }
        Err(e) => eoutln!(
            "{}",
            cat.render(&Msg::new("devices-note").arg("error", e.to_string()))
        ),
    }
    Ok(())
}

fn port_failure(f: &rd::PortFailure) -> Msg {
    Msg::new("devices-port-failure")
        .arg("port", f.port)
        .arg("error", f.error.as_str())
}
