//! The one table of configuration keys: each key's name, type, where it lives (the config file
//! or the secret store), default, and what it is for. `config init`, `config show`,
//! `config set-secret`, the environment overlay (`load.rs`) and the README's table all read it.
//! A key is a [`Key`] variant: a new one must get its row here and its arms in [`Key::get`] and
//! [`Key::set`] (no catch-all arms), and the tests below hold the table to the model's structs
//! (`model.rs`), to [`SecretName`] and to README.md.

use std::str::FromStr;

use super::model::{Config, Mode, UiLanguage, text_or_empty};
use super::secrets::SecretName;
use crate::i18n::Msg;

/// Prefix of the environment overrides.
pub(crate) const ENV_PREFIX: &str = "RD_AGENT_";

/// Where a key's value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Home {
    /// `config.toml`, overridable by `RD_AGENT_<SECTION>__<KEY>`.
    File,
    /// The secret store (`secrets.rs`), set with `config set-secret`; never shown.
    Secrets,
}

/// The TOML type of a key's value in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A quoted string, parsed into the key's own type where it has one.
    Text,
    /// A whole number from 0 to 2^32 - 1.
    Number,
}

impl Kind {
    /// What a value of this kind looks like, for error text.
    pub(crate) fn describe(self) -> Msg {
        match self {
            Kind::Text => Msg::new("config-kind-string"),
            Kind::Number => Msg::new("config-kind-integer"),
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(
    not(test),
    expect(
        dead_code,
        reason = "shape, default and about are the README's columns, checked by the tests below"
    )
)]
pub(crate) struct Spec {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    /// The values it takes, as the README says it.
    pub(crate) shape: &'static str,
    pub(crate) home: Home,
    /// The default as the file writes it; `""` when unset.
    pub(crate) default: &'static str,
    /// The `config init` flag that sets it; the keys with one are the ones the wizard asks.
    pub(crate) init_flag: Option<&'static str>,
    pub(crate) about: &'static str,
}

macro_rules! keys {
    ($($variant:ident),* $(,)?) => {
        /// A configuration key or a secret. Its row is [`Key::spec`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(
            clippy::enum_variant_names,
            reason = "EncryptionKey is InstantPay's name for that secret"
        )]
        pub(crate) enum Key { $($variant),* }

        impl Key {
            /// Every key, in the order of the file, the wizard and the README.
            pub(crate) const ALL: &[Key] = &[$(Key::$variant),*];
        }
    };
}

keys! {
    Mode, BaseUrl, ClientId, OutletId, EndpointIp, ReadTimeoutSecs, SettleWindowSecs,
    ClientSecret, EncryptionKey,
    Latitude, Longitude,
    RdHost, RdPorts, RdEnv, RdTrustedUsers,
    MinQscore, MinNmpoints,
    ReminderAt,
    Language,
    RelayUrl, RelayToken,
    Aadhaar,
}

