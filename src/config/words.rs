//! How setup names a key to a person: the question (with an example) and the short name a
//! refusal uses. The terminal wizard (src/cli/wizard.rs) and the operator's page
//! (crates/page) ask with the same words.

use super::{Key, SecretName};
use crate::i18n::Msg;

/// A key's question and its short name. `None` for the keys setup does not ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Words {
    question: &'static str,
    field: &'static str,
}

impl Words {
    pub(crate) fn of(key: Key) -> Option<Words> {
        let (question, field) = match key {
            Key::BaseUrl => ("config-ask-base-url", "config-field-base-url"),
            Key::ClientId => ("config-ask-client-id", "config-field-client-id"),
            Key::OutletId => ("config-ask-outlet-id", "config-field-outlet-id"),
            Key::EndpointIp => ("config-ask-endpoint-ip", "config-field-endpoint-ip"),
            Key::Latitude => ("config-ask-latitude", "config-field-latitude"),
            Key::Longitude => ("config-ask-longitude", "config-field-longitude"),
            Key::RdPorts => ("config-ask-rd-ports", "config-field-rd-ports"),
            Key::MinQscore => ("config-ask-min-qscore", "config-field-min-qscore"),
            Key::MinNmpoints => ("config-ask-min-nmpoints", "config-field-min-nmpoints"),
            Key::Mode
            | Key::ReadTimeoutSecs
            | Key::SettleWindowSecs
            | Key::RdHost
            | Key::RdEnv
            | Key::RdTrustedUsers
            | Key::ReminderAt
            | Key::Language
            | Key::RelayUrl
            | Key::ClientSecret
            | Key::EncryptionKey
            | Key::RelayToken
            | Key::Aadhaar => return None,
        };
        Some(Words { question, field })
    }

    pub(crate) fn question(&self) -> Msg {
        Msg::new(self.question)
    }

    pub(crate) fn field(&self) -> Msg {
        Msg::new(self.field)
    }

    /// "Not accepted: the outlet id must be digits only… Please type it again."
    pub(crate) fn refused(&self, reason: Msg) -> Msg {
        Msg::new("config-value-refused")
            .arg("field", self.field())
            .arg("reason", reason)
    }
}

/// What a secret is and where the operator finds it.
pub(crate) fn secret_question(name: SecretName) -> Msg {
    Msg::new(match name {
        SecretName::ClientSecret => "config-ask-client-secret",
        SecretName::EncryptionKey => "config-ask-encryption-key",
        SecretName::Aadhaar => "config-ask-aadhaar",
        SecretName::RelayToken => "config-ask-relay-token",
    })
}
