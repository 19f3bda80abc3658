//! The operator's commands' `--help` in their language. clap's help is written before any
//! command runs, so the language is found from the raw arguments first (`--lang`, then the
//! config that `--config` / `--state-dir` or their environment variables name, then the
//! locale), and the help texts are set on the command tree before parsing. The developer
//! commands, the man page and the completions keep the English doc comments.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Arg, ArgAction, Command};

use super::Global;
use crate::i18n::{Catalog, Lang, Msg};

/// The commands a shop operator runs. Each of their arguments has a `help-<command>-<arg>` id
/// (and each command a `help-<command>-about`); a test walks the tree for ids missing.
pub(crate) const OPERATOR_COMMANDS: &[&str] =
    &["login", "status", "doctor", "devices", "config", "enroll"];

/// The flags every command takes, by their clap ids.
const GLOBAL_ARGS: &[&str] = &["json", "config", "state_dir", "socket", "lang"];

/// The language of the help and of the rest of the run, from the raw arguments: `--lang`, else
/// what [`super::language`] finds from the config or the locale.
pub(crate) fn language_before_parsing(args: &[OsString]) -> Lang {
    let value = |flag: &str| -> Option<String> {
        let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
        while let Some(a) = it.next() {
            if a == "--" {
                break;
            }
            if a == flag {
                return it.next().map(|v| v.into_owned());
            }
            if let Some(v) = a.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
                return Some(v.to_string());
            }
        }
        None
    };
    let from_env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let global = Global {
        json: false,
        config: value("--config")
            .map(PathBuf::from)
            .or_else(|| from_env("RD_AGENT_CONFIG").map(PathBuf::from)),
        state_dir: value("--state-dir")
            .map(PathBuf::from)
            .or_else(|| from_env("RD_AGENT_STATE_DIR").map(PathBuf::from)),
        socket: None,
        lang: value("--lang"),
    };
    super::language(&global)
}

/// An id built from a command's path and an argument's name.
fn id_for(parts: &[&str]) -> String {
    let mut id = String::from("help");
    for p in parts {
        id.push('-');
        id.push_str(&p.replace('_', "-"));
    }
    id
}

/// Every help id the tree asks for, with the command path it is for (for the tests).
#[cfg(test)]
pub(crate) fn ids(cmd: &Command) -> Vec<String> {
    let mut out = vec![id_for(&["rd-agent", "about"])];
    out.extend(GLOBAL_ARGS.iter().map(|a| id_for(&["global", a])));
    out.extend(["flag-help", "flag-version"].iter().map(|f| id_for(&[f])));
    fn walk(cmd: &Command, path: &mut Vec<String>, out: &mut Vec<String>) {
        let parts: Vec<&str> = path.iter().map(String::as_str).collect();
        out.push(id_for(&[parts.as_slice(), &["about"]].concat()));
        for a in cmd.get_arguments().filter(|a| !a.is_global_set()) {
            out.push(id_for(&[parts.as_slice(), &[a.get_id().as_str()]].concat()));
        }
        for sub in cmd.get_subcommands() {
            path.push(sub.get_name().to_string());
            walk(sub, path, out);
            path.pop();
        }
    }
    for name in OPERATOR_COMMANDS {
        if let Some(sub) = cmd.find_subcommand(name) {
            walk(sub, &mut vec![name.to_string()], &mut out);
        }
    }
    out
}

