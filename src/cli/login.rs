//! `rd-agent login`.

use super::{CmdResult, Global};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Run against the embedded sandbox (simulated RD Service and sandbox InstantPay).
    #[arg(long)]
    pub sandbox: bool,
    /// Skip the local "already logged in" check (never the remote status check).
    #[arg(long)]
    pub force: bool,
}

pub fn run(_args: Args, _global: &Global) -> CmdResult {
    super::not_yet("login")
}
