//! Loading: defaults, then the TOML file, then environment variables `RD_AGENT_<SECTION>__<KEY>`,
//! each entry checked against the key table (`keys.rs`) so that an error names its key and where
//! it came from; then the checks across keys, and what a login requires.
//!
//! Loading never fails on a missing required value: the file may be half written while the
//! operator sets up. The command that needs a value asks [`Config::require_login`], which names
//! every missing or invalid key and how to fix it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::keys::{ENV_PREFIX, Key, Kind};
use super::model::{Config, Mode};
use super::secrets::SecretName;
use super::{ConfigError, Paths, check_dir};
use crate::i18n::Msg;

/// Largest config file we read: a real one is a few hundred bytes.
pub(crate) const MAX_CONFIG_BYTES: u64 = 256 * 1024;

impl Paths {
    /// The config in force: the defaults file (if any), then the config file over it key by
    /// key, then the process environment.
    pub(crate) fn load_config(&self) -> Result<Config, ConfigError> {
        self.config_over(read_table(&self.config_file)?)
    }

    /// The config in force were the config file's keys `file`: the defaults file under them,
    /// the environment over them.
    pub(crate) fn config_over(&self, file: toml::Table) -> Result<Config, ConfigError> {
        let mut table = match &self.defaults_file {
            Some(defaults) => read_table(defaults)?,
            None => toml::Table::new(),
        };
        for (section, keys) in file {
            if let (Some(toml::Value::Table(under)), toml::Value::Table(keys)) =
                (table.get_mut(&section), &keys)
            {
                under.extend(keys.clone());
            } else {
                table.insert(section, keys);
            }
        }
        Config::from_table(
            table,
            &self.config_file.display().to_string(),
            std::env::vars(),
        )
    }

    /// The keys the config file itself sets, as written (for a change that keeps them).
    pub(crate) fn config_file_table(&self) -> Result<toml::Table, ConfigError> {
        read_table(&self.config_file)
    }
}

/// One config file's keys, checked against the key table; a missing file has none.
fn read_table(path: &Path) -> Result<toml::Table, ConfigError> {
    // A config in a directory others can rearrange could be swapped for theirs.
    if path.is_file() {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        check_dir(dir.unwrap_or(Path::new(".")))?;
    }
    let text: String = read_capped(path)?.unwrap_or_default();
    parse_table(&text, &path.display().to_string())
}

fn parse_table(toml_text: &str, source_name: &str) -> Result<toml::Table, ConfigError> {
    let table: toml::Table =
        toml_text
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Syntax {
                path: PathBuf::from(source_name),
                reason: e.message().to_string(),
            })?;
    check_shape(&table, source_name)?;
    Ok(table)
}

impl Config {
    /// Defaults, then `toml_text`, then `env` (only `RD_AGENT_<SECTION>__<KEY>` entries count).
    pub fn from_sources(
        toml_text: &str,
        source_name: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        Config::from_table(parse_table(toml_text, source_name)?, source_name, env)
    }

    fn from_table(
        mut table: toml::Table,
        source_name: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        apply_env(&mut table, env)?;
        let cfg: Config =
            Config::deserialize(toml::Value::Table(table)).map_err(|e| ConfigError::Invalid {
                source_name: source_name.to_string(),
                key: "(file)".to_string(),
                reason: Msg::verbatim(e.message()),
            })?;
        cfg.check_formats()?;
        Ok(cfg)
    }

    /// Formats of the values that are set (empty required values are left to `require_login`).
    pub(crate) fn check_formats(&self) -> Result<(), ConfigError> {
        let bad = |key: Key, reason: Msg| ConfigError::Invalid {
            source_name: "config".to_string(),
            key: key.name().to_string(),
            reason,
        };
        // Each key's own rule is in `Key::set`; the code may also set a field directly.
        Key::BaseUrl
            .check_text(&self.instantpay.base_url)
            .map_err(|e| bad(Key::BaseUrl, e))?;
        if self.instantpay.read_timeout_secs == 0 {
            return Err(bad(
                Key::ReadTimeoutSecs,
                Msg::new("config-reason-read-timeout"),
            ));
        }
        let floor = instantpay::min_settle_window_secs(self.instantpay.read_timeout_secs.into());
        if u64::from(self.instantpay.settle_window_secs) < floor {
            return Err(bad(
                Key::SettleWindowSecs,
                Msg::new("config-reason-settle-window").arg("floor", floor),
            ));
        }
        Key::RelayUrl
            .check_text(&self.relay.url)
            .map_err(|e| bad(Key::RelayUrl, e))?;
        if self.rd.host.trim().is_empty() {
            return Err(bad(Key::RdHost, Msg::new("config-reason-host-empty")));
        }
        if !rd::is_loopback(self.rd.host.trim()) {
            return Err(bad(
                Key::RdHost,
                Msg::new("config-reason-host-not-loopback")
                    .arg("value", self.rd.host.chars().take(60).collect::<String>()),
            ));
        }
        Ok(())
    }

