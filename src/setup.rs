//! Setup as a client of the service makes it (the operator's page): the values and secrets
//! asked, each checked as the terminal wizard checks it (`Key::set`, `Secrets::check`, with
//! the wizard's words), the change sent to the service over the IPC, and enrolment in a login
//! relay as `rd-agent enroll` does it. The service decides who may change what; nothing here
//! keeps or shows a secret.

use zeroize::Zeroizing;

use crate::agent::ipc::{self, IpcError};
use crate::config::words::{Words, secret_question};
use crate::config::{Change, Config, Key, SecretName, Secrets, View};
use crate::i18n::Msg;

/// What direct mode asks, in the order asked: InstantPay's values, then the three secrets.
pub const DIRECT: [&str; 8] = [
    "instantpay.client_id",
    "instantpay.outlet_id",
    "instantpay.endpoint_ip",
    "outlet.latitude",
    "outlet.longitude",
    "instantpay.client_secret",
    "instantpay.encryption_key",
    "operator.aadhaar",
];

/// One question of the setup form.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub secret: bool,
    /// The wizard's question, with its example.
    pub question: Msg,
}

impl Field {
    /// The field `name` names, if setup asks it.
    pub fn of(name: &str) -> Option<Field> {
        let key = Key::parse(name)?;
        let (secret, question) = match key.secret() {
            Some(secret) => (true, secret_question(secret)),
            None if key == Key::RelayUrl => (false, Msg::new("setup-ask-relay-url")),
            None => (false, Words::of(key)?.question()),
        };
        Some(Field {
            name: key.name(),
            secret,
            question,
        })
    }
}

/// The short name a refusal gives a value (the wizard's, and the relay's address).
fn field_name(key: Key) -> Option<Msg> {
    match Words::of(key) {
        Some(w) => Some(w.field()),
        None if key == Key::RelayUrl => Some(Msg::new("setup-field-relay-url")),
        None => None,
    }
}

/// Why a field's text was refused: the sentence the wizard says, naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub name: &'static str,
    pub said: Msg,
}

/// Check one field's text as the wizard would take it; for a value, the text as it is kept
/// (a latitude of 3 decimals gains a fourth), for a secret `None` (it is never echoed).
pub fn check(name: &str, text: &str) -> Result<Option<String>, Refused> {
    let Some(key) = Key::parse(name).filter(|_| Field::of(name).is_some()) else {
        return Err(unknown(name));
    };
    let text = text.trim();
    if let Some(secret) = key.secret() {
        return match Secrets::check(secret, text) {
            Ok(()) => Ok(None),
            Err(e) => Err(Refused {
                name: key.name(),
                said: Msg::new("config-secret-refused").arg("reason", e.msg()),
            }),
        };
    }
    let field = field_name(key).ok_or_else(|| unknown(name))?;
    let refused = |reason| Refused {
        name: key.name(),
        said: Msg::new("config-value-refused")
            .arg("field", field.clone())
            .arg("reason", reason),
    };
    if text.is_empty() {
        return Err(refused(Msg::new("config-reason-blank")));
    }
    let mut cfg = Config::default();
    key.set(&mut cfg, text).map_err(refused)?;
    Ok(key.get(&cfg))
}

/// Why setup did not change the service: a field's refusal, or the service's own sentence
/// (a member who may not replace what is set, a service that is not running).
#[derive(Debug)]
pub enum SetupError {
    Field(Refused),
    Service(IpcError),
    /// The login relay refused the enrolment (a used or expired code, no answer).
    Relay(Msg),
}

impl SetupError {
    pub fn msg(&self) -> Msg {
        match self {
            SetupError::Field(r) => r.said.clone(),
            SetupError::Service(IpcError::Refused(said)) => said.clone(),
            SetupError::Service(e) => e.msg(),
            SetupError::Relay(said) => said.clone(),
        }
    }

    /// The field to ask again, if one was refused.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            SetupError::Field(r) if !r.name.is_empty() => Some(r.name),
            SetupError::Field(_) | SetupError::Service(_) | SetupError::Relay(_) => None,
        }
    }
}

/// The service's configuration, as setup shows it (no secret).
pub async fn show(endpoint: &std::path::Path) -> Result<View, IpcError> {
    ipc::connect(endpoint).await?.config_show().await
}

