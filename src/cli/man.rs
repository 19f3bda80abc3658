//! `rd-agent man`: the manual pages, from the same clap definitions as `--help`. Without
//! `--dir`, rd-agent(1) on stdout (`rd-agent man | man -l -`); with it, one page per command
//! (rd-agent-login(1), ...), as the .deb installs them (installer/linux/build-deb.sh).

use std::path::PathBuf;

use clap::CommandFactory;

use super::{Cli, CliError, CmdResult, Exit};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Write rd-agent.1 and a page per command into this directory instead.
    #[arg(long, value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> CmdResult {
    let failed = |e: std::io::Error| {
        CliError::new(
            Exit::Failure,
            format!("Could not write the manual pages: {e}"),
        )
    };
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir).map_err(failed)?;
            clap_mangen::generate_to(Cli::command(), &dir).map_err(failed)
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .map_err(failed)?;
            out!("{}", String::from_utf8_lossy(&page));
            Ok(())
        }
    }
}
