//! `rd-agent open`: the operator's page in the default browser, or with `--print-url` its
//! address with a fresh one-time token. The page is served by the user's tray (or, with no
//! tray, by its program started here without a display: `rd-agent-tray --page-only`, which
//! ends after half an hour unused); src/page_link.rs is how this command finds it.

use std::time::{Duration, Instant};

use super::{CliError, CmdResult, Exit, Global};
use crate::i18n::{Catalog, Msg};
use crate::page_link;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Print the page's address, with a one-time token, instead of opening a browser.
    #[arg(long)]
    print_url: bool,
}

/// How long a page server started here may take to start listening.
const START_WAIT: Duration = Duration::from_secs(15);

pub(crate) fn run(args: Args, global: &Global) -> CmdResult {
    let failed = |m: Msg| CliError::said(Exit::Failure, m);
    let dir = page_link::dir().ok_or_else(|| failed(Msg::new("cli-open-no-home")))?;
    let server = match page_link::running(&dir) {
        Some(s) => s,
        None => start(global, &dir)?,
    };
    let url = server.fresh_url();
    if args.print_url {
        outln!("{url}");
        return Ok(());
    }
    page_link::open_in_browser(&url)
        .map_err(|e| failed(Msg::new("cli-open-no-browser").arg("error", e.to_string())))?;
    let cat = Catalog::get(super::language(global));
    outln!("{}", cat.tr("cli-open-opened"));
    Ok(())
}

/// Start `rd-agent-tray --page-only` beside this program, detached, and wait for it.
fn start(global: &Global, dir: &std::path::Path) -> Result<page_link::Running, CliError> {
    let name = format!("rd-agent-tray{}", std::env::consts::EXE_SUFFIX);
    let not_started = |program: &str, error: String| {
        CliError::said(
            Exit::Failure,
            Msg::new("cli-open-not-started")
                .arg("program", program)
                .arg("error", error),
        )
    };
    // Beside this program, never a bare name that the PATH would resolve.
    let program = std::env::current_exe()
        .map_err(|e| not_started(&name, e.to_string()))?
        .with_file_name(&name);
    let mut args = global.args();
    args.push("--page-only".into());
    let pid = crate::platform::process::spawn_detached(&program, &args)
        .map_err(|e| not_started(&program.display().to_string(), e.to_string()))?;
    let until = Instant::now() + START_WAIT;
    while Instant::now() < until {
        if let Some(s) = page_link::running(dir).filter(|s| s.pid == pid) {
            return Ok(s);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(not_started(
        &program.display().to_string(),
        format!("no page after {} s", START_WAIT.as_secs()),
    ))
}
