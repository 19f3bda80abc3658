//! A server binary's only output besides its logs, for both servers: the lines scripts and
//! tests read on stdout (`listening on ADDR`, `enrolment code: …`), an admin command's answer
//! (rd-relay's `devices`, `report`), and why the binary did not start or a command failed, on
//! stderr. Everything else goes through `tracing`. The rule is the agent's (src/console.rs): no
//! `println!`/`eprintln!` elsewhere, since they panic when the reader has gone
//! (`rd-relay report | head -1`, a journald that restarted).

use std::io::{self, Write};

/// `text` on stdout as it is, flushed. A reader that went away is nobody's error; any other
/// failure (a full disk under `rd-relay report > charges.csv`) is returned, so the command
/// can fail instead of claiming success.
pub fn out(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e),
        _ => Ok(()),
    }
}

/// `text` and a newline on stdout: [`out`].
pub(crate) fn out_line(text: &str) -> io::Result<()> {
    out(&format!("{text}\n"))
}

/// One line on stdout for whoever started the server. A failure is not the server's: it goes
/// on serving.
pub fn line(text: &str) {
    let _ = out_line(text);
}

/// One line on stderr, as it is (a note for the person who started the binary). A failure is
/// ignored.
pub fn note(text: &str) {
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "{text}").and_then(|()| stderr.flush());
}

/// Why the binary did not start or a command failed, on stderr, prefixed with the binary's
/// name (`connpay-server: …`, `rd-relay: …`).
pub fn error(program: &str, text: &str) {
    note(&format!("{program}: {text}"));
}
