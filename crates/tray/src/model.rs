//! What the tray shows for each state: icon, tooltip and which menu items are live, and what a
//! click asks of the service. Pure (the clock is passed in), so it is unit-tested without a
//! desktop: app.rs feeds it the service's events and the clicks, and carries out its commands.

// States and outcomes are matched by name: a new one must be placed, not caught by `_`.
#![warn(clippy::wildcard_enum_match_arm)]

use std::time::{Duration, Instant};

use instantpay::Amount;
use rd_agent::agent::AgentState;
use rd_agent::i18n::{Catalog, Lang, Msg, rupees};
use rd_agent::ledger::Summary;
use rd_agent::login::{CAPTURE_TIMEOUT_MS, LoginFlags};

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
    /// "Log in now" after the bank cancelled the day's login: the entry names the charge;
    /// choosing it only asks for [`Action::ConfirmLoginAgain`].
    LoginAgain,
    /// The same entry for [`CONFIRM_FOR`] after "Log in again" was chosen: the forced,
    /// charged login.
    ConfirmLoginAgain,
    /// The operator's page in the default browser (crates/page).
    OpenPage,
    Status,
    Devices,
    OpenLogFolder,
    Quit,
}

impl Action {
    pub(crate) const ALL: [Action; 6] = [
        Action::LoginNow,
        Action::OpenPage,
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
            Action::LoginAgain => "login-again",
            Action::ConfirmLoginAgain => "login-again-confirm",
            Action::OpenPage => "open-page",
            Action::Status => "status",
            Action::Devices => "devices",
            Action::OpenLogFolder => "logs",
            Action::Quit => "quit",
        }
    }

    /// The entry's words in `lang`; `charge` is what a forced login costs (and whether that
    /// is the usual price rather than what this PC last paid).
    pub(crate) fn label(self, lang: Lang, charge: (&Amount, bool)) -> String {
        let cat = Catalog::get(lang);
        let amount = || rupees(charge.0);
        cat.tr(match self {
            Action::LoginNow => "tray-menu-login-now",
            Action::UseNewScanner => "tray-menu-use-new-scanner",
            Action::LoginDespiteDeclines => "tray-menu-login-despite-declines",
            Action::LoginAgain => {
                return cat.render(
                    &Msg::new("tray-menu-login-again")
                        .arg("amount", amount())
                        .arg("estimate", if charge.1 { "yes" } else { "no" }),
                );
            }
            Action::ConfirmLoginAgain => {
                return cat
                    .render(&Msg::new("tray-menu-login-again-confirm").arg("amount", amount()));
            }
            Action::OpenPage => "tray-menu-open-page",
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

/// How long "Log in again" waits for its confirmation before it goes back to its label.
pub(crate) const CONFIRM_FOR: Duration = Duration::from_secs(30);

/// What a login costs when this PC has no charge on record: ₹0.80 plus 18% GST, rounded down
/// to the paisa, as InstantPay's sandbox charges and comparable platforms ask
/// (docs/ledger.md, "Money"). The entry then says "about".
pub(crate) const USUAL_LOGIN_CHARGE_PAISE: i64 = 94;

/// The seconds the service's capture waits for the finger: what the tooltip shows from the
/// click until the service's first countdown event.
pub(crate) const CAPTURE_SECONDS: u32 = CAPTURE_TIMEOUT_MS.div_ceil(1000);

/// One entry of the menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) action: Action,
    pub(crate) label: String,
    pub(crate) enabled: bool,
}

/// Everything the tray draws for one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TrayView {
    pub(crate) icon: IconKind,
    /// One short sentence.
    pub(crate) tooltip: String,
    /// In menu order: the first entry's action and words depend on the state.
    pub(crate) menu: Vec<Entry>,
}

/// What the ledger says about today, beyond the state (from the service's `status` reply).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Day {
    /// A login of today went through on this PC: when the service still says login required,
    /// the bank cancelled it, and only a forced (charged) login goes on.
    pub(crate) logged_in_here: bool,
    /// What the last charged login cost.
    pub(crate) last_charge: Option<Amount>,
}

impl Day {
    pub(crate) fn of(summary: &Summary) -> Day {
        Day {
            logged_in_here: summary.attempt_logged_in_today,
            last_charge: summary.last_charge.clone(),
        }
    }
}

/// What the tray asks of the IPC side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    /// A login request; its end comes back as [`Tray::login_ended`].
    Login(LoginFlags),
    /// A menu action other than a login.
    Run(Action),
    /// Call [`Tray::tick`] after this long.
    WakeIn(Duration),
}

