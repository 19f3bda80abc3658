//! `rd-agent tray` (the autostart entry's command, installer/linux/rd-agent-tray.desktop) starts
//! the `rd-agent-tray` beside it with the same flags (src/cli/agent.rs), and says so in the
//! person's language when that program is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A copy of `rd-agent` in a directory of its own, so what is beside it is the test's.
fn lone_agent(dir: &Path) -> PathBuf {
    let bin = dir.join(format!("rd-agent{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(assert_cmd::cargo::cargo_bin!("rd-agent"), &bin).unwrap();
    bin
}

/// `bin tray` with no config, state or socket from this machine's environment.
fn tray(bin: &Path, lang: &str) -> Command {
    let mut c = Command::new(bin);
    c.arg("tray")
        .env_remove("RD_AGENT_CONFIG")
        .env_remove("RD_AGENT_STATE_DIR")
        .env_remove("RD_AGENT_SOCKET")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang);
    c
}

#[test]
fn without_the_tray_program_beside_it_tray_says_so_in_each_language() {
    let dir = tempfile::tempdir().unwrap();
    let bin = lone_agent(dir.path());
    let config = dir.path().join("none.toml");
    for (lang, words) in [
        ("C.UTF-8", "could not be started"),
        ("hi_IN.UTF-8", "शुरू नहीं हो सका"),
    ] {
        let out = tray(&bin, lang)
            .arg("--config")
            .arg(&config)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains("rd-agent-tray") && err.contains(words),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
}

/// On Unix `rd-agent tray` becomes the tray's program: its flags, its exit code.
#[cfg(unix)]
#[test]
fn tray_hands_over_to_the_program_beside_it_with_the_same_flags() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let bin = lone_agent(dir.path());
    let stand_in = dir.path().join("rd-agent-tray");
    std::fs::write(&stand_in, "#!/bin/sh\nprintf '%s\\n' \"$@\"\nexit 7\n").unwrap();
    std::fs::set_permissions(&stand_in, std::fs::Permissions::from_mode(0o755)).unwrap();
    let state = dir.path().join("state");
    let out = Command::new(&bin)
        .args(["--socket", "/run/x/agent.sock"])
        .args(tray(&bin, "C.UTF-8").get_args())
        .arg("--state-dir")
        .arg(&state)
        .env_remove("RD_AGENT_CONFIG")
        .env_remove("RD_AGENT_STATE_DIR")
        .env_remove("RD_AGENT_SOCKET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{out:?}");
    let args: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(
        args,
        [
            "--state-dir".to_string(),
            state.display().to_string(),
            "--socket".into(),
            "/run/x/agent.sock".into()
        ]
    );
}
