//! The integration tests of the agent, in one binary (one link instead of seven): each module
//! is one area, and `support` is what they share.

// A long run reports what it ran (rounds, seed) on the test output; nothing else prints.
#![allow(clippy::print_stderr)]

mod aadhaar;
mod agent_guards;
mod agent_ipc;
mod agent_run;
mod agent_schedule;
mod busy_ledger;
mod cli_config;
mod cli_language;
mod cli_login;
mod cli_settle;
mod fault_run;
mod guard_run;
mod guards;
mod liveness;
mod liveness_cli;
mod login;
mod pc_setup;
mod rd_cli;
mod relay;
// Unix: the person's home and the service's root are laid out as on Linux.
#[cfg(unix)]
mod service_setup;
mod shipping;
mod state_dir;
mod support;
mod tray_launch;
mod upgrade;
