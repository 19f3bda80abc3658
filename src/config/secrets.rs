//! The secret store (docs/architecture.md, "Secrets"): the client secret, the encryption key and the operator's
//! Aadhaar in a 0600 file in the state directory, owned by whoever runs the agent.
//!
//! On Windows each value is sealed with DPAPI before it is written (`crate::platform::seal`),
//! and a store from before that is rewritten sealed the first time it is read; on Linux the
//! 0600 file is the protection. Values are held as [`Secret`] / [`Aadhaar`], zeroized on drop,
//! and never appear in errors.

use crate::i18n::Msg;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use instantpay::Secret;
use instantpay::{Aadhaar, AadhaarError, KEY_LEN};

pub(crate) const SECRETS_FILE_NAME: &str = "secrets.toml";
const MAX_SECRETS_BYTES: u64 = 64 * 1024;

/// The secrets, by the names `config set-secret` takes. In relay mode (docs/relay.md) the PC
/// holds only the relay token and the Aadhaar; the client secret and the key stay with the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretName {
    ClientSecret,
    EncryptionKey,
    Aadhaar,
    RelayToken,
}

impl SecretName {
    pub(crate) const ALL: [SecretName; 4] = [
        SecretName::ClientSecret,
        SecretName::EncryptionKey,
        SecretName::Aadhaar,
        SecretName::RelayToken,
    ];

    /// Its key in the table of keys (`keys.rs`).
    pub(crate) fn key(self) -> &'static str {
        super::Key::from(self).name()
    }

    pub(crate) fn parse(s: &str) -> Result<SecretName, SecretsError> {
        SecretName::ALL
            .into_iter()
            .find(|n| n.key() == s || n.key().split_once('.').map(|p| p.1) == Some(s))
            .ok_or_else(|| SecretsError::UnknownName(s.to_string()))
    }
}

/// Why the secret store could not be read, written or used. Never contains a secret's value.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error(
        "unknown secret {0:?}: the secrets are instantpay.client_secret, instantpay.encryption_key, operator.aadhaar and relay.token"
    )]
    UnknownName(String),
    #[error("cannot read the secrets file {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("the secrets file {path} can be read by other users: run `chmod 600 {path}`")]
    Permissions { path: PathBuf },
    #[error(
        "the secrets file {path} is damaged ({reason}): set the secrets again with `rd-agent config set-secret NAME`"
    )]
    Damaged { path: PathBuf, reason: String },
    #[error("cannot write the secrets file {path}: {reason}")]
    Write { path: PathBuf, reason: String },
    #[error(
        "`{key}` is not set: run `rd-agent config set-secret {key}` and type it (it is read from standard input, never from the command line)"
    )]
    Missing { key: &'static str },
    #[error("`{key}` is empty: type the value, then Enter")]
    Empty { key: &'static str },
    #[error("`operator.aadhaar`: {0}")]
    Aadhaar(AadhaarError),
    #[error(
        "The operator's Aadhaar stored on this PC (XXXX XXXX {last_four}) fails its check digit: it was probably mistyped when it was set, and an older rd-agent did not notice. rd-agent will not use it, so no login is sent and nothing is charged. Set it again: `rd-agent config set-secret operator.aadhaar`."
    )]
    StoredAadhaarInvalid { last_four: String },
    #[error(
        "`instantpay.encryption_key` must be exactly {KEY_LEN} bytes (the \"Encryption Key\" InstantPay issues, not the client secret); this one has {0} bytes"
    )]
    KeyLength(usize),
}

impl SecretsError {
    /// The sentence in the catalogue (`Display` is its English). It names keys and paths,
    /// never a value.
    pub(crate) fn msg(&self) -> Msg {
        let path = |p: &std::path::Path| p.display().to_string();
        match self {
            SecretsError::UnknownName(name) => {
                Msg::new("secrets-error-unknown-name").arg("name", name.as_str())
            }
            SecretsError::Read { path: p, reason } => Msg::new("secrets-error-read")
                .arg("path", path(p))
                .arg("reason", reason.as_str()),
            SecretsError::Permissions { path: p } => {
                Msg::new("secrets-error-permissions").arg("path", path(p))
            }
            SecretsError::Damaged { path: p, reason } => Msg::new("secrets-error-damaged")
                .arg("path", path(p))
                .arg("reason", reason.as_str()),
            SecretsError::Write { path: p, reason } => Msg::new("secrets-error-write")
                .arg("path", path(p))
                .arg("reason", reason.as_str()),
            SecretsError::Missing { key } => Msg::new("secrets-error-missing").arg("key", *key),
            SecretsError::Empty { key } => Msg::new("secrets-error-empty").arg("key", *key),
            SecretsError::Aadhaar(e) => Msg::new("secrets-error-aadhaar")
                .arg("error", crate::i18n::errors::aadhaar_error(e)),
            SecretsError::StoredAadhaarInvalid { last_four } => {
                Msg::new("secrets-error-aadhaar-stored-invalid")
                    .arg("last_four", last_four.as_str())
            }
            SecretsError::KeyLength(n) => Msg::new("secrets-error-key-length")
                .arg("expected", KEY_LEN)
                .arg("count", *n),
        }
    }
}

