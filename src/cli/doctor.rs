//! `rd-agent doctor`: everything a support call would check, one line each: a verdict and
//! what to do. Nothing here prints a secret: secrets are reported as set or not set.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::Serialize;

use super::{CliError, CmdResult, Exit, Global, print_json};
use crate::config::{Config, Secrets};
use crate::i18n::errors::{api_error, rd_error};
use crate::i18n::{Catalog, Lang, Msg};
use clock::{Clock, SystemClock, ist};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Warn this many days before the device certificate expires.
pub(crate) const CERT_WARN_DAYS: i64 = 15;
/// The RD Service refuses captures when the clock is more than 10 minutes off; warn well before.
pub(crate) const CLOCK_WARN_SECS: i64 = 60;
pub(crate) const CLOCK_FAIL_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Verdict {
    Ok,
    Warn,
    Fail,
    /// Not checked because an earlier check failed.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Check {
    pub(crate) name: &'static str,
    pub(crate) verdict: Verdict,
    /// What was found and, unless it is fine, what to do: in English (`--json`).
    pub(crate) message: String,
    /// The same in the catalogue, for the human output in the operator's language.
    #[serde(skip)]
    pub(crate) said: Msg,
}

fn check(name: &'static str, verdict: Verdict, said: Msg) -> Check {
    Check {
        name,
        verdict,
        message: said.english(),
        said,
    }
}

/// An error with no catalogue message of its own yet (config and ledger errors), as it is.
fn verbatim(e: impl std::fmt::Display) -> Msg {
    Msg::verbatim(e.to_string())
}

/// The certificate verdict for `not_after` at `now`.
pub(crate) fn cert_verdict(not_after: DateTime<Utc>, now: DateTime<Utc>) -> Check {
    let days = (not_after - now).num_days();
    let date = not_after
        .with_timezone(&ist())
        .format("%Y-%m-%d")
        .to_string();
    let (verdict, id) = if not_after <= now {
        (Verdict::Fail, "doctor-cert-expired")
    } else if days < CERT_WARN_DAYS {
        (Verdict::Warn, "doctor-cert-expires-soon")
    } else {
        (Verdict::Ok, "doctor-cert-valid")
    };
    check(
        "device_certificate",
        verdict,
        Msg::new(id).arg("date", date).arg("days", days),
    )
}

/// The clock verdict: this machine's `now` against the API's `timestamp` (IST wall time).
pub(crate) fn clock_verdict(api_timestamp: &str, now: DateTime<Utc>) -> Check {
    let parsed = NaiveDateTime::parse_from_str(api_timestamp.trim(), "%Y-%m-%d %H:%M:%S")
        .ok()
        .and_then(|t| ist().from_local_datetime(&t).single());
    let Some(api) = parsed else {
        return check(
            "clock",
            Verdict::Warn,
            Msg::new("doctor-clock-unreadable").arg("timestamp", api_timestamp),
        );
    };
    let skew = (now - api.with_timezone(&Utc)).num_seconds();
    let (verdict, id) = match skew.abs() {
        s if s > CLOCK_FAIL_SECS => (Verdict::Fail, "doctor-clock-fail"),
        s if s > CLOCK_WARN_SECS => (Verdict::Warn, "doctor-clock-warn"),
        _ => (Verdict::Ok, "doctor-clock-ok"),
    };
    let direction = if skew >= 0 { "ahead" } else { "behind" };
    check(
        "clock",
        verdict,
        Msg::new(id)
            .arg("seconds", skew.abs())
            .arg("direction", direction),
    )
}

/// The sentence for a scanner's generation (crates/rd/src/generation.rs).
pub(crate) fn generation_msg(di: &rd::DeviceInfo) -> (rd::Generation, Msg) {
    use rd::Generation;
    let g = rd::generation_of(di);
    let id = match g {
        Generation::L1 => "device-generation-l1",
        Generation::L0 => "device-generation-l0",
        Generation::Unknown => "device-generation-unknown",
    };
    let device = format!(
        "{} {} (RD Service {} {})",
        di.dp_id, di.mi, di.rds_id, di.rds_ver
    );
    (g, Msg::new(id).arg("device", device))
}

