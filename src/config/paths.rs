//! Where the config file and the state directory (ledger, secrets, logs, socket) are, and the
//! rule for those directories: their owner's alone, or rd-agent refuses them.

use std::path::{Path, PathBuf};

use super::ConfigError;
use super::secrets::SECRETS_FILE_NAME;

/// File name of the config inside a config directory.
const CONFIG_FILE_NAME: &str = "config.toml";

/// Who is running: the service uses the system locations, a person their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    User,
    System,
}

/// Where the config file and the state directory (ledger, secrets, logs, socket) are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The file setup writes, and whose values win.
    pub config_file: PathBuf,
    /// Read-only defaults under `config_file` (the service's /etc/rd-agent/config.toml), or
    /// none. The service's unit cannot write /etc, so what setup writes goes to the state
    /// directory, and an administrator's /etc file still gives every key setup left alone.
    pub defaults_file: Option<PathBuf>,
    pub state_dir: PathBuf,
}

impl Paths {
    /// `--config` / `--state-dir` (or their env vars, which clap already read) win; otherwise the
    /// system or per-user locations. The service (`Scope::System`) without `--config` keeps its
    /// writable config in its state directory, over the system config directory's file.
    pub(crate) fn resolve(
        config: Option<&Path>,
        state_dir: Option<&Path>,
        scope: Scope,
    ) -> Result<Paths, ConfigError> {
        let state_dir = match state_dir {
            Some(p) => p.to_path_buf(),
            None => default_state_dir(scope)?,
        };
        let (config_file, defaults_file) = match (config, scope) {
            (Some(p), _) => (p.to_path_buf(), None),
            (None, Scope::System) => (
                state_dir.join(CONFIG_FILE_NAME),
                Some(default_config_dir(scope)?.join(CONFIG_FILE_NAME)),
            ),
            (None, Scope::User) => (default_config_dir(scope)?.join(CONFIG_FILE_NAME), None),
        };
        Ok(Paths {
            config_file,
            defaults_file,
            state_dir,
        })
    }

    /// Files of one's own: the config and the state directory, no defaults under them (tests,
    /// and a service told `--config`).
    pub fn of(config_file: PathBuf, state_dir: PathBuf) -> Paths {
        Paths {
            config_file,
            defaults_file: None,
            state_dir,
        }
    }

    pub(crate) fn ledger_file(&self) -> PathBuf {
        self.state_dir.join("ledger.sqlite3")
    }

    pub(crate) fn secrets_file(&self) -> PathBuf {
        self.state_dir.join(SECRETS_FILE_NAME)
    }

    pub(crate) fn log_dir(&self) -> PathBuf {
        self.state_dir.join("logs")
    }
}

fn project_dirs(what: &str) -> Result<directories::ProjectDirs, ConfigError> {
    directories::ProjectDirs::from("in", "rd-agent", "rd-agent").ok_or_else(|| {
        ConfigError::NoLocation {
            what: what.to_string(),
        }
    })
}

fn default_config_dir(scope: Scope) -> Result<PathBuf, ConfigError> {
    match scope {
        Scope::System => Ok(crate::platform::fs::system_config_dir()),
        Scope::User => Ok(project_dirs("config file")?.config_dir().to_path_buf()),
    }
}

fn default_state_dir(scope: Scope) -> Result<PathBuf, ConfigError> {
    match scope {
        Scope::System => Ok(crate::platform::fs::system_state_dir()),
        Scope::User => Ok(project_dirs("state directory")?
            .data_local_dir()
            .to_path_buf()),
    }
}

/// Write the config or the secrets file at `path` in one step (`crate::fs::write_atomic`),
/// creating its directory private (0700) when missing: the config and the secrets in it are
/// rd-agent's alone. An existing directory must pass [`check_dir`].
pub(crate) fn write_file(path: &Path, text: &str, private: bool) -> Result<(), ConfigError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        ensure_dir(dir, path)?;
    }
    crate::fs::write_atomic(path, text.as_bytes(), private).map_err(|e| ConfigError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Create the state directory if missing, private to its owner (0700 on Unix): it holds the
/// secrets file, the ledger and the logs. An existing one must be its owner's alone
/// ([`check_dir`]).
pub(crate) fn ensure_state_dir(dir: &Path) -> Result<(), ConfigError> {
    ensure_dir(dir, dir)
}

/// [`ensure_state_dir`], with a failure to create `dir` reported against `for_path`.
fn ensure_dir(dir: &Path, for_path: &Path) -> Result<(), ConfigError> {
    crate::fs::create_private_dir(dir).map_err(|e| ConfigError::Write {
        path: for_path.to_path_buf(),
        reason: e.to_string(),
    })?;
    check_dir(dir)
}

/// Refuse a config or state directory that someone other than its owner could rearrange:
/// owned by this process's user or by root, and not writable by group or others (on Windows
/// the service's own DACL does this, `platform::fs::lock_down`). The installed service's
/// /etc/rd-agent (root, 0755) passes; a directory under /tmp shared with others does not.
pub(crate) fn check_dir(dir: &Path) -> Result<(), ConfigError> {
    use crate::platform::DirProblem;
    match crate::platform::fs::dir_problem(dir) {
        Ok(None) => Ok(()),
        Ok(Some(DirProblem::Writable { mode })) => Err(ConfigError::DirWritable {
            path: dir.to_path_buf(),
            mode,
        }),
        Ok(Some(DirProblem::Owner { uid })) => Err(ConfigError::DirOwner {
            path: dir.to_path_buf(),
            uid,
        }),
        Err(e) => Err(ConfigError::Read {
            path: dir.to_path_buf(),
            reason: crate::i18n::Msg::verbatim(e.to_string()),
        }),
    }
}
