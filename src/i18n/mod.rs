//! The sentences a person reads, in their language: the Fluent catalogues in `locales/`
//! (English and Hindi to start; locales/README.md says how to add one). `--json` output and
//! logs stay English and machine-keyed whatever the language.
//!
//! The use case says what happened as a [`Msg`] (a message id and its arguments); each front
//! end renders it with its own [`Catalog`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

#[doc(hidden)]
pub mod check;
pub(crate) mod errors;

const EN: &str = include_str!("../../locales/en/rd-agent.ftl");
const HI: &str = include_str!("../../locales/hi/rd-agent.ftl");

/// The name under which [`Lang::from_setting`] asks for the OS's UI language, after the
/// locale variables.
pub(crate) const UI_LANGUAGE: &str = "(ui language)";

/// A language rd-agent speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Hi,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Hi];

    pub(crate) fn code(self) -> &'static str {
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
    pub(crate) fn from_locale(name: &str) -> Option<Lang> {
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

    /// `ui.language`: `en`, `hi`, or `auto` (the user's locale: `LC_ALL`, then `LC_MESSAGES`,
    /// then `LANG`, the first that is set, then the OS's UI language (Windows); English when
    /// none names a language we speak).
    pub(crate) fn from_setting(setting: &str, env: impl Fn(&str) -> Option<String>) -> Lang {
        match setting {
            "hi" => Lang::Hi,
            "en" => Lang::En,
            _ => ["LC_ALL", "LC_MESSAGES", "LANG", UI_LANGUAGE]
                .iter()
                .find_map(|k| env(k).filter(|v| !v.is_empty()))
                .and_then(|v| Lang::from_locale(&v))
                .unwrap_or(Lang::En),
        }
    }
}

/// A sentence to show: a catalogue id and its arguments. It is data, not text: the service
/// sends it over IPC as it is (`{"id": ..., "args": {...}}`) and each client renders it in its
/// own language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    pub id: Cow<'static, str>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) args: BTreeMap<String, Arg>,
}

/// One argument of a [`Msg`]: a number (plural forms select on numbers), a text passed through
/// as it is (a port's reply, an OS error), or another message rendered in the same language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    Number(i64),
    Text(String),
    Msg(Box<Msg>),
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(u8, u16, u32, u64, usize, i32, i64);

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<Msg> for Arg {
    fn from(m: Msg) -> Arg {
        Arg::Msg(Box::new(m))
    }
}

impl Msg {
    pub fn new(id: &'static str) -> Msg {
        Msg {
            id: Cow::Borrowed(id),
            args: BTreeMap::new(),
        }
    }

    /// A message whose id is built at run time (`rd-error-553`, `help-login-force`): the caller
    /// makes sure the id exists, and a test walks what it builds.
    pub(crate) fn from_id(id: String) -> Msg {
        Msg {
            id: Cow::Owned(id),
            args: BTreeMap::new(),
        }
    }

    /// Text from outside that has no message of its own (an OS error, a reply's words), shown
    /// as it is in every language.
    pub(crate) fn verbatim(text: impl Into<String>) -> Msg {
        Msg::new("verbatim").arg("text", text.into())
    }

    /// Add an argument: a number, a text, or another message.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Msg {
        self.args.insert(name.to_string(), value.into());
        self
    }

    /// The text argument `name`, if the message has one: how a client recognises what a
    /// message names (the key of a missing secret) without parsing its sentence.
    pub(crate) fn text_arg(&self, name: &str) -> Option<&str> {
        match self.args.get(name) {
            Some(Arg::Text(t)) => Some(t),
            _ => None,
        }
    }

    /// This message's id and those of the messages nested in its arguments, outermost
    /// first: what a client needs to tell one kind of problem from another.
    pub fn ids(&self) -> Vec<&str> {
        let mut out = vec![self.id.as_ref()];
        for arg in self.args.values() {
            if let Arg::Msg(m) = arg {
                out.extend(m.ids());
            }
        }
        out
    }

    /// The English sentence (logs, `--json`, and sinks that have no language of their own).
    pub fn english(&self) -> String {
        Catalog::get(Lang::En).render(self)
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english())
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
        // Nested messages are rendered first, in this language. Texts and nested sentences
        // have their final full stop marked, so that where the pattern puts its own stop
        // right after them it stands once (see `join_stops`).
        let texts: BTreeMap<&str, String> = msg
            .args
            .iter()
            .filter_map(|(k, v)| match v {
                Arg::Msg(m) => Some((k.as_str(), mark_stop(self.render(m)))),
                Arg::Text(t) => Some((k.as_str(), mark_stop(t.clone()))),
                Arg::Number(_) => None,
            })
            .collect();
        let mut args = FluentArgs::new();
        for (k, v) in &msg.args {
            let value = match v {
                Arg::Number(n) => FluentValue::from(*n),
                Arg::Text(_) | Arg::Msg(_) => FluentValue::from(texts[k.as_str()].as_str()),
            };
            args.set(k.as_str(), value);
        }
        let id = msg.id.as_ref();
        let pattern = self
            .bundle
            .get_message(id)
            .and_then(|m| m.value())
            .map(|p| (&self.bundle, p))
            .or_else(|| {
                let en = &Catalog::get(Lang::En).bundle;
                en.get_message(id).and_then(|m| m.value()).map(|p| (en, p))
            });
        match pattern {
            Some((bundle, p)) => {
                let mut errors = Vec::new();
                join_stops(&bundle.format_pattern(p, Some(&args), &mut errors))
            }
            None => id.to_string(),
        }
    }

    /// Shorthand for a message without arguments.
    pub fn tr(&self, id: &'static str) -> String {
        self.render(&Msg::new(id))
    }
}