/// The operator's Aadhaar as the store holds it.
#[derive(Clone)]
pub enum StoredAadhaar {
    Valid(Aadhaar),
    /// Digits that fail the check digit, stored by a release whose Verhoeff table was wrong
    /// (crates/instantpay/src/aadhaar.rs). Kept so that the store still loads and a save does
    /// not lose it; never sent. `config set-secret operator.aadhaar` replaces it.
    FailsCheckDigit(Secret),
}

impl StoredAadhaar {
    /// The number, or the sentence that says it must be set again.
    pub(crate) fn usable(&self) -> Result<&Aadhaar, SecretsError> {
        match self {
            StoredAadhaar::Valid(a) => Ok(a),
            StoredAadhaar::FailsCheckDigit(digits) => Err(SecretsError::StoredAadhaarInvalid {
                last_four: last_four(digits.expose()),
            }),
        }
    }

    /// `XXXX XXXX 1234`, whether or not the number is usable.
    pub(crate) fn masked(&self) -> String {
        match self {
            StoredAadhaar::Valid(a) => a.masked(),
            StoredAadhaar::FailsCheckDigit(digits) => {
                format!("XXXX XXXX {}", last_four(digits.expose()))
            }
        }
    }

    fn digits(&self) -> &str {
        match self {
            StoredAadhaar::Valid(a) => a.expose_digits(),
            StoredAadhaar::FailsCheckDigit(digits) => digits.expose(),
        }
    }
}

/// The last four digits of a stored number (only digits are ever stored; see `set_stored`).
fn last_four(digits: &str) -> String {
    let digits: Vec<char> = digits.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(4)..].iter().collect()
}

/// The secrets that are set. `Debug` shows only whether each is set.
#[derive(Default, Clone)]
pub struct Secrets {
    pub(crate) client_secret: Option<Secret>,
    pub(crate) encryption_key: Option<Secret>,
    pub(crate) aadhaar: Option<StoredAadhaar>,
    /// The device credential `rd-agent enroll` got from the relay.
    pub(crate) relay_token: Option<Secret>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("client_secret", &self.client_secret.is_some())
            .field("encryption_key", &self.encryption_key.is_some())
            .field("aadhaar", &self.aadhaar.is_some())
            .field("relay_token", &self.relay_token.is_some())
            .finish()
    }
}

impl Secrets {
    /// Read the store; a missing file means nothing is set.
    pub fn load(path: &Path) -> Result<Secrets, SecretsError> {
        let text = match read_private(path)? {
            Some(t) => t,
            None => return Ok(Secrets::default()),
        };
        let (secrets, in_the_clear) =
            Secrets::parse_stored(&text).map_err(|reason| SecretsError::Damaged {
                path: path.to_path_buf(),
                reason,
            })?;
        if in_the_clear {
            // A Windows store from before DPAPI: rewrite it sealed, so no value stays in the
            // clear. One that cannot be written now (a reader without write access) is
            // rewritten by the next one who can.
            match secrets.save(path) {
                Ok(()) => tracing::info!(path = %path.display(), "sealed the secrets with DPAPI"),
                Err(e) => tracing::warn!(error = %e, "could not seal the secrets file yet"),
            }
        }
        Ok(secrets)
    }

    /// Parse the file's text. The error text names keys, never values.
    pub fn parse(text: &str) -> Result<Secrets, String> {
        Secrets::parse_stored(text).map(|(s, _)| s)
    }