/// Direct mode: the values and secrets typed (empty ones left out: a secret left empty keeps
/// the stored one), each checked here first so that a refusal names its field; then the
/// service checks the whole change again and decides whether this user may make it.
pub async fn direct(
    endpoint: &std::path::Path,
    values: &[(String, String)],
    secrets: &[(String, Zeroizing<String>)],
) -> Result<View, SetupError> {
    let mut change = Change {
        values: vec![(Key::Mode, "direct".to_string())],
        ..Change::default()
    };
    let asked = |name: &str| DIRECT.contains(&name);
    for (name, text) in values.iter().filter(|(_, t)| !t.trim().is_empty()) {
        if !asked(name) {
            return Err(SetupError::Field(unknown(name)));
        }
        check(name, text).map_err(SetupError::Field)?;
        let key = Key::parse(name).filter(|k| k.secret().is_none());
        let key = key.ok_or_else(|| SetupError::Field(unknown(name)))?;
        change.values.push((key, text.trim().to_string()));
    }
    for (name, text) in secrets.iter().filter(|(_, t)| !t.trim().is_empty()) {
        if !asked(name) {
            return Err(SetupError::Field(unknown(name)));
        }
        check(name, text).map_err(SetupError::Field)?;
        let secret = Key::parse(name).and_then(Key::secret);
        let secret = secret.ok_or_else(|| SetupError::Field(unknown(name)))?;
        change
            .secrets
            .push((secret, Zeroizing::new(text.trim().to_string())));
    }
    let mut c = ipc::connect(endpoint).await.map_err(SetupError::Service)?;
    c.config_change(&change).await.map_err(SetupError::Service)
}

fn unknown(name: &str) -> Refused {
    Refused {
        name: "",
        said: Msg::new("config-error-unknown-key")
            .arg("source", "page")
            .arg("key", name.chars().take(60).collect::<String>()),
    }
}

/// Before the one-time code is spent: relay mode at `relay_url`, the relay's token (a
/// placeholder when only checking) and the direct mode's own secrets dropped.
pub(crate) fn enrolment(relay_url: &str, token: &str) -> Change {
    Change {
        values: vec![
            (Key::Mode, "relay".to_string()),
            (Key::RelayUrl, relay_url.to_string()),
        ],
        secrets: vec![(SecretName::RelayToken, Zeroizing::new(token.to_string()))],
        clear: vec![SecretName::ClientSecret, SecretName::EncryptionKey],
        ..Change::default()
    }
}

/// The relay's reply as a change: its token and the outlet's values from its registry.
pub(crate) fn enrolled(relay_url: &str, reply: &relay_api::EnrollReply) -> Change {
    let mut change = enrolment(relay_url, &reply.token);
    change.values.extend([
        (Key::OutletId, reply.outlet_id.clone()),
        (Key::Latitude, reply.latitude.clone()),
        (Key::Longitude, reply.longitude.clone()),
    ]);
    change
}

/// Fleet mode: what `rd-agent enroll` does, through the service. The change is checked before
/// the code is spent (a member re-enrolling a service set up by someone else stops there),
/// and the operator's Aadhaar, typed beside the code, is stored with the relay's token: the
/// relay never chooses it.
pub async fn enrol(
    endpoint: &std::path::Path,
    relay_url: &str,
    code: &str,
    aadhaar: &Zeroizing<String>,
) -> Result<View, SetupError> {
    let relay_url = relay_url.trim().trim_end_matches('/');
    let code = code.trim();
    check(Key::RelayUrl.name(), relay_url).map_err(SetupError::Field)?;
    if code.is_empty() {
        return Err(SetupError::Field(Refused {
            name: "code",
            said: Msg::new("config-value-refused")
                .arg("field", Msg::new("setup-field-code"))
                .arg("reason", Msg::new("config-reason-blank")),
        }));
    }
    check(SecretName::Aadhaar.key(), aadhaar).map_err(SetupError::Field)?;
    let with_aadhaar = |mut change: Change| {
        change.secrets.push((
            SecretName::Aadhaar,
            Zeroizing::new(aadhaar.trim().to_string()),
        ));
        change
    };
    let mut first = with_aadhaar(enrolment(relay_url, "(not yet)"));
    first.check_only = true;
    ipc::connect(endpoint)
        .await
        .map_err(SetupError::Service)?
        .config_change(&first)
        .await
        .map_err(SetupError::Service)?;
    let reply = relay_api::enroll(relay_url, code, &host_name())
        .await
        .map_err(|e| SetupError::Relay(crate::i18n::errors::api_error(&e)))?;
    ipc::connect(endpoint)
        .await
        .map_err(SetupError::Service)?
        .config_change(&with_aadhaar(enrolled(relay_url, &reply)))
        .await
        .map_err(SetupError::Service)
}

/// What a login still lacks, said for the setup form. The service names a missing value or
/// secret with the command that sets it, which a person at the form has no use for: the form
/// asks for it itself, and the relay token comes from enrolling with a code. Recognised by the
/// message's id and key, so a service of any version is understood.
pub fn missing(view: &View) -> Vec<Msg> {
    view.problems().iter().map(for_the_form).collect()
}

