//! The Setup screen: the service's configuration as the page shows it (values in force, each
//! secret as set / not set, the Aadhaar masked), the questions asked with the wizard's words,
//! and what the service said to a change. The checks and the change itself are the library's
//! (`rd_agent::setup`): the page adds no rule of its own. No secret is ever in these views.

use rd_agent::agent::ipc::IpcError;
use rd_agent::config::View;
use rd_agent::i18n::{Catalog, Lang, Msg};
use rd_agent::setup::{DIRECT, Field};
use serde::Serialize;

/// The screen in one language.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SetupView {
    /// The service could not be asked: why. The forms are still shown, empty.
    pub(crate) unavailable: Option<String>,
    /// The service logs in through a login relay.
    pub(crate) relay: bool,
    /// "This PC logs in through the login relay at …", in fleet mode.
    pub(crate) fleet_now: Option<String>,
    /// Nothing is missing for a login.
    pub(crate) ready: bool,
    /// "Everything a login needs is set." or "Still missing for a login:".
    pub(crate) status: String,
    /// What a login still lacks, said for this form (`rd_agent::setup::missing`).
    pub(crate) missing: Vec<String>,
    pub(crate) direct: Vec<FieldView>,
    pub(crate) fleet: Vec<FieldView>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FieldView {
    pub(crate) name: &'static str,
    pub(crate) label: String,
    pub(crate) secret: bool,
    /// The value in force (never a secret's).
    pub(crate) value: String,
    /// For a secret: "Now: set", "Now: XXXX XXXX 1234".
    pub(crate) now: Option<String>,
}

/// The field of the enrolment code, which is no setting.
pub(crate) const CODE: &str = "code";

pub(crate) fn view(got: Result<&View, &IpcError>, lang: Lang) -> SetupView {
    let cat = Catalog::get(lang);
    let field = |name: &str| {
        let f = Field::of(name).expect("setup asks this field");
        let view = got.ok();
        FieldView {
            name: f.name,
            label: cat.render(&f.question),
            secret: f.secret,
            value: if f.secret {
                String::new()
            } else {
                view.and_then(|v| v.value(name)).unwrap_or_default()
            },
            now: f
                .secret
                .then(|| view.and_then(|v| v.secret_shown(name)))
                .flatten()
                .map(|shown| cat.render(&Msg::new("page-setup-now").arg("shown", shown))),
        }
    };
    let mut fleet = vec![
        field("relay.url"),
        FieldView {
            name: CODE,
            label: cat.tr("setup-ask-code"),
            secret: false,
            value: String::new(),
            now: None,
        },
        field("operator.aadhaar"),
    ];
    let direct = DIRECT.iter().map(|n| field(n)).collect();
    match got {
        Ok(v) => {
            let relay = v.relay_mode();
            if !relay {
                // The address belongs to fleet mode; a direct service has none to show.
                fleet[0].value.clear();
            }
            SetupView {
                unavailable: None,
                relay,
                fleet_now: relay.then(|| {
                    cat.render(
                        &Msg::new("page-setup-fleet-now")
                            .arg("url", v.value("relay.url").unwrap_or_default()),
                    )
                }),
                ready: v.problems().is_empty(),
                status: cat.tr(if v.problems().is_empty() {
                    "page-setup-ready"
                } else {
                    "page-setup-missing"
                }),
                missing: rd_agent::setup::missing(v)
                    .iter()
                    .map(|m| cat.render(m))
                    .collect(),
                direct,
                fleet,
            }
        }
        Err(e) => SetupView {
            unavailable: Some(cat.render(&crate::live::refusal(e))),
            relay: false,
            fleet_now: None,
            ready: false,
            status: String::new(),
            missing: Vec::new(),
            direct,
            fleet,
        },
    }
}

/// One field's check, as the page shows it while the operator types.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CheckView {
    pub(crate) ok: bool,
    /// The value as it will be kept (a latitude of 3 decimals gains a fourth); never a secret.
    pub(crate) value: Option<String>,
    pub(crate) said: String,
}

pub(crate) fn check(name: &str, text: &str, lang: Lang) -> CheckView {
    let cat = Catalog::get(lang);
    if name == CODE {
        return match text.trim() {
            "" => refused_code(cat),
            _ => CheckView {
                ok: true,
                value: None,
                said: cat.tr("page-setup-accepted"),
            },
        };
    }
    match rd_agent::setup::check(name, text) {
        Ok(value) => CheckView {
            ok: true,
            value,
            said: cat.tr("page-setup-accepted"),
        },
        Err(r) => CheckView {
            ok: false,
            value: None,
            said: cat.render(&r.said),
        },
    }
}

fn refused_code(cat: &Catalog) -> CheckView {
    CheckView {
        ok: false,
        value: None,
        said: cat.render(
            &Msg::new("config-value-refused")
                .arg("field", Msg::new("setup-field-code"))
                .arg("reason", Msg::new("config-reason-blank")),
        ),
    }
}

/// What a setup request ended with.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DoneView {
    pub(crate) ok: bool,
    /// The field to ask again, when one was refused.
    pub(crate) field: Option<&'static str>,
    pub(crate) said: String,
    pub(crate) setup: SetupView,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rd_agent::i18n::check::english_runs;

    #[test]
    fn every_field_has_its_words_in_both_languages_and_secrets_have_no_value() {
        for lang in Lang::ALL {
            let v = view(Err(&IpcError::NotRunning("x".into())), lang);
            assert!(v.unavailable.is_some());
            assert_eq!(v.direct.len(), 8);
            assert_eq!(v.fleet.len(), 3);
            for f in v.direct.iter().chain(&v.fleet) {
                assert!(!f.label.is_empty() && !f.label.contains("-ask-"), "{f:?}");
                if lang == Lang::Hi {
                    assert!(english_runs(&f.label, 3).is_empty(), "{}", f.label);
                }
                if f.secret {
                    assert!(f.value.is_empty());
                }
            }
        }
        let c = check("instantpay.outlet_id", "12ab", Lang::Hi);
        assert!(!c.ok && c.said.contains("12ab"), "{c:?}");
        let c = check("outlet.longitude", "77.209", Lang::En);
        assert_eq!(c.value.as_deref(), Some("77.2090"));
        let c = check("instantpay.client_secret", "s3cret-typed", Lang::En);
        assert!(c.ok && c.value.is_none());
        assert!(!check(CODE, " ", Lang::En).ok);
    }
}
