//! What rd-relay and connpay-server share as servers that face the internet
//! (docs/architecture.md, "Servers"): one implementation of each piece of plumbing.
//!
//! - `serve`: the accept loop and each connection (deadlines, caps, eviction, bounded drain);
//! - `tls`: HTTPS from PEM files, reloaded on SIGHUP (`signals`);
//! - `address`: address lists, the client behind a trusted proxy;
//! - `ops`: the guard of the operations endpoints;
//! - `secret`: a secret from the environment or a file;
//! - `logging`, `metrics` (the connection series), `man` (the manual page);
//! - `console`: the binaries' only output besides logs (no `println!` elsewhere);
//! - `args`: the shared flags, with the same names in both servers;
//! - `os`: what differs per OS (file modes, signals, the open-file limit).

pub mod address;
pub mod args;
pub mod console;
pub mod logging;
pub mod man;
pub mod metrics;
mod ops;
pub mod os;
pub mod secret;
mod serve;
pub mod signals;
pub mod tls;

pub use args::ServerArgs;
pub use metrics::ConnectionMetrics;
pub use ops::{OpsGuard, OpsRefusal};
pub use serve::{Limits, RemoteAddr, serve};