/// The scanner's model and generation. An L0 device is a warning, not a failure: UIDAI
/// decides, and a refusal comes back as 553-557.
pub(crate) fn generation_check(di: &rd::DeviceInfo) -> Check {
    let (g, msg) = generation_msg(di);
    let verdict = match g {
        rd::Generation::L0 => Verdict::Warn,
        _ => Verdict::Ok,
    };
    check("device_generation", verdict, msg)
}

/// Run every check. Later checks that need an earlier one are skipped when it failed.
pub(crate) async fn run_checks(
    paths: &crate::config::Paths,
    clock: &dyn Clock,
    service_socket: &std::path::Path,
    service_view: Option<crate::config::View>,
) -> Vec<Check> {
    let mut out = Vec::new();
    // With a service, its configuration is the one that logs in (its secrets stay with it,
    // so the API is checked by the service itself).
    let (config, config_ok, secrets) = match service_view {
        Some(view) => (Some(service_config_check(&view, &mut out)), false, None),
        None => {
            let config = config_check(paths, &mut out);
            let config_ok = out.last().is_some_and(|c| c.verdict == Verdict::Ok);
            let secrets = secrets_check(paths, config.as_ref(), &mut out);
            (config, config_ok, secrets)
        }
    };
    out.push(usb_check().await);
    let default_config = Config::default();
    out.extend(rd_checks(config.as_ref().unwrap_or(&default_config), clock.now()).await);
    let usable = config.as_ref().filter(|_| config_ok).zip(secrets.as_ref());
    out.extend(api_checks(usable, clock).await);
    // The service (not needed for one-shot commands, but the tray and reminders need it).
    out.push(service_check(service_socket).await);
    out.extend(ledger_checks(&paths.ledger_file(), clock.now()));
    out
}

/// The config file: readable, and complete for a login. The config is returned even when
/// incomplete, for the checks that need only part of it (the RD Service's ports).
fn config_check(paths: &crate::config::Paths, out: &mut Vec<Check>) -> Option<Config> {
    match paths.load_config() {
        Ok(c) => match c.require_login() {
            Ok(()) => {
                out.push(check(
                    "config",
                    Verdict::Ok,
                    Msg::new("doctor-config-ok")
                        .arg("path", paths.config_file.display().to_string()),
                ));
                Some(c)
            }
            Err(e) => {
                out.push(check("config", Verdict::Fail, e.msg()));
                Some(c)
            }
        },
        Err(e) => {
            out.push(check("config", Verdict::Fail, e.msg()));
            None
        }
    }
}

/// The service's configuration, as the service shows it: complete, or what is missing and
/// how to fill it in.
fn service_config_check(view: &crate::config::View, out: &mut Vec<Check>) -> Config {
    let path = view.config_file.display().to_string();
    out.push(match view.problems.first() {
        None => check(
            "config",
            Verdict::Ok,
            Msg::new("doctor-service-config-ok").arg("path", path),
        ),
        Some(problem) => check(
            "config",
            Verdict::Fail,
            Msg::new("doctor-service-config-incomplete")
                .arg("problem", problem.clone())
                .arg("count", view.problems.len()),
        ),
    });
    view.config.clone()
}

/// The service's configuration, if a service answers and shows it.
async fn service_view(socket: &std::path::Path) -> Option<crate::config::View> {
    let mut c = crate::agent::ipc::connect(socket).await.ok()?;
    c.config_show().await.ok()
}

