//! What the tray shows for each state: icon, tooltip and which menu items are live. Pure, so
//! the mapping is unit-tested without a desktop.

// States and outcomes are matched by name: a new one must be placed, not caught by `_`.
#![warn(clippy::wildcard_enum_match_arm)]

use rd_agent::agent::AgentState;
use rd_agent::i18n::{Catalog, Lang, Msg};

/// One icon per situation the operator must tell apart at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum IconKind {
    /// Green with a tick.
    LoggedIn,
    /// Amber with a fingerprint-ish ring: act now.
    LoginRequired,
    /// Red with a cross: scanner, RD Service or API problem.
    Problem,
    /// Blue with dots: checking or logging in.
    Working,
    /// Grey: the service is not running.
    ServiceDown,
}

/// The menu's entries, in order. Ids are stable strings so events map back to actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    LoginNow,
    /// "Log in now" while a new scanner waits to be accepted: a login that accepts it (the
    /// first menu entry, relabelled; not an entry of its own).
    UseNewScanner,
    /// "Log in now" after two declined logins in a row: the entry states the risk, and
    /// choosing it is the operator's explicit act to go on (docs/ledger.md).
    LoginDespiteDeclines,
    Status,
    Devices,
    OpenLogFolder,
    Quit,
}

impl Action {
    pub(crate) const ALL: [Action; 5] = [
        Action::LoginNow,
        Action::Status,
        Action::Devices,
        Action::OpenLogFolder,
        Action::Quit,
    ];

    pub(crate) fn id(self) -> &'static str {
        match self {
            Action::LoginNow => "login",
            Action::UseNewScanner => "login-new-scanner",
            Action::LoginDespiteDeclines => "login-despite-declines",
            Action::Status => "status",
            Action::Devices => "devices",
            Action::OpenLogFolder => "logs",
            Action::Quit => "quit",
        }
    }

    /// The entry's words in `lang`.
    pub(crate) fn label(self, lang: Lang) -> String {
        Catalog::get(lang).tr(match self {
            Action::LoginNow => "tray-menu-login-now",
            Action::UseNewScanner => "tray-menu-use-new-scanner",
            Action::LoginDespiteDeclines => "tray-menu-login-despite-declines",
            Action::Status => "tray-menu-status",
            Action::Devices => "tray-menu-devices",
            Action::OpenLogFolder => "tray-menu-open-log-folder",
            Action::Quit => "tray-menu-quit",
        })
    }

    pub(crate) fn from_id(id: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.id() == id)
    }
}

/// Everything the tray draws for one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TrayView {
    pub(crate) icon: IconKind,
    /// One sentence.
    pub(crate) tooltip: String,
    /// (action, enabled) in menu order.
    pub(crate) menu: Vec<(Action, bool)>,
}

