//! A change to the configuration and the secrets, as setup makes it (`config init`, `config
//! set-secret`, `enroll`), and who may make it. The same change is applied to a person's own
//! files and, by the service, to the service's (src/agent/server.rs takes it over the IPC).
//!
//! The config file keeps only the keys someone set: the defaults file under it (the
//! service's /etc/rd-agent/config.toml) still gives every other key.

use zeroize::Zeroizing;

use super::secrets::SecretsError;
use super::{Config, ConfigError, Key, Paths, SecretName, Secrets, ensure_state_dir, write_file};
use crate::i18n::Msg;

/// What setup asks to change.
#[derive(Default)]
pub struct Change {
    /// Config keys and their new text, checked as `Key::set` checks them.
    pub(crate) values: Vec<(Key, String)>,
    /// Secrets to set, checked as the store checks them.
    pub(crate) secrets: Vec<(SecretName, Zeroizing<String>)>,
    /// Secrets to remove (enrolling in a relay drops the direct mode's own).
    pub(crate) clear: Vec<SecretName>,
    /// Start from the defaults instead of the config file's keys (`config init --overwrite`).
    pub(crate) overwrite: bool,
    /// Check the change and who asks, write nothing (`enroll`, before it spends its code).
    pub(crate) check_only: bool,
}

/// Who asks. A member of the `rd-agent` group sets up a service nobody has set up; once a
/// secret is stored, pointing the service at another host or replacing what is stored would
/// let a member send the stored secrets, or the operator's Aadhaar, to a host of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Administrator,
    Member,
}

/// The keys that say where the secrets are sent.
const ENDPOINTS: [Key; 2] = [Key::BaseUrl, Key::RelayUrl];

/// Why a change was not made. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ChangeError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Secrets(#[from] SecretsError),
    /// A member asked for what only an administrator may change.
    #[error("only an administrator may change `{key}` once the service is set up")]
    NeedsAdministrator { key: &'static str },
}

impl ChangeError {
    pub(crate) fn msg(&self) -> Msg {
        match self {
            ChangeError::Config(e) => e.msg(),
            ChangeError::Secrets(e) => e.msg(),
            ChangeError::NeedsAdministrator { key } => {
                Msg::new("config-change-needs-administrator").arg("key", *key)
            }
        }
    }
}

/// Apply `change` to the files `paths` names, if `standing` allows it: all of it or none.
/// Returns the names of the keys and secrets that changed (never a value).
pub(crate) fn apply(
    paths: &Paths,
    change: &Change,
    standing: Standing,
) -> Result<Vec<&'static str>, ChangeError> {
    // The config file and the defaults under it are read once: `before` is the config in
    // force, and the change starts from it, or from the defaults alone when overwriting.
    let written = paths.config_file_table()?;
    let before = paths.config_over(written.clone())?;
    let (mut file, mut after) = if change.overwrite {
        (toml::Table::new(), paths.config_over(toml::Table::new())?)
    } else {
        (written, before.clone())
    };
    let secrets_file = paths.secrets_file();
    let stored = Secrets::load(&secrets_file)?;

    for (key, text) in &change.values {
        key.set(&mut after, text.trim())
            .map_err(|reason| ConfigError::Invalid {
                source_name: "config".to_string(),
                key: key.name().to_string(),
                reason,
            })?;
    }
    after.check_formats()?;
    let mut secrets = stored.clone();
    for (name, value) in &change.secrets {
        secrets.set(*name, value)?;
    }
    for name in &change.clear {
        secrets.clear(*name);
    }

    if standing == Standing::Member {
        allowed_to_member(&before, &after, &stored, &secrets)?;
    }
    if change.check_only {
        return Ok(Vec::new());
    }

    let mut changed = Vec::new();
    for &name in SecretName::ALL.iter() {
        if !stored.same(&secrets, name) {
            changed.push(name.key());
        }
    }
    if !changed.is_empty() {
        ensure_state_dir(&paths.state_dir)?;
        secrets.save(&secrets_file)?;
    }
    let full = toml::Table::try_from(&after).map_err(|e| ConfigError::Write {
        path: paths.config_file.clone(),
        reason: e.to_string(),
    })?;
    let mut wrote_keys = change.overwrite;
    for (key, _) in &change.values {
        let (section, name) = key.parts();
        if let Some(value) = full.get(section).and_then(|s| s.get(name)) {
            let entry = file
                .entry(section)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(t) = entry {
                t.insert(name.to_string(), value.clone());
            }
        }
        if key.get(&before) != key.get(&after) {
            changed.push(key.name());
        }
        wrote_keys = true;
    }
    if wrote_keys {
        write_file(&paths.config_file, &config_text(&file), false)?;
    }
    Ok(changed)
}

/// A member may fill in what is empty, but not redirect or replace what is set up.
fn allowed_to_member(
    before: &Config,
    after: &Config,
    stored: &Secrets,
    secrets: &Secrets,
) -> Result<(), ChangeError> {
    let set_up = SecretName::ALL.iter().any(|&n| stored.is_set(n));
    if set_up {
        for key in ENDPOINTS {
            if key.get(before) != key.get(after) {
                return Err(ChangeError::NeedsAdministrator { key: key.name() });
            }
        }
    }
    for &name in SecretName::ALL.iter() {
        if stored.is_set(name) && !stored.same(secrets, name) {
            return Err(ChangeError::NeedsAdministrator { key: name.key() });
        }
    }
    Ok(())
}

