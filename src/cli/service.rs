//! `rd-agent service install|uninstall|status`.

use super::{CmdResult, Global};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    Install,
    Uninstall,
    Status,
}

pub fn run(_cmd: Command, _global: &Global) -> CmdResult {
    super::not_yet("service")
}
