//! Configuration: defaults, then the TOML file, then environment variables
//! `RD_AGENT_<SECTION>__<KEY>`. Secrets live apart, in [`secrets`]. Every value is parsed once,
//! at load, into its own type (port range, time of day, coordinates, RD env); a bad value is an
//! error that names its key and where it came from.
//!
//! Loading never fails on a missing required value: the file may be half written while the
//! operator sets up. The command that needs a value asks [`Config::require_login`], which names
//! every missing or invalid key and how to fix it.

use crate::i18n::Msg;
use std::path::{Path, PathBuf};

use clock::TimeOfDay;
use instantpay::{Latitude, Longitude};
use rd::{PortRange, RdEnv};
use serde::{Deserialize, Serialize};

pub mod secrets;

pub use secrets::{SecretName, Secrets, SecretsError, StoredAadhaar};

pub use instantpay::DEFAULT_BASE_URL;
/// File name of the config inside a config directory.
pub const CONFIG_FILE_NAME: &str = "config.toml";
/// Prefix of the environment overrides.
pub const ENV_PREFIX: &str = "RD_AGENT_";
/// Largest config file we read: a real one is a few hundred bytes.
const MAX_CONFIG_BYTES: u64 = 256 * 1024;

/// Everything `config.toml` holds. Every section has defaults, so an empty file is valid TOML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[derive(Default)]
pub struct Config {
    pub instantpay: InstantPayConfig,
    pub outlet: OutletConfig,
    pub rd: RdConfig,
    pub capture: CaptureConfig,
    pub schedule: ScheduleConfig,
    pub ui: UiConfig,
    pub relay: RelayConfig,
}

/// How this PC reaches InstantPay: with the platform's credentials itself, or through the
/// platform's login relay (docs/relay.md), holding only a device token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Direct,
    Relay,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RelayConfig {
    /// The relay's URL (https; plain http only to loopback), written by `rd-agent enroll`.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    /// `en`, `hi`, or `auto` (the user's locale). `--json` is English in every language.
    pub language: String,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            language: "auto".into(),
        }
    }
}