/// The config file's text: the keys set, under a header saying where secrets go.
fn config_text(file: &toml::Table) -> String {
    format!(
        "# rd-agent config. Every key can be overridden by RD_AGENT_<SECTION>__<KEY>.\n\
         # Secrets are not kept here: use `rd-agent config set-secret NAME`.\n\n{}",
        toml::to_string(file).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(dir: &std::path::Path) -> Paths {
        Paths::of(dir.join("config.toml"), dir.join("state"))
    }

    fn value(key: Key, text: &str) -> Change {
        Change {
            values: vec![(key, text.to_string())],
            ..Change::default()
        }
    }

    fn secret(name: SecretName, text: &str) -> Change {
        Change {
            secrets: vec![(name, Zeroizing::new(text.to_string()))],
            ..Change::default()
        }
    }

    // A number python-stdnum judged valid (crates/instantpay/tests/aadhaar-stdnum.txt).
    const AADHAAR: &str = "412254410193";

    #[test]
    fn a_member_sets_up_then_cannot_redirect_or_replace() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        let member = Standing::Member;
        apply(&p, &value(Key::BaseUrl, "https://ipay.example.in"), member).unwrap();
        apply(&p, &value(Key::OutletId, "12345"), member).unwrap();
        apply(&p, &secret(SecretName::ClientSecret, "s3cret"), member).unwrap();
        let before = std::fs::read(p.config_file.clone()).unwrap();

        let redirect = apply(&p, &value(Key::BaseUrl, "https://mine.example"), member);
        assert!(
            matches!(
                redirect,
                Err(ChangeError::NeedsAdministrator {
                    key: "instantpay.base_url"
                })
            ),
            "{redirect:?}"
        );
        let relay = apply(&p, &value(Key::RelayUrl, "https://mine.example"), member);
        assert!(matches!(relay, Err(ChangeError::NeedsAdministrator { .. })));
        let replace = apply(&p, &secret(SecretName::ClientSecret, "other"), member);
        assert!(matches!(
            replace,
            Err(ChangeError::NeedsAdministrator { .. })
        ));
        let clear = Change {
            clear: vec![SecretName::ClientSecret],
            ..Change::default()
        };
        assert!(apply(&p, &clear, member).is_err());
        assert_eq!(std::fs::read(&p.config_file).unwrap(), before);
        let kept = Secrets::load(&p.secrets_file()).unwrap();
        assert_eq!(kept.client_secret().unwrap().expose(), "s3cret");

        // What is empty a member still fills in; the same value again is no change.
        apply(&p, &secret(SecretName::Aadhaar, AADHAAR), member).unwrap();
        apply(&p, &secret(SecretName::ClientSecret, "s3cret"), member).unwrap();
        apply(&p, &value(Key::BaseUrl, "https://ipay.example.in"), member).unwrap();
        apply(&p, &value(Key::OutletId, "67890"), member).unwrap();

        // An administrator may do all of it.
        let admin = Standing::Administrator;
        apply(&p, &value(Key::BaseUrl, "https://other.example"), admin).unwrap();
        apply(&p, &secret(SecretName::ClientSecret, "other"), admin).unwrap();
        let cfg = p.load_config().unwrap();
        assert_eq!(cfg.instantpay.base_url, "https://other.example");
        assert_eq!(cfg.instantpay.outlet_id, "67890");
    }

    #[test]
    fn a_bad_value_writes_nothing_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        let change = Change {
            values: vec![
                (Key::OutletId, "12345".into()),
                (Key::MinQscore, "many".into()),
            ],
            secrets: vec![(SecretName::ClientSecret, Zeroizing::new("s".into()))],
            ..Change::default()
        };
        let e = apply(&p, &change, Standing::Administrator).unwrap_err();
        assert!(
            matches!(&e, ChangeError::Config(ConfigError::Invalid { key, .. }) if key == "capture.min_qscore"),
            "{e:?}"
        );
        assert!(!p.config_file.exists());
        assert!(!p.secrets_file().exists());
    }

    /// The file keeps the keys set; a key the defaults file gives and nobody set follows that
    /// file; a key set wins over it.
    #[test]
    fn the_config_file_wins_over_the_defaults_key_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let defaults = dir.path().join("etc.toml");
        std::fs::write(
            &defaults,
            "[instantpay]\nclient_id = \"from-etc\"\nendpoint_ip = \"203.0.113.7\"\n",
        )
        .unwrap();
        let p = Paths {
            defaults_file: Some(defaults.clone()),
            ..paths(dir.path())
        };
        apply(&p, &value(Key::ClientId, "mine"), Standing::Administrator).unwrap();
        let written = std::fs::read_to_string(&p.config_file).unwrap();
        let table: toml::Table = written.parse().unwrap();
        assert_eq!(table.len(), 1, "{written}");
        assert_eq!(
            table["instantpay"].as_table().unwrap().len(),
            1,
            "{written}"
        );
        std::fs::write(
            &defaults,
            "[instantpay]\nclient_id = \"from-etc\"\nendpoint_ip = \"198.51.100.9\"\n",
        )
        .unwrap();
        let cfg = p.load_config().unwrap();
        assert_eq!(cfg.instantpay.client_id, "mine");
        assert_eq!(cfg.instantpay.endpoint_ip, "198.51.100.9");
    }
}
