//! `rd-agent devices`: discover RD Services, with each one's device info and certificate expiry,
//! and the scanners present on USB.

use std::time::Duration;

use serde_json::{Value, json};

use super::{CliError, CmdResult, Exit, Global};
use rd::{self, DiscoverOptions, RdService, client};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port range to probe.
    #[arg(long, default_value = "11100-11120")]
    pub ports: rd::PortRange,
    /// Host to probe (loopback).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Deadline of each probe, in milliseconds.
    #[arg(long, default_value_t = rd::discover::DEFAULT_PROBE_TIMEOUT.as_millis() as u64)]
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
    let (report, details) = super::block_on(async {
        let report = rd::discover_report(&opts).await;
        let mut details = Vec::new();
        for svc in &report.services {
            let mut d = describe(svc).await;
            if let Some(map) = d.as_object_mut() {
                let standing = crate::login::live::standing(svc.port, &trusted_users);
                map.insert("owner".into(), json!(standing.owner));
                map.insert("trusted".into(), json!(standing.trusted));
                if let Some(r) = standing.reason {
                    map.insert("trust_reason".into(), json!(r));
                }
            }
            details.push(d);
        }
        (report, details)
    });
    let warning =
        crate::login::live::several_ready(&rd::ready_ports(&report.services)).map(|m| m.english());
    let usb = rd::usb::scan();

    if report.services.is_empty() {
        let mut message = rd::RdError::NotFound {
            host: args.host.clone(),
            ports: args.ports.to_string(),
        }
        .to_string();
        for f in &report.failures {
            message.push_str(&format!("\n  port {}: {}", f.port, f.error));
        }
        match &usb {
            Ok(found) if !found.is_empty() => message.push_str(&format!(
                "\nA {} is plugged in: the RD Service is not running or not on these ports.",
                found[0].name
            )),
            Ok(_) => message.push_str("\nNo known scanner is plugged in: connect the scanner."),
            Err(_) => {}
        }
        return Err(CliError::new(Exit::Device, message));
    }

    if global.json {
        super::print_json(&json!({
            "ok": true,
            "services": details,
            "failures": report.failures,
            "warnings": warning.iter().collect::<Vec<_>>(),
            "usb": usb.as_ref().ok(),
            "usb_error": usb.as_ref().err().map(|e| e.to_string()),
        }));
        return Ok(());
    }
    for d in &details {
        println!(
            "{}://{}:{}  {}  {}",
            d["scheme"].as_str().unwrap_or(""),
            d["host"].as_str().unwrap_or(""),
            d["port"],
            d["status"].as_str().unwrap_or(""),
            d["info"].as_str().unwrap_or("")
        );
        println!(
            "    DEVICEINFO {}  CAPTURE {}",
            d["device_info_path"].as_str().unwrap_or(""),
            d["capture_path"].as_str().unwrap_or("")
        );
        if let Some(di) = d["device_info"].as_object() {
            println!(
                "    {} {} (rds {} {}), serial {}",
                di["dpId"].as_str().unwrap_or(""),
                di["mi"].as_str().unwrap_or(""),
                di["rdsId"].as_str().unwrap_or(""),
                di["rdsVer"].as_str().unwrap_or(""),
                di["srno"].as_str().unwrap_or(""),
            );
            let id = match di["generation"].as_str().unwrap_or("unknown") {
                "l1" => "device-generation-l1",
                "l0" => "device-generation-l0",
                _ => "device-generation-unknown",
            };
            let device = format!(
                "{} {}",
                di["dpId"].as_str().unwrap_or(""),
                di["mi"].as_str().unwrap_or("")
            );
            println!(
                "    {}",
                crate::i18n::Msg::new(id).arg("device", device).english()
            );
        }
        if let Some(e) = d["device_info_error"].as_str() {
            println!("    device info: {e}");
        }
        if let Some(exp) = d["mc_expires"].as_str() {
            println!(
                "    device certificate expires {exp} ({} days left)",
                d["mc_days_left"]
            );
        }
        if let Some(e) = d["mc_error"].as_str() {
            println!("    device certificate: {e}");
        }
        match (d["trusted"].as_bool(), d["trust_reason"].as_str()) {
            (Some(true), _) => println!(
                "    run by {}: used for the login",
                d["owner"].as_str().unwrap_or("")
            ),
            (_, Some(why)) => println!(
                "    run by {}: NOT used for the login. {why}",
                d["owner"].as_str().unwrap_or("")
            ),
            _ => {}
        }
    }
    if let Some(w) = &warning {
        println!("warning: {w}");
    }
    for f in &report.failures {
        println!("port {}: {}", f.port, f.error);
    }
    match &usb {
        Ok(found) => {
            for s in found {
                println!(
                    "USB {:04x}:{:04x} {} (bus {} address {})",
                    s.vendor_id, s.product_id, s.name, s.bus, s.address
                );
            }
        }
        Err(e) => eprintln!("note: {e}"),
    }
    Ok(())
}

/// One service with its DEVICEINFO and certificate dates, as JSON.
async fn describe(svc: &RdService) -> Value {
    let mut v = serde_json::to_value(svc).unwrap_or(Value::Null);
    let Some(map) = v.as_object_mut() else {
        return v;
    };
    match client::device_info(svc).await {
        Ok(reply) => {
            let di = &reply.device_info;
            let srno = di
                .param("srno")
                .filter(|s| !s.is_empty())
                .unwrap_or(&di.srno_attr);
            map.insert(
                "device_info".into(),
                json!({
                    "dpId": di.dp_id, "rdsId": di.rds_id, "rdsVer": di.rds_ver, "mi": di.mi,
                    "dc": di.dc, "srno": srno, "error": reply.error,
                    "generation": rd::generation::of(di),
                }),
            );
            match reply.cert() {
                Ok(cert) => {
                    map.insert("mc_expires".into(), json!(cert.not_after.to_rfc3339()));
                    map.insert(
                        "mc_days_left".into(),
                        json!(cert.days_left(chrono::Utc::now())),
                    );
                }
                Err(e) => {
                    map.insert("mc_error".into(), json!(e.to_string()));
                }
            }
        }
        Err(e) => {
            map.insert("device_info_error".into(), json!(e.to_string()));
        }
    }
    v
}
