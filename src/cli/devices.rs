//! `rd-agent devices`.

use super::{CmdResult, Global};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port range to probe.
    #[arg(long, default_value = "11100-11120")]
    pub ports: String,
    /// Host to probe (loopback).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
}

pub fn run(_args: Args, _global: &Global) -> CmdResult {
    super::not_yet("devices")
}