/// The command tree with the operator's commands' help in `lang`.
pub(crate) fn localize(cmd: Command, lang: Lang) -> Command {
    let cat = Catalog::get(lang);
    let mut cmd = cmd.about(text(cat, &["rd-agent", "about"]));
    for g in GLOBAL_ARGS {
        cmd = cmd.mut_arg(*g, |a| arg_help(a, text(cat, &["global", g]), lang));
    }
    cmd = frame(cmd, cat, lang).disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help(text(cat, &["flag-version"])),
    );
    for name in OPERATOR_COMMANDS {
        cmd = cmd.mut_subcommand(*name, |sub| localize_sub(sub, &[name], cat, lang));
    }
    // The root's own `-h` replaces clap's, whose removal reaches every subcommand: the
    // developer commands, which stay English, get theirs back.
    let developer: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .filter(|n| !OPERATOR_COMMANDS.contains(&n.as_str()))
        .collect();
    let english = Catalog::get(Lang::En);
    for name in &developer {
        cmd = cmd.mut_subcommand(name, |sub| with_help_flag_everywhere(sub, english));
    }
    cmd
}

/// `cmd` and every subcommand under it with the `-h` flag, in `cat`'s words.
fn with_help_flag_everywhere(cmd: Command, cat: &Catalog) -> Command {
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = with_help_flag(cmd, cat);
    for name in &subs {
        cmd = cmd.mut_subcommand(name, |s| with_help_flag_everywhere(s, cat));
    }
    cmd
}

/// `cmd` with its `-h` / `--help` flag from the catalogue.
fn with_help_flag(cmd: Command, cat: &Catalog) -> Command {
    cmd.disable_help_flag(true).arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(text(cat, &["flag-help"])),
    )
}

fn localize_sub(mut cmd: Command, path: &[&str], cat: &Catalog, lang: Lang) -> Command {
    cmd = cmd
        .about(text(cat, &[path, &["about"]].concat()))
        .long_about(clap::builder::Resettable::Reset);
    let own: Vec<String> = cmd
        .get_arguments()
        .filter(|a| !a.is_global_set())
        .map(|a| a.get_id().to_string())
        .collect();
    for id in &own {
        let help = text(cat, &[path, &[id.as_str()]].concat());
        cmd = cmd.mut_arg(id, |a| arg_help(a, help, lang));
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in &subs {
        let sub_path = [path, &[name.as_str()]].concat();
        cmd = cmd.mut_subcommand(name, |s| localize_sub(s, &sub_path, cat, lang));
    }
    frame(cmd, cat, lang)
}

fn text(cat: &Catalog, parts: &[&str]) -> String {
    cat.render(&Msg::from_id(id_for(parts)))
}

/// An argument's help; in Hindi without clap's English `[default: …]` / `[possible values: …]`
/// (the catalogue's sentence says them).
fn arg_help(a: Arg, help: String, lang: Lang) -> Arg {
    let a = a.help(help).long_help(clap::builder::Resettable::Reset);
    match lang {
        Lang::En => a,
        Lang::Hi if a.get_action().takes_values() => {
            a.hide_default_value(true).hide_possible_values(true)
        }
        Lang::Hi => a,
    }
}

/// The `-h` flag from the catalogue, and in Hindi the help's headings too (clap writes
/// "Usage:", "Commands:" and "Options:" itself).
fn frame(cmd: Command, cat: &Catalog, lang: Lang) -> Command {
    let cmd = with_help_flag(cmd, cat);
    if lang == Lang::En {
        return cmd;
    }
    let heading = |id: &'static str| cat.tr(id);
    let mut sections = vec![format!(
        "{{about-with-newline}}\n{} {{usage}}",
        heading("help-heading-usage")
    )];
    if cmd.has_subcommands() {
        sections.push(format!(
            "{}\n{{subcommands}}",
            heading("help-heading-commands")
        ));
    }
    if cmd.get_positionals().next().is_some() {
        sections.push(format!(
            "{}\n{{positionals}}",
            heading("help-heading-arguments")
        ));
    }
    sections.push(format!("{}\n{{options}}", heading("help-heading-options")));
    // clap's own `help` subcommand would bring its English line into an operator command's
    // list; `rd-agent help …` itself stays.
    let keep_help_command = cmd.get_name() == "rd-agent";
    cmd.disable_help_subcommand(!keep_help_command)
        .help_template(sections.join("\n\n"))
}