    /// [`Secrets::parse`], and whether a value was in the clear where the OS seals them.
    fn parse_stored(text: &str) -> Result<(Secrets, bool), String> {
        let table: toml::Table = text
            .parse()
            .map_err(|_| "it is not valid TOML".to_string())?;
        let mut out = Secrets::default();
        let mut in_the_clear = false;
        for (key, value) in &table {
            let name = SecretName::parse(key).map_err(|_| format!("unknown entry {key:?}"))?;
            let toml::Value::String(v) = value else {
                return Err(format!("{key} is not a string"));
            };
            let (v, clear) =
                crate::platform::seal::unseal(v).map_err(|why| format!("{key}: {why}"))?;
            in_the_clear |= clear;
            out.set_stored(name, &v).map_err(|e| e.to_string())?;
        }
        Ok((out, in_the_clear))
    }

    /// Set a value read from the store. Unlike [`Secrets::set`], an Aadhaar that fails only its
    /// check digit is kept as [`StoredAadhaar::FailsCheckDigit`]: a store written under the
    /// wrong table must still load, so that `status` works and `login` can say what to do.
    fn set_stored(&mut self, name: SecretName, value: &str) -> Result<(), SecretsError> {
        match (name, self.set(name, value)) {
            (SecretName::Aadhaar, Err(SecretsError::Aadhaar(AadhaarError::CheckDigit))) => {
                let digits: String = value.chars().filter(|c| *c != ' ').collect();
                self.aadhaar = Some(StoredAadhaar::FailsCheckDigit(Secret::new(digits)));
                Ok(())
            }
            (_, result) => result,
        }
    }

    /// Whether [`Secrets::set`] would take `value` for `name`: the same check, nothing kept.
    pub(crate) fn check(name: SecretName, value: &str) -> Result<(), SecretsError> {
        Secrets::default().set(name, value)
    }

