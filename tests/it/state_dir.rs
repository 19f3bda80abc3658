//! The state directory belongs to its owner (docs/architecture.md, "Files"): links placed in
//! it are never written through, and a directory others can rearrange is refused with the
//! command that fixes it. Unix modes and links; Windows relies on the service's own DACL.

#![cfg(unix)]

use std::os::unix::fs::{PermissionsExt, symlink};

use crate::support::{TestEnv, code, text};

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_link_named_login_holder_is_not_written_through() {
    let env = TestEnv::start();
    let target = env.state().join("..").join("victim.txt");
    std::fs::write(&target, "keep").unwrap();
    symlink(&target, env.state().join("login.holder")).unwrap();
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
}

#[test]
fn a_symlinked_ledger_is_refused_and_its_target_untouched() {
    let env = TestEnv::start();
    let target = env.state().join("..").join("other.sqlite3");
    std::fs::write(&target, "").unwrap();
    symlink(&target, env.state().join("ledger.sqlite3")).unwrap();
    let out = env.login();
    assert_ne!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("symbolic link"), "{}", text(&out));
    assert_eq!(std::fs::metadata(&target).unwrap().len(), 0);
    assert_eq!(env.ipay.state().login_requests(), 0);
}

#[test]
fn a_state_directory_others_can_write_is_refused_with_the_fix() {
    let env = TestEnv::start();
    std::fs::set_permissions(env.state(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = env.login();
    assert_eq!(code(&out), 2, "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("can be changed by other users (mode 777)"),
        "{said}"
    );
    assert!(
        said.contains(&format!("chmod go-w {}", env.state().display())),
        "{said}"
    );
    assert_eq!(env.ipay.state().login_requests(), 0);
    // The config's directory too.
    std::fs::set_permissions(env.state(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let cfg_dir = env.config().parent().unwrap().to_path_buf();
    std::fs::set_permissions(&cfg_dir, std::fs::Permissions::from_mode(0o757)).unwrap();
    let out = env.login();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("chmod go-w"), "{}", text(&out));
    std::fs::set_permissions(&cfg_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let out = env.login();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(mode(&env.state().join("ledger.sqlite3")), 0o600);
}

#[test]
fn config_init_makes_private_directories() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("new").join("config.toml");
    let state = dir.path().join("new");
    let out = crate::support::rd_agent()
        .arg("--config")
        .arg(&cfg)
        .arg("--state-dir")
        .arg(&state)
        .args([
            "config",
            "init",
            "--no-input",
            "--client-id",
            "C1",
            "--outlet-id",
            "77",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(mode(&state), 0o700);
}