/// The secret store: each secret the config needs is set (never shown).
fn secrets_check(
    paths: &crate::config::Paths,
    config: Option<&Config>,
    out: &mut Vec<Check>,
) -> Option<Secrets> {
    match Secrets::load(&paths.secrets_file()) {
        Ok(s) => {
            let needed = config.map_or(Config::default().required_secrets(), |c| {
                c.required_secrets()
            });
            let missing: Vec<_> = needed
                .iter()
                .filter(|n| !s.is_set(**n))
                .map(|n| n.key())
                .collect();
            let stored_aadhaar = s.aadhaar.as_ref().map(|a| a.usable());
            if let Some(Err(e)) = stored_aadhaar {
                // Set, but under the wrong check-digit table of an older release.
                out.push(check("secrets", Verdict::Fail, e.msg()));
                None
            } else if missing.is_empty() {
                out.push(check("secrets", Verdict::Ok, Msg::new("doctor-secrets-ok")));
                Some(s)
            } else {
                out.push(check(
                    "secrets",
                    Verdict::Fail,
                    Msg::new("doctor-secrets-missing").arg("names", missing.join(", ")),
                ));
                None
            }
        }
        Err(e) => {
            out.push(check("secrets", Verdict::Fail, e.msg()));
            None
        }
    }
}

/// A scanner of a supported vendor on USB.
async fn usb_check() -> Check {
    match tokio::task::spawn_blocking(crate::agent::usb::scan)
        .await
        .ok()
        .flatten()
    {
        Some(v) if !v.is_empty() => {
            let names: Vec<_> = v.iter().map(|s| s.name).collect();
            check(
                "scanner_usb",
                Verdict::Ok,
                Msg::new("doctor-usb-ok").arg("names", names.join(", ")),
            )
        }
        Some(_) => check("scanner_usb", Verdict::Fail, Msg::new("doctor-usb-none")),
        None => check(
            "scanner_usb",
            Verdict::Warn,
            Msg::new("doctor-usb-unreadable"),
        ),
    }
}

/// The RD Service and its device: READY, its generation and its certificate's expiry.
async fn rd_checks(rd_config: &Config, now: chrono::DateTime<chrono::Utc>) -> Vec<Check> {
    let mut out = Vec::new();
    let opts = crate::agent::live::discover_options(rd_config);
    let found = rd::discover(&opts).await;
    match found.iter().find(|s| s.status.is_ready()) {
        Some(svc) => {
            let ready = Msg::new("doctor-rd-ready")
                .arg(
                    "url",
                    format!("{}://{}:{}", svc.scheme.as_str(), svc.host, svc.port),
                )
                .arg("info", svc.info.trim());
            out.push(
                match crate::login::live::several_ready(&rd::ready_ports(&found)) {
                    Some(w) => check(
                        "rd_service",
                        Verdict::Warn,
                        Msg::new("doctor-two-sentences")
                            .arg("first", ready)
                            .arg("second", w),
                    ),
                    None => check("rd_service", Verdict::Ok, ready),
                },
            );
            match rd::device_info(svc).await {
                Ok(info) => {
                    out.push(generation_check(&info.device_info));
                    match info.cert() {
                        Ok(cert) => out.push(cert_verdict(cert.not_after, now)),
                        Err(e) => out.push(check(
                            "device_certificate",
                            Verdict::Warn,
                            Msg::new("doctor-cert-unreadable").arg("error", e.to_string()),
                        )),
                    }
                }
                Err(e) => out.push(check("device_certificate", Verdict::Fail, rd_error(&e))),
            }
        }
        None => {
            let msg = match rd::ready_of(&found, &opts) {
                Err(e) => rd_error(&e),
                Ok(_) => Msg::verbatim(""),
            };
            out.push(check("rd_service", Verdict::Fail, msg));
            out.push(check(
                "device_certificate",
                Verdict::Skipped,
                Msg::new("doctor-needs-ready-rd"),
            ));
        }
    }

    out
}