/// Whether a typed answer to a `[y/N]` / `[हाँ/नहीं]` question is yes: the English and the
/// Hindi words, in Devanagari or typed in Latin letters, whatever the question's language (a
/// shop's keyboard may have either).
pub(crate) fn is_yes(answer: &str) -> bool {
    let a = answer.trim().to_lowercase();
    let a = a.trim_end_matches(['.', '!', '।']);
    [
        "y",
        "yes",
        "ha",
        "haan",
        "han",
        "haa",
        "haan ji",
        "ji",
        "ji haan",
        "ह",
        "हा",
        "हाँ",
        "हां",
        "जी",
        "जी हाँ",
        "जी हां",
        "हाँ जी",
        "हां जी",
    ]
    .contains(&a)
}

/// Stand-ins for a full stop ending an argument: `.` and the danda `।`. Private-use characters,
/// which no catalogue or outside text holds.
const MARKED_STOP: char = '\u{F8F0}';
const MARKED_DANDA: char = '\u{F8F1}';

/// `text` with its final `.` or `।` replaced by its stand-in (an ellipsis `...` is left as it
/// is: it is not a full stop).
fn mark_stop(mut text: String) -> String {
    if text.ends_with("..") {
        return text;
    }
    let marker = match text.chars().last() {
        Some('.') => MARKED_STOP,
        Some('।') => MARKED_DANDA,
        _ => return text,
    };
    text.pop();
    text.push(marker);
    text
}

