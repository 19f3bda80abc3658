//! HTTPS from PEM files, reloaded on SIGHUP: now crates/server-base (tls.rs), shared with
//! rd-relay; re-exported here so that `connpay_server::tls::…` keeps working.

pub use server_base::tls::Tls;