impl Config {
    /// The language for a person at this process's terminal.
    pub fn language(&self) -> crate::i18n::Lang {
        crate::platform::language(&self.ui.language)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InstantPayConfig {
    /// `direct` (this PC holds the client secret and the key) or `relay`.
    pub mode: Mode,
    /// API root; the sandbox and staging servers set their own.
    pub base_url: String,
    pub client_id: String,
    pub outlet_id: String,
    /// The operator's public IP, sent as `X-Ipay-Endpoint-Ip`.
    pub endpoint_ip: String,
    /// How long to wait for a reply once a request is sent. A login with no reply by then is
    /// recorded as `unknown` (never resent).
    pub read_timeout_secs: u32,
    /// How old an attempt with no known outcome must be before `LOGINREQUIRED` may settle it
    /// as not logged in. InstantPay may finish a request after our read timeout and says
    /// `LOGINREQUIRED` until then; at least twice the read timeout plus a minute covers a
    /// reply lost on the way back and the status call's own time (docs/ledger.md).
    pub settle_window_secs: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutletConfig {
    /// Decimal degrees as a string, 4 to 6 decimals, `.` separator; `""` in the file is unset.
    #[serde(with = "unset_if_empty")]
    pub latitude: Option<Latitude>,
    #[serde(with = "unset_if_empty")]
    pub longitude: Option<Longitude>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RdConfig {
    pub host: String,
    /// A port or a range, `"11100-11120"`.
    pub ports: PortRange,
    /// PidOptions `env`: P, PP or S.
    pub env: RdEnv,
    /// Users (comma-separated names) besides root and the service's own account whose RD
    /// Service may be used for a login. Empty: only root's, which is how vendors install them.
    pub trusted_users: String,
}

impl InstantPayConfig {
    /// `settle_window_secs` as a duration.
    pub fn settle_window(&self) -> chrono::Duration {
        chrono::Duration::seconds(i64::from(self.settle_window_secs))
    }
}

impl RdConfig {
    pub fn trusted_user_list(&self) -> Vec<String> {
        self.trusted_users
            .split(',')
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaptureConfig {
    /// Captures with a lower `qScore` are refused before anything is sent.
    pub min_qscore: u32,
    /// Captures with fewer minutiae (`nmPoints`) are refused before anything is sent.
    pub min_nmpoints: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleConfig {
    /// Morning reminder, `HH:MM` IST.
    pub reminder_at: TimeOfDay,
}

impl Default for InstantPayConfig {
    fn default() -> Self {
        InstantPayConfig {
            mode: Mode::Direct,
            base_url: DEFAULT_BASE_URL.to_string(),
            client_id: String::new(),
            outlet_id: String::new(),
            endpoint_ip: String::new(),
            read_timeout_secs: 30,
            settle_window_secs: 120,
        }
    }
}

impl Default for RdConfig {
    fn default() -> Self {
        RdConfig {
            host: "127.0.0.1".to_string(),
            ports: PortRange::default(),
            env: RdEnv::default(),
            trusted_users: String::new(),
        }
    }
}

impl Default for CaptureConfig {
    fn default() -> Self {
        // Vendors report qScore 0-100; below ~40 a match rarely succeeds. nmPoints of a usable
        // thumb print is typically 30+. Operators may tighten these.
        CaptureConfig {
            min_qscore: 40,
            min_nmpoints: 20,
        }
    }
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            reminder_at: TimeOfDay::new(8, 0).expect("08:00 is a time of day"),
        }
    }
}

/// A config that could not be read or used. Every message names the key or file and the fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error(
        "cannot read the config file {path}: {reason}. Check the path, or run `rd-agent config init`"
    )]
    Read { path: PathBuf, reason: String },
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
        reason: String,
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
    pub fn msg(&self) -> Msg {
        let path = |p: &Path| p.display().to_string();
        match self {
            ConfigError::Read { path: p, reason } => Msg::new("config-error-read")
                .arg("path", path(p))
                .arg("reason", reason.as_str()),
            ConfigError::TooLarge { path: p } => Msg::new("config-error-too-large")
                .arg("path", path(p))
                .arg("limit", MAX_CONFIG_BYTES),
            ConfigError::Syntax { path: p, reason } => Msg::new("config-error-syntax")
                .arg("path", path(p))
                .arg("reason", reason.as_str()),
            ConfigError::UnknownKey { source_name, key } => Msg::new("config-error-unknown-key")
                .arg("source", source_name.as_str())
                .arg("key", key.as_str()),
            ConfigError::Invalid {
                source_name,
                key,
                reason,
            } => Msg::new("config-error-invalid")
                .arg("source", source_name.as_str())
                .arg("key", key.as_str())
                .arg("reason", reason.as_str()),
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

/// Who is running: the service uses the system locations, a person their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    User,
    System,
}

/// Where the config file and the state directory (ledger, secrets, logs, socket) are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_file: PathBuf,
    pub state_dir: PathBuf,
}

impl Paths {
    /// `--config` / `--state-dir` (or their env vars, which clap already read) win; otherwise the
    /// system or per-user locations.
    pub fn resolve(
        config: Option<&Path>,
        state_dir: Option<&Path>,
        scope: Scope,
    ) -> Result<Paths, ConfigError> {
        let config_file = match config {
            Some(p) => p.to_path_buf(),
            None => default_config_dir(scope)?.join(CONFIG_FILE_NAME),
        };
        let state_dir = match state_dir {
            Some(p) => p.to_path_buf(),
            None => default_state_dir(scope)?,
        };
        Ok(Paths {
            config_file,
            state_dir,
        })
    }

    /// Both locations inside one directory: the sandbox and the tests.
    pub fn in_dir(dir: &Path) -> Paths {
        Paths {
            config_file: dir.join(CONFIG_FILE_NAME),
            state_dir: dir.to_path_buf(),
        }
    }

    pub fn ledger_file(&self) -> PathBuf {
        self.state_dir.join("ledger.sqlite3")
    }

    pub fn secrets_file(&self) -> PathBuf {
        self.state_dir.join(secrets::SECRETS_FILE_NAME)
    }

    pub fn log_dir(&self) -> PathBuf {
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

impl Config {
    /// Read `path` (a missing file means all defaults), then apply the process environment.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        // A config in a directory others can rearrange could be swapped for theirs.
        if path.is_file() {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            check_dir(dir.unwrap_or(Path::new(".")))?;
        }
        let text: String = read_capped(path)?.unwrap_or_default();
        Config::from_sources(&text, &path.display().to_string(), std::env::vars())
    }

    /// Defaults, then `toml_text`, then `env` (only `RD_AGENT_<SECTION>__<KEY>` entries count).
    pub fn from_sources(
        toml_text: &str,
        source_name: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut table: toml::Table =
            toml_text
                .parse()
                .map_err(|e: toml::de::Error| ConfigError::Syntax {
                    path: PathBuf::from(source_name),
                    reason: e.message().to_string(),
                })?;
        check_shape(&table, source_name)?;
        apply_env(&mut table, env)?;
        let cfg: Config =
            Config::deserialize(toml::Value::Table(table)).map_err(|e| ConfigError::Invalid {
                source_name: source_name.to_string(),
                key: "(file)".to_string(),
                reason: e.message().to_string(),
            })?;
        cfg.check_formats()?;
        Ok(cfg)
    }

    /// Formats of the values that are set (empty required values are left to `require_login`).
    pub fn check_formats(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, reason: String| ConfigError::Invalid {
            source_name: "config".to_string(),
            key: key.to_string(),
            reason,
        };
        instantpay::check_base_url(&self.instantpay.base_url)
            .map_err(|e| bad("instantpay.base_url", e.to_string()))?;
        if self.instantpay.read_timeout_secs == 0 {
            return Err(bad(
                "instantpay.read_timeout_secs",
                "must be at least 1 (seconds); 30 is a good value".into(),
            ));
        }
        let floor = instantpay::min_settle_window_secs(self.instantpay.read_timeout_secs.into());
        if u64::from(self.instantpay.settle_window_secs) < floor {
            return Err(bad(
                "instantpay.settle_window_secs",
                format!(
                    "must be at least twice instantpay.read_timeout_secs plus 60 ({floor}): a shorter window could pay twice for one login"
                ),
            ));
        }
        if !self.relay.url.is_empty() {
            instantpay::check_url(&self.relay.url, "relay.url")
                .map_err(|e| bad("relay.url", e.to_string()))?;
        }
        if self.rd.host.trim().is_empty() {
            return Err(bad("rd.host", "must not be empty; use 127.0.0.1".into()));
        }
        if !rd::is_loopback(self.rd.host.trim()) {
            return Err(bad(
                "rd.host",
                format!(
                    "must be a loopback address such as 127.0.0.1, not {:?}: an RD Service runs on this computer, and one elsewhere could hand over a forged capture",
                    self.rd.host.chars().take(60).collect::<String>()
                ),
            ));
        }
        Ok(())
    }

    /// Everything a real daily login needs, or the first missing key with how to set it.
    /// Through a relay, the relay holds the client id and the endpoint IP.
    pub fn require_login(&self) -> Result<(), ConfigError> {
        let required: &[(&str, &String)] = match self.instantpay.mode {
            Mode::Direct => &[
                ("instantpay.client_id", &self.instantpay.client_id),
                ("instantpay.outlet_id", &self.instantpay.outlet_id),
                ("instantpay.endpoint_ip", &self.instantpay.endpoint_ip),
            ],
            Mode::Relay => &[
                ("relay.url", &self.relay.url),
                ("instantpay.outlet_id", &self.instantpay.outlet_id),
            ],
        };
        for &(key, value) in required {
            if value.trim().is_empty() {
                return Err(missing(key));
            }
        }
        if self.outlet.latitude.is_none() {
            return Err(missing("outlet.latitude"));
        }
        if self.outlet.longitude.is_none() {
            return Err(missing("outlet.longitude"));
        }
        Ok(())
    }

    /// The secrets a login needs in this mode: through a relay, the PC holds no client
    /// secret and no encryption key.
    pub fn required_secrets(&self) -> &'static [SecretName] {
        match self.instantpay.mode {
            Mode::Direct => &[
                SecretName::ClientSecret,
                SecretName::EncryptionKey,
                SecretName::Aadhaar,
            ],
            Mode::Relay => &[SecretName::RelayToken, SecretName::Aadhaar],
        }
    }

    /// The config as TOML, for `config init` and `config show`.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// The error for a required key left empty.
pub fn missing(key: &str) -> ConfigError {
    ConfigError::Missing {
        key: key.to_string(),
        hint: format!(
            "Run `rd-agent config init`, or set it in the config file or with {}",
            env_var_name(key)
        ),
    }
}

/// `instantpay.base_url` -> `RD_AGENT_INSTANTPAY__BASE_URL`.
pub fn env_var_name(key: &str) -> String {
    format!(
        "{ENV_PREFIX}{}",
        key.replace('.', "__").to_ascii_uppercase()
    )
}

/// Read a file of at most `MAX_CONFIG_BYTES`; `None` if it does not exist.
fn read_capped(path: &Path) -> Result<Option<String>, ConfigError> {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                reason: e.to_string(),
            });
        }
    };
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ConfigError::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(ConfigError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| ConfigError::Read {
            path: path.to_path_buf(),
            reason: "it is not UTF-8 text".into(),
        })
}

