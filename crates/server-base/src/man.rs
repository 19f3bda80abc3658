//! The manual page, rendered from the same clap definitions as `--help`, for the `man`
//! subcommand of both servers (the .deb installs it: installer/linux/build-deb.sh).

use std::io::Write;

/// Writes `command`'s manual page (roff) on stdout. A reader that went away
/// (`rd-relay man | head`) is nobody's error.
pub fn print(command: clap::Command) -> std::io::Result<()> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    match std::io::stdout().write_all(&page) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e),
        _ => Ok(()),
    }
}
