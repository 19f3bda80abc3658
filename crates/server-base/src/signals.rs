//! Stopping and reloading a server: SIGTERM or Ctrl-C stops it; SIGHUP reads its certificate
//! again (os/unix.rs; on Windows a restart does).

use crate::tls::Tls;

/// Completes at SIGTERM or Ctrl-C.
pub async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = crate::os::terminate() => {},
    }
    tracing::info!("shutting down: requests in flight finish, the rest are closed");
}

/// Reads the certificate again on every SIGHUP (must be called inside the runtime). Listening
/// for SIGHUP also keeps a stray one from ending the process, with or without TLS.
pub fn reload_on_hangup(tls: Option<Tls>) {
    let mut hangups = crate::os::Hangups::listen();
    tokio::spawn(async move {
        loop {
            hangups.next().await;
            match &tls {
                Some(tls) => match tls.reload() {
                    Ok(()) => tracing::info!("SIGHUP: TLS certificate and key read again"),
                    Err(e) => {
                        tracing::error!("SIGHUP: {e}; still serving the previous certificate")
                    }
                },
                None => tracing::info!("SIGHUP: nothing to reload (no --tls-cert)"),
            }
        }
    });
}
