//! `rd-agent sandbox`.

use super::{CmdResult, Global};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Vendor whose fixtures the simulated RD Service serves.
    #[arg(long, default_value = "mantra-mfs100")]
    pub vendor: String,
    /// Port of the simulated RD Service.
    #[arg(long, default_value_t = 11100)]
    pub rd_port: u16,
    /// Serve the RD Service over HTTPS with a self-signed certificate.
    #[arg(long)]
    pub https: bool,
}

pub fn run(_args: Args, _global: &Global) -> CmdResult {
    super::not_yet("sandbox")
}
