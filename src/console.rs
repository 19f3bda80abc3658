//! What the commands write for a person on stdout and stderr. `println!` panics when the
//! reader has gone (`rd-agent status | head -1`, `rd-agent login 2>&1 | head -3`, a closed
//! terminal); here a stream that fails drops the rest of its output and the command goes on
//! to its own end and exit code. So no pipe can cut a login short between sending it and
//! recording what came back (its progress lines: `StderrProgress` in src/cli/progress.rs).
//!
//! A reader that went away is nobody's error. Any other failure of stdout (a full disk under
//! `--json > file`) is kept, and `rd-agent` then exits with an error instead of success
//! (src/cli/mod.rs, `fn run`).

use std::fmt;
use std::io::{self, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_GONE: AtomicBool = AtomicBool::new(false);
static STDERR_GONE: AtomicBool = AtomicBool::new(false);
/// The first failure of stdout other than a reader that went away.
static STDOUT_FAILURE: Mutex<Option<String>> = Mutex::new(None);

/// Writes to stdout, and flushes: see the module's comment for a failure.
pub(crate) fn stdout(args: fmt::Arguments) {
    if let Err(e) = write(&mut io::stdout().lock(), &STDOUT_GONE, args)
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        let mut kept = STDOUT_FAILURE.lock().unwrap_or_else(|p| p.into_inner());
        kept.get_or_insert_with(|| e.to_string());
    }
}

/// Writes to stderr, and flushes; a failure drops the rest of stderr's output.
pub(crate) fn stderr(args: fmt::Arguments) {
    let _ = write(&mut io::stderr().lock(), &STDERR_GONE, args);
}

/// Why stdout could not be written, unless it was only that its reader went away.
pub(crate) fn stdout_failure() -> Option<String> {
    STDOUT_FAILURE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
}

fn write(w: &mut impl Write, gone: &AtomicBool, args: fmt::Arguments) -> io::Result<()> {
    if gone.load(Ordering::Relaxed) {
        return Ok(());
    }
    let written = w.write_fmt(args).and_then(|()| w.flush());
    if written.is_err() {
        gone.store(true, Ordering::Relaxed);
    }
    written
}

/// `print!` through [`stdout`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::console::stdout(format_args!($($arg)*)) };
}

/// `println!` through [`stdout`].
macro_rules! outln {
    () => { $crate::console::stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::console::stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprint!` through [`stderr`].
macro_rules! eout {
    ($($arg:tt)*) => { $crate::console::stderr(format_args!($($arg)*)) };
}

/// `eprintln!` through [`stderr`].
macro_rules! eoutln {
    () => { $crate::console::stderr(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::console::stderr(format_args!("{}\n", format_args!($($arg)*))) };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that fails every write with `kind`, counting the attempts.
    struct Failing(io::ErrorKind, usize);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            self.1 += 1;
            Err(io::Error::from(self.0))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_stream_is_not_written_again() {
        let gone = AtomicBool::new(false);
        let mut w = Failing(io::ErrorKind::BrokenPipe, 0);
        assert!(write(&mut w, &gone, format_args!("one\n")).is_err());
        assert!(write(&mut w, &gone, format_args!("two\n")).is_ok());
        assert_eq!(w.1, 1, "the second line was dropped without a write");
    }

    #[test]
    fn a_working_stream_gets_every_line() {
        let gone = AtomicBool::new(false);
        let mut w = Vec::new();
        write(&mut w, &gone, format_args!("a {}\n", 1)).unwrap();
        write(&mut w, &gone, format_args!("b\n")).unwrap();
        assert_eq!(w, b"a 1\nb\n");
    }
}
