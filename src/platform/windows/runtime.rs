//! The service's life on Windows outside the SCM (a console `rd-agent run`): Ctrl-C stops it.
//! Under the SCM, readiness and stop go through `platform::service::run_as_service`.

pub(crate) fn notify_ready() {}

pub(crate) fn notify_stopping() {}

/// The SCM has no watchdog.
pub(crate) fn watchdog_timeout() -> Option<std::time::Duration> {
    None
}

pub(crate) fn notify_watchdog() {}

pub(crate) async fn stop_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
