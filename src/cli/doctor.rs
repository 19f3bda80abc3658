//! `rd-agent doctor`: everything a support call would check, one line each: a verdict and
//! what to do. Nothing here prints a secret: secrets are reported as set or not set.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::Serialize;

use super::{CliError, CmdResult, Exit, Global, print_json};
use crate::config::{Config, SecretName, Secrets};
use clock::{Clock, SystemClock, ist};

#[derive(Debug, clap::Args)]
pub struct Args {}

/// Warn this many days before the device certificate expires.
pub const CERT_WARN_DAYS: i64 = 15;
/// The RD Service refuses captures when the clock is more than 10 minutes off; warn well before.
pub const CLOCK_WARN_SECS: i64 = 60;
pub const CLOCK_FAIL_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Ok,
    Warn,
    Fail,
    /// Not checked because an earlier check failed.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub verdict: Verdict,
    /// What was found and, unless it is fine, what to do.
    pub message: String,
}

fn check(name: &'static str, verdict: Verdict, message: impl Into<String>) -> Check {
    Check {
        name,
        verdict,
        message: message.into(),
    }
}

/// The certificate verdict for `not_after` at `now`.
pub fn cert_verdict(not_after: DateTime<Utc>, now: DateTime<Utc>) -> Check {
    let days = (not_after - now).num_days();
    let date = not_after.with_timezone(&ist()).format("%Y-%m-%d");
    if not_after <= now {
        check(
            "device_certificate",
            Verdict::Fail,
            format!(
                "The device certificate expired on {date}: renew the RD service with the scanner's vendor."
            ),
        )
    } else if days < CERT_WARN_DAYS {
        check(
            "device_certificate",
            Verdict::Warn,
            format!(
                "The device certificate expires on {date}, in {days} days: renew the RD service with the scanner's vendor now."
            ),
        )
    } else {
        check(
            "device_certificate",
            Verdict::Ok,
            format!("The device certificate is valid until {date} ({days} days)."),
        )
    }
}

/// The clock verdict: this machine's `now` against the API's `timestamp` (IST wall time).
pub fn clock_verdict(api_timestamp: &str, now: DateTime<Utc>) -> Check {
    let parsed = NaiveDateTime::parse_from_str(api_timestamp.trim(), "%Y-%m-%d %H:%M:%S")
        .ok()
        .and_then(|t| ist().from_local_datetime(&t).single());
    let Some(api) = parsed else {
        return check(
            "clock",
            Verdict::Warn,
            format!(
                "InstantPay's timestamp {api_timestamp:?} could not be read, so the clock was not compared."
            ),
        );
    };
    let skew = (now - api.with_timezone(&Utc)).num_seconds();
    let (verdict, advice) = match skew.abs() {
        s if s > CLOCK_FAIL_SECS => (
            Verdict::Fail,
            ": set the system clock (enable time synchronisation); the RD Service refuses captures when it is off by 10 minutes",
        ),
        s if s > CLOCK_WARN_SECS => (Verdict::Warn, ": enable time synchronisation (NTP)"),
        _ => (Verdict::Ok, ""),
    };
    let dir = if skew >= 0 { "ahead of" } else { "behind" };
    check(
        "clock",
        verdict,
        format!(
            "The system clock is {}s {dir} InstantPay's{advice}.",
            skew.abs()
        ),
    )
}

/// The sentence for a scanner's generation (crates/rd/src/generation.rs).
pub fn generation_msg(di: &rd::pid::DeviceInfo) -> (rd::generation::Generation, crate::i18n::Msg) {
    use rd::generation::Generation;
    let g = rd::generation::of(di);
    let id = match g {
        Generation::L1 => "device-generation-l1",
        Generation::L0 => "device-generation-l0",
        Generation::Unknown => "device-generation-unknown",
    };
    let device = format!(
        "{} {} (RD Service {} {})",
        di.dp_id, di.mi, di.rds_id, di.rds_ver
    );
    (g, crate::i18n::Msg::new(id).arg("device", device))
}

/// The scanner's model and generation. An L0 device is a warning, not a failure: UIDAI
/// decides, and a refusal comes back as 553-557.
pub fn generation_check(di: &rd::pid::DeviceInfo) -> Check {
    let (g, msg) = generation_msg(di);
    let verdict = match g {
        rd::generation::Generation::L0 => Verdict::Warn,
        _ => Verdict::Ok,
    };
    // doctor speaks English for now, as the rest of its checks.
    check("device_generation", verdict, msg.english())
}

