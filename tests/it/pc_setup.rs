//! The commands that check and set up a PC: `doctor` against the sandbox, and `service
//! install` staging its files under a root.

use ::sandbox::instantpay::DemoOutlet;

use crate::support::{TestEnv, within};

#[tokio::test]
async fn doctor_checks_everything_against_the_sandbox() {
    let mut env = TestEnv::start_async().await;
    let doctor = |env: &TestEnv, args: &[&str]| {
        let mut cmd = env.cmd_std();
        cmd.arg("doctor").args(args);
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
    };
    let out = within(doctor(&env, &["--json"])).await.unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let verdict = |name: &str| {
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no {name} check in {doc}"))["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(verdict("config"), "ok", "{doc}");
    assert_eq!(verdict("secrets"), "ok", "{doc}");
    assert_eq!(verdict("rd_service"), "ok", "{doc}");
    assert_ne!(verdict("device_certificate"), "skipped", "{doc}");
    assert_eq!(verdict("api"), "ok", "{doc}");
    assert_eq!(verdict("clock"), "ok", "{doc}");
    assert_eq!(verdict("service"), "warn", "{doc}");
    let text = String::from_utf8_lossy(&out.stdout);
    let outlet = DemoOutlet::demo();
    assert!(!text.contains(outlet.client_secret.expose()));
    assert!(!text.contains(outlet.encryption_key.expose()));

    // With the RD Service gone and a secret missing, the lines say what to do.
    env.stop_rd().await;
    std::fs::write(env.state().join("secrets.toml"), "").unwrap();
    let out = within(doctor(&env, &[])).await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("[FAIL] secrets") && text.contains("rd-agent config set-secret"),
        "{text}"
    );
    assert!(
        text.contains("[FAIL] rd_service") && text.contains("start the scanner's RD Service"),
        "{text}"
    );
    assert!(text.contains("[skip] api"), "{text}");
}

#[cfg(unix)]
#[test]
fn service_install_stages_unit_udev_rules_and_autostart_under_a_root() {
    let root = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin!("rd-agent");
    let out = std::process::Command::new(bin)
        .args(["service", "install", "--json", "--root"])
        .arg(root.path())
        .output()
        .unwrap();
    let doc = crate::support::json_of_success(&out);
    assert_eq!(doc["files"].as_array().unwrap().len(), 3, "{doc}");
    assert_eq!(
        doc["commands"].as_array().unwrap().len(),
        0,
        "no systemctl under --root"
    );
    let unit =
        std::fs::read_to_string(root.path().join("etc/systemd/system/rd-agent.service")).unwrap();
    assert!(
        unit.contains(&format!("ExecStart={} run", bin.display())),
        "{unit}"
    );
    assert!(unit.contains("Type=notify"));
    let rules =
        std::fs::read_to_string(root.path().join("etc/udev/rules.d/70-rd-agent.rules")).unwrap();
    assert!(rules.contains("GROUP=\"rd-agent\""));
    let desktop =
        std::fs::read_to_string(root.path().join("etc/xdg/autostart/rd-agent-tray.desktop"))
            .unwrap();
    assert!(desktop.contains(&format!("Exec={} tray", bin.display())));

    let out = std::process::Command::new(bin)
        .args(["service", "uninstall", "--root"])
        .arg(root.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        !root
            .path()
            .join("etc/systemd/system/rd-agent.service")
            .exists()
    );
    assert!(
        !root
            .path()
            .join("etc/xdg/autostart/rd-agent-tray.desktop")
            .exists()
    );
}
