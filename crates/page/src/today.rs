//! The Today screen: what the page shows for the service's state, the day's facts and a login
//! under way, in one language. Pure (no clock, no IPC), so every case is tested here; the page's
//! script only puts these texts in place.

// States are matched by name: a new one must be placed, not caught by `_`.
#![warn(clippy::wildcard_enum_match_arm)]

use instantpay::Amount;
use rd_agent::agent::AgentState;
use rd_agent::i18n::{Catalog, Lang, Msg, rupees};
use rd_agent::login::{CAPTURE_TIMEOUT_MS, LoginFlags};
use serde::Serialize;

/// What a login costs when this PC has no charge on record (as the tray says: ₹0.80 plus 18%
/// GST, rounded down); the sentence then says "about".
pub(crate) const USUAL_LOGIN_CHARGE_PAISE: i64 = 94;

/// The seconds the capture waits for the finger: shown from the click until the service's
/// first countdown event.
const CAPTURE_SECONDS: u32 = CAPTURE_TIMEOUT_MS.div_ceil(1000);

/// What the page server knows, from its subscription and its own requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Live {
    /// `None` before the first answer or while the service cannot be reached.
    pub(crate) state: Option<AgentState>,
    /// The service answered at least once since the last time it went away.
    pub(crate) reached: bool,
    /// A login of today went through on this PC (the ledger's `attempt_logged_in_today`).
    pub(crate) logged_in_here: bool,
    /// What the last charged login cost.
    pub(crate) last_charge: Option<Amount>,
    /// This page asked for a login and has no answer yet.
    pub(crate) asked: bool,
    /// Seconds left for the finger.
    pub(crate) finger: Option<u32>,
    /// The capture ended: the login is with InstantPay.
    pub(crate) scanned: bool,
    /// How the last login ended (any client's), until the next one starts.
    pub(crate) outcome: Option<Outcome>,
    /// Why this page's last request could not be made (the service refused or was away).
    pub(crate) refused: Option<Msg>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub(crate) title: Msg,
    pub(crate) said: Msg,
    pub(crate) ok: bool,
}

/// The one login the page offers now, as the operator chooses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Choice {
    Login,
    NewScanner,
    DespiteDeclines,
    Again,
}

impl Choice {
    pub(crate) fn flags(self) -> LoginFlags {
        let mut f = LoginFlags::default();
        match self {
            Choice::Login => {}
            Choice::NewScanner => f.accept_new_device = true,
            Choice::DespiteDeclines => f.despite_declines = true,
            Choice::Again => f.force = true,
        }
        f
    }

    /// Whether the page must ask before this one (its risk or its charge).
    pub(crate) fn needs_confirmation(self) -> bool {
        self != Choice::Login
    }
}

impl Live {
    /// The bank cancelled today's login: login required, though a login of today went
    /// through here; only a forced, charged login goes on.
    fn cancelled(&self) -> bool {
        self.state == Some(AgentState::LoginRequired) && self.logged_in_here
    }

    fn busy(&self) -> bool {
        self.asked || self.state == Some(AgentState::LoggingIn)
    }

    /// The login offered now, if any may be asked.
    pub(crate) fn offer(&self) -> Option<Choice> {
        if self.busy() {
            return None;
        }
        match self.state.as_ref()? {
            // Logged in: nothing to do today (a bank's cancellation shows as login required
            // once the service checks, and is offered then).
            AgentState::Unknown
            | AgentState::LoggingIn
            | AgentState::Settling { .. }
            | AgentState::LoggedIn { .. } => None,
            AgentState::NewScanner { .. } => Some(Choice::NewScanner),
            AgentState::DeclinesHeld { .. } => Some(Choice::DespiteDeclines),
            AgentState::LoginRequired if self.cancelled() => Some(Choice::Again),
            AgentState::LoginRequired
            | AgentState::DeviceProblem { .. }
            | AgentState::ApiProblem { .. }
            | AgentState::SetupProblem { .. } => Some(Choice::Login),
        }
    }

