//! What `config.toml` holds, as types: a section per struct, every value parsed into its own
//! type (port range, time of day, coordinates, RD env, mode, language), and the defaults. The
//! keys, their types and defaults as a person reads them are in `keys.rs`, which a test holds
//! to these structs.

use clock::TimeOfDay;
use instantpay::DEFAULT_BASE_URL;
use instantpay::{Latitude, Longitude};
use rd::{PortRange, RdEnv};
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Msg};

/// Everything `config.toml` holds. Every section has defaults, so an empty file is valid TOML.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub(crate) instantpay: InstantPayConfig,
    pub(crate) outlet: OutletConfig,
    pub(crate) rd: RdConfig,
    pub(crate) capture: CaptureConfig,
    pub(crate) schedule: ScheduleConfig,
    pub(crate) ui: UiConfig,
    pub(crate) relay: RelayConfig,
}

/// How this PC reaches InstantPay: with the platform's credentials itself, or through the
/// platform's login relay (docs/relay.md), holding only a device token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Mode {
    #[default]
    Direct,
    Relay,
}

impl std::str::FromStr for Mode {
    type Err = Msg;
    fn from_str(s: &str) -> Result<Mode, Msg> {
        match s {
            "direct" => Ok(Mode::Direct),
            "relay" => Ok(Mode::Relay),
            _ => {
                Err(Msg::new("config-reason-mode")
                    .arg("value", s.chars().take(20).collect::<String>()))
            }
        }
    }
}

/// `ui.language`: the language of what a person reads. `--json` is English in every language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum UiLanguage {
    /// The user's locale (`crate::platform::language`).
    #[default]
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "en")]
    English,
    #[serde(rename = "hi")]
    Hindi,
}

impl UiLanguage {
    /// The text in the config file.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            UiLanguage::Auto => "auto",
            UiLanguage::English => "en",
            UiLanguage::Hindi => "hi",
        }
    }

    /// The language for a person at this process's terminal.
    pub(crate) fn lang(self) -> Lang {
        match self {
            UiLanguage::English => Lang::En,
            UiLanguage::Hindi => Lang::Hi,
            UiLanguage::Auto => crate::platform::language(self.as_str()),
        }
    }
}

impl std::str::FromStr for UiLanguage {
    type Err = Msg;
    fn from_str(s: &str) -> Result<UiLanguage, Msg> {
        match s {
            "auto" => Ok(UiLanguage::Auto),
            "en" => Ok(UiLanguage::English),
            "hi" => Ok(UiLanguage::Hindi),
            _ => Err(Msg::new("config-reason-language")
                .arg("value", s.chars().take(20).collect::<String>())),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RelayConfig {
    /// The relay's URL (https; plain http only to loopback), written by `rd-agent enroll`.
    pub(crate) url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct UiConfig {
    pub(crate) language: UiLanguage,
}

impl Config {
    /// The language for a person at this process's terminal.
    pub(crate) fn language(&self) -> Lang {
        self.ui.language.lang()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct InstantPayConfig {
    /// `direct` (this PC holds the client secret and the key) or `relay`.
    pub(crate) mode: Mode,
    /// API root; the sandbox and staging servers set their own.
    pub(crate) base_url: String,
    pub(crate) client_id: String,
    pub(crate) outlet_id: String,
    /// The operator's public IP, sent as `X-Ipay-Endpoint-Ip`.
    pub(crate) endpoint_ip: String,
    /// How long to wait for a reply once a request is sent. A login with no reply by then is
    /// recorded as `unknown` (never resent).
    pub(crate) read_timeout_secs: u32,
    /// How old an attempt with no known outcome must be before `LOGINREQUIRED` may settle it
    /// as not logged in. InstantPay may finish a request after our read timeout and says
    /// `LOGINREQUIRED` until then; at least twice the read timeout plus a minute covers a
    /// reply lost on the way back and the status call's own time (docs/ledger.md).
    pub(crate) settle_window_secs: u32,
}

impl InstantPayConfig {
    /// `settle_window_secs` as a duration.
    pub(crate) fn settle_window(&self) -> chrono::Duration {
        chrono::Duration::seconds(i64::from(self.settle_window_secs))
    }
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct OutletConfig {
    /// Decimal degrees as a string, 4 to 6 decimals, `.` separator; `""` in the file is unset.
    #[serde(with = "unset_if_empty")]
    pub(crate) latitude: Option<Latitude>,
    #[serde(with = "unset_if_empty")]
    pub(crate) longitude: Option<Longitude>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RdConfig {
    pub(crate) host: String,
    /// A port or a range, `"11100-11120"`.
    pub(crate) ports: PortRange,
    /// PidOptions `env`: P, PP or S.
    pub(crate) env: RdEnv,
    /// Users (comma-separated names) besides root and the service's own account whose RD
    /// Service may be used for a login. Empty: only root's, which is how vendors install them.
    pub(crate) trusted_users: String,
}

impl RdConfig {
    pub(crate) fn trusted_user_list(&self) -> Vec<String> {
        self.trusted_users
            .split(',')
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
            .collect()
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct CaptureConfig {
    /// Captures with a lower `qScore` are refused before anything is sent.
    pub(crate) min_qscore: u32,
    /// Captures with fewer minutiae (`nmPoints`) are refused before anything is sent.
    pub(crate) min_nmpoints: u32,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ScheduleConfig {
    /// Morning reminder, `HH:MM` IST.
    pub(crate) reminder_at: TimeOfDay,
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            reminder_at: TimeOfDay::new(8, 0).expect("08:00 is a time of day"),
        }
    }
}

impl Config {
    /// The config as TOML, for `config init` and `config show`.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// An optional value as the text it was given, `""` when unset.
pub(crate) fn text_or_empty(v: &Option<impl std::fmt::Display>) -> String {
    v.as_ref().map(|v| v.to_string()).unwrap_or_default()
}

/// `Option<T>` written as its text, with `""` for unset: `config init` writes every key, so an
/// operator sees what is still to fill in.
mod unset_if_empty {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<T: std::fmt::Display, S: Serializer>(
        v: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_str(""),
        }
    }

    pub(super) fn deserialize<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The file keeps the words it always had: `en`, `hi`, `auto`, `direct`, `relay`.
    #[test]
    fn enums_are_written_and_read_as_before() {
        for (text, lang) in [
            ("auto", UiLanguage::Auto),
            ("en", UiLanguage::English),
            ("hi", UiLanguage::Hindi),
        ] {
            assert_eq!(text.parse::<UiLanguage>(), Ok(lang));
            assert_eq!(lang.as_str(), text);
            let mut cfg = Config::default();
            cfg.ui.language = lang;
            assert!(
                cfg.to_toml()
                    .contains(&format!("[ui]\nlanguage = \"{text}\"")),
                "{}",
                cfg.to_toml()
            );
            let back: Config = toml::from_str(&format!("[ui]\nlanguage = \"{text}\"\n")).unwrap();
            assert_eq!(back.ui.language, lang);
        }
        assert_eq!(UiLanguage::English.lang(), Lang::En);
        assert_eq!(UiLanguage::Hindi.lang(), Lang::Hi);
        let e = "hindi".parse::<UiLanguage>().unwrap_err().english();
        assert!(e.contains("en (English)"), "{e}");
        for (text, mode) in [("direct", Mode::Direct), ("relay", Mode::Relay)] {
            assert_eq!(text.parse::<Mode>(), Ok(mode));
            let back: Config =
                toml::from_str(&format!("[instantpay]\nmode = \"{text}\"\n")).unwrap();
            assert_eq!(back.instantpay.mode, mode);
        }
    }
}