/// Where a login the tray asked for is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Login {
    Idle,
    /// Asked; the service has not said it is logging in yet.
    Asked,
    /// The service is logging in.
    Running,
}

/// The tray's state: the service's, what the ledger adds, and the tray's own login and
/// confirmation.
#[derive(Debug, Clone)]
pub(crate) struct Tray {
    lang: Lang,
    state: Option<AgentState>,
    day: Day,
    login: Login,
    /// Seconds left for the finger, from the service's capture events.
    finger: Option<u32>,
    /// The capture ended: the login is with InstantPay.
    scanned: bool,
    /// "Log in again" was chosen: the confirmation is open until then.
    confirm_until: Option<Instant>,
}

impl Tray {
    pub(crate) fn new(lang: Lang) -> Tray {
        Tray {
            lang,
            state: None,
            day: Day::default(),
            login: Login::Idle,
            finger: None,
            scanned: false,
            confirm_until: None,
        }
    }

    /// The service's state (`None`: not reachable).
    pub(crate) fn set_state(&mut self, state: Option<AgentState>) {
        let logging_in = state == Some(AgentState::LoggingIn);
        match (self.login, logging_in) {
            (Login::Asked, true) => self.login = Login::Running,
            (Login::Running, false) => self.login = Login::Idle,
            (Login::Idle | Login::Asked | Login::Running, _) => {}
        }
        if state.is_none() {
            self.login = Login::Idle;
        }
        if !logging_in {
            self.finger = None;
            self.scanned = false;
        }
        // The day's facts are asked again for the new state (a new day may have begun).
        if state != self.state {
            self.day = Day::default();
        }
        self.state = state;
        if !self.cancelled() {
            self.confirm_until = None;
        }
    }

    /// What the ledger says about today.
    pub(crate) fn set_day(&mut self, day: Day) {
        self.day = day;
        if !self.cancelled() {
            self.confirm_until = None;
        }
    }

    /// The service's capture event: seconds left, or `None` when the capture ended.
    pub(crate) fn capture(&mut self, seconds_left: Option<u32>) {
        if self.login == Login::Idle && self.state != Some(AgentState::LoggingIn) {
            return;
        }
        self.finger = seconds_left;
        self.scanned = seconds_left.is_none();
    }

    /// The tray's login request was answered (or failed): the state says the rest.
    pub(crate) fn login_ended(&mut self) {
        self.login = Login::Idle;
        if self.state != Some(AgentState::LoggingIn) {
            self.finger = None;
            self.scanned = false;
        }
    }

    /// The bank cancelled the day's login: the service says login required, though a login of
    /// today went through here.
    fn cancelled(&self) -> bool {
        self.state == Some(AgentState::LoginRequired) && self.day.logged_in_here
    }

    /// What a forced login will cost, and whether that is the usual price (no charge on
    /// record).
    fn charge(&self) -> (Amount, bool) {
        match &self.day.last_charge {
            Some(a) => (a.clone(), false),
            None => (Amount::from_paise(USUAL_LOGIN_CHARGE_PAISE), true),
        }
    }

    /// What the first menu entry does now.
    pub(crate) fn first_action(&self, now: Instant) -> Action {
        if self.login != Login::Idle {
            return Action::LoginNow;
        }
        match &self.state {
            Some(AgentState::NewScanner { .. }) => Action::UseNewScanner,
            Some(AgentState::DeclinesHeld { .. }) => Action::LoginDespiteDeclines,
            Some(AgentState::LoginRequired) if self.cancelled() => {
                if self.confirm_until.is_some_and(|t| now < t) {
                    Action::ConfirmLoginAgain
                } else {
                    Action::LoginAgain
                }
            }
            _ => Action::LoginNow,
        }
    }

    /// A menu entry was chosen. The first entry's id is always `login`: what it does is what
    /// it says now.
    pub(crate) fn choose(&mut self, action: Action, now: Instant) -> Vec<Command> {
        match action {
            Action::LoginNow
            | Action::UseNewScanner
            | Action::LoginDespiteDeclines
            | Action::LoginAgain
            | Action::ConfirmLoginAgain => self.first_entry(now),
            Action::OpenPage | Action::Status | Action::Devices | Action::OpenLogFolder => {
                vec![Command::Run(action)]
            }
            Action::Quit => Vec::new(),
        }
    }

    /// The icon was clicked: while a login is due, the same as the first entry, except that
    /// it never confirms a charged login (a double click would be two clicks): that is the
    /// menu's.
    pub(crate) fn icon_clicked(&mut self, now: Instant) -> Vec<Command> {
        self.tick(now);
        let due = self.state.as_ref().is_some_and(AgentState::needs_login);
        if due && self.first_action(now) != Action::ConfirmLoginAgain {
            self.first_entry(now)
        } else {
            Vec::new()
        }
    }