    /// Everything a real daily login needs, or the first missing key with how to set it.
    /// Through a relay, the relay holds the client id and the endpoint IP.
    pub(crate) fn require_login(&self) -> Result<(), ConfigError> {
        let required: &[Key] = match self.instantpay.mode {
            Mode::Direct => &[
                Key::ClientId,
                Key::OutletId,
                Key::EndpointIp,
                Key::Latitude,
                Key::Longitude,
            ],
            Mode::Relay => &[Key::RelayUrl, Key::OutletId, Key::Latitude, Key::Longitude],
        };
        for &key in required {
            if key.get(self).unwrap_or_default().trim().is_empty() {
                return Err(missing(key));
            }
        }
        Ok(())
    }

    /// The secrets a login needs in this mode: through a relay, the PC holds no client
    /// secret and no encryption key.
    pub(crate) fn required_secrets(&self) -> &'static [SecretName] {
        match self.instantpay.mode {
            Mode::Direct => &[
                SecretName::ClientSecret,
                SecretName::EncryptionKey,
                SecretName::Aadhaar,
            ],
            Mode::Relay => &[SecretName::RelayToken, SecretName::Aadhaar],
        }
    }
}

/// Why a server URL (`instantpay.base_url`, `relay.url`) was refused, as a reason after its
/// key: not a URL, or plain http to somewhere other than this computer.
pub(super) fn url_reason(raw: &str) -> Msg {
    let value = raw
        .trim_end_matches('/')
        .chars()
        .take(80)
        .collect::<String>();
    match reqwest::Url::parse(raw.trim_end_matches('/')) {
        Ok(_) => Msg::new("config-reason-not-https").arg("value", value),
        Err(_) => Msg::new("config-reason-not-url")
            .arg("value", value)
            .arg("example", instantpay::DEFAULT_BASE_URL),
    }
}

/// The error for a required key left empty.
pub(crate) fn missing(key: Key) -> ConfigError {
    ConfigError::Missing {
        key: key.name().to_string(),
        hint: format!(
            "Run `rd-agent config init`, or set it in the config file or with {}",
            super::env_var_name(key.name())
        ),
    }
}

/// Read a file of at most `MAX_CONFIG_BYTES`; `None` if it does not exist.
fn read_capped(path: &Path) -> Result<Option<String>, ConfigError> {
    use std::io::Read;
    let rerr = |reason: Msg| ConfigError::Read {
        path: path.to_path_buf(),
        reason,
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(rerr(Msg::verbatim(e.to_string()))),
    };
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| rerr(Msg::verbatim(e.to_string())))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(ConfigError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| rerr(Msg::new("config-reason-not-utf8")))
}

/// Reject unknown sections/keys and wrong types with the key's name, before serde's messages.
fn check_shape(table: &toml::Table, source_name: &str) -> Result<(), ConfigError> {
    let unknown = |key: String| ConfigError::UnknownKey {
        source_name: source_name.to_string(),
        key,
    };
    for (section, value) in table {
        if !Key::ALL.iter().any(|k| k.parts().0 == section) {
            return Err(unknown(section.clone()));
        }
        let toml::Value::Table(keys) = value else {
            return Err(ConfigError::Invalid {
                source_name: source_name.to_string(),
                key: section.clone(),
                reason: Msg::new("config-reason-not-section").arg("section", section.as_str()),
            });
        };
        for (key, v) in keys {
            let full = format!("{section}.{key}");
            let Some(k) = Key::in_file(&full) else {
                return Err(unknown(full));
            };
            check_value(k, v).map_err(|reason| ConfigError::Invalid {
                source_name: source_name.to_string(),
                key: full.clone(),
                reason,
            })?;
        }
    }
    Ok(())
}

/// A value of the key's TOML type, and of the key's own type where it is text.
fn check_value(key: Key, v: &toml::Value) -> Result<(), Msg> {
    let kind = key.spec().kind;
    let ok = match kind {
        Kind::Text => v.is_str(),
        Kind::Number => {
            matches!(v, toml::Value::Integer(i) if (0..=i64::from(u32::MAX)).contains(i))
        }
    };
    if !ok {
        return Err(Msg::new("config-reason-wrong-type")
            .arg("expected", kind.describe())
            .arg("found", v.type_str()));
    }
    match v.as_str() {
        Some(text) => key.check_text(text),
        None => Ok(()),
    }
}

/// An environment variable's text as a TOML value of the key's type.
fn env_value(kind: Kind, text: String) -> Option<toml::Value> {
    Some(match kind {
        Kind::Number => toml::Value::Integer(i64::from(text.trim().parse::<u32>().ok()?)),
        Kind::Text => toml::Value::String(text),
    })
}