/// The view for a state, in `lang`; `None` means the service is not reachable.
pub(crate) fn view(state: Option<&AgentState>, lang: Lang) -> TrayView {
    let cat = Catalog::get(lang);
    let (icon, tooltip, login_enabled) = match state {
        None => (
            IconKind::ServiceDown,
            cat.tr("tray-service-not-running"),
            false,
        ),
        Some(AgentState::Unknown) => (IconKind::Working, cat.tr("tray-tooltip-checking"), false),
        Some(AgentState::LoggingIn) => {
            (IconKind::Working, cat.tr("tray-tooltip-logging-in"), false)
        }
        Some(AgentState::Settling { until }) => (
            IconKind::Working,
            cat.render(
                &Msg::new("tray-tooltip-settling").arg(
                    "time",
                    until
                        .with_timezone(&clock::ist())
                        .format("%H:%M")
                        .to_string(),
                ),
            ),
            // A login now would be refused: nothing is sent before the window ends.
            false,
        ),
        Some(AgentState::LoginRequired) => (
            IconKind::LoginRequired,
            cat.tr("tray-tooltip-login-required"),
            true,
        ),
        Some(AgentState::LoggedIn { .. }) => (
            IconKind::LoggedIn,
            cat.tr("tray-tooltip-logged-in"),
            // Allowed (the service refuses a duplicate charge); useful after a bank reset.
            true,
        ),
        Some(
            AgentState::DeviceProblem { reason }
            | AgentState::ApiProblem { reason }
            | AgentState::SetupProblem { reason },
        ) => (
            IconKind::Problem,
            one_sentence(&cat.render(reason), cat),
            true,
        ),
        Some(AgentState::DeclinesHeld { declines }) => (
            IconKind::Problem,
            cat.render(&Msg::new("tray-tooltip-declines-held").arg("declines", *declines)),
            true,
        ),
        Some(AgentState::NewScanner { .. }) => {
            (IconKind::Problem, cat.tr("tray-tooltip-new-scanner"), true)
        }
    };
    let service_up = state.is_some();
    let menu = Action::ALL
        .into_iter()
        .map(|a| {
            let a = if a == Action::LoginNow {
                login_action(state)
            } else {
                a
            };
            let enabled = match a {
                Action::LoginNow | Action::UseNewScanner | Action::LoginDespiteDeclines => {
                    login_enabled
                }
                Action::Status | Action::Devices => service_up,
                Action::OpenLogFolder | Action::Quit => true,
            };
            (a, enabled)
        })
        .collect();
    TrayView {
        icon,
        tooltip,
        menu,
    }
}

/// What the first menu entry does: a plain login, or, while a new scanner waits to be
/// accepted, a login that accepts it (the operator chose it by its label).
pub(crate) fn login_action(state: Option<&AgentState>) -> Action {
    match state {
        Some(AgentState::NewScanner { .. }) => Action::UseNewScanner,
        Some(AgentState::DeclinesHeld { .. }) => Action::LoginDespiteDeclines,
        _ => Action::LoginNow,
    }
}

/// The view while the service's capture waits for the finger: logging in, the tooltip
/// counting the seconds down as the terminal does (`login-finger-countdown`).
pub(crate) fn view_counting(
    state: Option<&AgentState>,
    seconds_left: Option<u32>,
    lang: Lang,
) -> TrayView {
    let mut v = view(state, lang);
    if let (Some(AgentState::LoggingIn), Some(s)) = (state, seconds_left) {
        v.tooltip =
            Catalog::get(lang).render(&Msg::new("login-finger-countdown").arg("seconds", s));
    }
    v
}

