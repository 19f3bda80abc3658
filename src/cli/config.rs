//! `rd-agent config init|show|set-secret`.

use super::{CmdResult, Global};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    Init,
    Show,
    SetSecret { name: String },
}

pub fn run(_cmd: Command, _global: &Global) -> CmdResult {
    super::not_yet("config")
}