/// Apply `RD_AGENT_<SECTION>__<KEY>` overrides. Other `RD_AGENT_*` names (CONFIG, STATE_DIR,
/// LOG) are not config keys and are skipped; a secret is not taken from the environment.
fn apply_env(
    table: &mut toml::Table,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<(), ConfigError> {
    for (name, value) in env {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let Some((section, key)) = rest.split_once("__") else {
            continue;
        };
        let full = format!(
            "{}.{}",
            section.to_ascii_lowercase(),
            key.to_ascii_lowercase()
        );
        let source_name = format!("environment variable {name}");
        let Some(key) = Key::in_file(&full) else {
            return Err(ConfigError::UnknownKey {
                source_name,
                key: full,
            });
        };
        let invalid = |reason: Msg| ConfigError::Invalid {
            source_name: source_name.clone(),
            key: full.clone(),
            reason,
        };
        let kind = key.spec().kind;
        let v = env_value(kind, value).ok_or_else(|| invalid(super::keys::must_be(kind)))?;
        check_value(key, &v).map_err(invalid)?;
        let (section, name) = key.parts();
        let entry = table
            .entry(section)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if let toml::Value::Table(t) = entry {
            t.insert(name.to_string(), v);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::model::CaptureConfig;
    use instantpay::DEFAULT_BASE_URL;

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
                ("RD_AGENT_UI__LANGUAGE", "hi"),
                ("RD_AGENT_CONFIG", "/ignored"),
                ("RD_AGENT_LOG", "debug"),
                ("PATH", "/bin"),
            ]),
        )
        .unwrap();
        assert_eq!(cfg.instantpay.client_id, "env-id");
        assert_eq!(cfg.capture.min_qscore, 70);
        assert_eq!(cfg.ui.language, crate::config::model::UiLanguage::Hindi);
        assert_eq!(cfg.instantpay.base_url, "http://127.0.0.1:9");
    }

    /// Every key of the file can be set by its environment variable, and no secret can.
    #[test]
    fn every_file_key_has_its_environment_variable() {
        for &key in Key::ALL {
            let value = match (key, key.spec().default) {
                (Key::RelayUrl, _) => "https://relay.example.in",
                (Key::Latitude, _) => "19.0760",
                (Key::Longitude, _) => "72.8777",
                (Key::OutletId, _) => "123456",
                (Key::EndpointIp, _) => "203.0.113.9",
                (_, "") => "x",
                (_, d) => d,
            };
            let got = Config::from_sources(
                "",
                "f",
                env(&[(&crate::config::env_var_name(key.name()), value)]),
            );
            match key.secret() {
                Some(_) => assert!(
                    matches!(got, Err(ConfigError::UnknownKey { .. })),
                    "{key:?}"
                ),
                None => assert_eq!(key.get(&got.unwrap()).unwrap(), value, "{key:?}"),
            }
        }
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
        let e = Config::from_sources("[ui]\nlanguage = \"hindi\"\n", "f", env(&[])).unwrap_err();
        assert!(
            e.to_string().contains("ui.language") && e.to_string().contains("en (English)"),
            "{e}"
        );
        let e =
            Config::from_sources("[instantpay]\nmode = \"proxy\"\n", "f", env(&[])).unwrap_err();
        assert!(e.to_string().contains("instantpay.mode"), "{e}");
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
            Paths::of(path.clone(), PathBuf::new()).load_config(),
            Err(ConfigError::TooLarge { .. })
        ));
        // A missing file is all defaults.
        assert!(
            Paths::of(dir.path().join("none.toml"), PathBuf::new())
                .load_config()
                .is_ok()
        );
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
        cfg.instantpay.mode = Mode::Relay;
        let e = cfg.require_login().unwrap_err();
        assert!(e.to_string().contains("relay.url"), "{e}");
    }

    #[test]
    fn toml_round_trip() {
        let mut cfg = Config::default();
        cfg.instantpay.client_id = "id \"quoted\"".into();
        cfg.outlet.latitude = "19.0760".parse().ok();
        cfg.ui.language = crate::config::model::UiLanguage::English;
        let back = Config::from_sources(&cfg.to_toml(), "t", env(&[])).unwrap();
        assert_eq!(back, cfg);
    }

    #[test]
    fn degrees_format() {
        let lat = |s: &str| Key::Latitude.check_text(s);
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
        let cfg =
            Config::from_sources("", "f", env(&[("RD_AGENT_CAPTURE__MIN_QSCORE", " 7 ")])).unwrap();
        assert_eq!(cfg.capture.min_qscore, 7);
        assert_eq!(env_value(Kind::Number, "-1".into()), None);
        assert!(check_value(Key::MinQscore, &toml::Value::String("1".into())).is_err());
    }
}
