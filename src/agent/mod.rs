//! The service (`rd-agent run`): keeps the day's login state, wakes at midnight IST, on USB
//! changes, hourly and on request, reminds the operator, and serves the local IPC endpoint the
//! tray and the one-shot commands use (docs/architecture.md).

pub mod backend;
pub mod endpoint;
pub mod ipc;
pub mod protocol;
pub mod schedule;
pub mod server;
pub mod state;

pub use backend::{Backend, LoginSummary};
pub use server::{Agent, Trigger, run};
pub use state::AgentState;
pub mod live;
mod live_login;
pub mod logging;
pub mod runtime;
pub mod usb;
pub mod watchdog;
