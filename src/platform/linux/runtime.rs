//! The service's life on Linux: systemd's readiness and watchdog protocol, and SIGTERM.

/// Type=notify: systemd counts the service as started only now. Outside systemd
/// NOTIFY_SOCKET is unset and this does nothing.
pub(crate) fn notify_ready() {
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Ready]);
}

/// The watchdog timeout systemd set for this process (WATCHDOG_USEC, for this pid only).
pub(crate) fn watchdog_timeout() -> Option<std::time::Duration> {
    let mut usec = 0;
    sd_notify::watchdog_enabled(false, &mut usec).then(|| std::time::Duration::from_micros(usec))
}

/// "Still alive" to systemd's watchdog.
pub(crate) fn notify_watchdog() {
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Watchdog]);
}

pub(crate) fn notify_stopping() {
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Stopping]);
}

/// SIGTERM (systemd stop, a supervisor, a test) or Ctrl-C.
pub(crate) async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM received"),
                _ = tokio::signal::ctrl_c() => tracing::info!("interrupted"),
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
