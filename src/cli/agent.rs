//! `rd-agent run` and `rd-agent tray`.

use super::{CmdResult, Global};

#[derive(Debug, clap::Args)]
pub struct RunArgs {}

#[derive(Debug, clap::Args)]
pub struct TrayArgs {}

pub fn run(_args: RunArgs, _global: &Global) -> CmdResult {
    super::not_yet("run")
}

pub fn tray(_args: TrayArgs, _global: &Global) -> CmdResult {
    super::not_yet("tray")
}