/// A reason can be long; a tooltip is one sentence (ending in "." and a space, or in the
/// Devanagari full stop "।").
fn one_sentence(reason: &str, cat: &Catalog) -> String {
    let r = reason.trim();
    let end = r
        .char_indices()
        .find(|&(i, c)| (c == '.' && r[i + 1..].starts_with(' ')) || c == '।')
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(r.len());
    let s: String = r[..end].chars().take(120).collect();
    if s.is_empty() {
        cat.tr("tray-tooltip-attention")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn enabled(v: &TrayView, a: Action) -> bool {
        v.menu.iter().find(|(x, _)| *x == a).unwrap().1
    }

    #[test]
    fn each_state_has_its_icon_tooltip_and_menu() {
        let until = Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap();
        let cases = [
            (None, IconKind::ServiceDown, "not running", false),
            (
                Some(AgentState::Unknown),
                IconKind::Working,
                "Checking",
                false,
            ),
            (
                Some(AgentState::LoggingIn),
                IconKind::Working,
                "place your finger",
                false,
            ),
            (
                Some(AgentState::Settling {
                    until: until - chrono::Duration::hours(10),
                }),
                IconKind::Working,
                "Checking the earlier login attempt: try again after 14:00 IST.",
                false,
            ),
            (
                Some(AgentState::LoginRequired),
                IconKind::LoginRequired,
                "Daily login needed: click to scan your finger.",
                true,
            ),
            (
                Some(AgentState::LoggedIn { until }),
                IconKind::LoggedIn,
                "Logged in until midnight.",
                true,
            ),
            (
                Some(AgentState::DeviceProblem {
                    reason: Msg::new("verbatim")
                        .arg("text", "Scanner not connected. Plug it in and wait."),
                }),
                IconKind::Problem,
                "Scanner not connected.",
                true,
            ),
            (
                Some(AgentState::ApiProblem {
                    reason: Msg::new("verbatim").arg("text", "InstantPay is down for maintenance."),
                }),
                IconKind::Problem,
                "maintenance",
                true,
            ),
        ];
        for (state, icon, tip, login) in cases {
            let v = view(state.as_ref(), Lang::En);
            assert_eq!(v.icon, icon, "{state:?}");
            assert!(v.tooltip.contains(tip), "{state:?}: {}", v.tooltip);
            assert_eq!(enabled(&v, Action::LoginNow), login, "{state:?}");
            assert!(enabled(&v, Action::Quit));
            assert!(enabled(&v, Action::OpenLogFolder));
            assert_eq!(enabled(&v, Action::Status), state.is_some());
            let labels: Vec<_> = v.menu.iter().map(|(a, _)| a.label(Lang::En)).collect();
            assert_eq!(
                labels,
                ["Log in now", "Status", "Devices", "Open log folder", "Quit"]
            );
        }
    }

    #[test]
    fn the_tooltip_counts_down_only_while_logging_in() {
        let logging_in = Some(AgentState::LoggingIn);
        let v = view_counting(logging_in.as_ref(), Some(8), Lang::En);
        assert_eq!(v.tooltip, "Place your finger on the scanner... 8 s left");
        assert_eq!(v.icon, IconKind::Working);
        assert!(
            !enabled(&v, Action::LoginNow),
            "no second login mid-capture"
        );
        // The capture ended (or never counted): the plain logging-in view.
        assert_eq!(
            view_counting(logging_in.as_ref(), None, Lang::En),
            view(logging_in.as_ref(), Lang::En)
        );
        // A late tick after the state moved on changes nothing.
        let done = Some(AgentState::LoginRequired);
        assert_eq!(
            view_counting(done.as_ref(), Some(3), Lang::En),
            view(done.as_ref(), Lang::En)
        );
    }

    #[test]
    fn two_declines_turn_the_first_entry_into_a_login_that_states_the_risk() {
        let held = Some(AgentState::DeclinesHeld { declines: 2 });
        for lang in Lang::ALL {
            let v = view(held.as_ref(), lang);
            assert_eq!(v.icon, IconKind::Problem);
            assert_eq!(v.menu[0], (Action::LoginDespiteDeclines, true));
            assert!(v.tooltip.contains('2'), "{}", v.tooltip);
        }
        // What the service holds after two declines over IPC (tests/it/agent_guards.rs).
        let v = view(held.as_ref(), Lang::En);
        assert!(
            v.tooltip.contains("2 logins in a row were declined"),
            "{}",
            v.tooltip
        );
        let label = Action::LoginDespiteDeclines.label(Lang::En);
        assert!(label.contains("can block your AePS"), "{label}");
        assert!(
            Action::LoginDespiteDeclines
                .label(Lang::Hi)
                .contains("AePS बंद")
        );
        // Nothing else offers it.
        assert_eq!(
            login_action(Some(&AgentState::LoginRequired)),
            Action::LoginNow
        );
    }

    #[test]
    fn a_new_scanner_turns_the_first_entry_into_a_login_that_accepts_it() {
        let new_scanner = AgentState::NewScanner {
            pinned: "MANTRA.MSIPL MFS100 serial 2990123".into(),
            found: "STARTEK.ACPL FM220U serial 123".into(),
        };
        let state = Some(new_scanner.clone());
        let v = view(state.as_ref(), Lang::En);
        assert_eq!(v.icon, IconKind::Problem);
        assert!(
            v.tooltip.starts_with("A different scanner is connected"),
            "{}",
            v.tooltip
        );
        assert_eq!(v.menu[0], (Action::UseNewScanner, true));
        assert_eq!(v.menu[0].0.label(Lang::En), "Log in with this new scanner");
        assert_eq!(login_action(state.as_ref()), Action::UseNewScanner);
        // Every other state keeps the plain login.
        let plain = Some(AgentState::LoginRequired);
        assert_eq!(view(plain.as_ref(), Lang::En).menu[0].0, Action::LoginNow);
        assert_eq!(login_action(plain.as_ref()), Action::LoginNow);
        assert!(
            new_scanner
                .sentence()
                .contains("STARTEK.ACPL FM220U serial 123")
        );
    }

    #[test]
    fn tooltips_are_one_sentence() {
        let en = Catalog::get(Lang::En);
        assert_eq!(
            one_sentence("Connect the scanner. Then retry. Or call.", en),
            "Connect the scanner."
        );
        assert_eq!(
            one_sentence("  ", en),
            "Something needs attention: open Status."
        );
        assert_eq!(one_sentence(&"x".repeat(500), en).len(), 120);
        assert_eq!(
            one_sentence("Version 2.0.1 is old", en),
            "Version 2.0.1 is old"
        );
        assert_eq!(one_sentence("स्कैनर लगाएँ। फिर कोशिश करें।", en), "स्कैनर लगाएँ।");
    }

    #[test]
    fn in_hindi_every_state_and_entry_is_hindi() {
        let devanagari = |t: &str| t.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c));
        let until = Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap();
        let states = [
            None,
            Some(AgentState::Unknown),
            Some(AgentState::LoggingIn),
            Some(AgentState::Settling { until }),
            Some(AgentState::LoginRequired),
            Some(AgentState::LoggedIn { until }),
            Some(AgentState::DeviceProblem {
                reason: Msg::new("agent-scanner-not-connected"),
            }),
            Some(AgentState::NewScanner {
                pinned: "MANTRA.MSIPL MFS100 serial 1".into(),
                found: "STARTEK.ACPL FM220U serial 2".into(),
            }),
        ];
        for state in states {
            let v = view(state.as_ref(), Lang::Hi);
            assert!(devanagari(&v.tooltip), "{state:?}: {}", v.tooltip);
            assert_ne!(v.tooltip, view(state.as_ref(), Lang::En).tooltip);
            for (a, _) in &v.menu {
                assert!(devanagari(&a.label(Lang::Hi)), "{a:?}");
            }
        }
        let v = view_counting(Some(&AgentState::LoggingIn), Some(8), Lang::Hi);
        assert!(
            devanagari(&v.tooltip) && v.tooltip.contains('8'),
            "{}",
            v.tooltip
        );
    }

    /// The device problems a service with no RD Service reports (tests/it/agent_run.rs): the
    /// tray says them in its user's language.
    #[test]
    fn a_device_problem_is_shown_in_the_trays_language() {
        let devanagari = |t: &str| t.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c));
        for reason in [
            Msg::new("agent-scanner-not-connected"),
            Msg::new("rd-not-found")
                .arg("host", "127.0.0.1")
                .arg("ports", "11100-11120"),
        ] {
            let state = Some(AgentState::DeviceProblem { reason });
            let (hi, en) = (
                view(state.as_ref(), Lang::Hi),
                view(state.as_ref(), Lang::En),
            );
            assert!(devanagari(&hi.tooltip), "{}", hi.tooltip);
            assert!(!devanagari(&en.tooltip), "{}", en.tooltip);
        }
    }

    #[test]
    fn action_ids_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::from_id(a.id()), Some(a));
        }
        assert_eq!(Action::from_id("nope"), None);
    }
}
