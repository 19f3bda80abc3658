//! The sentences a person reads, in their language: the Fluent catalogues in `locales/`
//! (English and Hindi to start; locales/README.md says how to add one). `--json` output and
//! logs stay English and machine-keyed whatever the language.
//!
//! The use case says what happened as a [`Msg`] (a message id and its arguments); each front
//! end renders it with its own [`Catalog`].

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

const EN: &str = include_str!("../locales/en/rd-agent.ftl");
const HI: &str = include_str!("../locales/hi/rd-agent.ftl");

/// A language rd-agent speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Hi,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Hi];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Hi => "hi",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => EN,
            Lang::Hi => HI,
        }
    }

    /// A locale name as the OS gives it (`hi_IN.UTF-8`, `hi-IN`, `en_US`, `C`): its language
    /// if we speak it.
    pub fn from_locale(name: &str) -> Option<Lang> {
        let lang = name
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match lang.as_str() {
            "hi" => Some(Lang::Hi),
            "en" | "c" | "posix" => Some(Lang::En),
            _ => None,
        }
    }

    /// [`Lang::from_setting`] over this process's environment.
    pub fn from_setting_here(setting: &str) -> Lang {
        Lang::from_setting(setting, |k| std::env::var(k).ok())
    }

    /// `ui.language`: `en`, `hi`, or `auto` (the user's locale: `LC_ALL`, then `LC_MESSAGES`,
    /// then `LANG`, the first that is set; English when none names a language we speak).
    pub fn from_setting(setting: &str, env: impl Fn(&str) -> Option<String>) -> Lang {
        match setting {
            "hi" => Lang::Hi,
            "en" => Lang::En,
            _ => ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .find_map(|k| env(k).filter(|v| !v.is_empty()))
                .and_then(|v| Lang::from_locale(&v))
                .unwrap_or(Lang::En),
        }
    }
}

/// A sentence to show: a catalogue id and its arguments.
#[derive(Debug, Clone)]
pub struct Msg {
    pub id: &'static str,
    pub args: Vec<(&'static str, FluentValue<'static>)>,
}

impl Msg {
    pub fn new(id: &'static str) -> Msg {
        Msg {
            id,
            args: Vec::new(),
        }
    }

    /// Add an argument: text, or a number (plural forms select on numbers).
    pub fn arg(mut self, name: &'static str, value: impl Into<FluentValue<'static>>) -> Msg {
        self.args.push((name, value.into()));
        self
    }

    /// The English sentence (logs, and sinks that have no language of their own).
    pub fn english(&self) -> String {
        Catalog::get(Lang::En).render(self)
    }
}

/// One language's messages.
pub struct Catalog {
    bundle: FluentBundle<FluentResource>,
}

impl Catalog {
    /// The catalogue of `lang`, parsed once per process.
    pub fn get(lang: Lang) -> &'static Catalog {
        static EN_CAT: OnceLock<Catalog> = OnceLock::new();
        static HI_CAT: OnceLock<Catalog> = OnceLock::new();
        let cell = match lang {
            Lang::En => &EN_CAT,
            Lang::Hi => &HI_CAT,
        };
        cell.get_or_init(|| Catalog::parse(lang))
    }

    fn parse(lang: Lang) -> Catalog {
        // The files are compiled in and checked by the tests below, so a parse error is a
        // build that must not ship; the messages that did parse are still used.
        let res = FluentResource::try_new(lang.source().to_string()).unwrap_or_else(|(r, _)| r);
        let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // No Unicode isolation marks: terminals print them as garbage.
        bundle.set_use_isolating(false);
        let _ = bundle.add_resource(res);
        Catalog { bundle }
    }

    /// `msg` in this language; English when this catalogue lacks the id, the id itself when
    /// English does too (never a panic, never an empty line).
    pub fn render(&self, msg: &Msg) -> String {
        let mut args = FluentArgs::new();
        for (k, v) in &msg.args {
            args.set(*k, v.clone());
        }
        let pattern = self
            .bundle
            .get_message(msg.id)
            .and_then(|m| m.value())
            .map(|p| (&self.bundle, p))
            .or_else(|| {
                let en = &Catalog::get(Lang::En).bundle;
                en.get_message(msg.id)
                    .and_then(|m| m.value())
                    .map(|p| (en, p))
            });
        match pattern {
            Some((bundle, p)) => {
                let mut errors = Vec::new();
                bundle
                    .format_pattern(p, Some(&args), &mut errors)
                    .into_owned()
            }
            None => msg.id.to_string(),
        }
    }

    /// Shorthand for a message without arguments.
    pub fn tr(&self, id: &'static str) -> String {
        self.render(&Msg::new(id))
    }
}