/// Run every check. Later checks that need an earlier one are skipped when it failed.
pub async fn run_checks(
    paths: &crate::config::Paths,
    clock: &dyn Clock,
    service_socket: &std::path::Path,
) -> Vec<Check> {
    let mut out = Vec::new();
    let now = clock.now();

    // Config.
    let config = match Config::load(&paths.config_file) {
        Ok(c) => match c.require_login() {
            Ok(()) => {
                out.push(check(
                    "config",
                    Verdict::Ok,
                    format!("The config {} is complete.", paths.config_file.display()),
                ));
                Some(c)
            }
            Err(e) => {
                out.push(check("config", Verdict::Fail, e.to_string()));
                Some(c)
            }
        },
        Err(e) => {
            out.push(check("config", Verdict::Fail, e.to_string()));
            None
        }
    };
    let config_ok = out.last().is_some_and(|c| c.verdict == Verdict::Ok);

    // Secrets: set or not, never shown.
    let secrets = match Secrets::load(&paths.secrets_file()) {
        Ok(s) => {
            let missing: Vec<_> = SecretName::ALL
                .into_iter()
                .filter(|n| !s.is_set(*n))
                .map(|n| n.key())
                .collect();
            if missing.is_empty() {
                out.push(check(
                    "secrets",
                    Verdict::Ok,
                    "The client secret, the encryption key and the operator's Aadhaar are set.",
                ));
                Some(s)
            } else {
                out.push(check(
                    "secrets",
                    Verdict::Fail,
                    format!(
                        "Not set: {}. Set each with `rd-agent config set-secret NAME` (the value is read from stdin).",
                        missing.join(", ")
                    ),
                ));
                None
            }
        }
        Err(e) => {
            out.push(check("secrets", Verdict::Fail, e.to_string()));
            None
        }
    };

    // USB.
    match tokio::task::spawn_blocking(crate::agent::usb::scan)
        .await
        .ok()
        .flatten()
    {
        Some(v) if !v.is_empty() => {
            let names: Vec<_> = v.iter().map(|s| s.name).collect();
            out.push(check(
                "scanner_usb",
                Verdict::Ok,
                format!("On USB: {}.", names.join(", ")),
            ));
        }
        Some(_) => out.push(check(
            "scanner_usb",
            Verdict::Fail,
            "No supported fingerprint scanner on USB: plug the scanner in (try another port or cable).",
        )),
        None => out.push(check(
            "scanner_usb",
            Verdict::Warn,
            "USB cannot be read by this user here; if the RD Service check below passes, this does not matter.",
        )),
    }

    // RD Service and the device certificate.
    let default_config = Config::default();
    let rd_config = config.as_ref().unwrap_or(&default_config);
    let opts = crate::agent::live::discover_options(rd_config);
    let found = rd::discover(&opts).await;
    match found.iter().find(|s| s.status.is_ready()) {
        Some(svc) => {
            let ready = format!(
                "RD Service READY on {}://{}:{} ({}).",
                svc.scheme.as_str(),
                svc.host,
                svc.port,
                svc.info.trim()
            );
            out.push(
                match crate::login::live::several_ready(&rd::ready_ports(&found)) {
                    Some(w) => check(
                        "rd_service",
                        Verdict::Warn,
                        format!("{ready} {}", w.english()),
                    ),
                    None => check("rd_service", Verdict::Ok, ready),
                },
            );
            match rd::client::device_info(svc).await {
                Ok(info) => {
                    out.push(generation_check(&info.device_info));
                    match info.cert() {
                        Ok(cert) => out.push(cert_verdict(cert.not_after, now)),
                        Err(e) => out.push(check(
                            "device_certificate",
                            Verdict::Warn,
                            format!("The device certificate could not be read ({e}): ask the vendor whether the RD service is registered."),
                        )),
                    }
                }
                Err(e) => out.push(check("device_certificate", Verdict::Fail, e.to_string())),
            }
        }
        None => {
            let msg = rd::ready_of(&found, &opts)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            out.push(check("rd_service", Verdict::Fail, msg));
            out.push(check(
                "device_certificate",
                Verdict::Skipped,
                "Needs a READY RD Service.",
            ));
        }
    }

    // API with the credentials, and the clock against its timestamp.
    match (config.as_ref(), secrets.as_ref()) {
        (Some(c), Some(s)) if config_ok => match crate::login::live::client(c, s) {
            Ok(api) => match api.outlet_login_status().await {
                Ok(st) => {
                    out.push(check(
                        "api",
                        Verdict::Ok,
                        format!(
                            "InstantPay ({}) accepts the credentials; today: {}.",
                            st.meta.environment,
                            if st.logged_in {
                                "logged in"
                            } else {
                                "login required"
                            }
                        ),
                    ));
                    out.push(clock_verdict(&st.meta.timestamp, clock.now()));
                }
                Err(e) => {
                    out.push(check("api", Verdict::Fail, e.to_string()));
                    out.push(check(
                        "clock",
                        Verdict::Skipped,
                        "Needs an answer from InstantPay.",
                    ));
                }
            },
            Err(e) => {
                out.push(check("api", Verdict::Fail, e.to_string()));
                out.push(check(
                    "clock",
                    Verdict::Skipped,
                    "Needs an answer from InstantPay.",
                ));
            }
        },
        _ => {
            out.push(check(
                "api",
                Verdict::Skipped,
                "Needs a complete config and the secrets (see above).",
            ));
            out.push(check(
                "clock",
                Verdict::Skipped,
                "Needs an answer from InstantPay.",
            ));
        }
    }

    // The service (not needed for one-shot commands, but the tray and reminders need it).
    let svc = match crate::agent::ipc::connect(service_socket).await {
        Ok(mut c) => match c.status().await {
            Ok(crate::agent::ipc::Message::Status { sentence, .. }) => check(
                "service",
                Verdict::Ok,
                format!("The rd-agent service is running: {sentence}"),
            ),
            Ok(_) => check(
                "service",
                Verdict::Warn,
                "The rd-agent service answered oddly: restart it.",
            ),
            Err(e) => check("service", Verdict::Warn, e.to_string()),
        },
        Err(_) => check(
            "service",
            Verdict::Warn,
            "The rd-agent service is not running: reminders and the tray need it (`rd-agent service install`).",
        ),
    };
    out.push(svc);
    if let Some(c) = last_attempt_check(&paths.ledger_file()) {
        out.push(c);
    }
    out
}

