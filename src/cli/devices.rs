//! `rd-agent devices`: discover RD Services, with each one's device info and certificate expiry,
//! and the scanners present on USB.

use std::time::Duration;

use serde_json::{Value, json};

use super::{CliError, CmdResult, Exit, Global};
use crate::i18n::{Catalog, Lang, Msg};
use rd::{self, DiscoverOptions};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port range to probe.
    #[arg(long, default_value = "11100-11120")]
    pub ports: rd::PortRange,
    /// Host to probe (loopback).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Deadline of each probe, in milliseconds.
    #[arg(long, default_value_t = rd::DEFAULT_PROBE_TIMEOUT.as_millis() as u64)]
    pub probe_timeout_ms: u64,
}

pub fn run(args: Args, global: &Global) -> CmdResult {
    let ports = args.ports;
    let opts = DiscoverOptions {
        host: args.host.clone(),
        ports,
        probe_timeout: Duration::from_millis(args.probe_timeout_ms),
        ..DiscoverOptions::default()
    };
    // Who may run a usable RD Service (rd.trusted_users) comes from the config, when there is one.
    let trusted_users = super::config::user_paths(global)
        .ok()
        .and_then(|p| crate::config::Config::load(&p.config_file).ok())
        .map(|c| c.rd.trusted_user_list())
        .unwrap_or_default();
    let (report, described) = super::block_on(crate::devices::scan(&opts, &trusted_users));
    let warning = crate::login::live::several_ready(&rd::ready_ports(&report.services));
    let usb = rd::scan_usb();
    let cat = Catalog::get(super::language(global));

    if report.services.is_empty() {
        let not_found = rd::RdError::NotFound {
            host: args.host.clone(),
            ports: args.ports.to_string(),
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
        let details: Vec<&Value> = described.iter().map(|d| &d.json).collect();
        super::print_json(&json!({
            "ok": true,
            "services": details,
            "failures": report.failures,
            "warnings": warning.iter().map(Msg::english).collect::<Vec<_>>(),
            "usb": usb.as_ref().ok(),
            "usb_error": usb.as_ref().err().map(|e| e.to_string()),
        }));
        return Ok(());
    }
    for described in &described {
        let d = &described.json;
        let text = |v: &Value| v.as_str().unwrap_or("").to_string();
        outln!(
            "{}://{}:{}  {}  {}",
            text(&d["scheme"]),
            text(&d["host"]),
            d["port"],
            text(&d["status"]),
            text(&d["info"])
        );
        outln!(
            "    DEVICEINFO {}  CAPTURE {}",
            text(&d["device_info_path"]),
            text(&d["capture_path"])
        );
        if let Some(di) = d["device_info"].as_object() {
            let field = |k: &str| di.get(k).map(text).unwrap_or_default();
            let line = Msg::new("devices-device")
                .arg("dp_id", field("dpId"))
                .arg("mi", field("mi"))
                .arg("rds_id", field("rdsId"))
                .arg("rds_ver", field("rdsVer"))
                .arg("serial", field("srno"));
            outln!("    {}", cat.render(&line));
        }
        if let Some(g) = crate::devices::generation_msg(&d["device_info"]) {
            outln!("    {}", cat.render(&g));
        }
        if let Some(e) = d["device_info_error"].as_str() {
            outln!(
                "    {}",
                cat.render(&Msg::new("devices-device-info-error").arg("error", e))
            );
        }
        if let Some(exp) = d["mc_expires"].as_str() {
            let days = d["mc_days_left"].as_i64().unwrap_or_default();
            let m = Msg::new("devices-cert-expires")
                .arg("date", exp)
                .arg("days", days);
            outln!("    {}", cat.render(&m));
        }
        if let Some(e) = d["mc_error"].as_str() {
            outln!(
                "    {}",
                cat.render(&Msg::new("devices-cert-error").arg("error", e))
            );
        }
        let owner = text(&d["owner"]);
        match (d["trusted"].as_bool(), &described.untrusted) {
            (Some(true), _) => {
                let m = Msg::new("devices-trusted").arg("owner", owner);
                outln!("    {}", cat.render(&m));
            }
            (_, Some(why)) => {
                let m = Msg::new("devices-not-trusted")
                    .arg("owner", owner)
                    .arg("why", why.clone());
                outln!("    {}", cat.render(&m));
            }
            _ => {}
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
