//! The service manager's watchdog: systemd restarts a service that stops saying it is alive
//! (`WatchdogSec=` in installer/linux/rd-agent.service). The ping comes from the scheduler
//! loop (`server.rs`), the loop that does the day's work, so a loop stuck in a check that
//! never returns stops pinging and is restarted; a timer task of its own would ping on and
//! hide the hang. Windows' service manager has no watchdog: there is none to ping.

use std::sync::Arc;
use std::time::Duration;

use crate::platform;

/// How often to ping, and how.
#[derive(Clone)]
pub struct Watchdog {
    every: Duration,
    ping: Arc<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for Watchdog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watchdog")
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}

impl Watchdog {
    /// The manager's watchdog, when it set one for this process. Pings at half its timeout,
    /// as sd_watchdog_enabled(3) advises, so one late wakeup is not a restart.
    pub(crate) fn from_manager() -> Option<Watchdog> {
        let timeout = platform::runtime::watchdog_timeout()?;
        Some(Watchdog::new(
            timeout / 2,
            platform::runtime::notify_watchdog,
        ))
    }

    /// A watchdog that calls `ping` at least every `every` (tests record the calls).
    pub fn new(every: Duration, ping: impl Fn() + Send + Sync + 'static) -> Watchdog {
        Watchdog {
            every: every.max(Duration::from_millis(1)),
            ping: Arc::new(ping),
        }
    }

    /// The longest the pinging loop may sleep.
    pub(crate) fn every(&self) -> Duration {
        self.every
    }

    pub(crate) fn ping(&self) {
        (self.ping)();
    }
}