/// The defaults as a table: the list of known keys and their types.
fn default_table() -> toml::Table {
    match toml::Value::try_from(Config::default()) {
        Ok(toml::Value::Table(t)) => t,
        _ => toml::Table::new(),
    }
}

/// Reject unknown sections/keys and wrong types with the key's name, before serde's messages.
fn check_shape(table: &toml::Table, source_name: &str) -> Result<(), ConfigError> {
    let defaults = default_table();
    for (section, value) in table {
        let Some(toml::Value::Table(known)) = defaults.get(section) else {
            return Err(ConfigError::UnknownKey {
                source_name: source_name.to_string(),
                key: section.clone(),
            });
        };
        let toml::Value::Table(keys) = value else {
            return Err(ConfigError::Invalid {
                source_name: source_name.to_string(),
                key: section.clone(),
                reason: format!("must be a section `[{section}]`, not a single value"),
            });
        };
        for (key, v) in keys {
            let full = format!("{section}.{key}");
            let Some(default) = known.get(key) else {
                return Err(ConfigError::UnknownKey {
                    source_name: source_name.to_string(),
                    key: full,
                });
            };
            check_value(&full, default, v).map_err(|reason| ConfigError::Invalid {
                source_name: source_name.to_string(),
                key: full.clone(),
                reason,
            })?;
        }
    }
    Ok(())
}