/// A sentence joined from its pattern and its arguments: a marked stop that the pattern
/// follows with a stop of its own is dropped (a reason ending in "." before ". Nothing was
/// sent"); any other is the argument's own and comes back.
fn join_stops(joined: &str) -> String {
    let mut out = String::with_capacity(joined.len());
    let mut chars = joined.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            MARKED_STOP | MARKED_DANDA => {
                let pattern_stops = matches!(chars.peek(), Some('.' | '।'));
                if !pattern_stops {
                    out.push(if c == MARKED_STOP { '.' } else { '।' });
                }
            }
            c => out.push(c),
        }
    }
    out
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

    /// The ids the code names as literals: `Msg::new("…")` and `.tr("…")`, in every source
    /// file of this crate and of the tray's (crates/tray, whose sentences are in these
    /// catalogues) (an id built at run time is not seen; the catalogue tests above
    /// cover the catalogues' own consistency).
    fn ids_in_source() -> BTreeMap<String, String> {
        fn walk(dir: &std::path::Path, out: &mut BTreeMap<String, String>) {
            let mut entries: Vec<_> = std::fs::read_dir(dir)
                .expect("src/ is readable")
                .map(|e| e.expect("a directory entry").path())
                .collect();
            entries.sort();
            for path in entries {
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("a source file");
                    for call in ["Msg::new(", ".tr("] {
                        for (at, _) in text.match_indices(call) {
                            let rest = text[at + call.len()..].trim_start();
                            let Some(lit) = rest.strip_prefix('"') else {
                                continue;
                            };
                            let id: String = lit.chars().take_while(|c| *c != '"').collect();
                            // Ids are lower-case words and dashes; other literals here are
                            // this test's own patterns.
                            let is_id = !id.is_empty()
                                && id.chars().all(|c| {
                                    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
                                });
                            if is_id {
                                out.entry(id).or_insert_with(|| path.display().to_string());
                            }
                        }
                    }
                }
            }
        }
        let mut out = BTreeMap::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["src", "crates/tray/src", "crates/page/src"] {
            walk(&root.join(dir), &mut out);
        }
        out
    }

    #[test]
    fn every_id_the_code_names_is_in_both_catalogues() {
        let ids = ids_in_source();
        assert!(
            ids.len() > 200,
            "only {} ids found: the scan is broken",
            ids.len()
        );
        for lang in Lang::ALL {
            let known = shape(lang.source());
            let missing: Vec<String> = ids
                .iter()
                // The test below that an unknown id renders as itself.
                .filter(|(id, _)| id.as_str() != "no-such-id")
                .filter(|(id, _)| !known.contains_key(id.as_str()))
                .map(|(id, file)| format!("{id} ({file})"))
                .collect();
            assert!(
                missing.is_empty(),
                "{} lacks: {}",
                lang.code(),
                missing.join(", ")
            );
        }
    }

    /// Every text of a message, all its variants, with a mark where a value goes.
    fn all_text(src: &str) -> BTreeMap<String, String> {
        fn walk(p: &ast::Pattern<&str>, out: &mut String) {
            for el in &p.elements {
                match el {
                    ast::PatternElement::TextElement { value } => out.push_str(value),
                    ast::PatternElement::Placeable { expression } => {
                        out.push_str(" \u{1} ");
                        if let ast::Expression::Select { variants, .. } = expression {
                            for v in variants {
                                walk(&v.value, out);
                                out.push_str(" \u{1} ");
                            }
                        }
                    }
                }
            }
        }
        let res = fluent_syntax::parser::parse(src).expect("the catalogue parses");
        let mut out = BTreeMap::new();
        for entry in res.body {
            if let ast::Entry::Message(m) = entry {
                let mut text = String::new();
                if let Some(p) = &m.value {
                    walk(p, &mut text);
                }
                out.insert(m.id.name.to_string(), text);
            }
        }
        out
    }

    #[test]
    fn the_hindi_is_hindi_not_english_left_untranslated() {
        use super::check::english_runs;
        // Messages that are only a layout around variables and names: they have no word of
        // their own in any language (checked below, so this list cannot hide one).
        let layout_only = [
            "verbatim",
            "uidai-explained",
            "doctor-two-sentences",
            "login-rejected-reason",
            "config-prompt-value",
            "config-error-invalid",
            "secrets-error-aadhaar",
            "api-error-reply",
            "ledger-line-resolved",
        ];
        let en = shape(EN);
        let en_text = all_text(EN);
        let hi_text = all_text(HI);
        let hi = Catalog::get(Lang::Hi);
        let en_cat = Catalog::get(Lang::En);
        let mut bad = Vec::new();
        for id in en.keys() {
            // Every variant of every Hindi message: no run of English words.
            let runs = english_runs(&hi_text[id], 3);
            if !runs.is_empty() {
                bad.push(format!("hi {id} is English in places: {runs:?}"));
            }
            if layout_only.contains(&id.as_str()) {
                let words = english_runs(&en_text[id], 1);
                if !words.is_empty() {
                    bad.push(format!("{id} is not layout only: {words:?}"));
                }
                continue;
            }
            let id: &'static str = Box::leak(id.clone().into_boxed_str());
            let mut msg = Msg::new(id);
            for v in &en[id] {
                let v: &'static str = Box::leak(v.clone().into_boxed_str());
                msg = msg.arg(v, 2);
            }
            let text = hi.render(&msg);
            if !text.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c)) {
                bad.push(format!("hi {id} has no Devanagari: {text}"));
            }
            if text == en_cat.render(&msg) {
                bad.push(format!("hi {id} is the English text"));
            }
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    /// The ids the code builds at run time: the help of the operator's commands (one per
    /// command and argument, src/cli/help.rs) and the RD error codes' sentences.
    #[test]
    fn every_id_built_at_run_time_is_in_both_catalogues() {
        use clap::CommandFactory;
        let mut ids = crate::cli::help::ids(&crate::cli::Cli::command());
        assert!(
            ids.len() > 30,
            "only {} help ids: the walk is broken",
            ids.len()
        );
        for heading in ["usage", "commands", "arguments", "options"] {
            ids.push(format!("help-heading-{heading}"));
        }
        for code in 0..=1000u16 {
            if let Some(r) = rd::lookup_error(code) {
                ids.push(format!("rd-error-{}", r.code));
                ids.push(format!("rd-error-{}-meaning", r.code));
            }
        }
        for lang in Lang::ALL {
            let known = shape(lang.source());
            let missing: Vec<&String> = ids.iter().filter(|id| !known.contains_key(*id)).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        }
    }

    #[test]
    fn yes_is_yes_in_both_languages() {
        for yes in [
            "y",
            "Y",
            "yes",
            "हाँ",
            "हां",
            "ह",
            "haan",
            "Haan",
            " हाँ\n",
            "हाँ।",
        ] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["", "n", "no", "नहीं", "ना", "nahi", "yess", "हाँ नहीं"]
        {
            assert!(!is_yes(no), "{no:?}");
        }
    }

    /// The tray's tooltips (Windows keeps 127 UTF-16 units of one) and a problem's short
    /// sentence: whole, under 100 characters, in every catalogue, with wide arguments.
    #[test]
    fn tray_tooltips_fit_in_every_language() {
        let en = shape(EN);
        let short: Vec<&String> = en
            .keys()
            .filter(|id| id.starts_with("tray-fix-") || id.starts_with("tray-tooltip-"))
            .collect();
        assert!(short.len() > 20, "{short:?}");
        for lang in Lang::ALL {
            let cat = Catalog::get(lang);
            for id in &short {
                let id: &'static str = Box::leak(id.to_string().into_boxed_str());
                let mut msg = Msg::new(id);
                for v in &en[id] {
                    let v: &'static str = Box::leak(v.clone().into_boxed_str());
                    msg = msg.arg(v, "99:99");
                }
                let text = cat.render(&msg);
                let units = text.encode_utf16().count();
                assert!(units <= 100, "{} {id} is {units} long: {text}", lang.code());
            }
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
        // Windows: no locale variables, the user's display language.
        assert_eq!(
            Lang::from_setting("auto", env(&[(UI_LANGUAGE, "hi")])),
            Lang::Hi
        );
        assert_eq!(
            Lang::from_setting("auto", env(&[("LANG", "C"), (UI_LANGUAGE, "hi")])),
            Lang::En
        );
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

    /// A message from a broken or older service: an unknown id, missing or surplus values,
    /// values of the wrong shape, deep nesting. Each renders or is refused; none panics.
    #[test]
    fn messages_from_outside_render_or_are_refused() {
        let hi = Catalog::get(Lang::Hi);
        let parse = |t: &str| serde_json::from_str::<Msg>(t);
        assert_eq!(
            hi.render(&parse(r#"{"id":"no-such-id"}"#).unwrap()),
            "no-such-id"
        );
        let missing = hi.render(&parse(r#"{"id":"ipc-not-running"}"#).unwrap());
        assert!(missing.contains("rd-agent"), "{missing}");
        let extra = parse(r#"{"id":"agent-busy","args":{"x":1,"y":"z"}}"#).unwrap();
        assert_eq!(hi.render(&extra), hi.tr("agent-busy"));
        for bad in [
            r#"{"args":{}}"#,
            r#"{"id":7}"#,
            r#"{"id":"verbatim","args":{"text":[1,2]}}"#,
            r#"{"id":"verbatim","args":{"text":{"no":"id"}}}"#,
            r#"{"id":"verbatim","args":{"text":1.5}}"#,
            r#"{"id":"verbatim","args":"text"}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        // Nesting beyond serde_json's recursion limit is refused, not overflowed.
        let deep = format!(
            "{}\"x\"{}",
            r#"{"id":"verbatim","args":{"text":"#.repeat(200),
            "}}".repeat(200)
        );
        assert!(parse(&deep).is_err());
        let nested = Msg::verbatim("a").arg("text", Msg::verbatim("b"));
        assert_eq!(hi.render(&nested), "b");
        // What a client tells a problem's kind by: the ids, outermost first.
        let deep = Msg::new("agent-status-check-failed")
            .arg("error", Msg::new("api-error-connect").arg("base_url", "x"));
        assert_eq!(
            deep.ids(),
            ["agent-status-check-failed", "api-error-connect"]
        );
    }

    /// Runs of two full stops (not an ellipsis), two dandas, or one of each.
    fn doubled_stops(text: &str) -> bool {
        let stops: Vec<bool> = text.chars().map(|c| c == '.').collect();
        let mut run = 0;
        for (i, stop) in stops.iter().enumerate() {
            run = if *stop { run + 1 } else { 0 };
            let ends = !stops.get(i + 1).copied().unwrap_or(false);
            if run == 2 && ends {
                return true;
            }
        }
        text.contains("।।") || text.contains(".।") || text.contains("।.")
    }

    /// Every message of both catalogues, each variable a sentence with its own full stop (as
    /// a reason, an OS error or a nested message is): the joined text has no stop twice.
    #[test]
    fn no_message_doubles_a_full_stop_where_sentences_join() {
        assert!(doubled_stops("allowed.. Nothing") && doubled_stops("रखें।।"));
        assert!(!doubled_stops("scanner... 8 s") && !doubled_stops("a. b"));
        let en = shape(EN);
        for lang in Lang::ALL {
            let cat = Catalog::get(lang);
            for sample in ["A sample sentence.", "एक वाक्य।", "ends without a stop"]
            {
                for (id, vars) in &en {
                    let id: &'static str = Box::leak(id.clone().into_boxed_str());
                    let mut msg = Msg::new(id);
                    for v in vars {
                        let v: &'static str = Box::leak(v.clone().into_boxed_str());
                        msg = msg.arg(v, sample);
                    }
                    let text = cat.render(&msg);
                    assert!(!doubled_stops(&text), "{} {id}: {text}", lang.code());
                    assert!(
                        !text.contains(MARKED_STOP) && !text.contains(MARKED_DANDA),
                        "{} {id}: {text}",
                        lang.code()
                    );
                }
            }
        }
    }

    /// A sentence that tells the operator nothing was sent also says that no money was taken:
    /// what a shopkeeper worries about is the charge.
    #[test]
    fn nothing_sent_always_says_no_money_was_taken() {
        let langs = [
            (
                EN,
                "nothing was sent",
                [
                    "no money was taken",
                    "nothing charged",
                    "nothing was charged",
                ],
            ),
            (
                HI,
                "कुछ नहीं भेजा गया",
                ["पैसा नहीं कटा", "चार्ज नहीं लगा", "चार्ज नहीं लगा"],
            ),
        ];
        for (src, sent, money) in langs {
            for line in src.lines().filter(|l| !l.starts_with('#')) {
                let lower = line.to_lowercase();
                if lower.contains(sent) {
                    assert!(money.iter().any(|m| lower.contains(m)), "{line}");
                }
            }
        }
    }

    /// The tray and the notifications show text as it is, so no sentence carries Markdown's
    /// backticks: a command is quoted with plain quotes.
    #[test]
    fn no_message_shows_backticks() {
        for lang in Lang::ALL {
            let cat = Catalog::get(lang);
            for (id, vars) in shape(lang.source()) {
                let id: &'static str = Box::leak(id.into_boxed_str());
                let mut msg = Msg::new(id);
                for v in vars {
                    msg = msg.arg(Box::leak(v.into_boxed_str()), "x");
                }
                let text = cat.render(&msg);
                assert!(!text.contains('`'), "{} {id}: {text}", lang.code());
            }
        }
        assert_eq!(
            Catalog::get(Lang::En).tr("agent-reminder"),
            "Click the rd-agent icon (or run \"rd-agent login\") and scan your finger."
        );
    }

    /// A capture that timed out, as `login` says it: the RD error's own sentence ends in a
    /// stop, and the login's "Nothing was sent" follows it once.
    #[test]
    fn a_reason_ending_in_a_stop_is_joined_with_one() {
        let timed_out = Msg::new("login-error-scan").arg(
            "reason",
            Msg::new("rd-capture-failure")
                .arg("code", "700")
                .arg("info", Msg::new("rd-error-700-meaning"))
                .arg("action", Msg::new("rd-error-700")),
        );
        let en = Catalog::get(Lang::En).render(&timed_out);
        assert!(
            en.starts_with("the RD Service reported error 700 (capture timed out). Place the finger on the scanner again, within the time allowed. Nothing was sent"),
            "{en}"
        );
        let hi = Catalog::get(Lang::Hi).render(&timed_out);
        assert!(!doubled_stops(&hi), "{hi}");
        // A stop the pattern does not follow stays.
        let kept = Catalog::get(Lang::En).render(
            &Msg::new("doctor-two-sentences")
                .arg("first", "One.")
                .arg("second", "Two."),
        );
        assert_eq!(kept, "One. Two.");
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
