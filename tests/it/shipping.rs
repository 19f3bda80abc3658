//! What packaging ships beside the binary: completion scripts and manual pages, generated from
//! the clap definitions (src/cli/completions.rs, src/cli/man.rs).

use crate::support::rd_agent;

#[test]
fn completions_are_printed_for_every_shell_and_bash_accepts_its_script() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = rd_agent().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = String::from_utf8(out.stdout).unwrap();
        // Every command is offered.
        for cmd in ["login", "status", "doctor", "completions", "man"] {
            assert!(script.contains(cmd), "{shell} completion lacks {cmd}");
        }
        if shell == "bash" && cfg!(unix) {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("rd-agent.bash");
            std::fs::write(&file, &script).unwrap();
            let check = std::process::Command::new("bash")
                .arg("-n")
                .arg(&file)
                .output()
                .unwrap();
            assert!(check.status.success(), "bash -n: {check:?}");
        }
    }
    let out = rd_agent().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn man_prints_the_main_page_and_writes_one_per_command() {
    let out = rd_agent().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH rd-agent 1"),
        "{page:.200}"
    );
    assert!(page.contains(".TH rd-agent 1"));
    assert!(
        page.contains("login"),
        "the SUBCOMMANDS section names login"
    );

    let dir = tempfile::tempdir().unwrap();
    rd_agent()
        .args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .success();
    for name in [
        "rd-agent.1",
        "rd-agent-login.1",
        "rd-agent-config-set-secret.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(text.contains(".TH "), "{name} is a man page");
    }
    // A directory that cannot be made: a sentence and a non-zero exit, nothing on stdout.
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let out = rd_agent()
        .args(["man", "--dir"])
        .arg(file.join("sub"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Could not write the manual pages"));
}