/// A value of the same TOML type as the key's default, and of the key's own type where it is text.
fn check_value(key: &str, default: &toml::Value, v: &toml::Value) -> Result<(), String> {
    let ok = match default {
        toml::Value::String(_) => v.is_str(),
        toml::Value::Integer(_) => {
            matches!(v, toml::Value::Integer(i) if (0..=u32::MAX as i64).contains(i))
        }
        toml::Value::Boolean(_) => v.is_bool(),
        toml::Value::Float(_) => v.is_float() || v.is_integer(),
        _ => false,
    };
    if !ok {
        return Err(format!(
            "must be {}, not {}",
            kind_of(default),
            v.type_str()
        ));
    }
    match v.as_str() {
        Some(text) => check_text(key, text),
        None => Ok(()),
    }
}

/// What a value of the default's type looks like, for error text.
fn kind_of(default: &toml::Value) -> &'static str {
    match default {
        toml::Value::String(_) => "a quoted string, e.g. \"value\"",
        toml::Value::Integer(_) => "a whole number from 0 up",
        toml::Value::Boolean(_) => "true or false",
        toml::Value::Float(_) => "a number, e.g. 1.5",
        _ => "a value of another kind",
    }
}

/// An environment variable's text as a TOML value of the default's type.
fn env_value(default: &toml::Value, text: String) -> Option<toml::Value> {
    let t = text.trim();
    Some(match default {
        toml::Value::Integer(_) => toml::Value::Integer(i64::from(t.parse::<u32>().ok()?)),
        toml::Value::Boolean(_) => toml::Value::Boolean(t.parse().ok()?),
        toml::Value::Float(_) => toml::Value::Float(t.parse().ok()?),
        _ => toml::Value::String(text),
    })
}

