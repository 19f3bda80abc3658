//! `rd-agent pid parse`.

use std::path::PathBuf;

use super::{CmdResult, Global};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Parse a PidData XML file into InstantPay's biometricData JSON.
    Parse {
        file: PathBuf,
        /// Show the crypto fields (sessionKey, hmac, pidData) instead of their lengths.
        #[arg(long)]
        reveal: bool,
    },
}

pub fn run(_cmd: Command, _global: &Global) -> CmdResult {
    super::not_yet("pid parse")
}
