//! The binary's only output besides logs: the one line scripts and tests read on stdout
//! (`listening on ADDR`), and a refusal to start on stderr. Everything else goes through
//! `tracing`. (The agent's rule, src/console.rs: no `println!` elsewhere.)

use std::io::Write;

/// One line on stdout. A reader that went away is not an error of the server's.
pub fn line(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}

/// Why the server did not start, on stderr, prefixed with its name.
pub fn error(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "connpay-server: {text}");
}