    /// Time passed: an unconfirmed "Log in again" goes back to its label.
    pub(crate) fn tick(&mut self, now: Instant) {
        if self.confirm_until.is_some_and(|t| now >= t) {
            self.confirm_until = None;
        }
    }

    fn first_entry(&mut self, now: Instant) -> Vec<Command> {
        self.tick(now);
        let action = self.first_action(now);
        if !self.first_enabled() {
            return Vec::new();
        }
        let flags = match action {
            Action::LoginNow => LoginFlags::default(),
            Action::UseNewScanner => LoginFlags {
                accept_new_device: true,
                ..Default::default()
            },
            Action::LoginDespiteDeclines => LoginFlags {
                despite_declines: true,
                ..Default::default()
            },
            // Nothing is sent yet: the entry turns into the confirmation.
            Action::LoginAgain => {
                self.confirm_until = Some(now + CONFIRM_FOR);
                return vec![Command::WakeIn(CONFIRM_FOR)];
            }
            Action::ConfirmLoginAgain => {
                self.confirm_until = None;
                LoginFlags {
                    force: true,
                    ..Default::default()
                }
            }
            Action::OpenPage
            | Action::Status
            | Action::Devices
            | Action::OpenLogFolder
            | Action::Quit => {
                return Vec::new();
            }
        };
        self.login = Login::Asked;
        self.finger = None;
        self.scanned = false;
        vec![Command::Login(flags)]
    }

    /// Whether a login may be asked now.
    fn first_enabled(&self) -> bool {
        if self.login != Login::Idle {
            return false;
        }
        match &self.state {
            None
            | Some(AgentState::Unknown)
            | Some(AgentState::LoggingIn)
            // A login now would be refused: nothing is sent before the window ends.
            | Some(AgentState::Settling { .. }) => false,
            // Allowed when logged in (the service refuses a duplicate charge); useful after a
            // bank reset.
            Some(
                AgentState::LoginRequired
                | AgentState::LoggedIn { .. }
                | AgentState::DeviceProblem { .. }
                | AgentState::ApiProblem { .. }
                | AgentState::SetupProblem { .. }
                | AgentState::DeclinesHeld { .. }
                | AgentState::NewScanner { .. },
            ) => true,
        }
    }

    /// What to draw now.
    pub(crate) fn view(&self, now: Instant) -> TrayView {
        let cat = Catalog::get(self.lang);
        let logging_in = self.login != Login::Idle || self.state == Some(AgentState::LoggingIn);
        let (icon, tooltip) = if logging_in {
            let finger = |s: u32| cat.render(&Msg::new("tray-tooltip-finger").arg("seconds", s));
            let tooltip = match (self.scanned, self.finger, self.login) {
                (true, _, _) => cat.tr("tray-tooltip-sending"),
                (false, Some(s), _) => finger(s),
                // Asked: the service's countdown starts at the capture timeout.
                (false, None, Login::Asked | Login::Running) => finger(CAPTURE_SECONDS),
                // Another client's login, before its capture.
                (false, None, Login::Idle) => cat.tr("tray-tooltip-logging-in"),
            };
            (IconKind::Working, tooltip)
        } else if self.cancelled() {
            let id = if self.first_action(now) == Action::ConfirmLoginAgain {
                "tray-tooltip-confirm"
            } else {
                "tray-fix-cancelled"
            };
            (IconKind::LoginRequired, cat.tr(id))
        } else {
            state_look(self.state.as_ref(), cat)
        };
        let service_up = self.state.is_some();
        let (amount, estimate) = self.charge();
        let menu = Action::ALL
            .into_iter()
            .map(|a| {
                let (action, enabled) = match a {
                    Action::LoginNow => (self.first_action(now), self.first_enabled()),
                    Action::Status | Action::Devices => (a, service_up),
                    Action::UseNewScanner
                    | Action::LoginDespiteDeclines
                    | Action::LoginAgain
                    | Action::ConfirmLoginAgain
                    | Action::OpenPage
                    | Action::OpenLogFolder
                    | Action::Quit => (a, true),
                };
                Entry {
                    action,
                    label: action.label(self.lang, (&amount, estimate)),
                    enabled,
                }
            })
            .collect();
        TrayView {
            icon,
            tooltip,
            menu,
        }
    }
}