impl Key {
    /// The table.
    pub(crate) const fn spec(self) -> Spec {
        use Home::{File, Secrets};
        use Kind::{Number, Text};
        #[rustfmt::skip]
        let (name, kind, shape, home, default, init_flag, about) = match self {
            Key::Mode => ("instantpay.mode", Text, "`direct` or `relay`", File, "direct", None,
                "`direct`: this PC holds the InstantPay credentials; `relay`: the platform's login relay does (docs/relay.md)"),
            Key::BaseUrl => ("instantpay.base_url", Text, "URL", File, instantpay::DEFAULT_BASE_URL, Some("base-url"),
                "API root (a staging or compatible server; plain `http://` only on loopback)"),
            Key::ClientId => ("instantpay.client_id", Text, "text", File, "", Some("client-id"),
                "`X-Ipay-Client-Id`; not blank"),
            Key::OutletId => ("instantpay.outlet_id", Text, "digits", File, "", Some("outlet-id"),
                "`X-Ipay-Outlet-Id`: the outlet's number, e.g. `123456`"),
            Key::EndpointIp => ("instantpay.endpoint_ip", Text, "IP address", File, "", Some("endpoint-ip"),
                "`X-Ipay-Endpoint-Ip`: the shop's whitelisted public IP"),
            Key::ReadTimeoutSecs => ("instantpay.read_timeout_secs", Number, "seconds", File, "30", None,
                "wait for a reply once sent; no reply by then is an `unknown` outcome, never resent"),
            Key::SettleWindowSecs => ("instantpay.settle_window_secs", Number, "seconds", File, "120", None,
                "age at which an `unknown` attempt may be settled by `LOGINREQUIRED`; at least twice the read timeout plus 60"),
            Key::ClientSecret => ("instantpay.client_secret", Text, "text", Secrets, "", None,
                "`X-Ipay-Client-Secret` (direct mode)"),
            Key::EncryptionKey => ("instantpay.encryption_key", Text, "32 bytes", Secrets, "", None,
                "the \"Encryption Key\" InstantPay issues, for the Aadhaar (direct mode)"),
            Key::Latitude => ("outlet.latitude", Text, "decimal degrees", File, "", Some("latitude"),
                "the shop's latitude, 4 to 6 decimals, e.g. `19.0760` (3 are taken and padded: `19.076` is `19.0760`)"),
            Key::Longitude => ("outlet.longitude", Text, "decimal degrees", File, "", Some("longitude"),
                "the shop's longitude, 4 to 6 decimals, e.g. `72.8777` (3 are taken and padded)"),
            Key::RdHost => ("rd.host", Text, "host", File, "127.0.0.1", None,
                "where the RD Service listens (loopback only)"),
            Key::RdPorts => ("rd.ports", Text, "port or range", File, "11100-11120", Some("rd-ports"),
                "a port or a range to discover the RD Service in"),
            Key::RdEnv => ("rd.env", Text, "`P`, `PP` or `S`", File, "P", None,
                "PidOptions `env`: production, pre-production or staging"),
            Key::RdTrustedUsers => ("rd.trusted_users", Text, "user names", File, "", None,
                "comma-separated users, besides root and the service's own, whose RD Service may be used"),
            Key::MinQscore => ("capture.min_qscore", Number, "0-100", File, "40", Some("min-qscore"),
                "captures with a lower `qScore` are refused before sending (0: off)"),
            Key::MinNmpoints => ("capture.min_nmpoints", Number, "count", File, "20", Some("min-nmpoints"),
                "captures with fewer minutiae are refused before sending (0: off)"),
            Key::ReminderAt => ("schedule.reminder_at", Text, "`HH:MM`", File, "08:00", None,
                "morning reminder, IST"),
            Key::Language => ("ui.language", Text, "`en`, `hi` or `auto`", File, "auto", None,
                "`en` (English), `hi` (हिंदी), or `auto`: the computer's language"),
            Key::RelayUrl => ("relay.url", Text, "URL", File, "", None,
                "the platform's login relay, written by `rd-agent enroll` (relay mode)"),
            Key::RelayToken => ("relay.token", Text, "text", Secrets, "", None,
                "this PC's credential at the relay, written by `rd-agent enroll` (relay mode)"),
            Key::Aadhaar => ("operator.aadhaar", Text, "12 digits", Secrets, "", None,
                "the operator's Aadhaar, shown masked (`XXXX XXXX 1234`)"),
        };
        Spec {
            name,
            kind,
            shape,
            home,
            default,
            init_flag,
            about,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        self.spec().name
    }

    /// The key named `name` (`section.key`).
    pub(crate) fn parse(name: &str) -> Option<Key> {
        Key::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// A key of the config file: the ones the file and the environment may set.
    pub(crate) fn in_file(name: &str) -> Option<Key> {
        Key::parse(name).filter(|k| k.spec().home == Home::File)
    }

    /// `section` and `key` of `section.key`.
    pub(crate) fn parts(self) -> (&'static str, &'static str) {
        self.name().split_once('.').unwrap_or(("", self.name()))
    }

    /// The secret a key names, where it lives in the secret store.
    pub(crate) fn secret(self) -> Option<SecretName> {
        SecretName::ALL.into_iter().find(|s| Key::from(*s) == self)
    }

    /// The value in `cfg` as the file writes it; `None` for a secret, which the config does
    /// not hold.
    pub(crate) fn get(self, cfg: &Config) -> Option<String> {
        let ip = &cfg.instantpay;
        Some(match self {
            Key::Mode => match ip.mode {
                Mode::Direct => "direct".into(),
                Mode::Relay => "relay".into(),
            },
            Key::BaseUrl => ip.base_url.clone(),
            Key::ClientId => ip.client_id.clone(),
            Key::OutletId => ip.outlet_id.clone(),
            Key::EndpointIp => ip.endpoint_ip.clone(),
            Key::ReadTimeoutSecs => ip.read_timeout_secs.to_string(),
            Key::SettleWindowSecs => ip.settle_window_secs.to_string(),
            Key::Latitude => text_or_empty(&cfg.outlet.latitude),
            Key::Longitude => text_or_empty(&cfg.outlet.longitude),
            Key::RdHost => cfg.rd.host.clone(),
            Key::RdPorts => cfg.rd.ports.to_string(),
            Key::RdEnv => cfg.rd.env.as_str().into(),
            Key::RdTrustedUsers => cfg.rd.trusted_users.clone(),
            Key::MinQscore => cfg.capture.min_qscore.to_string(),
            Key::MinNmpoints => cfg.capture.min_nmpoints.to_string(),
            Key::ReminderAt => cfg.schedule.reminder_at.to_string(),
            Key::Language => cfg.ui.language.as_str().into(),
            Key::RelayUrl => cfg.relay.url.clone(),
            Key::ClientSecret | Key::EncryptionKey | Key::RelayToken | Key::Aadhaar => {
                return None;
            }
        })
    }

    /// Set the key in `cfg` from its text, parsed into the key's type; the error says what
    /// the key takes, as words that follow the key's name (`config-reason-*`). `""` unsets
    /// what a login may lack (the coordinates, the ids, the endpoint IP), as in the file.
    pub(crate) fn set(self, cfg: &mut Config, text: &str) -> Result<(), Msg> {
        use crate::i18n::errors::options_error;
        let ip = &mut cfg.instantpay;
        match self {
            Key::Mode => ip.mode = text.parse()?,
            Key::BaseUrl => ip.base_url = url(text, self)?,
            Key::ClientId => ip.client_id = not_blank(text)?,
            Key::OutletId => ip.outlet_id = outlet_id(text)?,
            Key::EndpointIp => ip.endpoint_ip = endpoint_ip(text)?,
            Key::ReadTimeoutSecs => ip.read_timeout_secs = number(text)?,
            Key::SettleWindowSecs => ip.settle_window_secs = number(text)?,
            Key::Latitude => cfg.outlet.latitude = coordinate(text, "28.6139")?,
            Key::Longitude => cfg.outlet.longitude = coordinate(text, "77.2090")?,
            Key::RdHost => cfg.rd.host = text.into(),
            Key::RdPorts => {
                cfg.rd.ports = text.parse().map_err(|_| {
                    Msg::new("config-reason-port-range").arg("value", shortened(text))
                })?;
            }
            Key::RdEnv => cfg.rd.env = text.parse().map_err(|e| options_error(&e))?,
            Key::RdTrustedUsers => cfg.rd.trusted_users = text.into(),
            Key::MinQscore => cfg.capture.min_qscore = number(text)?,
            Key::MinNmpoints => cfg.capture.min_nmpoints = number(text)?,
            Key::ReminderAt => {
                cfg.schedule.reminder_at = text.parse().map_err(|_| {
                    Msg::new("config-time-of-day-invalid").arg("value", shortened(text))
                })?;
            }
            Key::Language => cfg.ui.language = text.parse::<UiLanguage>()?,
            Key::RelayUrl if text.is_empty() => cfg.relay.url = String::new(),
            Key::RelayUrl => cfg.relay.url = url(text, self)?,
            Key::ClientSecret | Key::EncryptionKey | Key::RelayToken | Key::Aadhaar => {
                return Err(Msg::new("config-reason-secret"));
            }
        }
        Ok(())
    }

    /// Whether `text` is a value of the key's type.
    pub(crate) fn check_text(self, text: &str) -> Result<(), Msg> {
        self.set(&mut Config::default(), text)
    }
}

impl From<SecretName> for Key {
    fn from(name: SecretName) -> Key {
        match name {
            SecretName::ClientSecret => Key::ClientSecret,
            SecretName::EncryptionKey => Key::EncryptionKey,
            SecretName::Aadhaar => Key::Aadhaar,
            SecretName::RelayToken => Key::RelayToken,
        }
    }
}

/// "must be a whole number from 0 up", as a reason after the key.
pub(crate) fn must_be(kind: Kind) -> Msg {
    Msg::new("config-reason-must-be").arg("expected", kind.describe())
}

/// The start of what was typed, for quoting it back.
fn shortened(text: &str) -> String {
    text.chars().take(40).collect()
}

fn number(text: &str) -> Result<u32, Msg> {
    text.trim().parse().map_err(|_| must_be(Kind::Number))
}

/// A server's address: https (plain http only to this computer), as the clients check it.
fn url(text: &str, key: Key) -> Result<String, Msg> {
    instantpay::check_url(text, key.name())
        .map(|_| text.to_string())
        .map_err(|_| super::load::url_reason(text))
}

/// Typed text that is only spaces is a mistake, not a value; `""` is unset.
fn not_blank(text: &str) -> Result<String, Msg> {
    if !text.is_empty() && text.trim().is_empty() {
        return Err(Msg::new("config-reason-blank"));
    }
    Ok(text.to_string())
}

/// InstantPay's outlet ids are numbers: digits only, or `""` for unset.
fn outlet_id(text: &str) -> Result<String, Msg> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_string())
    } else {
        Err(Msg::new("config-reason-outlet-id").arg("value", shortened(text)))
    }
}

