//! What setup shows of a configuration: the files, the values in force, each secret as set /
//! not set (the Aadhaar masked), and what is still missing for a login. The same view comes
//! from a person's own files or, over the IPC, from the service's; it holds no secret.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Config, Paths, SecretName, Secrets};
use crate::i18n::Msg;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub(crate) config_file: PathBuf,
    pub(crate) config_file_exists: bool,
    /// The read-only defaults under the config file (the service's /etc/rd-agent/config.toml).
    #[serde(default)]
    pub(crate) defaults_file: Option<PathBuf>,
    pub(crate) state_dir: PathBuf,
    pub(crate) secrets_file: PathBuf,
    pub(crate) config: Config,
    /// Each secret the mode needs, and how it is shown.
    pub(crate) secrets: Vec<(String, Msg)>,
    /// What a login still lacks, as operator sentences; empty when ready.
    pub(crate) problems: Vec<Msg>,
}

impl View {
    /// The view of the files `paths` names. A config that cannot be read is an error; a
    /// secrets file that cannot be read is one of the problems.
    pub(crate) fn read(paths: &Paths) -> Result<View, Msg> {
        let config = paths.load_config().map_err(|e| e.msg())?;
        let secrets_file = paths.secrets_file();
        let mut problems = Vec::new();
        if let Err(e) = config.require_login() {
            problems.push(e.msg());
        }
        let secrets = match Secrets::load(&secrets_file) {
            Ok(s) => {
                for &name in config.required_secrets() {
                    if !s.is_set(name) {
                        problems.push(Msg::new("config-secret-not-set").arg("key", name.key()));
                    }
                }
                s
            }
            Err(e) => {
                problems.push(e.msg());
                Secrets::default()
            }
        };
        let shown = config
            .required_secrets()
            .iter()
            .map(|&n| (n.key().to_string(), shown(&secrets, n)))
            .collect();
        Ok(View {
            config_file_exists: paths.config_file.is_file(),
            config_file: paths.config_file.clone(),
            defaults_file: paths.defaults_file.clone(),
            state_dir: paths.state_dir.clone(),
            secrets_file,
            config,
            secrets: shown,
            problems,
        })
    }

    /// The language `ui.language` names, or `None` for "auto" (each reader's own).
    pub fn language(&self) -> Option<crate::i18n::Lang> {
        use super::model::UiLanguage;
        match self.config.ui.language {
            UiLanguage::Auto => None,
            UiLanguage::English => Some(crate::i18n::Lang::En),
            UiLanguage::Hindi => Some(crate::i18n::Lang::Hi),
        }
    }

    /// How secret `name` is shown, if the mode needs it.
    pub(crate) fn shown(&self, name: SecretName) -> Msg {
        self.secrets
            .iter()
            .find(|(k, _)| k == name.key())
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| Msg::new("secret-shown-not-set"))
    }
}

/// A secret as setup shows it: set / not set, the Aadhaar masked.
fn shown(secrets: &Secrets, name: SecretName) -> Msg {
    match (name, &secrets.aadhaar) {
        (SecretName::Aadhaar, Some(a)) => match a.usable() {
            Ok(_) => Msg::verbatim(a.masked()),
            Err(_) => Msg::new("secret-shown-aadhaar-invalid").arg("masked", a.masked()),
        },
        _ if secrets.is_set(name) => Msg::new("secret-shown-set"),
        _ => Msg::new("secret-shown-not-set"),
    }
}

/// What a client of the service (the operator's page) reads of a view.
impl View {
    /// The value of the key `name` in force, as the file writes it; `None` for a secret or an
    /// unknown name.
    pub fn value(&self, name: &str) -> Option<String> {
        super::Key::parse(name)?.get(&self.config)
    }

    /// How the secret `name` is shown: set / not set, the Aadhaar masked.
    pub fn secret_shown(&self, name: &str) -> Option<Msg> {
        SecretName::parse(name).ok().map(|n| self.shown(n))
    }

    /// What a login still lacks; empty when ready.
    pub fn problems(&self) -> &[Msg] {
        &self.problems
    }

    /// The service logs in through a login relay (fleet mode).
    pub fn relay_mode(&self) -> bool {
        self.config.instantpay.mode == super::Mode::Relay
    }

    pub fn config_file(&self) -> &std::path::Path {
        &self.config_file
    }

    pub fn state_dir(&self) -> &std::path::Path {
        &self.state_dir
    }
}
