//! The login's progress for the person at the terminal: steps, the countdown while the finger
//! is awaited, and yes/no questions, on stderr in the operator's language.

use crate::i18n::{Catalog, Lang, Msg};
use crate::login::{Countdown, Progress};

/// Progress to stderr (stdout is kept for the result and `--json`). On a terminal the
/// countdown rewrites one line; elsewhere (a log, a pipe) it is a plain line every 5 seconds.
#[derive(Debug, Default)]
pub(super) struct StderrProgress {
    lang: Lang,
    terminal: bool,
    /// A countdown line is open on the terminal (ended by `Done`).
    counting: std::sync::atomic::AtomicBool,
}

impl StderrProgress {
    pub(super) fn new(lang: Lang) -> StderrProgress {
        use std::io::IsTerminal;
        StderrProgress {
            lang,
            terminal: std::io::stderr().is_terminal(),
            counting: Default::default(),
        }
    }
}

impl Progress for StderrProgress {
    fn say(&self, line: &str) {
        eoutln!("{line}");
    }

    fn step(&self, msg: &Msg) {
        eoutln!("{}", Catalog::get(self.lang).render(msg));
    }

    /// Only with a person at a terminal on both ends: stdin to answer, stderr to read.
    fn confirm(&self, question: &Msg) -> bool {
        use std::io::IsTerminal;
        if !(self.terminal && std::io::stdin().is_terminal()) {
            return false;
        }
        let catalog = Catalog::get(self.lang);
        eout!("{} ", catalog.render(question));
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err() {
            return false;
        }
        crate::i18n::is_yes(&answer) || answer.trim() == catalog.tr("answer-yes")
    }

    fn countdown(&self, tick: Countdown) {
        use std::sync::atomic::Ordering::SeqCst;
        match tick {
            Countdown::Left(seconds) => {
                let first = !self.counting.swap(true, SeqCst);
                let line = Catalog::get(self.lang)
                    .render(&Msg::new("login-finger-countdown").arg("seconds", seconds));
                if self.terminal {
                    // Back to the line's start, and clear what a longer number left.
                    eout!("\r{line}\x1b[K");
                } else if first || seconds % 5 == 0 {
                    eoutln!("{line}");
                }
            }
            Countdown::Done => {
                if self.counting.swap(false, SeqCst) && self.terminal {
                    eoutln!();
                }
            }
        }
    }
}
