//! The real backend of the service: the config and secret store, the ledger, InstantPay's
//! `outletLoginStatus`, RD Service discovery and the login use case. The config and secrets are
//! re-read on every call, so `rd-agent config set-secret` takes effect without a restart.

use std::sync::Arc;
use std::time::Duration;

use super::AgentState;
use super::backend::{Backend, BoxFuture, LoginSummary};
use super::live_login::LogProgress;
use crate::config::{Change, Config, Paths, Secrets, Standing, View, apply_change};
use crate::devices::DeviceReport;
use crate::i18n::Msg;
use crate::ledger::{History, Ledger, Summary};
use crate::login::live::Api;
use clock::{Clock, next_ist_midnight};
use rd::{DiscoverOptions, Scheme};

pub struct LiveBackend {
    paths: Paths,
    clock: Arc<dyn Clock>,
    /// One configuration change at a time: each reads the files, then writes them.
    changing: tokio::sync::Mutex<()>,
}

impl LiveBackend {
    pub fn new(paths: Paths, clock: Arc<dyn Clock>) -> Self {
        LiveBackend {
            paths,
            clock,
            changing: tokio::sync::Mutex::new(()),
        }
    }

    /// The config, the InstantPay side and the ledger, for a status check. Reading the files
    /// (a host name may be resolved) and opening a busy ledger block, so this runs on a
    /// blocking thread and the service keeps answering its clients meanwhile.
    async fn open(&self) -> Result<(Config, Api, Ledger), Msg> {
        let paths = self.paths.clone();
        let opened = tokio::task::spawn_blocking(move || {
            let config = paths.load_config().map_err(|e| e.msg())?;
            config.require_login().map_err(|e| e.msg())?;
            let secrets = Secrets::load(&paths.secrets_file()).map_err(|e| e.msg())?;
            let api = crate::login::live::client(&config, &secrets).map_err(|e| e.msg())?;
            crate::config::ensure_state_dir(&paths.state_dir).map_err(|e| e.msg())?;
            let ledger = Ledger::open(&paths.ledger_file()).map_err(verbatim)?;
            Ok((config, api, ledger))
        })
        .await;
        opened.unwrap_or_else(|_| Err(Msg::new("agent-internal-error")))
    }

    /// Why login cannot work now on the device side, or `None` if an RD Service is READY.
    async fn device_problem(config: &Config) -> Option<Msg> {
        let e = rd::find_ready(&discover_options(config)).await.err()?;
        // Before blaming the RD Service, see whether the scanner is even plugged in.
        let usb = tokio::task::spawn_blocking(super::usb::scan)
            .await
            .ok()
            .flatten();
        Some(match usb {
            Some(v) if v.is_empty() => Msg::new("agent-scanner-not-connected"),
            _ => crate::i18n::errors::rd_error(&e),
        })
    }
}

/// An error that has no catalogue message of its own yet, as its English text.
fn verbatim(e: impl std::fmt::Display) -> Msg {
    Msg::verbatim(e.to_string())
}

/// Discovery as the config says (host, port range), both schemes.
pub(crate) fn discover_options(config: &Config) -> DiscoverOptions {
    DiscoverOptions {
        host: config.rd.host.clone(),
        ports: config.rd.ports,
        probe_timeout: Duration::from_millis(800),
        schemes: vec![Scheme::Http, Scheme::Https],
    }
}

