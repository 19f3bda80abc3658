//! The integration tests of the agent, in one binary (one link instead of seven): each module
//! is one area, and `support` is what they share.

mod aadhaar;
mod agent;
mod cli_login;
mod fault_run;
mod guard_run;
mod guards;
mod liveness;
mod login;
mod rd_cli;
mod relay;
mod shipping;
mod state_dir;
mod support;
mod upgrade;