/// Apply `RD_AGENT_<SECTION>__<KEY>` overrides. Other `RD_AGENT_*` names (CONFIG, STATE_DIR,
/// LOG) are not config keys and are skipped.
fn apply_env(
    table: &mut toml::Table,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<(), ConfigError> {
    let defaults = default_table();
    for (name, value) in env {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let Some((section, key)) = rest.split_once("__") else {
            continue;
        };
        let (section, key) = (section.to_ascii_lowercase(), key.to_ascii_lowercase());
        let Some(default) = defaults
            .get(&section)
            .and_then(|s| s.as_table())
            .and_then(|s| s.get(&key))
        else {
            return Err(ConfigError::UnknownKey {
                source_name: format!("environment variable {name}"),
                key: format!("{section}.{key}"),
            });
        };
        let full = format!("{section}.{key}");
        let invalid = |reason: String| ConfigError::Invalid {
            source_name: format!("environment variable {name}"),
            key: full.clone(),
            reason,
        };
        let v = env_value(default, value)
            .ok_or_else(|| invalid(format!("must be {}", kind_of(default))))?;
        check_value(&full, default, &v).map_err(invalid)?;
        let entry = table
            .entry(section)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if let toml::Value::Table(t) = entry {
            t.insert(key, v);
        }
    }
    Ok(())
}

/// A text value that must parse as its key's type: checked where the value comes in (file or
/// environment), so the error names the key and its source.
fn check_text(key: &str, value: &str) -> Result<(), String> {
    fn parse<T: std::str::FromStr>(v: &str) -> Result<(), String>
    where
        T::Err: std::fmt::Display,
    {
        v.parse::<T>().map(drop).map_err(|e| e.to_string())
    }
    match key {
        "rd.ports" => parse::<PortRange>(value),
        "rd.env" => parse::<RdEnv>(value),
        "schedule.reminder_at" => parse::<TimeOfDay>(value),
        "instantpay.mode" => match value {
            "direct" | "relay" => Ok(()),
            _ => Err(format!(
                "must be direct (this computer holds the InstantPay credentials) or relay (the platform's login relay holds them), not {:?}",
                value.chars().take(20).collect::<String>()
            )),
        },
        "ui.language" => match value {
            "en" | "hi" | "auto" => Ok(()),
            _ => Err(format!(
                "must be en (English), hi (Hindi) or auto (the computer's language), not {:?}",
                value.chars().take(20).collect::<String>()
            )),
        },
        "outlet.latitude" if !value.is_empty() => parse::<Latitude>(value),
        "outlet.longitude" if !value.is_empty() => parse::<Longitude>(value),
        _ => Ok(()),
    }
}

/// An optional value as the text it was given, `""` when unset.
pub fn text_or_empty(v: &Option<impl std::fmt::Display>) -> String {
    v.as_ref().map(|v| v.to_string()).unwrap_or_default()
}

/// `Option<T>` written as its text, with `""` for unset: `config init` writes every key, so an
/// operator sees what is still to fill in.
mod unset_if_empty {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<T: std::fmt::Display, S: Serializer>(
        v: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_str(""),
        }
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
        D: Deserializer<'de>,
    {
        let text = String::deserialize(d)?;
        if text.is_empty() {
            return Ok(None);
        }
        text.parse().map(Some).map_err(serde::de::Error::custom)
    }
}

/// Write `text` to `path`, creating the directory; through a temporary file and a rename so a
/// crash never leaves half a config.
pub fn write_file_atomic(path: &Path, text: &str, private: bool) -> Result<(), ConfigError> {
    let werr = |e: std::io::Error| ConfigError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // A directory this creates is private (0700), like the state directory: the config
        // and the secrets in it are rd-agent's alone.
        if !dir.is_dir() {
            let mut b = std::fs::DirBuilder::new();
            crate::platform::fs::private_dir(&mut b);
            b.create(dir).map_err(werr)?;
        }
        check_dir(dir)?;
    }
    // A temporary name of our own, created exclusively: a file or link someone placed there
    // beforehand makes this fail instead of being written through.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(
        ".{name}.{}.{:08x}.tmp",
        std::process::id(),
        rand::random::<u32>()
    ));
    let written = (|| {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        crate::platform::fs::file_mode(&mut opts, private);
        let mut f = opts.open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        drop(f);
        // The rename replaces a link at `path` itself; it never writes through it.
        std::fs::rename(&tmp, path)?;
        crate::platform::fs::sync_dir(path.parent().unwrap_or(Path::new(".")))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(werr)
}

/// Create the state directory if missing, private to its owner (0700 on Unix): it holds the
/// secrets file, the ledger and the logs. An existing one must be its owner's alone
/// ([`check_dir`]).
pub fn ensure_state_dir(dir: &Path) -> Result<(), ConfigError> {
    let werr = |e: std::io::Error| ConfigError::Write {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    if !dir.is_dir() {
        let mut b = std::fs::DirBuilder::new();
        crate::platform::fs::private_dir(&mut b);
        b.create(dir).map_err(werr)?;
    }
    check_dir(dir)
}

/// Refuse a config or state directory that someone other than its owner could rearrange:
/// owned by this process's user or by root, and not writable by group or others (on Windows
/// the service's own DACL does this, `platform::fs::lock_down`). The installed service's
/// /etc/rd-agent (root, 0755) passes; a directory under /tmp shared with others does not.
pub fn check_dir(dir: &Path) -> Result<(), ConfigError> {
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
            reason: e.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn defaults_then_file_then_env() {
        let cfg = Config::from_sources("", "t", env(&[])).unwrap();
        assert_eq!(cfg, Config::default());
        assert_eq!(cfg.instantpay.base_url, DEFAULT_BASE_URL);
        assert_eq!(cfg.rd.ports.to_string(), "11100-11120");
        assert_eq!((cfg.rd.ports.low(), cfg.rd.ports.high()), (11100, 11120));
        assert_eq!(cfg.schedule.reminder_at.to_string(), "08:00");

        let text = "[instantpay]\nclient_id = \"file-id\"\nbase_url = \"http://127.0.0.1:9\"\n[capture]\nmin_qscore = 55\n";
        let cfg = Config::from_sources(text, "t", env(&[])).unwrap();
        assert_eq!(cfg.instantpay.client_id, "file-id");
        assert_eq!(cfg.capture.min_qscore, 55);
        assert_eq!(
            cfg.capture.min_nmpoints,
            CaptureConfig::default().min_nmpoints
        );

        let cfg = Config::from_sources(
            text,
            "t",
            env(&[
                ("RD_AGENT_INSTANTPAY__CLIENT_ID", "env-id"),
                ("RD_AGENT_CAPTURE__MIN_QSCORE", "70"),
                ("RD_AGENT_CONFIG", "/ignored"),
                ("RD_AGENT_LOG", "debug"),
                ("PATH", "/bin"),
            ]),
        )
        .unwrap();
        assert_eq!(cfg.instantpay.client_id, "env-id");
        assert_eq!(cfg.capture.min_qscore, 70);
        assert_eq!(cfg.instantpay.base_url, "http://127.0.0.1:9");
    }

    #[test]
    fn errors_name_the_key() {
        let e = Config::from_sources("[capture]\nmin_qscore = \"high\"\n", "f.toml", env(&[]))
            .unwrap_err();
        assert!(e.to_string().contains("capture.min_qscore"), "{e}");
        let e =
            Config::from_sources("[capture]\nmin_qscore = -1\n", "f.toml", env(&[])).unwrap_err();
        assert!(e.to_string().contains("capture.min_qscore"), "{e}");
        let e = Config::from_sources("[instantpay]\nclient_idd = \"x\"\n", "f.toml", env(&[]))
            .unwrap_err();
        assert!(e.to_string().contains("instantpay.client_idd"), "{e}");
        let e = Config::from_sources("[nope]\n", "f.toml", env(&[])).unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
        let e = Config::from_sources("instantpay = 3\n", "f.toml", env(&[])).unwrap_err();
        assert!(e.to_string().contains("instantpay"), "{e}");
        let e = Config::from_sources("", "f", env(&[("RD_AGENT_CAPTURE__MIN_QSCORE", "x")]))
            .unwrap_err();
        assert!(
            e.to_string().contains("RD_AGENT_CAPTURE__MIN_QSCORE"),
            "{e}"
        );
        let e = Config::from_sources("", "f", env(&[("RD_AGENT_RD__PORTZ", "1")])).unwrap_err();
        assert!(e.to_string().contains("rd.portz"), "{e}");
        let e =
            Config::from_sources("[outlet]\nlatitude = \"51.5072\"\n", "f", env(&[])).unwrap_err();
        assert!(e.to_string().contains("outlet.latitude"), "{e}");
        let e = Config::from_sources("[rd]\nports = \"11120-11100\"\n", "f", env(&[])).unwrap_err();
        assert!(e.to_string().contains("rd.ports"), "{e}");
        let e = Config::from_sources("[rd]\nenv = \"X\"\n", "f", env(&[])).unwrap_err();
        assert!(e.to_string().contains("rd.env"), "{e}");
        let e =
            Config::from_sources("[schedule]\nreminder_at = \"8am\"\n", "f", env(&[])).unwrap_err();
        assert!(e.to_string().contains("schedule.reminder_at"), "{e}");
        let e = Config::from_sources("[instantpay]\nbase_url = \"ftp://x\"\n", "f", env(&[]))
            .unwrap_err();
        assert!(e.to_string().contains("instantpay.base_url"), "{e}");
    }

    #[test]
    fn garbage_and_truncation_are_errors_not_panics() {
        for text in [
            "[instantpay",
            "[instantpay]\nclient_id = \"unterminated",
            "\u{0}\u{1}\u{2}",
            "= = =",
            "[[capture]]\nmin_qscore = 1\n",
            "[capture]\nmin_qscore = 99999999999999\n",
            "[outlet]\nlatitude = 19.07\n",
        ] {
            assert!(
                Config::from_sources(text, "f", env(&[])).is_err(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn oversized_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        std::fs::write(&path, "#".repeat(MAX_CONFIG_BYTES as usize + 10)).unwrap();
        assert!(matches!(
            Config::load(&path),
            Err(ConfigError::TooLarge { .. })
        ));
        // A missing file is all defaults.
        assert!(Config::load(&dir.path().join("none.toml")).is_ok());
    }

    #[test]
    fn require_login_names_the_first_missing_key() {
        let mut cfg = Config::default();
        let e = cfg.require_login().unwrap_err();
        assert!(e.to_string().contains("instantpay.client_id"), "{e}");
        assert!(
            e.to_string().contains("RD_AGENT_INSTANTPAY__CLIENT_ID"),
            "{e}"
        );
        cfg.instantpay.client_id = "c".into();
        cfg.instantpay.outlet_id = "o".into();
        cfg.instantpay.endpoint_ip = "203.0.113.7".into();
        cfg.outlet.latitude = "19.0760".parse().ok();
        let e = cfg.require_login().unwrap_err();
        assert!(e.to_string().contains("outlet.longitude"), "{e}");
        cfg.outlet.longitude = "72.8777".parse().ok();
        cfg.require_login().unwrap();
    }

    #[test]
    fn toml_round_trip() {
        let mut cfg = Config::default();
        cfg.instantpay.client_id = "id \"quoted\"".into();
        cfg.outlet.latitude = "19.0760".parse().ok();
        let back = Config::from_sources(&cfg.to_toml(), "t", env(&[])).unwrap();
        assert_eq!(back, cfg);
    }

    #[test]
    fn degrees_format() {
        let lat = |s: &str| check_text("outlet.latitude", s);
        assert!(lat("19.0760").is_ok());
        assert!(lat("19.076012").is_ok());
        assert!(lat("19.07").is_err());
        assert!(lat("19,0760").is_err());
        assert!(lat("-19.0760").is_err());
        assert!(lat("19.0760123").is_err());
        // Unset is allowed at load; `require_login` asks for it.
        assert!(lat("").is_ok());
    }

    #[test]
    fn rd_host_must_be_loopback() {
        for ok in ["127.0.0.1", "::1", "[::1]", "127.0.0.2", "localhost"] {
            let text = format!("[rd]\nhost = \"{ok}\"\n");
            assert!(Config::from_sources(&text, "f", env(&[])).is_ok(), "{ok}");
        }
        for bad in ["192.168.1.5", "10.0.0.1", "0.0.0.0", "8.8.8.8"] {
            let text = format!("[rd]\nhost = \"{bad}\"\n");
            let e = Config::from_sources(&text, "f", env(&[]))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("rd.host") && e.contains("loopback"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn env_overrides_follow_the_key_type() {
        let e = Config::from_sources("", "f", env(&[("RD_AGENT_RD__PORTS", "9-1")])).unwrap_err();
        assert!(
            e.to_string().contains("RD_AGENT_RD__PORTS") && e.to_string().contains("rd.ports"),
            "{e}"
        );
        let cfg = Config::from_sources("", "f", env(&[("RD_AGENT_RD__PORTS", "11150")])).unwrap();
        assert_eq!(cfg.rd.ports, rd::PortRange::single(11150));
        let bool_default = toml::Value::Boolean(false);
        assert_eq!(
            env_value(&bool_default, "true".into()),
            Some(toml::Value::Boolean(true))
        );
        assert_eq!(env_value(&bool_default, "yes".into()), None);
        let float_default = toml::Value::Float(1.0);
        assert_eq!(
            env_value(&float_default, "2.5".into()),
            Some(toml::Value::Float(2.5))
        );
        assert!(check_value("x.y", &float_default, &toml::Value::Float(0.5)).is_ok());
        assert!(check_value("x.y", &bool_default, &toml::Value::Integer(1)).is_err());
    }
}
