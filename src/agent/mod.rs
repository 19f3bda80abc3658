//! The service (`rd-agent run`): keeps the day's login state, wakes at midnight IST, on USB
//! changes, hourly and on request, reminds the operator, and serves the local IPC endpoint the
//! tray and the one-shot commands use (docs/architecture.md).

pub(crate) mod backend;
pub(crate) mod endpoint;
pub mod ipc;
pub(crate) mod live;
mod live_login;
pub(crate) mod logging;
pub mod protocol;
pub(crate) mod runtime;
pub(crate) mod schedule;
pub(crate) mod server;
pub(crate) mod state;
pub(crate) mod usb;
pub(crate) mod watchdog;

pub use backend::{Backend, BoxFuture, LoginSummary};
pub use live::LiveBackend;
pub use schedule::Schedule;
pub use server::{Agent, MAX_CLIENTS, Trigger, run};
pub use state::AgentState;
pub use watchdog::Watchdog;