    fn charge(&self) -> (String, &'static str) {
        match &self.last_charge {
            Some(a) => (rupees(a), "no"),
            None => (rupees(&Amount::from_paise(USUAL_LOGIN_CHARGE_PAISE)), "yes"),
        }
    }

    /// The screen in `lang`.
    pub(crate) fn view(&self, lang: Lang) -> TodayView {
        let cat = Catalog::get(lang);
        let (tone, headline) = self.headline(cat);
        let detail = match &self.state {
            _ if self.busy() => cat.render(&AgentState::LoggingIn.msg()),
            None if self.reached => cat.tr("page-detail-lost"),
            None => cat.tr("tray-service-not-running"),
            Some(_) if self.cancelled() => cat.tr("page-detail-cancelled"),
            Some(s) => cat.render(&s.msg()),
        };
        let progress = if self.busy() {
            Some(match (self.scanned, self.finger) {
                (true, _) => cat.tr("page-progress-sending"),
                (false, Some(s)) => cat.render(&Msg::new("page-progress-finger").arg("seconds", s)),
                (false, None) if self.asked => {
                    cat.render(&Msg::new("page-progress-finger").arg("seconds", CAPTURE_SECONDS))
                }
                (false, None) => cat.tr("page-progress-starting"),
            })
        } else {
            None
        };
        let action = self.offer().map(|c| self.action(c, cat));
        TodayView {
            lang: crate::code(lang),
            tone,
            headline,
            detail,
            progress,
            seconds: match (self.busy() && !self.scanned, self.finger) {
                (true, Some(s)) => Some(s),
                (true, None) if self.asked => Some(CAPTURE_SECONDS),
                _ => None,
            },
            // A login that went through is the headline's to say, and only while the day is
            // logged in: a bank's later cancellation must not leave "Logged in" on the page.
            // A refusal that the page turns into its own question (a new scanner, the decline
            // guard) is that question's to say: its sentence names terminal commands.
            outcome: self
                .outcome
                .as_ref()
                .filter(|o| !o.ok && !self.asks_its_own_question())
                .map(|o| OutcomeView {
                    ok: o.ok,
                    title: cat.render(&o.title),
                    sentence: cat.render(&o.said),
                }),
            refused: self.refused.as_ref().map(|m| cat.render(m)),
            action,
        }
    }

    /// The state is one the page answers with a question of its own (and its risk).
    fn asks_its_own_question(&self) -> bool {
        matches!(
            self.state,
            Some(AgentState::NewScanner { .. } | AgentState::DeclinesHeld { .. })
        )
    }

    fn headline(&self, cat: &Catalog) -> (&'static str, String) {
        if self.busy() {
            return ("working", cat.tr("page-headline-logging-in"));
        }
        let Some(state) = &self.state else {
            return ("down", cat.tr("page-headline-down"));
        };
        let (tone, id) = match state {
            AgentState::Unknown => ("working", "page-headline-checking"),
            AgentState::LoggingIn => ("working", "page-headline-logging-in"),
            AgentState::Settling { .. } => ("working", "page-headline-settling"),
            AgentState::LoginRequired if self.cancelled() => ("due", "page-headline-cancelled"),
            AgentState::LoginRequired => ("due", "page-headline-login-required"),
            AgentState::LoggedIn { .. } => ("ok", "page-headline-logged-in"),
            AgentState::DeviceProblem { .. } => ("problem", "page-headline-device"),
            AgentState::ApiProblem { .. } => ("problem", "page-headline-api"),
            AgentState::SetupProblem { .. } => ("problem", "page-headline-setup"),
            AgentState::DeclinesHeld { .. } => ("problem", "page-headline-declines"),
            AgentState::NewScanner { .. } => ("problem", "page-headline-new-scanner"),
        };
        (tone, cat.tr(id))
    }