    /// Validate and set one secret from what the person typed (surrounding whitespace trimmed).
    pub fn set(&mut self, name: SecretName, value: &str) -> Result<(), SecretsError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(SecretsError::Empty { key: name.key() });
        }
        match name {
            SecretName::ClientSecret => self.client_secret = Some(Secret::new(value)),
            SecretName::EncryptionKey => {
                if value.len() != KEY_LEN {
                    return Err(SecretsError::KeyLength(value.len()));
                }
                self.encryption_key = Some(Secret::new(value));
            }
            SecretName::Aadhaar => {
                let valid = Aadhaar::parse(value).map_err(SecretsError::Aadhaar)?;
                self.aadhaar = Some(StoredAadhaar::Valid(valid));
            }
            SecretName::RelayToken => self.relay_token = Some(Secret::new(value)),
        }
        Ok(())
    }

    /// Remove one secret.
    pub(crate) fn clear(&mut self, name: SecretName) {
        match name {
            SecretName::ClientSecret => self.client_secret = None,
            SecretName::EncryptionKey => self.encryption_key = None,
            SecretName::Aadhaar => self.aadhaar = None,
            SecretName::RelayToken => self.relay_token = None,
        }
    }

    /// Whether `other` holds the same value (or the same absence) for `name`.
    pub(crate) fn same(&self, other: &Secrets, name: SecretName) -> bool {
        let expose = |s: &Option<Secret>| s.as_ref().map(|s| s.expose().to_string());
        match name {
            SecretName::ClientSecret => expose(&self.client_secret) == expose(&other.client_secret),
            SecretName::EncryptionKey => {
                expose(&self.encryption_key) == expose(&other.encryption_key)
            }
            SecretName::Aadhaar => {
                self.aadhaar.as_ref().map(StoredAadhaar::digits)
                    == other.aadhaar.as_ref().map(StoredAadhaar::digits)
            }
            SecretName::RelayToken => expose(&self.relay_token) == expose(&other.relay_token),
        }
    }

    pub fn is_set(&self, name: SecretName) -> bool {
        match name {
            SecretName::ClientSecret => self.client_secret.is_some(),
            SecretName::EncryptionKey => self.encryption_key.is_some(),
            SecretName::Aadhaar => self.aadhaar.is_some(),
            SecretName::RelayToken => self.relay_token.is_some(),
        }
    }

    pub fn client_secret(&self) -> Result<&Secret, SecretsError> {
        self.client_secret.as_ref().ok_or(SecretsError::Missing {
            key: SecretName::ClientSecret.key(),
        })
    }

    pub fn encryption_key(&self) -> Result<&Secret, SecretsError> {
        self.encryption_key.as_ref().ok_or(SecretsError::Missing {
            key: SecretName::EncryptionKey.key(),
        })
    }

    pub(crate) fn relay_token(&self) -> Result<&Secret, SecretsError> {
        self.relay_token.as_ref().ok_or(SecretsError::Missing {
            key: SecretName::RelayToken.key(),
        })
    }

    /// The operator's Aadhaar, refused when it is missing or fails its check digit.
    pub fn aadhaar(&self) -> Result<&Aadhaar, SecretsError> {
        self.aadhaar
            .as_ref()
            .ok_or(SecretsError::Missing {
                key: SecretName::Aadhaar.key(),
            })?
            .usable()
    }

    /// Write the store with mode 0600 (through a temporary file and a rename), each value
    /// sealed where the OS seals them.
    pub fn save(&self, path: &Path) -> Result<(), SecretsError> {
        let werr = |e: std::io::Error| SecretsError::Write {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let mut text = Zeroizing::new(String::from(
            "# rd-agent secrets: keep this file private (mode 0600). Edit with `rd-agent config set-secret`.\n",
        ));
        let mut put = |key: &str, value: &str| -> Result<(), SecretsError> {
            let stored = Zeroizing::new(crate::platform::seal::seal(value, path).map_err(werr)?);
            // toml's string encoder escapes quotes and control characters.
            let v = Zeroizing::new(toml::Value::String(stored.to_string()).to_string());
            text.push_str(&format!("\"{key}\" = {}\n", v.as_str()));
            Ok(())
        };
        if let Some(s) = &self.client_secret {
            put(SecretName::ClientSecret.key(), s.expose())?;
        }
        if let Some(s) = &self.encryption_key {
            put(SecretName::EncryptionKey.key(), s.expose())?;
        }
        if let Some(a) = &self.aadhaar {
            put(SecretName::Aadhaar.key(), a.digits())?;
        }
        if let Some(t) = &self.relay_token {
            put(SecretName::RelayToken.key(), t.expose())?;
        }
        super::write_file(path, &text, true).map_err(|e| SecretsError::Write {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    }
}

/// Read the file if it exists, refusing one that other users can read.
fn read_private(path: &Path) -> Result<Option<Zeroizing<String>>, SecretsError> {
    use std::io::Read;
    let rerr = |e: std::io::Error| SecretsError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(rerr(e)),
    };
    if crate::platform::fs::open_to_others(&file).map_err(rerr)? {
        return Err(SecretsError::Permissions {
            path: path.to_path_buf(),
        });
    }
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX_SECRETS_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(rerr)?;
    if bytes.len() as u64 > MAX_SECRETS_BYTES {
        return Err(SecretsError::Damaged {
            path: path.to_path_buf(),
            reason: "it is far too large".into(),
        });
    }
    match std::str::from_utf8(&bytes) {
        Ok(s) => Ok(Some(Zeroizing::new(s.to_string()))),
        Err(_) => Err(SecretsError::Damaged {
            path: path.to_path_buf(),
            reason: "it is not UTF-8 text".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use instantpay::DEMO_AADHAAR;

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn round_trip_with_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state").join(SECRETS_FILE_NAME);
        let mut s = Secrets::default();
        s.set(SecretName::ClientSecret, "cs-\"quoted\"-secret\n")
            .unwrap();
        s.set(SecretName::EncryptionKey, KEY).unwrap();
        s.set(SecretName::Aadhaar, DEMO_AADHAAR).unwrap();
        s.save(&path).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        assert!(!crate::platform::fs::open_to_others(&file).unwrap());
        let back = Secrets::load(&path).unwrap();
        assert_eq!(
            back.client_secret().unwrap().expose(),
            "cs-\"quoted\"-secret"
        );
        assert_eq!(back.encryption_key().unwrap().expose(), KEY);
        assert_eq!(back.aadhaar.as_ref().unwrap().masked(), "XXXX XXXX 7058");
        assert!(back.is_set(SecretName::ClientSecret));
        let dbg = format!("{back:?}");
        assert!(!dbg.contains(KEY) && !dbg.contains("9999"), "{dbg}");
        // On Windows nothing of a value is in the file in the clear (DPAPI).
        let written = std::fs::read_to_string(&path).unwrap();
        let digits = DEMO_AADHAAR.replace(' ', "");
        assert_eq!(
            written.contains(KEY) || written.contains(&digits),
            !cfg!(windows),
            "{written}"
        );
    }

    /// A store written before values were sealed is read as it is, and on Windows rewritten
    /// sealed at once: afterwards no value is in the file in the clear.
    #[test]
    fn a_store_in_the_clear_is_read_and_on_windows_sealed_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SECRETS_FILE_NAME);
        let old = format!(
            "\"instantpay.client_secret\" = \"cs-old-plain\"\n\"instantpay.encryption_key\" = \"{KEY}\"\n\"operator.aadhaar\" = \"{DEMO_AADHAAR}\"\n"
        );
        crate::config::write_file(&path, &old, true).unwrap();
        let s = Secrets::load(&path).unwrap();
        assert_eq!(s.client_secret().unwrap().expose(), "cs-old-plain");
        let after = std::fs::read_to_string(&path).unwrap();
        if cfg!(windows) {
            assert!(
                !after.contains("cs-old-plain") && !after.contains(KEY),
                "{after}"
            );
            assert!(after.contains(crate::platform::SEALED_PREFIX), "{after}");
            let again = Secrets::load(&path).unwrap();
            assert_eq!(again.encryption_key().unwrap().expose(), KEY);
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                after,
                "sealed once"
            );
        } else {
            assert_eq!(after, old, "Linux keeps the 0600 file as it is");
        }
    }

    #[test]
    fn missing_file_is_empty_and_names_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let s = Secrets::load(&dir.path().join("none")).unwrap();
        let e = s.encryption_key().unwrap_err().to_string();
        assert!(e.contains("set-secret instantpay.encryption_key"), "{e}");
        assert!(!s.is_set(SecretName::Aadhaar));
    }

    #[test]
    fn bad_values_are_refused_without_echo() {
        let mut s = Secrets::default();
        let e = s.set(SecretName::EncryptionKey, "short-key").unwrap_err();
        assert!(!e.to_string().contains("short-key"));
        let e = s.set(SecretName::Aadhaar, "2345 6789 0123").unwrap_err();
        assert!(!e.to_string().contains("2345"), "{e}");
        assert!(s.set(SecretName::ClientSecret, "  \n").is_err());
        assert!(SecretName::parse("operator.pin").is_err());
        assert_eq!(
            SecretName::parse("client_secret").unwrap(),
            SecretName::ClientSecret
        );
    }

    /// 943513566359 passed the wrong table of commit c7f7298 and fails Verhoeff's check
    /// (python-stdnum agrees: crates/instantpay/tests/aadhaar-stdnum.txt, "old-table-only").
    #[test]
    fn a_stored_number_that_fails_the_check_still_loads_is_never_used_and_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SECRETS_FILE_NAME);
        crate::config::write_file(&path, "\"operator.aadhaar\" = \"9435 1356 6359\"\n", true)
            .unwrap();
        let mut s = Secrets::load(&path).expect("a store under the old rule loads");
        assert!(s.is_set(SecretName::Aadhaar));
        assert_eq!(s.aadhaar.as_ref().unwrap().masked(), "XXXX XXXX 6359");
        let e = s.aadhaar().unwrap_err();
        assert!(
            matches!(e, SecretsError::StoredAadhaarInvalid { .. }),
            "{e:?}"
        );
        let said = e.to_string();
        assert!(
            said.contains("XXXX XXXX 6359") && said.contains("config set-secret operator.aadhaar")
        );
        assert!(
            !said.contains("94351356") && !format!("{s:?}").contains("9435"),
            "{said}"
        );
        // Setting another secret keeps it as it was; setting the Aadhaar replaces it.
        s.set(SecretName::ClientSecret, "cs").unwrap();
        s.save(&path).unwrap();
        let mut back = Secrets::load(&path).unwrap();
        assert!(back.aadhaar().is_err());
        back.set(SecretName::Aadhaar, DEMO_AADHAAR).unwrap();
        back.save(&path).unwrap();
        let back = Secrets::load(&path).unwrap();
        assert_eq!(back.aadhaar().unwrap().masked(), "XXXX XXXX 7058");
    }

    #[test]
    fn garbage_files_are_damaged_not_panics() {
        for text in [
            "\"operator.aadhaar\" = \"1234\"",
            "\"instantpay.client_secret\" = 5",
            "x = \"y\"",
            "\"instantpay.client_secret\" = \"unterminated",
            "[[[",
            "\"instantpay.client_secret\" = \"dpapi:not-base64-1234\"",
            "\"instantpay.client_secret\" = \"dpapi:AAAA\"",
        ] {
            let e = Secrets::parse(text).unwrap_err();
            assert!(!e.contains("1234"), "{e}");
        }
    }
}
