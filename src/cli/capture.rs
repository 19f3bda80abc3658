//! `rd-agent capture`.

use super::{CmdResult, Global};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// RD Service port (default: discover).
    #[arg(long)]
    pub port: Option<u16>,
    #[arg(long, default_value_t = 1)]
    pub fcount: u8,
    #[arg(long, default_value_t = 2)]
    pub ftype: u8,
    #[arg(long, default_value_t = 10000)]
    pub timeout_ms: u32,
    #[arg(long, default_value = "P")]
    pub env: String,
}

pub fn run(_args: Args, _global: &Global) -> CmdResult {
    super::not_yet("capture")
}
