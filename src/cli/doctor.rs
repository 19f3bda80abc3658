//! `rd-agent doctor`.

use super::{CmdResult, Global};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _global: &Global) -> CmdResult {
    super::not_yet("doctor")
}
