//! The questions `rd-agent config init` asks on a terminal: each value in plain words with an
//! example, then the secrets, hidden. A value that is refused says why and is asked again, so
//! nothing typed before it is lost; the checks are the config's and the secret store's own
//! (`Key::set`, `Secrets::check`), so what is accepted here is what they accept.
//!
//! The asking runs over any reader and writer (and [`Hidden`] for the secrets), so that tests
//! drive it with lines of text; on a terminal they are stdin, stdout and `rpassword`.

use std::io::{BufRead, Write};

use zeroize::Zeroizing;

use super::config::InitArgs;
use super::{CliError, Exit};
use crate::config::words::{Words, secret_question};
use crate::config::{Config, Key, SecretName, Secrets};
use crate::i18n::{Catalog, Msg};

/// Fill in `cfg`: for each key `config init` has a flag for, the flag's value wins; on a
/// terminal (`interactive`) the others are asked, Enter keeping the current value. A refused
/// value is asked again on a terminal; elsewhere it is a usage error naming the flag.
pub(crate) fn ask_values(
    cfg: &mut Config,
    given: &InitArgs,
    interactive: bool,
    cat: &Catalog,
) -> Result<(), CliError> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    ask_values_with(cfg, given, interactive, cat, &mut input, &mut Stdout)
}

