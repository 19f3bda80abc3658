//! The Scanner and checks screen: the checks of `rd-agent doctor` that the service's answers
//! can make (it runs, its settings are complete, a scanner's RD Service is ready, the decline
//! guard's count), the scanners found, and a text for support. Everything here comes from the
//! IPC's answers, which hold no secret: settings in force, each secret as set / not set and
//! the Aadhaar masked. Pure.

use rd_agent::agent::AgentState;
use rd_agent::config::View;
use rd_agent::devices::DeviceReport;
use rd_agent::i18n::{Catalog, Lang, Msg};
use rd_agent::ledger::Summary;
use serde::Serialize;

/// What the service answered (each `Err` its refusal or why it could not be asked).
pub(crate) struct Answers {
    pub(crate) state: Result<(AgentState, Option<Summary>), Msg>,
    pub(crate) view: Result<View, Msg>,
    pub(crate) devices: Result<DeviceReport, Msg>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChecksView {
    pub(crate) checks: Vec<CheckLine>,
    /// The scanners found, one a line with the model and generation.
    pub(crate) devices: String,
    /// The text "Copy for support" copies.
    pub(crate) support: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct CheckLine {
    pub(crate) title: String,
    pub(crate) ok: bool,
    /// "OK" or "Needs attention".
    pub(crate) verdict: String,
    pub(crate) said: String,
}

/// The settings support may need, as the service has them (no secret is a setting).
const SETTINGS: [&str; 9] = [
    "instantpay.mode",
    "instantpay.base_url",
    "instantpay.client_id",
    "instantpay.outlet_id",
    "instantpay.endpoint_ip",
    "outlet.latitude",
    "outlet.longitude",
    "rd.ports",
    "relay.url",
];

/// The secrets, each shown as the view shows it.
const SECRETS: [&str; 4] = [
    "instantpay.client_secret",
    "instantpay.encryption_key",
    "operator.aadhaar",
    "relay.token",
];

pub(crate) fn view(a: &Answers, lang: Lang, now: chrono::DateTime<chrono::Utc>) -> ChecksView {
    let cat = Catalog::get(lang);
    let line = |title: &'static str, ok: bool, said: String| CheckLine {
        title: cat.tr(title),
        ok,
        verdict: cat.tr(if ok {
            "page-check-ok"
        } else {
            "page-check-problem"
        }),
        said,
    };
    let mut checks = vec![match &a.state {
        Ok(_) => line("page-check-service", true, cat.tr("page-check-service-ok")),
        Err(why) => line("page-check-service", false, cat.render(why)),
    }];
    checks.push(match &a.view {
        Ok(v) if v.problems().is_empty() => {
            line("page-check-settings", true, cat.tr("page-setup-ready"))
        }
        Ok(v) => line(
            "page-check-settings",
            false,
            v.problems()
                .iter()
                .map(|m| cat.render(m))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Err(why) => line("page-check-settings", false, cat.render(why)),
    });
    let devices = match &a.devices {
        Ok(d) => d.summary(cat),
        Err(why) => cat.render(why),
    };
    checks.push(match &a.devices {
        Ok(d) if d.ready() > 0 => line(
            "page-check-scanner",
            true,
            cat.render(&Msg::new("page-check-scanner-ok").arg("count", d.ready())),
        ),
        Ok(_) | Err(_) => line("page-check-scanner", false, devices.clone()),
    });
    if let Ok((_, Some(s))) = &a.state {
        let declines = s.consecutive_declines();
        checks.push(if declines == 0 {
            line(
                "page-check-declines",
                true,
                cat.tr("page-check-declines-ok"),
            )
        } else {
            line(
                "page-check-declines",
                false,
                cat.render(&Msg::new("page-check-declines-count").arg("count", declines)),
            )
        });
    }
    ChecksView {
        support: support(a, &checks, &devices, cat, now),
        checks,
        devices,
    }
}

/// The text for support: the version, the day, each setting in force, each secret as shown
/// (never its value), what is missing, the checks and the scanners.
fn support(
    a: &Answers,
    checks: &[CheckLine],
    devices: &str,
    cat: &Catalog,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let time = now
        .with_timezone(&clock::ist())
        .format("%d-%m-%Y %H:%M IST")
        .to_string();
    let mut out = vec![
        cat.render(&Msg::new("page-support-title").arg("time", time)),
        cat.render(&Msg::new("page-support-version").arg("version", env!("CARGO_PKG_VERSION"))),
    ];
    match &a.state {
        Ok((state, summary)) => {
            out.push(cat.render(&Msg::new("page-support-today").arg("state", state.msg())));
            if let Some(s) = summary {
                out.push(
                    cat.render(
                        &Msg::new("page-support-ledger")
                            .arg("count", s.charged_this_month)
                            .arg("declines", s.consecutive_declines()),
                    ),
                );
            }
        }
        Err(why) => out.push(cat.render(why)),
    }
    if let Ok(v) = &a.view {
        for key in SETTINGS {
            let value = v.value(key).unwrap_or_default();
            out.push(
                cat.render(
                    &Msg::new("page-support-setting")
                        .arg("key", key)
                        .arg("value", value),
                ),
            );
        }
        for key in SECRETS {
            if let Some(shown) = v.secret_shown(key) {
                out.push(
                    cat.render(
                        &Msg::new("page-support-secret")
                            .arg("key", key)
                            .arg("shown", shown),
                    ),
                );
            }
        }
        for p in v.problems() {
            out.push(cat.render(&Msg::new("page-support-missing").arg("problem", p.clone())));
        }
    }
    for c in checks {
        out.push(format!("{} ({}): {}", c.title, c.verdict, c.said));
    }
    for d in devices.lines() {
        out.push(cat.render(&Msg::new("page-support-scanner").arg("device", d)));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_that_cannot_be_asked_fails_its_checks_in_both_languages() {
        let why = || Msg::new("tray-service-not-running");
        for lang in Lang::ALL {
            let a = Answers {
                state: Err(why()),
                view: Err(why()),
                devices: Err(why()),
            };
            let v = view(&a, lang, chrono::Utc::now());
            assert_eq!(v.checks.len(), 3);
            assert!(v.checks.iter().all(|c| !c.ok));
            assert!(v.support.lines().count() >= 5, "{}", v.support);
        }
    }
}
