//! Setup through the installed service: `config init`, `config set-secret` and `enroll`, run
//! by a person with no `--config` or `--state-dir`, end in the service's own files (its state
//! directory, laid out as the .deb's /var/lib/rd-agent in a temporary root), and the login
//! that follows goes through the service. A member of the service's group sets up a service
//! nobody has set up, but cannot point a set-up one elsewhere (src/config/change.rs).

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::Arc;

use rd_agent::agent::ipc::{self, PeerPolicy};
use rd_agent::agent::{Agent, LiveBackend, Schedule};
use rd_agent::config::Paths;
use sandbox::instantpay::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ENCRYPTION_KEY, DEMO_LATITUDE, DEMO_LONGITUDE,
    DEMO_OUTLET_ID,
};

use crate::relay::Fleet;
use crate::support::{
    ChildGuard, DEMO_AADHAAR_DIGITS, TestEnv, connect, create_private_dir, files_under,
    json_of_success, rd_agent, rd_agent_std, text, within,
};

/// A machine laid out as the package leaves it: the service's state directory and its socket
/// under a temporary root, and a person's home that must stay empty of rd-agent's files.
struct Machine {
    root: tempfile::TempDir,
}

impl Machine {
    fn new() -> Machine {
        let m = Machine {
            root: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(m.state().parent().unwrap()).unwrap();
        create_private_dir(&m.state());
        std::fs::create_dir_all(m.socket().parent().unwrap()).unwrap();
        std::fs::create_dir_all(m.home()).unwrap();
        m
    }

    fn state(&self) -> PathBuf {
        self.root.path().join("var/lib/rd-agent")
    }

    fn socket(&self) -> PathBuf {
        self.root.path().join("run/rd-agent/agent.sock")
    }

    fn home(&self) -> PathBuf {
        self.root.path().join("home/operator")
    }

    /// `rd-agent run` as the unit starts it: no `--config`, so its writable config is the
    /// state directory's.
    async fn start_service(&self, rd_port: u16) -> ChildGuard {
        let child = rd_agent_std()
            .arg("--state-dir")
            .arg(self.state())
            .arg("--socket")
            .arg(self.socket())
            .arg("run")
            .env("RD_AGENT_RD__PORTS", rd_port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let guard = ChildGuard::new(child);
        within(async {
            while connect(&self.socket()).await.is_err() {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        })
        .await;
        guard
    }

    /// `rd-agent` as the person at the counter runs it: their own home, no file named, the
    /// service found by its endpoint.
    fn person(&self) -> assert_cmd::Command {
        let mut c = rd_agent();
        let home = self.home();
        c.env_remove("RD_AGENT_CONFIG")
            .env_remove("RD_AGENT_STATE_DIR")
            .env("RD_AGENT_SOCKET", self.socket())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("LANG", "en_IN.UTF-8")
            .timeout(std::time::Duration::from_secs(120));
        c
    }

    fn set_secret(&self, name: &str, value: &str) -> Output {
        self.person()
            .args(["config", "set-secret", name])
            .write_stdin(value)
            .output()
            .unwrap()
    }

    /// Nothing of rd-agent's was written in the person's home.
    fn assert_home_empty(&self) {
        let mut files = Vec::new();
        files_under(&self.home(), &mut files);
        let names: Vec<&Path> = files.iter().map(|(p, _)| p.as_path()).collect();
        assert!(names.is_empty(), "written beside the service: {names:?}");
    }
}

/// `devices` looks where the service's config says (here its `rd.ports`), not at the
/// defaults of a person who has no config of their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_probes_the_ports_of_the_services_config() {
    let env = TestEnv::start_async().await;
    let machine = Machine::new();
    let _service = machine.start_service(env.rd_port()).await;
    let found = tokio::task::block_in_place(|| {
        machine
            .person()
            .args(["--json", "devices"])
            .output()
            .unwrap()
    });
    let json = json_of_success(&found);
    assert_eq!(json["services"][0]["port"], env.rd_port(), "{json}");
    machine.assert_home_empty();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_setup_through_the_service_ends_in_its_files_and_the_login_follows() {
    let env = TestEnv::start_async().await;
    let machine = Machine::new();
    let _service = machine.start_service(env.rd_port()).await;
    let base_url = env.ipay.base_url().to_string();
    let person = &machine;

    // Before setup, doctor says the service cannot log in yet, and how to fix it.
    let doctor = tokio::task::block_in_place(|| person.person().arg("doctor").output().unwrap());
    assert!(!doctor.status.success(), "{}", text(&doctor));
    let said = text(&doctor);
    assert!(said.contains("The service cannot log in yet"), "{said}");
    assert!(said.contains("config init"), "{said}");

    let init = tokio::task::block_in_place(|| {
        person
            .person()
            .args(["--json", "config", "init", "--no-input"])
            .args(["--base-url", &base_url, "--client-id", DEMO_CLIENT_ID])
            .args(["--outlet-id", DEMO_OUTLET_ID, "--endpoint-ip", "127.0.0.1"])
            .args(["--latitude", DEMO_LATITUDE, "--longitude", DEMO_LONGITUDE])
            .output()
            .unwrap()
    });
    let json = json_of_success(&init);
    assert_eq!(json["via_service"], true, "{json}");
    assert_eq!(
        json["config_file"].as_str().map(PathBuf::from),
        Some(machine.state().join("config.toml"))
    );
    for (name, value) in [
        ("instantpay.client_secret", DEMO_CLIENT_SECRET),
        ("instantpay.encryption_key", DEMO_ENCRYPTION_KEY),
        ("operator.aadhaar", DEMO_AADHAAR_DIGITS),
    ] {
        let o = tokio::task::block_in_place(|| person.set_secret(name, value));
        assert!(o.status.success(), "{name}: {}", text(&o));
    }

    // The service's files hold it all; the person's home holds nothing.
    let written = std::fs::read_to_string(machine.state().join("config.toml")).unwrap();
    assert!(written.contains(DEMO_CLIENT_ID), "{written}");
    assert!(machine.state().join("secrets.toml").is_file());
    machine.assert_home_empty();
    let show = tokio::task::block_in_place(|| {
        person
            .person()
            .args(["--json", "config", "show"])
            .output()
            .unwrap()
    });
    let shown = json_of_success(&show);
    assert_eq!(shown["ready"], true, "{shown}");
    assert_eq!(shown["via_service"], true, "{shown}");
    let all = text(&show);
    for secret in [DEMO_CLIENT_SECRET, DEMO_ENCRYPTION_KEY, DEMO_AADHAAR_DIGITS] {
        assert!(!all.contains(secret), "config show printed a secret: {all}");
    }

    let doctor = tokio::task::block_in_place(|| person.person().arg("doctor").output().unwrap());
    assert!(
        text(&doctor).contains("The service's settings in"),
        "{}",
        text(&doctor)
    );

    let login = tokio::task::block_in_place(|| person.person().arg("login").output().unwrap());
    assert!(login.status.success(), "{}", text(&login));
    assert!(text(&login).contains("service"), "{}", text(&login));
    assert_eq!(env.ipay.charges(), 1);
    machine.assert_home_empty();
}

#[test]
fn enrolling_through_the_service_ends_in_its_files_and_the_login_follows() {
    let fleet = Fleet::start();
    let machine = Machine::new();
    let _service = fleet.rt.block_on(machine.start_service(fleet.rd.port()));
    let code = fleet.code();
    let o = machine
        .person()
        .args([
            "enroll",
            "--sandbox",
            "--relay",
            fleet.url(),
            "--code",
            &code,
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let written = std::fs::read_to_string(machine.state().join("config.toml")).unwrap();
    assert!(written.contains("relay"), "{written}");
    assert!(written.contains(fleet.url()), "{written}");
    machine.assert_home_empty();

    let login = machine.person().arg("login").output().unwrap();
    assert!(login.status.success(), "{}", text(&login));
    assert_eq!(fleet.ipay.charges(), 1);
}

/// The same service, but this test's own account counts as a member of the service's group
/// only (not root, not the service's account): it may set up what is empty, but once a
/// secret is stored it may not move the endpoint or replace the secret, and nothing changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_sets_up_but_cannot_point_a_set_up_service_elsewhere() {
    let machine = Machine::new();
    let paths = Paths::of(machine.state().join("config.toml"), machine.state());
    let clock = Arc::new(clock::SystemClock);
    let agent = Agent::new(
        Arc::new(LiveBackend::new(paths, clock.clone())),
        clock,
        Schedule::default(),
    );
    let listener = ipc::bind(&machine.socket()).await.unwrap();
    // SAFETY: getegid has no preconditions and cannot fail.
    let my_group = unsafe { libc::getegid() };
    let members_only = PeerPolicy::only(vec![], vec![my_group]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let service = tokio::spawn(rd_agent::agent::run(
        listener,
        async move {
            let _ = stopped.await;
        },
        agent,
        members_only,
    ));

    let run = |args: &[&str], stdin: &str| {
        let mut c = machine.person();
        c.args(args).write_stdin(stdin.to_string());
        tokio::task::block_in_place(|| c.output().unwrap())
    };
    let o = run(
        &[
            "config",
            "init",
            "--no-input",
            "--base-url",
            "https://ipay.example.in",
        ],
        "",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(
        &["config", "set-secret", "instantpay.client_secret"],
        "s3cret",
    );
    assert!(o.status.success(), "{}", text(&o));
    let before = std::fs::read(machine.state().join("config.toml")).unwrap();
    let secrets_before = std::fs::read(machine.state().join("secrets.toml")).unwrap();

    for (args, stdin) in [
        (
            &[
                "config",
                "init",
                "--no-input",
                "--base-url",
                "https://mine.example",
            ][..],
            "",
        ),
        (
            &["config", "set-secret", "instantpay.client_secret"][..],
            "other",
        ),
    ] {
        let o = run(args, stdin);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(
            text(&o).contains("Only an administrator"),
            "{args:?}: {}",
            text(&o)
        );
    }
    assert_eq!(
        std::fs::read(machine.state().join("config.toml")).unwrap(),
        before
    );
    assert_eq!(
        std::fs::read(machine.state().join("secrets.toml")).unwrap(),
        secrets_before
    );
    machine.assert_home_empty();
    let _ = stop.send(());
    within(service).await.unwrap();
}

/// Installed but stopped: setup and login say to start it, and write nothing anywhere.
#[test]
fn a_stopped_service_is_started_first_and_nothing_is_written_beside_it() {
    let machine = Machine::new();
    for args in [
        &["config", "init", "--no-input", "--client-id", "x"][..],
        &["login"][..],
    ] {
        let o = machine.person().args(args).output().unwrap();
        assert!(!o.status.success(), "{args:?}: {}", text(&o));
        assert!(
            text(&o).contains("installed but not running"),
            "{args:?}: {}",
            text(&o)
        );
    }
    machine.assert_home_empty();
    assert!(!machine.state().join("config.toml").exists());
}