/// InstantPay with the credentials, the clock against its timestamp, and the operator it
/// expects; skipped without a complete config and secrets.
async fn api_checks(usable: Option<(&Config, &Secrets)>, clock: &dyn Clock) -> Vec<Check> {
    let mut out = Vec::new();
    match usable {
        Some((c, s)) => match crate::login::live::client(c, s) {
            Ok(api) => match crate::login::InstantPayApi::login_status(&api).await {
                Ok(st) => {
                    out.push(check(
                        "api",
                        Verdict::Ok,
                        Msg::new("doctor-api-ok")
                            .arg("environment", st.meta.environment.as_str())
                            .arg(
                                "today",
                                if st.logged_in {
                                    "logged_in"
                                } else {
                                    "login_required"
                                },
                            ),
                    ));
                    out.push(clock_verdict(&st.meta.timestamp, clock.now()));
                    out.push(operator_check(c, s, &st));
                }
                Err(e) => {
                    out.push(check("api", Verdict::Fail, api_error(&e)));
                    out.push(check(
                        "clock",
                        Verdict::Skipped,
                        Msg::new("doctor-needs-api-answer"),
                    ));
                }
            },
            Err(e) => {
                out.push(check("api", Verdict::Fail, e.msg()));
                out.push(check(
                    "clock",
                    Verdict::Skipped,
                    Msg::new("doctor-needs-api-answer"),
                ));
            }
        },
        _ => {
            out.push(check(
                "api",
                Verdict::Skipped,
                Msg::new("doctor-needs-config"),
            ));
            out.push(check(
                "clock",
                Verdict::Skipped,
                Msg::new("doctor-needs-api-answer"),
            ));
        }
    }

    out
}

/// Whether the service answers on its endpoint, and what it says.
async fn service_check(service_socket: &std::path::Path) -> Check {
    match crate::agent::ipc::connect(service_socket).await {
        Ok(mut c) => match c.status().await {
            Ok(crate::agent::protocol::Message::Status { state, .. }) => check(
                "service",
                Verdict::Ok,
                Msg::new("doctor-service-ok").arg("sentence", state.msg()),
            ),
            Ok(_) => check("service", Verdict::Warn, Msg::new("doctor-service-odd")),
            Err(e) => check("service", Verdict::Warn, e.msg()),
        },
        Err(_) => check("service", Verdict::Warn, Msg::new("doctor-service-down")),
    }
}

/// Whether the configured Aadhaar is the operator InstantPay has on file for the outlet.
fn operator_check(c: &Config, s: &Secrets, st: &instantpay::LoginStatus) -> Check {
    let Ok(aadhaar) = s.aadhaar() else {
        return check(
            "operator",
            Verdict::Skipped,
            Msg::new("doctor-needs-config"),
        );
    };
    match st.expected_operator_differs(aadhaar) {
        Some(expected) => check(
            "operator",
            Verdict::Fail,
            Msg::new("doctor-operator-mismatch")
                .arg("configured", aadhaar.last_four())
                .arg("expected", expected)
                .arg("outlet", c.instantpay.outlet_id.as_str()),
        ),
        None if st.aadhaar_last_four.is_some() => check(
            "operator",
            Verdict::Ok,
            Msg::new("doctor-operator-ok").arg("configured", aadhaar.last_four()),
        ),
        None => check(
            "operator",
            Verdict::Skipped,
            Msg::new("doctor-operator-unknown"),
        ),
    }
}

/// The decline guard's count and the last capture's UIDAI key, from the ledger.
fn guard_checks(ledger: &crate::ledger::Ledger, now: chrono::DateTime<chrono::Utc>) -> Vec<Check> {
    let mut out = Vec::new();
    if let Ok(n) = ledger.consecutive_declines() {
        let verdict = match n {
            0 => Verdict::Ok,
            n if n < crate::ledger::DECLINE_LIMIT => Verdict::Warn,
            _ => Verdict::Fail,
        };
        let said = if n >= crate::ledger::DECLINE_LIMIT {
            Msg::new("login-error-decline-guard").arg("declines", n)
        } else {
            Msg::new("status-declines")
                .arg("declines", n)
                .arg("limit", crate::ledger::DECLINE_LIMIT)
        };
        out.push(check("declines", verdict, said));
    }
    if let Ok(Some(ci)) = ledger.last_ci() {
        let today = clock::ist_date(now);
        let verdict = match instantpay::KeyCheck::of(&ci, today) {
            instantpay::KeyCheck::Expired { .. } => Verdict::Fail,
            k if k.warn(today) => Verdict::Warn,
            _ => Verdict::Ok,
        };
        out.push(check(
            "uidai_key",
            verdict,
            super::status::key_msg(&ci, today),
        ));
    }
    out
}