impl Backend for LiveBackend {
    fn check(&self) -> BoxFuture<'_, AgentState> {
        Box::pin(async move {
            let (config, api, mut ledger) = match self.open().await {
                Ok(opened) => opened,
                Err(reason) => return AgentState::ApiProblem { reason },
            };
            // The status check also settles what a crashed login left open, under the lock.
            let window = config.instantpay.settle_window();
            let checked =
                crate::login::check(&api, &mut ledger, &*self.clock, &LogProgress, window).await;
            let declines = ledger.consecutive_declines().unwrap_or(0);
            match checked {
                // The remote state wins over the ledger (a bank can cancel a day's login).
                Ok(c) if c.status.logged_in => AgentState::LoggedIn {
                    until: next_ist_midnight(self.clock.now()),
                },
                // An earlier attempt may still be charged: not "login required" yet.
                Ok(crate::login::Checked {
                    waiting: Some((_, wait)),
                    ..
                }) => AgentState::Settling {
                    until: self.clock.now() + wait,
                },
                // Two declines in a row: the operator decides (never retried by the service).
                Ok(_) if declines >= crate::ledger::DECLINE_LIMIT => {
                    AgentState::DeclinesHeld { declines }
                }
                Ok(_) => match Self::device_problem(&config).await {
                    Some(reason) => AgentState::DeviceProblem { reason },
                    None => AgentState::LoginRequired,
                },
                Err(e) => AgentState::ApiProblem {
                    reason: Msg::new("agent-status-check-failed").arg("error", e.msg()),
                },
            }
        })
    }

    fn login<'a>(
        &'a self,
        flags: crate::login::LoginFlags,
        progress: &'a dyn crate::login::Progress,
    ) -> BoxFuture<'a, LoginSummary> {
        Box::pin(async move {
            super::live_login::login(&self.paths, &*self.clock, flags, progress).await
        })
    }

    fn config_view(&self) -> BoxFuture<'_, Result<View, Msg>> {
        let paths = self.paths.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || View::read(&paths))
                .await
                .unwrap_or_else(|_| Err(Msg::new("agent-internal-error")))
        })
    }

    fn change_config(
        &self,
        change: Change,
        standing: Standing,
    ) -> BoxFuture<'_, Result<View, Msg>> {
        Box::pin(async move {
            let _one_at_a_time = self.changing.lock().await;
            let paths = self.paths.clone();
            tokio::task::spawn_blocking(move || {
                let changed = apply_change(&paths, &change, standing).map_err(|e| {
                    tracing::warn!(?standing, error = %e, "a configuration change was refused");
                    e.msg()
                })?;
                // Names only, never a value.
                tracing::info!(?standing, ?changed, "configuration changed");
                View::read(&paths)
            })
            .await
            .unwrap_or_else(|_| Err(Msg::new("agent-internal-error")))
        })
    }

    fn devices(&self) -> BoxFuture<'_, DeviceReport> {
        Box::pin(async move {
            let paths = self.paths.clone();
            let loaded = tokio::task::spawn_blocking(move || paths.load_config()).await;
            let config = match loaded {
                Ok(Ok(c)) => c,
                Ok(Err(e)) => {
                    return DeviceReport {
                        error: Some(e.to_string()),
                        ..DeviceReport::default()
                    };
                }
                Err(_) => {
                    return DeviceReport {
                        error: Some(Msg::new("agent-internal-error").english()),
                        ..DeviceReport::default()
                    };
                }
            };
            // The whole range with each device's model, serial and generation (for the tray).
            let trusted = config.rd.trusted_user_list();
            let (report, described) =
                crate::devices::scan(&discover_options(&config), &trusted).await;
            DeviceReport {
                services: described.into_iter().map(|d| d.description).collect(),
                failures: report.failures,
                error: None,
            }
        })
    }

    fn summary(&self) -> BoxFuture<'_, Option<Summary>> {
        Box::pin(async move {
            let path = self.paths.ledger_file();
            let now = self.clock.now();
            // Read without waiting for a login that holds the ledger (src/ledger/mod.rs).
            tokio::task::spawn_blocking(move || {
                Ledger::open_to_read(&path)
                    .ok()
                    .flatten()
                    .and_then(|l| l.summary(now).ok())
            })
            .await
            .ok()
            .flatten()
        })
    }

    fn history(&self, days: u32) -> BoxFuture<'_, Option<History>> {
        Box::pin(async move {
            let path = self.paths.ledger_file();
            let now = self.clock.now();
            tokio::task::spawn_blocking(move || match Ledger::open_to_read(&path) {
                Ok(Some(l)) => l.history(now, days).ok(),
                // No ledger yet: nothing was attempted.
                Ok(None) => Some(History::empty(days)),
                Err(_) => None,
            })
            .await
            .ok()
            .flatten()
        })
    }

    fn usb_present(&self) -> Option<bool> {
        super::usb::scan().map(|v| !v.is_empty())
    }
}
