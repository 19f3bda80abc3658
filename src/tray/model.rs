//! What the tray shows for each state: icon, tooltip and which menu items are live. Pure, so
//! the mapping is unit-tested without a desktop.

use crate::agent::AgentState;

/// One icon per situation the operator must tell apart at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IconKind {
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
pub enum Action {
    LoginNow,
    /// "Log in now" while a new scanner waits to be accepted: a login that accepts it (the
    /// first menu entry, relabelled; not an entry of its own).
    UseNewScanner,
    Status,
    Devices,
    OpenLogFolder,
    Quit,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::LoginNow,
        Action::Status,
        Action::Devices,
        Action::OpenLogFolder,
        Action::Quit,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Action::LoginNow => "login",
            Action::UseNewScanner => "login-new-scanner",
            Action::Status => "status",
            Action::Devices => "devices",
            Action::OpenLogFolder => "logs",
            Action::Quit => "quit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::LoginNow => "Log in now",
            Action::UseNewScanner => "Log in with this new scanner",
            Action::Status => "Status",
            Action::Devices => "Devices",
            Action::OpenLogFolder => "Open log folder",
            Action::Quit => "Quit",
        }
    }

    pub fn from_id(id: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.id() == id)
    }
}

/// Everything the tray draws for one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayView {
    pub icon: IconKind,
    /// One sentence.
    pub tooltip: String,
    /// (action, enabled) in menu order.
    pub menu: Vec<(Action, bool)>,
}

