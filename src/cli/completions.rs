//! `rd-agent completions SHELL`: the shell's completion script, from the same clap definitions
//! as `--help`, so it never drifts from the commands. The .deb installs the bash one
//! (installer/linux/build-deb.sh).

use clap::CommandFactory;

use super::{Cli, CmdResult};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

pub(crate) fn run(args: Args) -> CmdResult {
    let mut cmd = Cli::command();
    // Into memory first: clap_complete panics when its writer fails (src/console.rs).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "rd-agent", &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    Ok(())
}
