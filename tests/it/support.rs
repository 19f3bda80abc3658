//! What every integration test shares: the `rd-agent` command, a guard that kills a child the
//! test started, the real RD samples under `rd-fixtures/real/`, and a search of written files.

use std::path::{Path, PathBuf};
use std::process::Child;

/// `rd-agent` as a test runs it: the environment's config, state dir and socket never leak in.
pub fn rd_agent() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("rd-agent").unwrap();
    c.env_remove("RD_AGENT_CONFIG")
        .env_remove("RD_AGENT_STATE_DIR")
        .env_remove("RD_AGENT_SOCKET");
    c
}

/// The same, as a `std` command, for a child the test keeps running (a service).
pub fn rd_agent_std() -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin!("rd-agent"));
    c.env_remove("RD_AGENT_CONFIG")
        .env_remove("RD_AGENT_STATE_DIR")
        .env_remove("RD_AGENT_SOCKET");
    c
}

/// Kills the child when the test ends, also when it fails before stopping it.
pub struct ChildGuard(pub Option<Child>);

impl ChildGuard {
    pub fn new(child: Child) -> ChildGuard {
        ChildGuard(Some(child))
    }

    pub fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("the child is still guarded")
    }

    /// Stop guarding: the test stops the child itself (the Unix-only service tests signal
    /// it; a Windows build of the tests has no caller).
    #[allow(dead_code)]
    pub fn take(&mut self) -> Child {
        self.0.take().expect("the child is still guarded")
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The path of a real RD sample.
pub fn real_sample_path(name: &str) -> String {
    format!("{}/rd-fixtures/real/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, recursively, as bytes.
pub(crate) fn files_under(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else if p.is_file() {
            // Regular files only (the service's socket may be left behind).
            let bytes = std::fs::read(&p).unwrap();
            out.push((p, bytes));
        }
    }
}

pub(crate) fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}