/// [`ask_values`] reading answers from `input` and writing the questions to `output`.
pub(crate) fn ask_values_with(
    cfg: &mut Config,
    given: &InitArgs,
    interactive: bool,
    cat: &Catalog,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<(), CliError> {
    for &key in Key::ALL {
        let (Some(flag), Some(words)) = (key.spec().init_flag, Words::of(key)) else {
            continue;
        };
        if let Some(v) = given.value(key) {
            match typed(cfg, key, v.trim()) {
                Ok(()) => continue,
                Err(reason) if !interactive => {
                    return Err(CliError::said(
                        Exit::Usage,
                        Msg::new("config-flag-refused")
                            .arg("flag", flag)
                            .arg("field", words.field())
                            .arg("reason", reason),
                    ));
                }
                Err(reason) => say(output, cat, &refused(&words, reason)),
            }
        } else if !interactive {
            continue;
        }
        loop {
            let prompt = Msg::new("config-prompt-value")
                .arg("question", words.question())
                .arg("current", key.get(cfg).unwrap_or_default());
            let _ = write!(output, "{}", cat.render(&prompt));
            let _ = output.flush();
            let mut line = String::new();
            let read = input.read_line(&mut line).map_err(|e| terminal_error(&e))?;
            if read == 0 {
                // The input ended (Ctrl-D): what was typed stays, the rest as it was.
                let _ = writeln!(output);
                break;
            }
            let answer = line.trim();
            if answer.is_empty() {
                break;
            }
            match typed(cfg, key, answer) {
                Ok(()) => break,
                Err(reason) => say(output, cat, &refused(&words, reason)),
            }
        }
    }
    Ok(())
}

/// Set `key` from a value a person typed or passed: an empty one is a mistake there (Enter
/// keeps the current value), whereas in the file `""` means unset.
fn typed(cfg: &mut Config, key: Key, text: &str) -> Result<(), Msg> {
    if text.is_empty() {
        return Err(Msg::new("config-reason-blank"));
    }
    key.set(cfg, text)
}

fn refused(words: &Words, reason: Msg) -> Msg {
    words.refused(reason)
}

fn say(output: &mut dyn Write, cat: &Catalog, msg: &Msg) {
    let _ = writeln!(output, "{}", cat.render(msg));
}

/// Where the hidden answers come from: the terminal, or a test's lines.
pub(crate) trait Hidden {
    /// Show `prompt` and read one line without showing what is typed.
    fn read_hidden(&mut self, prompt: &str) -> std::io::Result<String>;
    /// Show a line between two prompts.
    fn say(&mut self, line: &str);
}

/// The terminal: `rpassword` turns the echo off while the secret is typed.
struct Terminal;

impl Hidden for Terminal {
    fn read_hidden(&mut self, prompt: &str) -> std::io::Result<String> {
        rpassword::prompt_password(prompt)
    }

    fn say(&mut self, line: &str) {
        outln!("{line}");
    }
}

/// Ask each secret of `names`, hidden; `shown` says what is set now (set / not set, the
/// Aadhaar masked). Enter keeps the current one (it is left out of the answer); a value the
/// secret store would refuse says why and is asked again.
pub(crate) fn ask_secrets(
    names: &[SecretName],
    shown: &dyn Fn(SecretName) -> Msg,
    cat: &Catalog,
) -> Result<Vec<(SecretName, Zeroizing<String>)>, CliError> {
    ask_secrets_with(names, shown, cat, &mut Terminal)
}

/// [`ask_secrets`] with the answers from `hidden`.
pub(crate) fn ask_secrets_with(
    names: &[SecretName],
    shown: &dyn Fn(SecretName) -> Msg,
    cat: &Catalog,
    hidden: &mut dyn Hidden,
) -> Result<Vec<(SecretName, Zeroizing<String>)>, CliError> {
    let mut out = Vec::new();
    for &name in names {
        let prompt = cat.render(
            &Msg::new("config-prompt-secret-keep")
                .arg("question", secret_question(name))
                .arg("shown", shown(name)),
        );
        loop {
            let typed = Zeroizing::new(
                hidden
                    .read_hidden(&prompt)
                    .map_err(|e| terminal_error(&e))?,
            );
            if typed.trim().is_empty() {
                break;
            }
            match Secrets::check(name, &typed) {
                Ok(()) => {
                    out.push((name, typed));
                    break;
                }
                Err(e) => hidden
                    .say(&cat.render(&Msg::new("config-secret-refused").arg("reason", e.msg()))),
            }
        }
    }
    Ok(out)
}

pub(crate) fn terminal_error(e: &std::io::Error) -> CliError {
    CliError::said(
        Exit::Failure,
        Msg::new("config-cannot-read-terminal").arg("error", e.to_string()),
    )
}

/// Stdout as a writer, through the console's handling of a reader that went away.
struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        out!("{}", String::from_utf8_lossy(buf));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    /// Answers `lines` to the questions in English; what the wizard wrote, and its result.
    fn answer(
        cfg: &mut Config,
        given: &InitArgs,
        interactive: bool,
        lines: &str,
    ) -> (Result<(), CliError>, String) {
        let mut output = Vec::new();
        let result = ask_values_with(
            cfg,
            given,
            interactive,
            Catalog::get(Lang::En),
            &mut lines.as_bytes(),
            &mut output,
        );
        (result, String::from_utf8(output).unwrap())
    }

    /// Nine questions, in the order of the table: the InstantPay address, client id, outlet
    /// id, IP, latitude, longitude, RD ports, quality, points.
    #[test]
    fn a_refused_answer_is_asked_again_and_the_others_are_kept() {
        let mut cfg = Config::default();
        let lines = "\nC1\nabc\n123456\n203.0.113.9\n19.076\n77.209\n\n\n\n";
        let (result, said) = answer(&mut cfg, &InitArgs::default(), true, lines);
        result.unwrap();
        assert_eq!(cfg.instantpay.client_id, "C1");
        assert_eq!(cfg.instantpay.outlet_id, "123456");
        assert_eq!(cfg.instantpay.endpoint_ip, "203.0.113.9");
        assert_eq!(Key::Latitude.get(&cfg).unwrap(), "19.0760");
        assert_eq!(Key::Longitude.get(&cfg).unwrap(), "77.2090");
        assert_eq!(cfg.instantpay.base_url, "https://api.instantpay.in");
        assert_eq!(Key::RdPorts.get(&cfg).unwrap(), "11100-11120");
        let written = cfg.to_toml();
        assert!(written.contains("latitude = \"19.0760\""), "{written}");
        assert!(written.contains("longitude = \"77.2090\""), "{written}");
        assert!(
            said.contains("Your InstantPay outlet id (numbers only, e.g. 123456) []: "),
            "{said}"
        );
        assert!(
            said.contains(
                "Not accepted: the outlet id must be digits only, e.g. 123456, not \"abc\". Please type it again.\n"
            ),
            "{said}"
        );
        // The outlet id is asked twice, every other question once.
        assert_eq!(
            said.matches("Your InstantPay outlet id").count(),
            2,
            "{said}"
        );
        assert_eq!(said.matches("The shop's latitude").count(), 1, "{said}");
        assert!(
            !said.contains("instantpay.outlet_id"),
            "plain words: {said}"
        );
    }

    #[test]
    fn enter_keeps_the_current_values_and_the_end_of_input_keeps_the_rest() {
        let mut cfg = Config::default();
        Key::ClientId.set(&mut cfg, "C9").unwrap();
        Key::OutletId.set(&mut cfg, "42").unwrap();
        let before = cfg.clone();
        let (result, said) = answer(&mut cfg, &InitArgs::default(), true, "\n\n");
        result.unwrap();
        assert_eq!(cfg, before);
        assert!(
            said.contains("(as your platform gave it to you) [C9]: "),
            "{said}"
        );
        // A refused answer and then the end of the input: asked no more, nothing changed.
        let (result, _) = answer(&mut cfg, &InitArgs::default(), true, "\n\nnot-an-id");
        result.unwrap();
        assert_eq!(cfg, before);
    }

    #[test]
    fn coordinates_with_too_few_decimals_or_outside_india_are_asked_again() {
        let mut cfg = Config::default();
        let lines = "\n\n\n\n19.07\n51.5072\n19.0760\n77.2\n77.20901\n";
        let (result, said) = answer(&mut cfg, &InitArgs::default(), true, lines);
        result.unwrap();
        assert_eq!(Key::Latitude.get(&cfg).unwrap(), "19.0760");
        assert_eq!(Key::Longitude.get(&cfg).unwrap(), "77.20901");
        assert!(
            said.contains("the latitude must be decimal degrees with 3 to 6 decimals, such as 28.6139, not \"19.07\""),
            "{said}"
        );
        assert!(
            said.contains("the latitude must be inside India, from 6 to 37, not 51.5072"),
            "{said}"
        );
    }

    #[test]
    fn a_refused_flag_is_a_usage_error_naming_it_without_a_terminal() {
        for (given, flag) in [
            (
                InitArgs {
                    outlet_id: Some("abc".into()),
                    ..InitArgs::default()
                },
                "--outlet-id",
            ),
            (
                InitArgs {
                    client_id: Some("  ".into()),
                    ..InitArgs::default()
                },
                "--client-id",
            ),
            (
                InitArgs {
                    latitude: Some("19.07".into()),
                    ..InitArgs::default()
                },
                "--latitude",
            ),
        ] {
            let mut cfg = Config::default();
            let (result, said) = answer(&mut cfg, &given, false, "");
            let e = result.unwrap_err();
            assert_eq!(e.exit, Exit::Usage);
            assert!(
                e.message
                    .contains(&format!("The value of {flag} was not accepted")),
                "{}",
                e.message
            );
            assert_eq!(said, "", "nothing is asked");
            assert_eq!(cfg, Config::default());
        }
        let hi = Catalog::get(Lang::Hi).render(
            &Msg::new("config-flag-refused")
                .arg("flag", "outlet-id")
                .arg("field", Msg::new("config-field-outlet-id"))
                .arg(
                    "reason",
                    Msg::new("config-reason-outlet-id").arg("value", "abc"),
                ),
        );
        assert!(hi.contains("--outlet-id") && hi.contains("सिर्फ़ अंक"), "{hi}");
    }

    /// On a terminal a refused flag is said and its question asked; good flags are not asked.
    #[test]
    fn on_a_terminal_a_refused_flag_is_asked_again() {
        let given = InitArgs {
            client_id: Some("C1".into()),
            outlet_id: Some("12ab".into()),
            ..InitArgs::default()
        };
        let mut cfg = Config::default();
        let (result, said) = answer(&mut cfg, &given, true, "\n777\n");
        result.unwrap();
        assert_eq!(cfg.instantpay.client_id, "C1");
        assert_eq!(cfg.instantpay.outlet_id, "777");
        assert!(!said.contains("client id"), "{said}");
        assert!(said.contains("not \"12ab\""), "{said}");
    }

    /// The ids are chosen at run time, so the catalogue test that reads `Msg::new("…")`
    /// literals does not see them: each key `config init` asks has its words in both
    /// languages, and every secret its question.
    #[test]
    fn every_asked_key_and_secret_has_its_words_in_both_catalogues() {
        for lang in Lang::ALL {
            let cat = Catalog::get(lang);
            let known = |m: Msg| {
                let text = cat.render(&m);
                assert_ne!(text, m.id, "{} lacks {}", lang.code(), m.id);
            };
            for &key in Key::ALL {
                let words = Words::of(key);
                assert_eq!(words.is_some(), key.spec().init_flag.is_some(), "{key:?}");
                if let Some(w) = words {
                    known(w.question());
                    known(w.field());
                }
            }
            for name in SecretName::ALL {
                known(secret_question(name));
            }
        }
    }

    /// Hidden answers from a list; what was said between them.
    struct Lines {
        answers: Vec<&'static str>,
        prompts: Vec<String>,
        said: Vec<String>,
    }

    impl Hidden for Lines {
        fn read_hidden(&mut self, prompt: &str) -> std::io::Result<String> {
            self.prompts.push(prompt.to_string());
            Ok(if self.answers.is_empty() {
                String::new()
            } else {
                self.answers.remove(0).to_string()
            })
        }

        fn say(&mut self, line: &str) {
            self.said.push(line.to_string());
        }
    }

    /// A mistyped Aadhaar (its last digit changed, so Verhoeff's check fails) is asked again;
    /// the secrets typed before it are kept.
    #[test]
    fn a_refused_secret_is_asked_again_and_the_ones_before_it_kept() {
        let mut lines = Lines {
            answers: vec!["cs-typed", "short", KEY, "9999 4105 7059", "9999 4105 7058"],
            prompts: Vec::new(),
            said: Vec::new(),
        };
        let names = [
            SecretName::ClientSecret,
            SecretName::EncryptionKey,
            SecretName::Aadhaar,
        ];
        let shown = |_| Msg::new("secret-shown-not-set");
        let got = ask_secrets_with(&names, &shown, Catalog::get(Lang::En), &mut lines).unwrap();
        let got: Vec<(SecretName, &str)> = got.iter().map(|(n, v)| (*n, v.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (SecretName::ClientSecret, "cs-typed"),
                (SecretName::EncryptionKey, KEY),
                (SecretName::Aadhaar, "9999 4105 7058"),
            ]
        );
        assert_eq!(lines.prompts.len(), 5);
        assert!(
            lines.prompts[3].starts_with(
                "The operator's Aadhaar number (the 12 digits on the Aadhaar card) [not set]"
            ),
            "{:?}",
            lines.prompts
        );
        assert_eq!(lines.said.len(), 2, "{:?}", lines.said);
        assert!(lines.said[0].contains("32 bytes"), "{:?}", lines.said);
        assert!(lines.said[1].contains("check digit"), "{:?}", lines.said);
        assert!(
            !lines.said.concat().contains("7059") && !lines.said.concat().contains("short"),
            "a refused value is not echoed: {:?}",
            lines.said
        );
    }

    #[test]
    fn enter_keeps_a_secret() {
        let mut lines = Lines {
            answers: vec!["", "  "],
            prompts: Vec::new(),
            said: Vec::new(),
        };
        let names = [SecretName::RelayToken, SecretName::Aadhaar];
        let shown = |_| Msg::new("secret-shown-set");
        let got = ask_secrets_with(&names, &shown, Catalog::get(Lang::Hi), &mut lines).unwrap();
        assert!(got.is_empty());
        assert_eq!(lines.prompts.len(), 2, "each asked once");
        assert!(lines.prompts[0].contains("रिले टोकन"), "{:?}", lines.prompts);
        assert!(lines.prompts[0].contains("[सेट है]"), "{:?}", lines.prompts);
    }
}
