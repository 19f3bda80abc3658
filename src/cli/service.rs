//! `rd-agent service install|uninstall|status`.

use std::path::PathBuf;

use super::{CliError, CmdResult, Exit, Global, print_json};
use crate::i18n::{Catalog, Lang, Msg};
use crate::service::{Installed, ServiceError};

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Register the service (systemd / SCM), start it, and start the tray at each login.
    Install(InstallArgs),
    /// Stop and remove the service and the tray's autostart entry (the ledger is kept).
    Uninstall(InstallArgs),
    /// Whether the service is installed, enabled and running.
    Status,
}

#[derive(Debug, clap::Args)]
pub(crate) struct InstallArgs {
    /// Linux: write the files under DIR instead of / and run no systemctl (for packaging).
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
}

fn fail(e: ServiceError) -> CliError {
    let exit = match e {
        ServiceError::NotPrivileged => Exit::Usage,
        _ => Exit::Failure,
    };
    CliError::said(exit, e.msg())
}

fn exe() -> Result<PathBuf, CliError> {
    std::env::current_exe().map_err(|e| {
        CliError::said(
            Exit::Failure,
            Msg::new("service-exe-not-found").arg("error", e.to_string()),
        )
    })
}

pub(crate) fn run(cmd: Command, global: &Global) -> CmdResult {
    match cmd {
        Command::Install(a) => install(a, global),
        Command::Uninstall(a) => uninstall(a, global),
        Command::Status => status(global),
    }
}

fn install(a: InstallArgs, global: &Global) -> CmdResult {
    let done = crate::platform::service::install(a.root.as_deref(), &exe()?).map_err(fail)?;
    report("installed", "service-installed", &done, global);
    Ok(())
}

fn uninstall(a: InstallArgs, global: &Global) -> CmdResult {
    let done = crate::platform::service::uninstall(a.root.as_deref()).map_err(fail)?;
    report("uninstalled", "service-uninstalled", &done, global);
    Ok(())
}

fn report(what: &str, id: &'static str, done: &Installed, global: &Global) {
    if global.json {
        print_json(&serde_json::json!({
            "ok": true, "action": what, "files": done.files, "commands": done.commands,
        }));
        return;
    }
    let cat = Catalog::get(super::language(global));
    outln!("{}", cat.tr(id));
    for f in &done.files {
        outln!("  {}", f.display());
    }
    for c in &done.commands {
        outln!(
            "  {}",
            cat.render(&Msg::new("service-ran").arg("command", c.as_str()))
        );
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
        Some(crate::agent::protocol::Message::Status { state, .. }) => Some(state.clone()),
        _ => None,
    };
    let cat = Catalog::get(if global.json {
        Lang::En
    } else {
        super::language(global)
    });
    if global.json {
        print_json(&serde_json::json!({
            "ok": true,
            "service": st,
            "socket": socket,
            "state": state,
        }));
    } else {
        let yes = |b: bool| cat.tr(if b { "service-yes" } else { "service-no" });
        let line = Msg::new("service-status")
            .arg("installed", yes(st.installed))
            .arg("enabled", yes(st.enabled))
            .arg("running", yes(st.active))
            .arg("detail", st.detail.as_str());
        outln!("{}", cat.render(&line));
        let said = match state {
            Some(state) => Msg::new("service-says").arg("sentence", state.msg()),
            None => Msg::new("service-no-answer").arg("path", socket.display().to_string()),
        };
        outln!("{}", cat.render(&said));
    }
    if st.active {
        Ok(())
    } else {
        Err(CliError::said(
            Exit::Failure,
            Msg::new("service-not-running"),
        ))
    }
}