/// An amount as people in India write it: `₹1,23,456.78` (the last three digits of rupees,
/// then groups of two), always two decimals.
pub fn rupees(amount: &instantpay::Amount) -> String {
    let paise = amount.paise();
    let abs = paise.unsigned_abs();
    let digits = (abs / 100).to_string();
    let (head, last3) = digits.split_at(digits.len().saturating_sub(3));
    let mut groups: Vec<&str> = Vec::new();
    let mut rest = head;
    while rest.len() > 2 {
        let (h, t) = rest.split_at(rest.len() - 2);
        groups.push(t);
        rest = h;
    }
    if !rest.is_empty() {
        groups.push(rest);
    }
    groups.reverse();
    groups.push(last3);
    let sign = if paise < 0 { "-" } else { "" };
    format!("{sign}₹{}.{:02}", groups.join(","), abs % 100)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use fluent_syntax::ast;

    use super::*;

    /// Every message of a catalogue with the variables it uses.
    fn shape(src: &str) -> BTreeMap<String, BTreeSet<String>> {
        let res = fluent_syntax::parser::parse(src).expect("the catalogue parses");
        let mut out = BTreeMap::new();
        for entry in res.body {
            if let ast::Entry::Message(m) = entry {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    vars_of(p, &mut vars);
                }
                out.insert(m.id.name.to_string(), vars);
            }
        }
        out
    }

    fn vars_of(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
        for el in &p.elements {
            if let ast::PatternElement::Placeable { expression } = el {
                expr_vars(expression, out);
            }
        }
    }

    fn expr_vars(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
        match e {
            ast::Expression::Select { selector, variants } => {
                inline_vars(selector, out);
                for v in variants {
                    vars_of(&v.value, out);
                }
            }
            ast::Expression::Inline(i) => inline_vars(i, out),
        }
    }

    fn inline_vars(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
        match i {
            ast::InlineExpression::VariableReference { id } => {
                out.insert(id.name.to_string());
            }
            ast::InlineExpression::Placeable { expression } => expr_vars(expression, out),
            _ => {}
        }
    }

    #[test]
    fn every_catalogue_has_every_id_with_the_same_variables() {
        let en = shape(EN);
        assert!(en.len() > 300, "the English catalogue is the reference");
        for lang in Lang::ALL {
            let other = shape(lang.source());
            assert_eq!(
                en.keys().collect::<Vec<_>>(),
                other.keys().collect::<Vec<_>>(),
                "{} has other ids than en",
                lang.code()
            );
            for (id, vars) in &en {
                assert_eq!(
                    vars,
                    &other[id],
                    "{}: {id} takes other variables",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn the_hindi_is_hindi_not_english_left_untranslated() {
        // Messages that are only a layout around variables and names.
        let layout_only = [
            "login-rejected-reason",
            "config-prompt-value",
            "config-error-invalid",
            "secrets-error-aadhaar",
            "api-error-reply",
        ];
        let en = shape(EN);
        let hi = Catalog::get(Lang::Hi);
        let en_cat = Catalog::get(Lang::En);
        for id in en.keys() {
            if layout_only.contains(&id.as_str()) {
                continue;
            }
            let id: &'static str = Box::leak(id.clone().into_boxed_str());
            let mut msg = Msg::new(id);
            for v in &en[id] {
                let v: &'static str = Box::leak(v.clone().into_boxed_str());
                msg = msg.arg(v, 2);
            }
            let text = hi.render(&msg);
            assert!(
                text.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c)),
                "hi {id} has no Devanagari: {text}"
            );
            assert_ne!(text, en_cat.render(&msg), "hi {id} is the English text");
        }
    }

    #[test]
    fn locales_and_settings_choose_the_language() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_setting("hi", env(&[])), Lang::Hi);
        assert_eq!(
            Lang::from_setting("en", env(&[("LANG", "hi_IN.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_setting("auto", env(&[("LANG", "hi_IN.UTF-8")])),
            Lang::Hi
        );
        assert_eq!(
            Lang::from_setting("auto", env(&[("LANG", "C.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_setting("auto", env(&[("LC_ALL", "en_IN"), ("LANG", "hi_IN")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_setting("auto", env(&[("LANG", "ta_IN.UTF-8")])),
            Lang::En
        );
        assert_eq!(Lang::from_setting("auto", env(&[])), Lang::En);
    }

    #[test]
    fn a_message_renders_with_its_arguments_and_plurals() {
        let hi = Catalog::get(Lang::Hi);
        let m = Msg::new("login-using-rd-service")
            .arg("port", 11100)
            .arg("info", "Mantra");
        assert!(hi.render(&m).contains("11100") && hi.render(&m).contains("Mantra"));
        let one = Msg::new("login-unresolved-attempts").arg("count", 1);
        let two = Msg::new("login-unresolved-attempts").arg("count", 2);
        assert!(
            one.english().starts_with("1 earlier attempt has"),
            "{}",
            one.english()
        );
        assert!(
            two.english().starts_with("2 earlier attempts have"),
            "{}",
            two.english()
        );
        assert_eq!(Catalog::get(Lang::En).tr("no-such-id"), "no-such-id");
    }

    #[test]
    fn rupees_are_grouped_as_in_india() {
        let r = |p: i64| rupees(&instantpay::Amount::from_paise(p));
        assert_eq!(r(118), "₹1.18");
        assert_eq!(r(0), "₹0.00");
        assert_eq!(r(499_882), "₹4,998.82");
        assert_eq!(r(12_345_678), "₹1,23,456.78");
        assert_eq!(r(12_345_678_900), "₹12,34,56,789.00");
        assert_eq!(r(-500_000), "-₹5,000.00");
    }
}