fn for_the_form(problem: &Msg) -> Msg {
    let names_a_key = matches!(
        problem.ids().first(),
        Some(&("config-secret-not-set" | "config-error-missing"))
    );
    let key = names_a_key
        .then(|| problem.text_arg("key"))
        .flatten()
        .and_then(Key::parse);
    let Some(key) = key else {
        return problem.clone();
    };
    let name = match key.secret() {
        Some(SecretName::RelayToken) => return Msg::new("page-setup-not-enrolled"),
        Some(SecretName::ClientSecret) => Msg::new("page-secret-client-secret"),
        Some(SecretName::EncryptionKey) => Msg::new("page-secret-encryption-key"),
        Some(SecretName::Aadhaar) => Msg::new("page-secret-aadhaar"),
        None => match field_name(key) {
            Some(name) => name,
            None => return problem.clone(),
        },
    };
    Msg::new("page-setup-not-set").arg("name", name)
}

/// This computer's name, for the relay's device list.
pub(crate) fn host_name() -> String {
    let from_env = std::env::var("COMPUTERNAME").or_else(|_| std::env::var("HOSTNAME"));
    let name = from_env
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .unwrap_or_default();
    name.trim().chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Catalog, Lang};

    #[test]
    fn the_form_asks_for_what_is_missing_instead_of_naming_a_command() {
        let secret = |name: SecretName| Msg::new("config-secret-not-set").arg("key", name.key());
        let value = |key: &str| {
            Msg::new("config-error-missing")
                .arg("key", key)
                .arg("hint", Msg::new("config-missing-hint").arg("env_var", "X"))
        };
        for (said, expected) in [
            (
                secret(SecretName::ClientSecret),
                "Not set yet: the InstantPay client secret. Type it in the form below.",
            ),
            (
                secret(SecretName::EncryptionKey),
                "Not set yet: InstantPay's encryption key. Type it in the form below.",
            ),
            (
                secret(SecretName::Aadhaar),
                "Not set yet: the operator's Aadhaar number. Type it in the form below.",
            ),
            (
                secret(SecretName::RelayToken),
                "This PC is not enrolled yet: enrol it below with the code from your platform.",
            ),
            (
                value("instantpay.client_id"),
                "Not set yet: the client id. Type it in the form below.",
            ),
            (
                value("relay.url"),
                "Not set yet: the login relay's address. Type it in the form below.",
            ),
        ] {
            let asked = for_the_form(&said);
            assert_eq!(Catalog::get(Lang::En).render(&asked), expected);
            for lang in Lang::ALL {
                let cat = Catalog::get(lang);
                // What the service says names a command; what the form shows does not.
                assert!(cat.render(&said).contains("rd-agent config"));
                let text = cat.render(&asked);
                assert!(!text.contains("rd-agent") && !text.contains('{'), "{text}");
                if lang == Lang::Hi {
                    assert!(
                        crate::i18n::check::english_runs(&text, 3).is_empty(),
                        "{text}"
                    );
                }
            }
        }
        // Any other problem is shown as the service said it.
        let other = Msg::new("config-secret-not-set").arg("key", "instantpay.nonsense");
        assert_eq!(for_the_form(&other), other);
        let other = Msg::new("page-setup-ready");
        assert_eq!(for_the_form(&other), other);
    }

    #[test]
    fn each_field_is_checked_as_the_wizard_checks_it() {
        assert_eq!(
            check("outlet.latitude", " 19.076 ").unwrap().as_deref(),
            Some("19.0760")
        );
        assert_eq!(
            check("instantpay.outlet_id", "123456").unwrap().as_deref(),
            Some("123456")
        );
        let r = check("instantpay.outlet_id", "abc").unwrap_err();
        assert_eq!(r.name, "instantpay.outlet_id");
        assert_eq!(
            Catalog::get(Lang::En).render(&r.said),
            "Not accepted: the outlet id must be digits only, e.g. 123456, not \"abc\". Please type it again."
        );
        assert!(check("outlet.latitude", "19.07").is_err());
        assert!(check("instantpay.client_id", "  ").is_err());
        // Secrets: the store's check, and never echoed.
        assert_eq!(check("operator.aadhaar", "9999 4105 7058"), Ok(None));
        let r = check("operator.aadhaar", "999941057059").unwrap_err();
        let said = Catalog::get(Lang::En).render(&r.said);
        assert!(
            said.contains("check digit") && !said.contains("7059"),
            "{said}"
        );
        let r = check("instantpay.encryption_key", "short-key").unwrap_err();
        assert!(!Catalog::get(Lang::Hi).render(&r.said).contains("short-key"));
        assert_eq!(
            check(
                "instantpay.encryption_key",
                "0123456789abcdef0123456789abcdef"
            ),
            Ok(None)
        );
        // Only what setup asks.
        assert!(check("rd.trusted_users", "x").is_err());
        assert!(check("relay.url", "").is_err());
        assert!(check("relay.url", "ftp://relay.example").is_err());
        assert!(check("relay.url", "https://relay.example").is_ok());
        for name in DIRECT {
            assert!(Field::of(name).is_some(), "{name}");
        }
    }
}
