//! The service's life on Windows outside the SCM (a console `rd-agent run`): Ctrl-C stops it.
//! Under the SCM, readiness and stop go through `platform::service::run_as_service`.

pub fn notify_ready() {}

pub fn notify_stopping() {}

/// The SCM has no watchdog.
pub fn watchdog_timeout() -> Option<std::time::Duration> {
    None
}

pub fn notify_watchdog() {}

pub async fn stop_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