/// The view for a state; `None` means the service is not reachable.
pub fn view(state: Option<&AgentState>) -> TrayView {
    let (icon, tooltip, login_enabled) = match state {
        None => (
            IconKind::ServiceDown,
            "The rd-agent service is not running: ask for it to be started.".to_string(),
            false,
        ),
        Some(AgentState::Unknown) => (
            IconKind::Working,
            "Checking today's login.".to_string(),
            false,
        ),
        Some(AgentState::LoggingIn) => (
            IconKind::Working,
            "Logging in: place your finger on the scanner.".to_string(),
            false,
        ),
        Some(AgentState::Settling { until }) => (
            IconKind::Working,
            format!(
                "Checking the earlier login attempt: try again after {} IST.",
                until.with_timezone(&clock::ist()).format("%H:%M")
            ),
            // A login now would be refused: nothing is sent before the window ends.
            false,
        ),
        Some(AgentState::LoginRequired) => (
            IconKind::LoginRequired,
            "Daily login needed: click to scan your finger.".to_string(),
            true,
        ),
        Some(AgentState::LoggedIn { .. }) => (
            IconKind::LoggedIn,
            "Logged in until midnight.".to_string(),
            // Allowed (the service refuses a duplicate charge); useful after a bank reset.
            true,
        ),
        Some(AgentState::DeviceProblem { reason }) => {
            (IconKind::Problem, one_sentence(reason), true)
        }
        Some(AgentState::NewScanner { .. }) => (
            IconKind::Problem,
            "A different scanner is connected: use it from the menu, or connect the usual one."
                .to_string(),
            true,
        ),
        Some(AgentState::ApiProblem { reason }) => (IconKind::Problem, one_sentence(reason), true),
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
                Action::LoginNow | Action::UseNewScanner => login_enabled,
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
pub fn login_action(state: Option<&AgentState>) -> Action {
    match state {
        Some(AgentState::NewScanner { .. }) => Action::UseNewScanner,
        _ => Action::LoginNow,
    }
}

/// The view while the service's capture waits for the finger: logging in, the tooltip
/// counting the seconds down as the terminal does (`login-finger-countdown`).
pub fn view_counting(state: Option<&AgentState>, seconds_left: Option<u32>) -> TrayView {
    let mut v = view(state);
    if let (Some(AgentState::LoggingIn), Some(s)) = (state, seconds_left) {
        v.tooltip = crate::i18n::Msg::new("login-finger-countdown")
            .arg("seconds", s)
            .english();
    }
    v
}

/// A reason can be long; a tooltip is one sentence.
fn one_sentence(reason: &str) -> String {
    let r = reason.trim();
    let end = r
        .char_indices()
        .find(|&(i, c)| c == '.' && r[i + 1..].starts_with(' '))
        .map(|(i, _)| i + 1)
        .unwrap_or(r.len());
    let s: String = r[..end].chars().take(120).collect();
    if s.is_empty() {
        "Something needs attention: open Status.".into()
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
                    reason: "Scanner not connected. Plug it in and wait.".into(),
                }),
                IconKind::Problem,
                "Scanner not connected.",
                true,
            ),
            (
                Some(AgentState::ApiProblem {
                    reason: "InstantPay is down for maintenance.".into(),
                }),
                IconKind::Problem,
                "maintenance",
                true,
            ),
        ];
        for (state, icon, tip, login) in cases {
            let v = view(state.as_ref());
            assert_eq!(v.icon, icon, "{state:?}");
            assert!(v.tooltip.contains(tip), "{state:?}: {}", v.tooltip);
            assert_eq!(enabled(&v, Action::LoginNow), login, "{state:?}");
            assert!(enabled(&v, Action::Quit));
            assert!(enabled(&v, Action::OpenLogFolder));
            assert_eq!(enabled(&v, Action::Status), state.is_some());
            let labels: Vec<_> = v.menu.iter().map(|(a, _)| a.label()).collect();
            assert_eq!(
                labels,
                ["Log in now", "Status", "Devices", "Open log folder", "Quit"]
            );
        }
    }

    #[test]
    fn the_tooltip_counts_down_only_while_logging_in() {
        let logging_in = Some(AgentState::LoggingIn);
        let v = view_counting(logging_in.as_ref(), Some(8));
        assert_eq!(v.tooltip, "Place your finger on the scanner... 8 s left");
        assert_eq!(v.icon, IconKind::Working);
        assert!(
            !enabled(&v, Action::LoginNow),
            "no second login mid-capture"
        );
        // The capture ended (or never counted): the plain logging-in view.
        assert_eq!(
            view_counting(logging_in.as_ref(), None),
            view(logging_in.as_ref())
        );
        // A late tick after the state moved on changes nothing.
        let done = Some(AgentState::LoginRequired);
        assert_eq!(view_counting(done.as_ref(), Some(3)), view(done.as_ref()));
    }

    #[test]
    fn a_new_scanner_turns_the_first_entry_into_a_login_that_accepts_it() {
        let new_scanner = AgentState::NewScanner {
            pinned: "MANTRA.MSIPL MFS100 serial 2990123".into(),
            found: "STARTEK.ACPL FM220U serial 123".into(),
        };
        let state = Some(new_scanner.clone());
        let v = view(state.as_ref());
        assert_eq!(v.icon, IconKind::Problem);
        assert!(
            v.tooltip.starts_with("A different scanner is connected"),
            "{}",
            v.tooltip
        );
        assert_eq!(v.menu[0], (Action::UseNewScanner, true));
        assert_eq!(v.menu[0].0.label(), "Log in with this new scanner");
        assert_eq!(login_action(state.as_ref()), Action::UseNewScanner);
        // Every other state keeps the plain login.
        let plain = Some(AgentState::LoginRequired);
        assert_eq!(view(plain.as_ref()).menu[0].0, Action::LoginNow);
        assert_eq!(login_action(plain.as_ref()), Action::LoginNow);
        assert!(
            new_scanner
                .sentence()
                .contains("STARTEK.ACPL FM220U serial 123")
        );
    }

    #[test]
    fn tooltips_are_one_sentence() {
        assert_eq!(
            one_sentence("Connect the scanner. Then retry. Or call."),
            "Connect the scanner."
        );
        assert_eq!(
            one_sentence("  "),
            "Something needs attention: open Status."
        );
        assert_eq!(one_sentence(&"x".repeat(500)).len(), 120);
        assert_eq!(one_sentence("Version 2.0.1 is old"), "Version 2.0.1 is old");
    }

    #[test]
    fn action_ids_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::from_id(a.id()), Some(a));
        }
        assert_eq!(Action::from_id("nope"), None);
    }
}
