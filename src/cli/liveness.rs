//! `rd-agent liveness`.

use super::{CmdResult, Global};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create a face-liveness session.
    Create,
    /// Fetch and judge a session's result.
    Result { session_id: String },
}

pub fn run(_cmd: Command, _global: &Global) -> CmdResult {
    super::not_yet("liveness")
}