    fn action(&self, choice: Choice, cat: &Catalog) -> ActionView {
        let (amount, estimate) = self.charge();
        let label = match choice {
            Choice::Login => cat.tr("page-action-login"),
            Choice::NewScanner => cat.tr("page-action-new-scanner"),
            Choice::DespiteDeclines => cat.tr("page-action-despite-declines"),
            Choice::Again => cat.render(
                &Msg::new("page-action-again")
                    .arg("amount", amount.as_str())
                    .arg("estimate", estimate),
            ),
        };
        let confirm = match (choice, &self.state) {
            (Choice::Login, _) => None,
            (Choice::NewScanner, Some(AgentState::NewScanner { pinned, found })) => {
                Some(ConfirmView {
                    question: cat.render(
                        &Msg::new("page-confirm-new-scanner")
                            .arg("pinned", pinned.as_str())
                            .arg("found", found.as_str()),
                    ),
                    yes: cat.tr("page-confirm-new-scanner-yes"),
                    no: cat.tr("page-confirm-no"),
                })
            }
            (Choice::DespiteDeclines, Some(AgentState::DeclinesHeld { declines })) => {
                Some(ConfirmView {
                    question: cat.render(
                        &Msg::new("page-confirm-despite-declines").arg("declines", *declines),
                    ),
                    yes: cat.tr("page-confirm-despite-declines-yes"),
                    no: cat.tr("page-confirm-no"),
                })
            }
            (Choice::Again, _) => Some(ConfirmView {
                question: cat.render(
                    &Msg::new("page-confirm-again")
                        .arg("amount", amount.as_str())
                        .arg("estimate", estimate),
                ),
                yes: cat.render(&Msg::new("page-confirm-again-yes").arg("amount", amount.as_str())),
                no: cat.tr("page-confirm-no"),
            }),
            // The offer follows the state, so these do not meet; should they, the state's own
            // sentence is the question, and it is still asked.
            (Choice::NewScanner | Choice::DespiteDeclines, state) => Some(ConfirmView {
                question: state
                    .as_ref()
                    .map_or_else(|| cat.tr("page-detail-lost"), |s| cat.render(&s.msg())),
                yes: label.clone(),
                no: cat.tr("page-confirm-no"),
            }),
        };
        ActionView {
            choice,
            label,
            confirm,
        }
    }
}

