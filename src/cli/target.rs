//! Where setup writes and a login runs: through the installed service, or in files of one's
//! own. One rule for `config`, `enroll`, `login` and `doctor` (docs/architecture.md, "Which
//! configuration"):
//!
//! - an explicit `--config` or `--state-dir` names the files, whatever is installed;
//! - otherwise, when a service is installed (the endpoint resolver finds one, `RD_AGENT_SOCKET`
//!   included, or the OS knows its unit) the service is asked, and when it is installed but
//!   stopped the person is told to start it: nothing is written beside it, and no login runs
//!   with a ledger of its own;
//! - otherwise (a developer's machine, the sandbox) the person's own files.

use std::path::PathBuf;

use super::config::user_paths;
use super::{CliError, Exit, Global};
use crate::agent::ipc::{Connection, IpcError};
use crate::config::{Change, Paths, Standing, View, apply_change};
use crate::i18n::Msg;

/// Where setup reads and writes.
pub(crate) enum Target {
    /// The service at this endpoint, which answered.
    Service(PathBuf),
    Files(Paths),
}

impl Target {
    /// The target for setup commands.
    pub(crate) fn of(global: &Global) -> Result<Target, CliError> {
        if names_files(global) {
            return Ok(Target::Files(user_paths(global)?));
        }
        match super::block_on(service(global))? {
            Some(_) => Ok(Target::Service(global.endpoint())),
            None => Ok(Target::Files(user_paths(global)?)),
        }
    }

    /// The configuration as it stands.
    pub(crate) fn view(&self) -> Result<View, CliError> {
        match self {
            Target::Files(paths) => View::read(paths).map_err(|m| CliError::said(Exit::Usage, m)),
            Target::Service(endpoint) => super::block_on(async {
                crate::agent::ipc::connect(endpoint)
                    .await?
                    .config_show()
                    .await
            })
            .map_err(refused),
        }
    }

    /// Make `change`, all of it or none; the configuration afterwards. In one's own files the
    /// person is their own administrator; the service decides by who asks.
    pub(crate) fn write(&self, change: &Change) -> Result<View, CliError> {
        match self {
            Target::Files(paths) => {
                apply_change(paths, change, Standing::Administrator)
                    .map_err(|e| CliError::said(Exit::Usage, e.msg()))?;
                View::read(paths).map_err(|m| CliError::said(Exit::Usage, m))
            }
            Target::Service(endpoint) => super::block_on(async {
                crate::agent::ipc::connect(endpoint)
                    .await?
                    .config_change(change)
                    .await
            })
            .map_err(refused),
        }
    }
}

/// The service's refusal is the person's to act on (a bad value, not an administrator).
fn refused(e: IpcError) -> CliError {
    match e {
        IpcError::Refused(said) => CliError::said(Exit::Usage, said),
        other => CliError::said(Exit::Failure, other.msg()),
    }
}

/// The running service, `None` when none is installed, or why it cannot be asked.
pub(crate) async fn service(global: &Global) -> Result<Option<Connection>, CliError> {
    let endpoint = global.endpoint();
    match crate::agent::ipc::connect(&endpoint).await {
        Ok(c) => Ok(Some(c)),
        Err(IpcError::NotRunning(_)) if !installed(global) => Ok(None),
        Err(IpcError::NotRunning(path)) => Err(CliError::said(
            Exit::Failure,
            Msg::new("cli-service-stopped")
                .arg("path", path)
                .arg("os", std::env::consts::OS),
        )),
        Err(e) => Err(CliError::said(Exit::Failure, e.msg())),
    }
}

/// `--config` or `--state-dir` (or their environment variables) name the files.
pub(crate) fn names_files(global: &Global) -> bool {
    global.config.is_some() || global.state_dir.is_some()
}

/// A service is installed: named on the command line or in the environment, its endpoint
/// exists, or the OS has its unit. With files named, the person works on those.
fn installed(global: &Global) -> bool {
    !names_files(global)
        && (global.socket.is_some()
            || global.endpoint().exists()
            || crate::platform::service::installed())
}
