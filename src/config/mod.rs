//! Configuration: the model (`model.rs`), where its files live (`paths.rs`), loading with the
//! environment overlay (`load.rs`), and the one table of keys behind all three (`keys.rs`).
//! Secrets live apart, in `secrets.rs`. Every value is parsed once, at load, into its own type;
//! a bad value is an error that names its key and where it came from.

use std::path::{Path, PathBuf};

use crate::i18n::Msg;

mod change;
mod keys;
mod load;
mod model;
mod paths;
pub(crate) mod secrets;
mod view;
pub(crate) mod words;

pub(crate) use change::apply as apply_change;
pub use change::{Change, Standing};
pub(crate) use keys::{Key, env_var_name};
use load::MAX_CONFIG_BYTES;
pub(crate) use load::missing;
pub use model::Config;
pub(crate) use model::text_or_empty;
pub(crate) use model::{Mode, UiLanguage};
pub use paths::{Paths, Scope};
pub(crate) use paths::{check_dir, ensure_state_dir, write_file};
pub use secrets::{SecretName, Secrets, SecretsError, StoredAadhaar};
pub use view::View;

/// A config that could not be read or used. Every message names the key or file and the fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error(
        "cannot read the config file {path}: {reason}. Check the path, or run `rd-agent config init`"
    )]
    Read { path: PathBuf, reason: Msg },
    #[error(
        "the config file {path} is larger than {MAX_CONFIG_BYTES} bytes: is it the right file?"
    )]
    TooLarge { path: PathBuf },
    #[error(
        "the config file {path} is not valid TOML: {reason}. Fix the file, or recreate it with `rd-agent config init --overwrite`"
    )]
    Syntax { path: PathBuf, reason: String },
    #[error(
        "{source_name}: unknown key `{key}`. Remove it, or check its spelling against `rd-agent config show`"
    )]
    UnknownKey { source_name: String, key: String },
    #[error("{source_name}: `{key}` {reason}")]
    Invalid {
        source_name: String,
        key: String,
        /// Words that follow the key (`config-reason-*`), in the reader's language.
        reason: Msg,
    },
    #[error("`{key}` is not set. {hint}")]
    Missing { key: String, hint: String },
    #[error("cannot write the config file {path}: {reason}")]
    Write { path: PathBuf, reason: String },
    #[error(
        "no home or system directory found for the {what}: pass --config FILE and --state-dir DIR (or set RD_AGENT_CONFIG and RD_AGENT_STATE_DIR)"
    )]
    NoLocation { what: String },
    #[error(
        "{path} can be changed by other users (mode {mode:o}), who could then replace rd-agent's files: run `chmod go-w {path}` (or choose another directory)"
    )]
    DirWritable { path: PathBuf, mode: u32 },
    #[error(
        "{path} belongs to another user (uid {uid}), who could replace rd-agent's files: run `sudo chown $(id -u) {path}`, or choose a directory of your own"
    )]
    DirOwner { path: PathBuf, uid: u32 },
}

impl ConfigError {
    /// The sentence in the catalogue (`Display` is its English). A `reason` from the TOML
    /// parser or the OS stays as they wrote it.
    pub(crate) fn msg(&self) -> Msg {
        let path = |p: &Path| p.display().to_string();
        match self {
            ConfigError::Read { path: p, reason } => Msg::new("config-error-read")
                .arg("path", path(p))
                .arg("reason", reason.clone()),
            ConfigError::TooLarge { path: p } => Msg::new("config-error-too-large")
                .arg("path", path(p))
                .arg("limit", MAX_CONFIG_BYTES),
            ConfigError::Syntax { path: p, reason } => Msg::new("config-error-syntax")
                .arg("path", path(p))
                .arg("reason", reason.as_str()),
            ConfigError::UnknownKey { source_name, key } => Msg::new("config-error-unknown-key")
                .arg("source", source_msg(source_name))
                .arg("key", key.as_str()),
            ConfigError::Invalid {
                source_name,
                key,
                reason,
            } => Msg::new("config-error-invalid")
                .arg("source", source_msg(source_name))
                .arg(
                    "key",
                    if key == "(file)" {
                        Msg::new("config-key-file")
                    } else {
                        Msg::verbatim(key.as_str())
                    },
                )
                .arg("reason", reason.clone()),
            ConfigError::Missing { key, .. } => Msg::new("config-error-missing")
                .arg("key", key.as_str())
                .arg(
                    "hint",
                    Msg::new("config-missing-hint").arg("env_var", env_var_name(key)),
                ),
            ConfigError::Write { path: p, reason } => Msg::new("config-error-write")
                .arg("path", path(p))
                .arg("reason", reason.as_str()),
            ConfigError::NoLocation { what } => {
                Msg::new("config-error-no-location").arg("what", what.as_str())
            }
            ConfigError::DirWritable { path: p, mode } => Msg::new("config-error-dir-writable")
                .arg("path", path(p))
                .arg("mode", format!("{mode:o}")),
            ConfigError::DirOwner { path: p, uid } => Msg::new("config-error-dir-owner")
                .arg("path", path(p))
                .arg("uid", *uid),
        }
    }
}

/// Where a bad value came from, in words: a file's path as it is, or the environment
/// variable or the checks across keys (load.rs writes these two in English for `Display`).
fn source_msg(source_name: &str) -> Msg {
    match source_name.strip_prefix("environment variable ") {
        Some(name) => Msg::new("config-source-env").arg("name", name),
        None if source_name == "config" => Msg::new("config-source-checked"),
        None => Msg::verbatim(source_name),
    }
}