/// The icon and tooltip of a state, when no login of the tray's is under way.
fn state_look(state: Option<&AgentState>, cat: &Catalog) -> (IconKind, String) {
    match state {
        None => (IconKind::ServiceDown, cat.tr("tray-service-not-running")),
        Some(AgentState::Unknown) => (IconKind::Working, cat.tr("tray-tooltip-checking")),
        Some(AgentState::LoggingIn) => (IconKind::Working, cat.tr("tray-tooltip-logging-in")),
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
        ),
        Some(AgentState::LoginRequired) => (
            IconKind::LoginRequired,
            cat.tr("tray-tooltip-login-required"),
        ),
        Some(AgentState::LoggedIn { .. }) => (IconKind::LoggedIn, cat.tr("tray-tooltip-logged-in")),
        Some(
            AgentState::DeviceProblem { reason }
            | AgentState::ApiProblem { reason }
            | AgentState::SetupProblem { reason },
        ) => (IconKind::Problem, cat.tr(fix(reason))),
        Some(AgentState::DeclinesHeld { declines }) => (
            IconKind::Problem,
            cat.render(&Msg::new("tray-tooltip-declines-held").arg("declines", *declines)),
        ),
        Some(AgentState::NewScanner { .. }) => {
            (IconKind::Problem, cat.tr("tray-tooltip-new-scanner"))
        }
    }
}

/// The short sentences a problem's tooltip can be: what to do first, then why.
#[cfg(test)]
const FIXES: [&str; 16] = [
    "tray-fix-scanner",
    "tray-fix-scanner-not-ready",
    "tray-fix-rd-service",
    "tray-fix-capture",
    "tray-fix-low-quality",
    "tray-fix-key-expired",
    "tray-fix-internet",
    "tray-fix-refused",
    "tray-fix-setup",
    "tray-fix-aadhaar",
    "tray-fix-enrol",
    "tray-fix-wait",
    "tray-fix-support",
    "tray-fix-mismatch",
    "tray-fix-cancelled",
    "tray-fix-other",
];

/// A problem's short sentence. A reason's full sentence is too long for a tooltip (Windows
/// keeps 127 characters), and cutting it drops what to do; so the tray says the kind of
/// problem's own sentence, found from the most specific message id in the reason (the
/// nested ones first), and "Status" shows the full one.
pub(crate) fn fix(reason: &Msg) -> &'static str {
    reason
        .ids()
        .into_iter()
        .rev()
        .find_map(fix_of)
        .unwrap_or("tray-fix-other")
}

