//! The one place a login is put together from the config, the secret store and the ledger:
//! `rd-agent login` (src/cli/login.rs), its sandbox, and the service (src/agent/live_login.rs)
//! all run what [`Assembled`] holds, so the three cannot drift apart.

use crate::config::{Config, ConfigError, Paths, Secrets, ensure_state_dir};
use crate::i18n::{Lang, Msg};
use crate::ledger::{Ledger, LedgerError};
use crate::login::live::{self, Api, RdScanner, SetupError};
use crate::login::{Deps, LoginError, LoginParams, LoginReport, Progress};
use clock::Clock;

/// What a login request asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginFlags {
    /// Skip only the local "already logged in" check.
    pub force: bool,
    /// Use a scanner other than the pinned one, and pin it after the login.
    pub accept_new_device: bool,
    /// The operator confirmed going on despite the decline guard (docs/ledger.md).
    pub despite_declines: bool,
}

/// A login ready to run. The secrets live only inside `params` (the Aadhaar) and `api` (the
/// client secret, the key); the secret store itself is dropped once these are built.
pub struct Assembled {
    pub(crate) params: LoginParams,
    pub(crate) api: Api,
    pub(crate) scanner: RdScanner,
    pub(crate) ledger: Ledger,
    /// The operator's language (`ui.language`), for the progress lines.
    pub(crate) lang: Lang,
}

/// Why a login could not be put together. Nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum AssemblyError {
    /// The config, the secret store or the client: fixable there.
    #[error(transparent)]
    Setup(#[from] SetupError),
    #[error(transparent)]
    StateDir(ConfigError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl AssemblyError {
    /// The sentence in the catalogue (`Display` is its English).
    pub(crate) fn msg(&self) -> Msg {
        match self {
            AssemblyError::Setup(e) => e.msg(),
            AssemblyError::StateDir(e) => e.msg(),
            AssemblyError::Ledger(e) => Msg::verbatim(e.to_string()),
        }
    }
}

/// The login's parts from a config and secrets already in hand (the sandbox's are made up).
/// `who` names where an override of the decline guard was made ("terminal", "tray").
pub(crate) fn parts(
    cfg: &Config,
    secrets: &Secrets,
    flags: LoginFlags,
    who: &str,
) -> Result<(LoginParams, Api, RdScanner), SetupError> {
    let mut params = live::params(cfg, secrets, flags.force)?;
    params.accept_new_device = flags.accept_new_device;
    params.override_declines = flags.despite_declines.then(|| who.to_string());
    let api = live::client(cfg, secrets)?.override_declines(flags.despite_declines);
    Ok((params, api, RdScanner::from_config(cfg)))
}

impl Assembled {
    /// From the files at `paths`. It reads files and may wait seconds for a busy ledger: call
    /// it from synchronous code or `spawn_blocking`, never on an async runtime's thread.
    pub(crate) fn from_files(
        paths: &Paths,
        flags: LoginFlags,
        who: &str,
    ) -> Result<Self, AssemblyError> {
        let cfg = paths.load_config().map_err(SetupError::from)?;
        let (params, api, scanner) = {
            let secrets = Secrets::load(&paths.secrets_file()).map_err(SetupError::from)?;
            parts(&cfg, &secrets, flags, who)?
        };
        ensure_state_dir(&paths.state_dir).map_err(AssemblyError::StateDir)?;
        let ledger = Ledger::open(&paths.ledger_file())?;
        Ok(Assembled {
            params,
            api,
            scanner,
            ledger,
            lang: cfg.language(),
        })
    }

    /// Run the daily login (src/login/mod.rs) over these parts.
    pub async fn run(
        &mut self,
        clock: &dyn Clock,
        progress: &dyn Progress,
    ) -> Result<LoginReport, LoginError> {
        crate::login::login(
            Deps {
                scanner: &mut self.scanner,
                api: &self.api,
                ledger: &mut self.ledger,
                clock,
                progress,
            },
            &self.params,
        )
        .await
    }
}