/// The shop's public IP as InstantPay whitelists it, or `""` for unset.
fn endpoint_ip(text: &str) -> Result<String, Msg> {
    if text.is_empty() || text.parse::<std::net::IpAddr>().is_ok() {
        Ok(text.to_string())
    } else {
        Err(Msg::new("config-reason-endpoint-ip").arg("value", shortened(text)))
    }
}

/// A coordinate as InstantPay takes it (`instantpay::Latitude`, `Longitude`), or `None` for `""`.
fn coordinate<T>(text: &str, example: &str) -> Result<Option<T>, Msg>
where
    T: FromStr<Err = instantpay::RequestError>,
{
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|e| match e {
        instantpay::RequestError::CoordinateRange {
            value, min, max, ..
        } => Msg::new("config-reason-coordinate-range")
            .arg("value", value)
            .arg("min", i64::from(min))
            .arg("max", i64::from(max)),
        _ => Msg::new("config-reason-coordinate-format")
            .arg("value", shortened(text))
            .arg("example", example),
    })
}

/// `instantpay.base_url` -> `RD_AGENT_INSTANTPAY__BASE_URL`.
pub(crate) fn env_var_name(key: &str) -> String {
    format!(
        "{ENV_PREFIX}{}",
        key.replace('.', "__").to_ascii_uppercase()
    )
}

