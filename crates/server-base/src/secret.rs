//! One rule for a secret that a server reads at start: from an environment variable, or from a
//! file named by another variable (or a flag), never both, and a warning when the file can be
//! read by users other than its owner. Trailing whitespace (a file's last newline) is dropped.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

/// Why a secret could not be read. Never holds the secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("Set only one of {inline} and {file}: both are set, and it is not clear which to use")]
    Both { inline: String, file: String },
    #[error(
        "Cannot read {what} from {path} (named by {file}): {why}. Check the path and that the server's user may read it"
    )]
    Unreadable {
        what: String,
        file: String,
        path: PathBuf,
        why: std::io::Error,
    },
    #[error("The file {path} (named by {file}) is empty; put {what} in it")]
    Empty {
        what: String,
        file: String,
        path: PathBuf,
    },
}

/// Where a secret may come from: its inline value (an environment variable or a flag) and a
/// file's path, each with the name an operator set it by.
pub struct Source<'a> {
    /// What the secret is, for messages ("the control key").
    pub what: &'a str,
    pub inline: Option<(String, Zeroizing<String>)>,
    pub file: Option<(String, PathBuf)>,
}

impl<'a> Source<'a> {
    /// The variables `name` and `name_FILE` (`CONNPAY_CONTROL_KEY`, `CONNPAY_CONTROL_KEY_FILE`).
    /// An empty variable counts as unset.
    pub fn env(what: &'a str, name: &str) -> Source<'a> {
        let file_var = format!("{name}_FILE");
        Source {
            what,
            inline: std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| (name.to_owned(), Zeroizing::new(v))),
            file: std::env::var_os(&file_var)
                .filter(|v| !v.is_empty())
                .map(|p| (file_var, PathBuf::from(p))),
        }
    }

    /// Adds a flag's value (`--ops-token-file PATH`) where the variable is not set; both at once
    /// is refused by `read`.
    pub fn or_file_flag(mut self, flag: &str, path: Option<PathBuf>) -> Source<'a> {
        if let Some(path) = path {
            if let Some((name, _)) = &self.file {
                // Two files named: refused like an inline value beside a file.
                self.inline = Some((name.clone(), Zeroizing::new(String::new())));
            }
            self.file = Some((flag.to_owned(), path));
        }
        self
    }

    /// The secret, `None` when neither source is set.
    pub fn read(self) -> Result<Option<Zeroizing<String>>, SecretError> {
        match (self.inline, self.file) {
            (Some((inline, _)), Some((file, _))) => Err(SecretError::Both { inline, file }),
            (Some((_, value)), None) => Ok(Some(trimmed(value))),
            (None, Some((file, path))) => {
                warn_if_shared(&path, self.what);
                let text =
                    std::fs::read_to_string(&path).map_err(|why| SecretError::Unreadable {
                        what: self.what.to_owned(),
                        file: file.clone(),
                        path: path.clone(),
                        why,
                    })?;
                let value = trimmed(Zeroizing::new(text));
                if value.is_empty() {
                    return Err(SecretError::Empty {
                        what: self.what.to_owned(),
                        file,
                        path,
                    });
                }
                Ok(Some(value))
            }
            (None, None) => Ok(None),
        }
    }
}

fn trimmed(value: Zeroizing<String>) -> Zeroizing<String> {
    if value.trim() == value.as_str() {
        return value;
    }
    Zeroizing::new(value.trim().to_owned())
}

/// Warns when a file of secrets can be read by anyone but its owner.
pub fn warn_if_shared(path: &Path, what: &str) {
    if crate::os::shared_with_others(path) {
        tracing::warn!(
            "the file holding {what}, {}, is readable by other users; chmod 600 it",
            path.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(v: &str) -> Option<(String, Zeroizing<String>)> {
        Some(("X_KEY".into(), Zeroizing::new(v.into())))
    }

    #[test]
    fn one_source_at_most() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        std::fs::write(&path, "s3cret\n").unwrap();
        let both = Source {
            what: "the key",
            inline: inline("a"),
            file: Some(("X_KEY_FILE".into(), path.clone())),
        };
        let e = both.read().unwrap_err().to_string();
        assert!(e.contains("X_KEY and X_KEY_FILE"), "{e}");
        let file = Source {
            what: "the key",
            inline: None,
            file: Some(("X_KEY_FILE".into(), path.clone())),
        };
        assert_eq!(file.read().unwrap().unwrap().as_str(), "s3cret");
        let flag = Source {
            what: "the key",
            inline: None,
            file: Some(("X_KEY_FILE".into(), path.clone())),
        }
        .or_file_flag("--key-file", Some(path.clone()));
        assert!(matches!(flag.read(), Err(SecretError::Both { .. })));
        let none = Source {
            what: "the key",
            inline: None,
            file: None,
        };
        assert!(none.read().unwrap().is_none());
        assert_eq!(
            Source {
                what: "k",
                inline: inline(" v "),
                file: None
            }
            .read()
            .unwrap()
            .unwrap()
            .as_str(),
            "v"
        );
        let missing = Source {
            what: "the key",
            inline: None,
            file: Some(("X_KEY_FILE".into(), dir.path().join("nope"))),
        };
        let e = missing.read().unwrap_err().to_string();
        assert!(e.contains("X_KEY_FILE") && !e.contains("s3cret"), "{e}");
    }
}