/// What UIDAI said about the last login attempt, when its reply named a UIDAI code: the
/// sentence that says what to do, and the reply's words. `None` without a ledger or attempt.
fn last_attempt_check(ledger_file: &std::path::Path) -> Option<Check> {
    use crate::i18n::{Catalog, Lang};
    if !ledger_file.is_file() {
        return None;
    }
    let ledger = match crate::ledger::Ledger::open(ledger_file) {
        Ok(l) => l,
        Err(e) => return Some(check("last_login", Verdict::Fail, e.to_string())),
    };
    let a = ledger.last_attempt().ok().flatten()?;
    // doctor speaks English for now, as the rest of its checks.
    Some(match super::uidai::explain(&a, Catalog::get(Lang::En)) {
        Some(explained) => check(
            "last_login",
            Verdict::Warn,
            format!("Attempt {}: {explained}", a.external_ref),
        ),
        None => check(
            "last_login",
            Verdict::Ok,
            format!(
                "The last login attempt ({}) reported no UIDAI error.",
                a.external_ref
            ),
        ),
    })
}

pub fn run(_args: Args, global: &Global) -> CmdResult {
    let paths = super::config::user_paths(global)?;
    let socket = global.endpoint();
    let checks = super::block_on(run_checks(&paths, &SystemClock, &socket));
    let failed = checks.iter().find(|c| c.verdict == Verdict::Fail);
    if global.json {
        print_json(&serde_json::json!({ "ok": failed.is_none(), "checks": checks }));
    } else {
        for c in &checks {
            let tag = match c.verdict {
                Verdict::Ok => " ok ",
                Verdict::Warn => "warn",
                Verdict::Fail => "FAIL",
                Verdict::Skipped => "skip",
            };
            println!("[{tag}] {:<18} {}", c.name, c.message);
        }
    }
    match failed {
        None => Ok(()),
        Some(c) => {
            let exit = match c.name {
                "config" | "secrets" => Exit::Usage,
                "scanner_usb" | "rd_service" | "device_certificate" => Exit::Device,
                "api" => Exit::Network,
                _ => Exit::Failure,
            };
            // The lines above already say what to do; `--json` callers read `checks`.
            Err(CliError::new(
                exit,
                format!("doctor: {} needs attention", c.name),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn certificate_expiry_warns_fifteen_days_ahead() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 6, 0, 0).unwrap();
        assert_eq!(
            cert_verdict(now + Duration::days(400), now).verdict,
            Verdict::Ok
        );
        assert_eq!(
            cert_verdict(now + Duration::days(15), now).verdict,
            Verdict::Ok
        );
        let w = cert_verdict(now + Duration::days(14), now);
        assert_eq!(w.verdict, Verdict::Warn);
        assert!(w.message.contains("renew the RD service"), "{}", w.message);
        let f = cert_verdict(now - Duration::hours(1), now);
        assert_eq!(f.verdict, Verdict::Fail);
        assert!(f.message.contains("expired"));
    }

    #[test]
    fn clock_is_compared_with_the_api_timestamp_in_ist() {
        // 06:00 UTC is 11:30 IST.
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 6, 0, 0).unwrap();
        assert_eq!(
            clock_verdict("2026-11-22 11:30:05", now).verdict,
            Verdict::Ok
        );
        let w = clock_verdict("2026-11-22 11:28:00", now);
        assert_eq!(w.verdict, Verdict::Warn);
        assert!(w.message.contains("120s ahead"), "{}", w.message);
        let f = clock_verdict("2026-11-22 11:45:00", now);
        assert_eq!(f.verdict, Verdict::Fail);
        assert!(f.message.contains("900s behind"), "{}", f.message);
        for garbage in [
            "",
            "yesterday",
            "2026-13-01 00:00:00",
            "2026-11-22T11:30:00Z",
        ] {
            assert_eq!(
                clock_verdict(garbage, now).verdict,
                Verdict::Warn,
                "{garbage}"
            );
        }
    }
}