/// The screen as the page's script receives it: every text already in the page's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct TodayView {
    pub(crate) lang: &'static str,
    /// `ok`, `due`, `working`, `problem` or `down`: the colour of the headline.
    pub(crate) tone: &'static str,
    pub(crate) headline: String,
    pub(crate) detail: String,
    /// What is happening now during a login: the countdown, then "sending".
    pub(crate) progress: Option<String>,
    /// The countdown's number, for the big figure.
    pub(crate) seconds: Option<u32>,
    pub(crate) outcome: Option<OutcomeView>,
    pub(crate) refused: Option<String>,
    pub(crate) action: Option<ActionView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct OutcomeView {
    pub(crate) ok: bool,
    pub(crate) title: String,
    pub(crate) sentence: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ActionView {
    pub(crate) choice: Choice,
    pub(crate) label: String,
    /// Asked before the login is sent: the risk or the charge, stated.
    pub(crate) confirm: Option<ConfirmView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ConfirmView {
    pub(crate) question: String,
    pub(crate) yes: String,
    pub(crate) no: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use rd_agent::i18n::check::english_runs;

    fn live(state: Option<AgentState>) -> Live {
        Live {
            reached: state.is_some(),
            state,
            ..Live::default()
        }
    }

    fn devanagari(s: &str) -> bool {
        s.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
    }

    fn texts(v: &TodayView) -> Vec<String> {
        let mut t = vec![v.headline.clone(), v.detail.clone()];
        t.extend(v.progress.clone());
        if let Some(a) = &v.action {
            t.push(a.label.clone());
            if let Some(c) = &a.confirm {
                t.extend([c.question.clone(), c.yes.clone(), c.no.clone()]);
            }
        }
        t
    }

    fn all_states() -> Vec<Option<AgentState>> {
        let until = Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap();
        vec![
            None,
            Some(AgentState::Unknown),
            Some(AgentState::LoginRequired),
            Some(AgentState::LoggingIn),
            Some(AgentState::LoggedIn { until }),
            Some(AgentState::Settling { until }),
            Some(AgentState::DeviceProblem {
                reason: Msg::new("agent-scanner-not-connected"),
            }),
            Some(AgentState::ApiProblem {
                reason: Msg::new("relay-outlet-busy"),
            }),
            Some(AgentState::SetupProblem {
                reason: Msg::new("relay-failure-cap"),
            }),
            Some(AgentState::DeclinesHeld { declines: 2 }),
            Some(AgentState::NewScanner {
                pinned: "MANTRA.MSIPL MFS100 serial 1".into(),
                found: "STARTEK.ACPL FM220U serial 2".into(),
            }),
        ]
    }

    #[test]
    fn logged_in_is_said_only_when_the_day_is() {
        for state in all_states() {
            let v = live(state.clone()).view(Lang::En);
            let logged_in = matches!(state, Some(AgentState::LoggedIn { .. }));
            assert_eq!(v.headline == "Logged in for today", logged_in, "{state:?}");
            assert_eq!(v.tone == "ok", logged_in, "{state:?}");
            if logged_in {
                assert!(v.action.is_none(), "nothing to ask of a day that is done");
            }
        }
    }

    #[test]
    fn a_login_shows_at_once_then_counts_down_then_sends() {
        let mut l = live(Some(AgentState::LoginRequired));
        let v = l.view(Lang::En);
        assert_eq!(v.headline, "Today's login is needed");
        assert_eq!(v.action.as_ref().unwrap().choice, Choice::Login);
        assert!(v.action.unwrap().confirm.is_none());
        // Asked: the countdown's start before the service's first event, and nothing to click.
        l.asked = true;
        let v = l.view(Lang::En);
        assert_eq!(
            v.progress.as_deref(),
            Some(&*format!(
                "Place your finger on the scanner now: {CAPTURE_SECONDS} s"
            ))
        );
        assert!(v.action.is_none());
        l.state = Some(AgentState::LoggingIn);
        l.finger = Some(7);
        let v = l.view(Lang::En);
        assert_eq!(v.seconds, Some(7));
        assert_eq!(
            v.progress.as_deref(),
            Some("Place your finger on the scanner now: 7 s")
        );
        l.finger = None;
        l.scanned = true;
        assert_eq!(
            l.view(Lang::En).progress.as_deref(),
            Some("Finger scanned: logging in with InstantPay.")
        );
        let hi = l.view(Lang::Hi);
        assert!(devanagari(hi.progress.as_ref().unwrap()));
    }

    #[test]
    fn a_failed_login_says_why_and_a_good_one_is_said_once() {
        let mut l = live(Some(AgentState::LoginRequired));
        l.outcome = Some(Outcome {
            title: Msg::new("tray-notify-login-failed"),
            said: Msg::new("agent-scanner-not-connected"),
            ok: false,
        });
        let v = l.view(Lang::En);
        let o = v.outcome.unwrap();
        assert_eq!(o.title, "Login failed");
        assert!(!o.ok);
        assert_eq!(
            v.action.unwrap().choice,
            Choice::Login,
            "and it may be tried again"
        );
        let until = Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap();
        l.state = Some(AgentState::LoggedIn { until });
        l.outcome = Some(Outcome {
            title: Msg::new("tray-notify-logged-in"),
            said: Msg::new("tray-tooltip-logged-in"),
            ok: true,
        });
        let v = l.view(Lang::En);
        assert!(v.outcome.is_none());
        assert_eq!(v.headline, "Logged in for today");
        // The bank cancels it later: nothing on the page says logged in.
        l.state = Some(AgentState::LoginRequired);
        l.logged_in_here = true;
        let v = l.view(Lang::En);
        assert!(v.outcome.is_none());
        assert!(!texts(&v).iter().any(|t| t.contains("Logged in")), "{v:?}");
    }

    #[test]
    fn a_refusal_the_page_asks_about_is_not_also_shown_with_its_terminal_commands() {
        let mut l = live(Some(AgentState::NewScanner {
            pinned: "STARTEK.ACPL FM220U serial 1".into(),
            found: "MANTRA.MSIPL MFS100 serial 2".into(),
        }));
        l.outcome = Some(Outcome {
            title: Msg::new("tray-notify-login-failed"),
            said: Msg::new("agent-scanner-not-connected"),
            ok: false,
        });
        let v = l.view(Lang::En);
        assert!(v.outcome.is_none(), "{v:?}");
        assert_eq!(v.action.as_ref().unwrap().choice, Choice::NewScanner);
        assert!(
            !texts(&v).iter().any(|t| t.contains("rd-agent login")),
            "{v:?}"
        );
    }

    #[test]
    fn a_cancelled_day_offers_a_charged_login_with_a_confirmation() {
        let mut l = live(Some(AgentState::LoginRequired));
        l.logged_in_here = true;
        l.last_charge = Some(Amount::from_paise(118));
        let v = l.view(Lang::En);
        assert_eq!(v.headline, "The bank cancelled today's login");
        let a = v.action.unwrap();
        assert_eq!(a.choice, Choice::Again);
        assert_eq!(a.label, "Log in again (₹1.18 will be charged)");
        let c = a.confirm.unwrap();
        assert!(c.question.contains("₹1.18"), "{}", c.question);
        assert_eq!(c.yes, "Confirm: charge ₹1.18 and log in");
        assert!(Choice::Again.flags().force);
        l.last_charge = None;
        let a = l.view(Lang::En).action.unwrap();
        assert_eq!(a.label, "Log in again (about ₹0.94 will be charged)");
        let hi = l.view(Lang::Hi).action.unwrap();
        assert!(
            devanagari(&hi.label) && hi.label.contains("₹0.94"),
            "{}",
            hi.label
        );
    }

    #[test]
    fn the_guard_and_the_new_scanner_state_their_risk_before_the_login() {
        let l = live(Some(AgentState::DeclinesHeld { declines: 2 }));
        let a = l.view(Lang::En).action.unwrap();
        assert_eq!(a.choice, Choice::DespiteDeclines);
        let c = a.confirm.unwrap();
        assert!(c.question.contains("block your AePS"), "{}", c.question);
        assert!(Choice::DespiteDeclines.flags().despite_declines);
        let l = live(Some(AgentState::NewScanner {
            pinned: "MANTRA.MSIPL MFS100 serial 1".into(),
            found: "STARTEK.ACPL FM220U serial 2".into(),
        }));
        let a = l.view(Lang::En).action.unwrap();
        assert_eq!(a.choice, Choice::NewScanner);
        let c = a.confirm.unwrap();
        assert!(
            c.question.contains("STARTEK.ACPL FM220U serial 2"),
            "{}",
            c.question
        );
        assert!(Choice::NewScanner.flags().accept_new_device);
        // Nothing to click while the service waits for an open outcome.
        let until = Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap();
        assert!(live(Some(AgentState::Settling { until })).offer().is_none());
        assert!(live(None).offer().is_none());
    }

    #[test]
    fn every_screen_speaks_hindi_in_hindi() {
        for state in all_states() {
            for cancelled in [false, true] {
                let mut l = live(state.clone());
                l.logged_in_here = cancelled;
                let en = l.view(Lang::En);
                let hi = l.view(Lang::Hi);
                assert_eq!(hi.lang, "hi");
                for t in texts(&hi) {
                    assert!(devanagari(&t), "{state:?}: {t}");
                    assert!(english_runs(&t, 3).is_empty(), "{state:?}: {t}");
                }
                for t in texts(&en) {
                    assert!(!devanagari(&t), "{state:?}: {t}");
                }
            }
        }
    }
}