/// The README's table of keys (between its `config-keys` markers), generated from [`Key::spec`].
#[cfg(test)]
fn markdown_table() -> String {
    let code = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            format!("`{s}`")
        }
    };
    let mut out =
        String::from("| key | type | lives in | default | meaning |\n|---|---|---|---|---|\n");
    for key in Key::ALL {
        let s = key.spec();
        let home = match s.home {
            Home::File => "config file".to_string(),
            Home::Secrets => "secret store".to_string(),
        };
        out.push_str(&format!(
            "| `{}` | {} | {home} | {} | {} |\n",
            s.name,
            s.shape,
            code(s.default),
            s.about
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The file keys are exactly the model's fields, with the model's defaults and TOML types:
    /// a field without a row (or a row without a field) fails here.
    #[test]
    fn the_table_is_the_model() {
        let defaults = match toml::Value::try_from(Config::default()).unwrap() {
            toml::Value::Table(t) => t,
            other => panic!("{other:?}"),
        };
        let mut model = BTreeSet::new();
        for (section, keys) in &defaults {
            for (key, value) in keys.as_table().unwrap() {
                let name = format!("{section}.{key}");
                let k = Key::in_file(&name).unwrap_or_else(|| panic!("{name} has no row"));
                let kind = if value.is_integer() {
                    Kind::Number
                } else {
                    Kind::Text
                };
                assert_eq!(k.spec().kind, kind, "{name}");
                let text = value
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| value.to_string());
                assert_eq!(k.spec().default, text, "{name}");
                model.insert(name);
            }
        }
        let table: BTreeSet<String> = Key::ALL
            .iter()
            .filter(|k| k.spec().home == Home::File)
            .map(|k| k.name().to_string())
            .collect();
        assert_eq!(table, model);
        let names: BTreeSet<_> = Key::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), Key::ALL.len(), "a name twice");
    }

    /// Every row's get and set agree, through the file's own text.
    #[test]
    fn get_and_set_round_trip_every_file_key() {
        let cfg = Config::default();
        for &key in Key::ALL {
            match key.get(&cfg) {
                Some(text) => {
                    assert_eq!(text, key.spec().default, "{key:?}");
                    let mut other = Config::default();
                    key.set(&mut other, &text).unwrap();
                    assert_eq!(other, cfg, "{key:?}");
                }
                None => {
                    assert_eq!(key.spec().home, Home::Secrets, "{key:?}");
                    assert!(key.set(&mut Config::default(), "x").is_err());
                }
            }
        }
        let mut cfg = Config::default();
        Key::Language.set(&mut cfg, "hi").unwrap();
        assert_eq!(cfg.ui.language, UiLanguage::Hindi);
        assert!(Key::MinQscore.set(&mut cfg, "high").is_err());
        assert!(Key::Latitude.check_text("19.07").is_err());
    }

    /// The values a person types are held to what InstantPay takes; `""` stays "unset", as
    /// `config init` writes every key.
    #[test]
    fn typed_values_are_checked_as_instantpay_takes_them() {
        let mut cfg = Config::default();
        Key::OutletId.set(&mut cfg, "123456").unwrap();
        for bad in ["abc", "12 34", "-1", "12a"] {
            let e = Key::OutletId.set(&mut cfg, bad).unwrap_err();
            assert_eq!(e.id, "config-reason-outlet-id", "{bad}");
        }
        assert_eq!(
            cfg.instantpay.outlet_id, "123456",
            "a refused value changes nothing"
        );
        Key::OutletId.set(&mut cfg, "").unwrap();
        assert_eq!(cfg.instantpay.outlet_id, "");

        Key::ClientId.set(&mut cfg, "C1").unwrap();
        assert_eq!(
            Key::ClientId.set(&mut cfg, "   ").unwrap_err().id,
            "config-reason-blank"
        );
        assert_eq!(cfg.instantpay.client_id, "C1");

        Key::EndpointIp.set(&mut cfg, "2001:db8::1").unwrap();
        Key::EndpointIp.set(&mut cfg, "203.0.113.9").unwrap();
        assert!(Key::EndpointIp.set(&mut cfg, "my-shop-pc").is_err());

        // 3 decimals are padded to the 4 InstantPay wants; 2 are too coarse to send.
        Key::Longitude.set(&mut cfg, "77.209").unwrap();
        assert_eq!(Key::Longitude.get(&cfg).unwrap(), "77.2090");
        Key::Latitude.set(&mut cfg, "28.613").unwrap();
        assert_eq!(Key::Latitude.get(&cfg).unwrap(), "28.6130");
        assert_eq!(
            Key::Latitude.check_text("28.61").unwrap_err().id,
            "config-reason-coordinate-format"
        );
        assert_eq!(
            Key::Latitude.check_text("51.507").unwrap_err().id,
            "config-reason-coordinate-range"
        );

        assert_eq!(
            Key::BaseUrl
                .check_text("http://api.instantpay.in")
                .unwrap_err()
                .id,
            "config-reason-not-https"
        );
        Key::BaseUrl.check_text("http://127.0.0.1:9").unwrap();
        Key::RelayUrl.check_text("").unwrap();
    }

    /// The secret store's names are the table's secret rows.
    #[test]
    fn the_secrets_are_the_secret_rows() {
        for &key in Key::ALL {
            let secret = key.secret();
            assert_eq!(
                secret.is_some(),
                key.spec().home == Home::Secrets,
                "{key:?}"
            );
            if let Some(s) = secret {
                assert_eq!(s.key(), key.name());
                assert_eq!(SecretName::parse(key.name()).unwrap(), s);
            }
        }
    }

    /// README.md lists every key and nothing else, as this table says it. To update it, paste
    /// the table this test prints between the markers.
    #[test]
    fn the_readme_lists_every_key() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let (begin, end) = (
            "<!-- config-keys: begin; generated from src/config/keys.rs, whose tests check it -->\n",
            "<!-- config-keys: end -->",
        );
        let start = readme.find(begin).expect("README.md has the begin marker") + begin.len();
        let stop = readme[start..]
            .find(end)
            .expect("README.md has the end marker")
            + start;
        let expected = markdown_table();
        assert!(
            readme[start..stop] == expected,
            "README.md's table of config keys is not the table in src/config/keys.rs; put this between the markers:\n{expected}"
        );
    }

    /// Elsewhere in the README and docs/, a `section.key` in backticks of a config section is a
    /// key: a renamed or removed key is not left behind in the text.
    #[test]
    fn the_docs_name_no_other_key() {
        let sections: BTreeSet<&str> = Key::ALL.iter().map(|k| k.parts().0).collect();
        let root = env!("CARGO_MANIFEST_DIR");
        let mut files = vec![format!("{root}/README.md")];
        for entry in std::fs::read_dir(format!("{root}/docs")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                files.push(path.display().to_string());
            }
        }
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for quoted in text.split('`').skip(1).step_by(2) {
                let name = quoted.split([' ', '=']).next().unwrap_or("");
                let Some((section, key)) = name.split_once('.') else {
                    continue;
                };
                let is_word = |s: &str| {
                    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                };
                // `schedule.rs` and the like are file names, not keys.
                let file_name = ["rs", "md", "toml", "sh"].contains(&key);
                if sections.contains(section) && is_word(key) && !file_name {
                    assert!(
                        Key::parse(name).is_some(),
                        "{file} names `{name}`, not a key"
                    );
                }
            }
        }
    }
}
