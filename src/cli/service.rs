//! `rd-agent service install|uninstall|status`.

use std::path::PathBuf;

use super::{CliError, CmdResult, Exit, Global, print_json};
use crate::service::ServiceError;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Register the service (systemd / SCM), start it, and start the tray at each login.
    Install(InstallArgs),
    /// Stop and remove the service and the tray's autostart entry (the ledger is kept).
    Uninstall(InstallArgs),
    /// Whether the service is installed, enabled and running.
    Status,
}

#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// Linux: write the files under DIR instead of / and run no systemctl (for packaging).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

fn fail(e: ServiceError) -> CliError {
    let exit = match e {
        ServiceError::NotPrivileged => Exit::Usage,
        _ => Exit::Failure,
    };
    CliError::new(exit, e.to_string())
}

fn exe() -> Result<PathBuf, CliError> {
    std::env::current_exe().map_err(|e| {
        CliError::new(
            Exit::Failure,
            format!("Could not find this program's own path: {e}"),
        )
    })
}

pub fn run(cmd: Command, global: &Global) -> CmdResult {
    match cmd {
        Command::Install(a) => install(a, global),
        Command::Uninstall(a) => uninstall(a, global),
        Command::Status => status(global),
    }
}

fn install(a: InstallArgs, global: &Global) -> CmdResult {
    let done = crate::platform::service::install(a.root.as_deref(), &exe()?).map_err(fail)?;
    report("installed", &done.files, &done.commands, global);
    Ok(())
}

fn uninstall(a: InstallArgs, global: &Global) -> CmdResult {
    let done = crate::platform::service::uninstall(a.root.as_deref()).map_err(fail)?;
    report("uninstalled", &done.files, &done.commands, global);
    Ok(())
}

fn report(what: &str, files: &[PathBuf], commands: &[String], global: &Global) {
    if global.json {
        print_json(&serde_json::json!({
            "ok": true, "action": what, "files": files, "commands": commands,
        }));
        return;
    }
    println!("rd-agent service {what}.");
    for f in files {
        println!("  {}", f.display());
    }
    for c in commands {
        println!("  ran: {c}");
    }
}

fn status(global: &Global) -> CmdResult {
    let st = crate::platform::service::status().map_err(fail)?;
    // And whether it answers on its socket.
    let socket = global.endpoint();
    let answering = super::block_on(async {
        match crate::agent::ipc::connect(&socket).await {
            Ok(mut c) => c.status().await.ok(),
            Err(_) => None,
        }
    });
    let state = match &answering {
        Some(crate::agent::ipc::Message::Status {
            state, sentence, ..
        }) => Some((state.clone(), sentence.clone())),
        _ => None,
    };
    if global.json {
        print_json(&serde_json::json!({
            "ok": true,
            "service": st,
            "socket": socket,
            "state": state.as_ref().map(|s| &s.0),
        }));
    } else {
        println!(
            "installed: {}, enabled: {}, running: {} ({})",
            yes(st.installed),
            yes(st.enabled),
            yes(st.active),
            st.detail
        );
        match state {
            Some((_, sentence)) => println!("service says: {sentence}"),
            None => println!("no answer on {}", socket.display()),
        }
    }
    if st.active {
        Ok(())
    } else {
        Err(CliError::new(
            Exit::Failure,
            "The rd-agent service is not running: start it with `systemctl start rd-agent` (Linux) or `sc start rd-agent` (Windows).",
        ))
    }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