fn fix_of(id: &str) -> Option<&'static str> {
    let prefixed = |p: &str| id.starts_with(p);
    Some(match id {
        "agent-scanner-not-connected" => "tray-fix-scanner",
        "rd-not-ready" => "tray-fix-scanner-not-ready",
        "rd-not-found" | "rd-refused" | "rd-connect" | "rd-timeout" | "rd-http-status"
        | "rd-too-large" | "rd-not-http" | "rd-malformed" => "tray-fix-rd-service",
        "rd-capture-failed" | "rd-capture-failure" | "login-error-capture-failed" => {
            "tray-fix-capture"
        }
        _ if prefixed("rd-pid-") || prefixed("rd-xml-") => "tray-fix-capture",
        "login-error-low-quality" => "tray-fix-low-quality",
        "login-error-key-expired" | "relay-key-expired" => "tray-fix-key-expired",
        "api-error-connect" | "api-error-no-answer" => "tray-fix-internet",
        "api-error-rejected"
        | "api-error-reply"
        | "api-error-unexpected"
        | "api-error-relay"
        | "login-error-rejected" => "tray-fix-refused",
        "login-error-wrong-operator" | "relay-wrong-operator" | "login-error-aadhaar" => {
            "tray-fix-aadhaar"
        }
        _ if prefixed("aadhaar-") => "tray-fix-aadhaar",
        "api-error-config" | "api-error-request" => "tray-fix-setup",
        _ if prefixed("config-") || prefixed("secrets-") => "tray-fix-setup",
        "relay-device-revoked" | "relay-device-unknown" | "relay-code-invalid" => "tray-fix-enrol",
        "relay-rate-limited"
        | "relay-outlet-busy"
        | "relay-settling"
        | "login-error-settling"
        | "login-error-unknown"
        | "agent-busy"
        | "agent-login-in-progress" => "tray-fix-wait",
        "relay-failure-cap" | "relay-decline-guard" => "tray-fix-support",
        "login-error-mismatch" => "tray-fix-mismatch",
        "login-error-locally-logged-in" => "tray-fix-cancelled",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn devanagari(t: &str) -> bool {
        t.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
    }

    fn tray(state: Option<AgentState>, lang: Lang) -> Tray {
        let mut t = Tray::new(lang);
        t.set_state(state);
        t
    }

    fn view(state: Option<AgentState>, lang: Lang) -> TrayView {
        tray(state, lang).view(Instant::now())
    }

    fn enabled(v: &TrayView, a: Action) -> bool {
        v.menu.iter().find(|e| e.action == a).unwrap().enabled
    }

    /// The sentence of a service that cannot reach InstantPay, as the service nests it.
    fn no_internet() -> Msg {
        Msg::new("agent-status-check-failed").arg(
            "error",
            Msg::new("login-error-status").arg(
                "error",
                Msg::new("api-error-connect")
                    .arg("base_url", "https://api.instantpay.in")
                    .arg("reason", "dns error: failed to lookup address information"),
            ),
        )
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
                "Wait until 14:00 IST, then log in",
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
                    reason: Msg::new("agent-scanner-not-connected"),
                }),
                IconKind::Problem,
                "Plug in the fingerprint scanner",
                true,
            ),
            (
                Some(AgentState::ApiProblem {
                    reason: Msg::new("verbatim").arg("text", "InstantPay is down for maintenance."),
                }),
                IconKind::Problem,
                "Open Status from the menu",
                true,
            ),
        ];
        for (state, icon, tip, login) in cases {
            let v = view(state.clone(), Lang::En);
            assert_eq!(v.icon, icon, "{state:?}");
            assert!(v.tooltip.contains(tip), "{state:?}: {}", v.tooltip);
            assert_eq!(enabled(&v, Action::LoginNow), login, "{state:?}");
            assert!(enabled(&v, Action::Quit));
            assert!(enabled(&v, Action::OpenLogFolder));
            // The page says itself when the service is not running.
            assert!(enabled(&v, Action::OpenPage));
            assert_eq!(enabled(&v, Action::Status), state.is_some());
            let labels: Vec<_> = v.menu.iter().map(|e| e.label.as_str()).collect();
            assert_eq!(
                labels,
                [
                    "Log in now",
                    "Open rd-agent",
                    "Status",
                    "Devices",
                    "Open log folder",
                    "Quit"
                ]
            );
            let mut t = tray(state.clone(), Lang::En);
            assert_eq!(
                t.choose(Action::OpenPage, Instant::now()),
                [Command::Run(Action::OpenPage)]
            );
        }
    }

    /// Click, the service's capture events, the result: the tray says "place your finger" the
    /// moment it is clicked, and counts down with the service.
    #[test]
    fn log_in_now_shows_the_countdown_at_once_and_follows_the_service() {
        let until = Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap();
        for lang in Lang::ALL {
            let cat = Catalog::get(lang);
            let finger = |s: u32| cat.render(&Msg::new("tray-tooltip-finger").arg("seconds", s));
            let now = Instant::now();
            let mut t = tray(Some(AgentState::LoginRequired), lang);
            assert_eq!(t.view(now).icon, IconKind::LoginRequired);

            // The click: one plain login, and at once the finger and the capture's seconds.
            assert_eq!(
                t.choose(Action::LoginNow, now),
                [Command::Login(LoginFlags::default())]
            );
            let v = t.view(now);
            assert_eq!(
                (v.icon, v.tooltip.as_str()),
                (IconKind::Working, &*finger(10))
            );
            assert!(!v.menu[0].enabled, "no second login while one is asked");
            assert!(t.choose(Action::LoginNow, now).is_empty());
            assert!(t.icon_clicked(now).is_empty());

            // The service starts, then counts: its seconds are the truth.
            t.set_state(Some(AgentState::LoggingIn));
            assert_eq!(t.view(now).tooltip, finger(10));
            for s in [10, 9, 8, 3, 1] {
                t.capture(Some(s));
                let v = t.view(now);
                assert_eq!(
                    (v.icon, v.tooltip.as_str()),
                    (IconKind::Working, &*finger(s))
                );
            }
            // The finger was read; InstantPay is asked.
            t.capture(None);
            let v = t.view(now);
            assert_eq!(v.tooltip, cat.tr("tray-tooltip-sending"));
            assert_eq!(v.icon, IconKind::Working);

            // The result: the state first, then the request's reply (or the other way round).
            t.set_state(Some(AgentState::LoggedIn { until }));
            t.login_ended();
            let v = t.view(now);
            assert_eq!(v.icon, IconKind::LoggedIn);
            assert_eq!(v.tooltip, cat.tr("tray-tooltip-logged-in"));
            assert!(v.menu[0].enabled);
            if lang == Lang::Hi {
                assert!(devanagari(&finger(9)) && finger(9).contains('9'));
            } else {
                assert_eq!(finger(9), "Place your finger on the scanner now: 9 s left.");
            }
        }
    }

    #[test]
    fn a_login_refused_before_it_starts_gives_the_state_back() {
        let now = Instant::now();
        let mut t = tray(Some(AgentState::LoginRequired), Lang::En);
        t.choose(Action::LoginNow, now);
        // A late capture tick of nobody's login changes nothing; the refusal ends the wait.
        t.login_ended();
        t.capture(Some(4));
        assert_eq!(t.view(now), view(Some(AgentState::LoginRequired), Lang::En));
        // The service going away ends it too.
        t.choose(Action::LoginNow, now);
        t.set_state(None);
        assert_eq!(t.view(now).icon, IconKind::ServiceDown);
    }

    #[test]
    fn another_clients_login_counts_down_as_well() {
        let now = Instant::now();
        let mut t = tray(Some(AgentState::LoggingIn), Lang::En);
        assert_eq!(
            t.view(now).tooltip,
            "Logging in: when the scanner lights up, place your finger on it."
        );
        t.capture(Some(8));
        assert_eq!(
            t.view(now).tooltip,
            "Place your finger on the scanner now: 8 s left."
        );
        t.set_state(Some(AgentState::LoginRequired));
        t.capture(Some(3));
        assert_eq!(t.view(now), view(Some(AgentState::LoginRequired), Lang::En));
    }

    fn cancelled(lang: Lang, last_charge: Option<i64>) -> Tray {
        let mut t = tray(Some(AgentState::LoginRequired), lang);
        t.set_day(Day {
            logged_in_here: true,
            last_charge: last_charge.map(Amount::from_paise),
        });
        t
    }

    #[test]
    fn a_cancelled_day_offers_a_charged_login_again_after_a_confirmation() {
        let now = Instant::now();
        let mut t = cancelled(Lang::En, Some(118));
        let v = t.view(now);
        assert_eq!(v.icon, IconKind::LoginRequired);
        assert_eq!(
            v.tooltip,
            "Log in again from the menu: the bank cancelled today's login."
        );
        assert_eq!(v.menu[0].action, Action::LoginAgain);
        assert_eq!(v.menu[0].label, "Log in again (₹1.18 will be charged)");
        assert!(v.menu[0].enabled);

        // Chosen once: no login, the entry asks for the confirmation.
        assert_eq!(
            t.choose(Action::LoginNow, now),
            [Command::WakeIn(CONFIRM_FOR)]
        );
        let v = t.view(now);
        assert_eq!(v.menu[0].action, Action::ConfirmLoginAgain);
        assert_eq!(v.menu[0].label, "Confirm: charge ₹1.18 and log in");
        assert!(v.tooltip.starts_with("Choose \"Confirm\""), "{}", v.tooltip);

        // Confirmed: exactly one forced login; a second click sends nothing.
        let later = now + Duration::from_secs(5);
        assert_eq!(
            t.choose(Action::LoginNow, later),
            [Command::Login(LoginFlags {
                force: true,
                ..Default::default()
            })]
        );
        assert!(t.choose(Action::LoginNow, later).is_empty());
        assert!(t.icon_clicked(later).is_empty());
        assert_eq!(t.view(later).icon, IconKind::Working);
    }

    #[test]
    fn an_unconfirmed_login_again_goes_back_to_its_label() {
        let now = Instant::now();
        let mut t = cancelled(Lang::En, Some(94));
        t.choose(Action::LoginNow, now);
        // The wake-up comes after 30 s: the label is back, nothing was sent.
        let after = now + CONFIRM_FOR;
        t.tick(after);
        let v = t.view(after);
        assert_eq!(v.menu[0].action, Action::LoginAgain);
        assert_eq!(v.menu[0].label, "Log in again (₹0.94 will be charged)");
        // A click then only asks again.
        assert_eq!(
            t.choose(Action::LoginNow, after),
            [Command::WakeIn(CONFIRM_FOR)]
        );
        // Even before the wake-up, a click past the deadline is a first choice, not a yes.
        let mut t = cancelled(Lang::En, None);
        t.choose(Action::LoginNow, now);
        assert_eq!(
            t.choose(Action::LoginNow, now + CONFIRM_FOR + Duration::from_secs(1)),
            [Command::WakeIn(CONFIRM_FOR)]
        );
        // The icon arms it like the entry, but a double click sends nothing: the confirmation
        // is the menu's.
        let mut t = cancelled(Lang::En, None);
        assert_eq!(t.icon_clicked(now), [Command::WakeIn(CONFIRM_FOR)]);
        assert!(t.icon_clicked(now).is_empty());
        assert_eq!(t.first_action(now), Action::ConfirmLoginAgain);
    }

    #[test]
    fn login_again_names_the_usual_price_without_a_charge_on_record_and_speaks_hindi() {
        let now = Instant::now();
        let t = cancelled(Lang::En, None);
        assert_eq!(
            t.view(now).menu[0].label,
            "Log in again (about ₹0.94 will be charged)"
        );
        let mut hi = cancelled(Lang::Hi, Some(123_456));
        let v = hi.view(now);
        assert!(devanagari(&v.tooltip), "{}", v.tooltip);
        assert!(
            devanagari(&v.menu[0].label) && v.menu[0].label.contains("₹1,234.56"),
            "{}",
            v.menu[0].label
        );
        hi.choose(Action::LoginNow, now);
        let v = hi.view(now);
        assert!(
            devanagari(&v.menu[0].label) && v.menu[0].label.contains("₹1,234.56"),
            "{}",
            v.menu[0].label
        );
        assert!(devanagari(&v.tooltip), "{}", v.tooltip);
        // A new state (a new day, a login elsewhere) closes the confirmation and forgets the day.
        hi.set_state(Some(AgentState::Unknown));
        hi.set_state(Some(AgentState::LoginRequired));
        assert_eq!(hi.first_action(now), Action::LoginNow);
        // A day whose login did not go through here is a plain login.
        let mut plain = tray(Some(AgentState::LoginRequired), Lang::En);
        plain.set_day(Day {
            logged_in_here: false,
            last_charge: Some(Amount::from_paise(94)),
        });
        assert_eq!(plain.first_action(now), Action::LoginNow);
    }

    #[test]
    fn two_declines_turn_the_first_entry_into_a_login_that_states_the_risk() {
        let now = Instant::now();
        let held = Some(AgentState::DeclinesHeld { declines: 2 });
        for lang in Lang::ALL {
            let v = view(held.clone(), lang);
            assert_eq!(v.icon, IconKind::Problem);
            assert_eq!(v.menu[0].action, Action::LoginDespiteDeclines);
            assert!(v.menu[0].enabled);
            assert!(v.tooltip.contains('2'), "{}", v.tooltip);
        }
        let v = view(held.clone(), Lang::En);
        assert_eq!(
            v.tooltip,
            "Clean the scanner and the finger: 2 logins in a row were declined."
        );
        assert!(v.menu[0].label.contains("can block your AePS"));
        assert!(
            view(held.clone(), Lang::Hi).menu[0]
                .label
                .contains("AePS बंद")
        );
        assert_eq!(
            tray(held, Lang::En).choose(Action::LoginNow, now),
            [Command::Login(LoginFlags {
                despite_declines: true,
                ..Default::default()
            })]
        );
        // Nothing else offers it.
        assert_eq!(
            tray(Some(AgentState::LoginRequired), Lang::En).first_action(now),
            Action::LoginNow
        );
    }

    #[test]
    fn a_new_scanner_turns_the_first_entry_into_a_login_that_accepts_it() {
        let now = Instant::now();
        let new_scanner = AgentState::NewScanner {
            pinned: "MANTRA.MSIPL MFS100 serial 2990123".into(),
            found: "STARTEK.ACPL FM220U serial 123".into(),
        };
        let mut t = tray(Some(new_scanner.clone()), Lang::En);
        let v = t.view(now);
        assert_eq!(v.icon, IconKind::Problem);
        assert_eq!(
            v.tooltip,
            "Connect the usual scanner, or log in with this new one from the menu."
        );
        assert_eq!(v.menu[0].action, Action::UseNewScanner);
        assert_eq!(v.menu[0].label, "Log in with this new scanner");
        assert_eq!(
            t.choose(Action::LoginNow, now),
            [Command::Login(LoginFlags {
                accept_new_device: true,
                ..Default::default()
            })]
        );
        // The full sentence, with both scanners, is in "Status".
        assert!(
            new_scanner
                .sentence()
                .contains("STARTEK.ACPL FM220U serial 123")
        );
    }

    /// Each kind of problem says what to do first, in both languages; the whole sentence
    /// is still the state's, for "Status".
    #[test]
    fn a_problem_tooltip_is_its_kinds_action_first() {
        let cases = [
            (
                Msg::new("agent-scanner-not-connected"),
                "Plug in the fingerprint scanner",
            ),
            (
                Msg::new("rd-not-found")
                    .arg("host", "127.0.0.1")
                    .arg("ports", "11100-11120"),
                "Start the RD Service",
            ),
            (
                Msg::new("rd-not-ready")
                    .arg("port", 11100)
                    .arg("status", "NOTREADY"),
                "Reconnect the scanner",
            ),
            (no_internet(), "Check the internet connection"),
            (
                Msg::new("login-error-scan").arg(
                    "reason",
                    Msg::new("rd-capture-failed").arg("port", 11100).arg(
                        "failure",
                        Msg::new("rd-capture-failure")
                            .arg("code", "700")
                            .arg(
                                "info",
                                Msg::new("verbatim").arg("text", "Capture timed out"),
                            )
                            .arg(
                                "action",
                                Msg::new("verbatim").arg("text", "Place the finger"),
                            ),
                    ),
                ),
                "Place your finger again",
            ),
            (
                Msg::new("login-error-key-expired").arg("expired", "20260101"),
                "Update the RD Service",
            ),
            (
                Msg::new("config-error-read")
                    .arg("path", "/etc/rd-agent/config.toml")
                    .arg("reason", "No such file"),
                "Ask your administrator",
            ),
            (Msg::new("relay-outlet-busy"), "Wait a few minutes"),
            (
                Msg::new("relay-failure-cap"),
                "Call your platform's support",
            ),
            (
                Msg::new("verbatim").arg("text", "the ledger is locked"),
                "Open Status",
            ),
        ];
        for (reason, start) in cases {
            for state in [
                AgentState::DeviceProblem {
                    reason: reason.clone(),
                },
                AgentState::ApiProblem {
                    reason: reason.clone(),
                },
            ] {
                let en = view(Some(state.clone()), Lang::En);
                let hi = view(Some(state.clone()), Lang::Hi);
                assert_eq!(en.icon, IconKind::Problem);
                assert!(en.tooltip.starts_with(start), "{reason:?}: {}", en.tooltip);
                assert!(devanagari(&hi.tooltip), "{}", hi.tooltip);
                assert!(!devanagari(&en.tooltip), "{}", en.tooltip);
                // Short and whole: never a cut sentence.
                for t in [&en.tooltip, &hi.tooltip] {
                    assert!(t.chars().count() <= 100, "{t}");
                    assert!(t.ends_with('.') || t.ends_with('।'), "{t}");
                }
            }
        }
        // What a cut used to leave of this one: the fix is now first, in Hindi too.
        let hi = view(
            Some(AgentState::ApiProblem {
                reason: no_internet(),
            }),
            Lang::Hi,
        );
        assert_eq!(hi.tooltip, "इंटरनेट कनेक्शन जाँचें: InstantPay से संपर्क नहीं हो सका।");
    }

    /// Windows keeps 127 characters of a tooltip: every tooltip the tray can show fits,
    /// with room to spare, in both languages.
    #[test]
    fn every_tooltip_fits_a_windows_tooltip() {
        let until = Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap();
        for lang in Lang::ALL {
            let cat = Catalog::get(lang);
            let mut texts: Vec<String> = FIXES.iter().map(|id| cat.tr(id)).collect();
            for state in [
                None,
                Some(AgentState::Unknown),
                Some(AgentState::LoggingIn),
                Some(AgentState::Settling { until }),
                Some(AgentState::LoginRequired),
                Some(AgentState::LoggedIn { until }),
                Some(AgentState::DeclinesHeld { declines: 99 }),
                Some(AgentState::NewScanner {
                    pinned: "MANTRA.MSIPL MFS100 serial 2990123".into(),
                    found: "STARTEK.ACPL FM220U serial 123".into(),
                }),
            ] {
                texts.push(view(state, lang).tooltip);
            }
            let now = Instant::now();
            let mut t = cancelled(lang, Some(99_999_999));
            texts.push(t.view(now).tooltip);
            t.choose(Action::LoginNow, now);
            texts.push(t.view(now).tooltip);
            texts.push(t.view(now).menu[0].label.clone());
            t.choose(Action::LoginNow, now);
            t.capture(Some(120));
            texts.push(t.view(now).tooltip);
            t.capture(None);
            texts.push(t.view(now).tooltip);
            for text in texts {
                assert!(
                    text.encode_utf16().count() <= 100,
                    "{} chars: {text}",
                    text.encode_utf16().count()
                );
            }
        }
    }

    #[test]
    fn in_hindi_every_state_and_entry_is_hindi() {
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
            let v = view(state.clone(), Lang::Hi);
            assert!(devanagari(&v.tooltip), "{state:?}: {}", v.tooltip);
            assert_ne!(v.tooltip, view(state.clone(), Lang::En).tooltip);
            for e in &v.menu {
                assert!(devanagari(&e.label), "{:?}", e.action);
            }
        }
    }

    #[test]
    fn action_ids_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::from_id(a.id()), Some(a));
        }
        // The first entry's other meanings are never ids of their own in the menu.
        assert_eq!(Action::from_id("login-again-confirm"), None);
        assert_eq!(Action::from_id("nope"), None);
    }
}
