//! The first start after installation opens the operator's page by itself, once per user: a
//! new operator sees where to set up and log in without knowing the menu. Whether it was done
//! is a marker file in the user's lasting directory (`rd_agent::page_link::lasting_dir`), not
//! the runtime directory, which a reboot empties.

use std::io::ErrorKind;
use std::path::Path;

/// The marker's name.
const MARKER: &str = "page-opened-once";

/// Whether this start is the user's first: when the marker is absent it is written and the
/// answer is yes; when it is there, no. Written before the page opens and created only if
/// absent, so two trays starting together open it once between them; when it cannot be
/// written the answer is no, so a tray that cannot remember never opens the page at every
/// logon.
pub(crate) fn first_start(dir: &Path) -> bool {
    if let Err(e) = std::fs::create_dir_all(dir) {
        tracing::warn!(error = %e, dir = %dir.display(), "could not make the tray's directory");
        return false;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dir.join(MARKER))
    {
        Ok(_) => true,
        Err(e) if e.kind() == ErrorKind::AlreadyExists => false,
        Err(e) => {
            tracing::warn!(error = %e, dir = %dir.display(), "could not note the first start");
            false
        }
    }
}

/// On the first start, open the page in the default browser (the same function as the menu's
/// **Open rd-agent**). Only the tray calls this, never `--page-only`, which `rd-agent open`
/// starts to open the page itself.
pub(crate) fn open_page_once(link: &rd_agent_page::Link) {
    let Some(dir) = rd_agent::page_link::lasting_dir() else {
        return;
    };
    if first_start(&dir) {
        tracing::info!("first start for this user: opening the operator's page");
        if let Err(e) = rd_agent::page_link::open_in_browser(&link.fresh_url()) {
            tracing::warn!(error = %e, "could not open the browser");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_the_marker_it_opens_once_and_writes_it_with_it_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        // A directory not made yet, as on a fresh profile.
        let dir = tmp.path().join("rd-agent");
        assert!(first_start(&dir), "no marker: open");
        assert!(dir.join(MARKER).exists(), "and the marker is written");
        assert!(!first_start(&dir), "the marker is there: nothing");
        assert!(!first_start(&dir), "still nothing");
    }

    #[test]
    fn a_marker_that_cannot_be_written_opens_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        // A file where the directory should be.
        let dir = tmp.path().join("rd-agent");
        std::fs::write(&dir, b"").unwrap();
        assert!(!first_start(&dir));
    }
}