/// What UIDAI said about the last login attempt, when its reply named a UIDAI code: the
/// sentence that says what to do, and the reply's words. `None` without an attempt.
fn last_attempt_check(ledger: &crate::ledger::Ledger) -> Option<Check> {
    let a = ledger.last_attempt().ok().flatten()?;
    Some(match super::uidai::explain_msg(&a) {
        Some(explained) => check(
            "last_login",
            Verdict::Warn,
            Msg::new("doctor-last-login-uidai")
                .arg("attempt", a.external_ref.as_str())
                .arg("explained", explained),
        ),
        None => check(
            "last_login",
            Verdict::Ok,
            Msg::new("doctor-last-login-ok").arg("attempt", a.external_ref.as_str()),
        ),
    })
}

/// What the ledger says, opened once: the last attempt, the decline guard and the UIDAI key
/// of the last capture. Nothing without a ledger yet.
fn ledger_checks(ledger_file: &std::path::Path, now: chrono::DateTime<chrono::Utc>) -> Vec<Check> {
    if !ledger_file.is_file() {
        return Vec::new();
    }
    let ledger = match crate::ledger::Ledger::open(ledger_file) {
        Ok(l) => l,
        Err(e) => return vec![check("last_login", Verdict::Fail, verbatim(e))],
    };
    let mut out: Vec<Check> = last_attempt_check(&ledger).into_iter().collect();
    out.extend(guard_checks(&ledger, now));
    out
}

pub(crate) fn run(_args: Args, global: &Global) -> CmdResult {
    let paths = super::config::user_paths(global)?;
    let socket = global.endpoint();
    // Files named on the command line are checked as they are; otherwise a service that
    // answers is asked for its configuration (`super::target`).
    let own_files =
        global.socket.is_none() && (global.config.is_some() || global.state_dir.is_some());
    let checks = super::block_on(async {
        let view = match own_files {
            true => None,
            false => service_view(&socket).await,
        };
        run_checks(&paths, &SystemClock, &socket, view).await
    });
    let failed = checks.iter().find(|c| c.verdict == Verdict::Fail);
    if global.json {
        // A failure's document is printed with its error (one document on stdout).
        if failed.is_none() {
            print_json(&serde_json::json!({ "ok": true, "checks": checks }));
        }
    } else {
        let cat = Catalog::get(super::language(global));
        let tags = [
            "doctor-tag-ok",
            "doctor-tag-warn",
            "doctor-tag-fail",
            "doctor-tag-skip",
        ]
        .map(|id| cat.tr(id));
        // One width for the tags, in characters as the terminal shows them.
        let width = tags.iter().map(|t| t.chars().count()).max().unwrap_or(4);
        for c in &checks {
            let tag = &tags[match c.verdict {
                Verdict::Ok => 0,
                Verdict::Warn => 1,
                Verdict::Fail => 2,
                Verdict::Skipped => 3,
            }];
            outln!("[{tag:^width$}] {:<18} {}", c.name, cat.render(&c.said));
        }
    }
    match failed {
        None => Ok(()),
        Some(c) => {
            let exit = match c.name {
                "config" | "secrets" | "operator" => Exit::Usage,
                "scanner_usb" | "rd_service" | "device_certificate" | "uidai_key" => Exit::Device,
                "declines" => Exit::Rejected,
                "api" => Exit::Network,
                _ => Exit::Failure,
            };
            // The lines above already say what to do; `--json` callers read `checks`.
            let cat = Catalog::get(if global.json {
                Lang::En
            } else {
                super::language(global)
            });
            let mut e = CliError::new(
                exit,
                cat.render(&Msg::new("doctor-needs-attention").arg("check", c.name)),
            );
            if global.json {
                let mut doc = serde_json::Map::new();
                doc.insert("checks".into(), serde_json::json!(checks));
                e.json = Some(doc);
            }
            Err(e)
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
