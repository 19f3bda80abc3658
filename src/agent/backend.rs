//! What the service asks of the rest of the program. The live implementation wraps the daily
//! login use case; tests swap in a fake so the state machine and the scheduler can be driven
//! without a device or an account.

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

use super::AgentState;
use crate::config::{Change, Standing, View};
use crate::devices::DeviceReport;
use crate::i18n::Msg;
use crate::ledger::{History, Summary};
use crate::login::Progress;

/// A boxed future, so the trait stays object-safe without an extra crate.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How a login request ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginSummary {
    /// True only when InstantPay said LOGGEDIN.
    pub ok: bool,
    /// One sentence for the operator, in English (never a secret or a biometric).
    pub(crate) message: String,
    /// The same sentence as a catalogue message, for clients that speak another language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) said: Option<Msg>,
    /// The state the service is in afterwards.
    pub state: AgentState,
    /// Whether the attempt was charged (sent to `outletLogin`), if known.
    #[serde(default)]
    pub charged: Option<bool>,
}

impl LoginSummary {
    pub fn new(ok: bool, said: Msg, state: AgentState, charged: Option<bool>) -> LoginSummary {
        LoginSummary {
            ok,
            message: said.english(),
            said: Some(said),
            state,
            charged,
        }
    }

    /// The sentence as a client shows it: from the catalogue where the service sent the
    /// message, else the English text.
    pub fn said(&self) -> Msg {
        self.said
            .clone()
            .unwrap_or_else(|| Msg::verbatim(self.message.clone()))
    }

    /// The heading a notification gives this result: a login whose charge is not known is
    /// not called failed, since the operator may have paid for it and must not simply retry.
    pub fn title(&self) -> Msg {
        Msg::new(match (self.ok, self.charged) {
            (true, _) => "tray-notify-logged-in",
            (false, None) => "tray-notify-login-unknown",
            (false, Some(_)) => "tray-notify-login-failed",
        })
    }
}

use crate::login::LoginFlags;

pub trait Backend: Send + Sync + 'static {
    /// Work out today's state: the ledger, then `outletLoginStatus` (the remote state wins),
    /// then the scanner if login is required.
    fn check(&self) -> BoxFuture<'_, AgentState>;

    /// The daily login; `progress` hears its steps and the wait for the finger.
    fn login<'a>(
        &'a self,
        flags: LoginFlags,
        progress: &'a dyn Progress,
    ) -> BoxFuture<'a, LoginSummary>;

    /// The RD Services found on this machine, as `rd-agent devices --json` shows them.
    fn devices(&self) -> BoxFuture<'_, DeviceReport>;

    /// The ledger's facts for `status` (last attempt, attempts charged); no secrets.
    fn summary(&self) -> BoxFuture<'_, Option<Summary>> {
        Box::pin(async { None })
    }

    /// The attempts of the last `days` IST days and this month's money; `None` when the
    /// ledger cannot be read.
    fn history(&self, days: u32) -> BoxFuture<'_, Option<History>> {
        let _ = days;
        Box::pin(async { None })
    }

    /// The configuration as setup shows it.
    fn config_view(&self) -> BoxFuture<'_, Result<View, Msg>> {
        Box::pin(async { Err(Msg::new("agent-config-elsewhere")) })
    }

    /// Apply setup's change to the service's configuration, as `standing` allows; the
    /// configuration afterwards.
    fn change_config(
        &self,
        change: Change,
        standing: Standing,
    ) -> BoxFuture<'_, Result<View, Msg>> {
        let _ = (change, standing);
        Box::pin(async { Err(Msg::new("agent-config-elsewhere")) })
    }

    /// A fingerprint scanner of a supported vendor is on USB (None: cannot tell).
    fn usb_present(&self) -> Option<bool> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Catalog, Lang};

    #[test]
    fn a_result_whose_charge_is_unknown_has_its_own_title() {
        let summary = |ok, charged| {
            LoginSummary::new(
                ok,
                Msg::new("agent-logged-in"),
                AgentState::Unknown,
                charged,
            )
        };
        let en = |s: LoginSummary| Catalog::get(Lang::En).render(&s.title());
        assert_eq!(en(summary(true, Some(true))), "Logged in");
        assert_eq!(en(summary(false, Some(false))), "Login failed");
        assert_eq!(en(summary(false, Some(true))), "Login failed");
        assert_eq!(
            en(summary(false, None)),
            "Login result unknown: money may have been taken"
        );
        let hi = Catalog::get(Lang::Hi).render(&summary(false, None).title());
        assert!(hi.contains("पैसा कट"), "{hi}");
    }
}
