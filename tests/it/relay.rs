//! Fleet mode end to end: the relay in-process on a loopback port with a SQLite file, the
//! sandbox InstantPay behind it, a simulated RD Service, and `rd-agent` processes enrolled
//! with it (docs/relay.md).

use std::path::PathBuf;
use std::process::Output;
use std::sync::Arc;

use clock::SystemClock;
use rd_relay::Store;
use rd_relay::{Relay, Settings};
use sandbox::instantpay::{
    DEMO_CLIENT_SECRET, DEMO_ENCRYPTION_KEY, DEMO_OUTLET_ID, Fault, SandboxInstantPay,
};
use sandbox::rd::SimulatedRd;

use crate::support::{contains, files_under, mantra, rd_agent_std, text};

pub(crate) struct Fleet {
    dir: tempfile::TempDir,
    pub(crate) ipay: SandboxInstantPay,
    pub(crate) rd: SimulatedRd,
    relay: Arc<Relay>,
    url: String,
    pub(crate) rt: tokio::runtime::Runtime,
}

impl Fleet {
    pub(crate) fn start() -> Fleet {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("relay.sqlite3");
        let (ipay, rd, relay, url) = rt.block_on(async {
            let rd = SimulatedRd::start(mantra()).await.unwrap();
            let store = Store::open(db.to_str().unwrap()).await.unwrap();
            let s = rd_relay::start_demo(store, Settings::default(), Arc::new(SystemClock))
                .await
                .unwrap();
            let url = rd_relay::serve_on_loopback(s.relay.clone()).await.unwrap();
            (s.instantpay, rd, s.relay, url)
        });
        Fleet {
            dir,
            ipay,
            rd,
            relay,
            url,
            rt,
        }
    }

    /// For the setup-through-the-service tests, which are Unix-only.
    #[cfg(unix)]
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn code(&self) -> String {
        self.rt
            .block_on(rd_relay::issue_code(
                &self.relay,
                DEMO_OUTLET_ID,
                chrono::Duration::hours(1),
            ))
            .unwrap()
            .unwrap()
    }

    pub(crate) fn pc(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `rd-agent` for the PC `name`: its own config and state dir, the simulated scanner.
    pub(crate) fn agent(&self, name: &str) -> std::process::Command {
        let pc = self.pc(name);
        let mut c = rd_agent_std();
        c.arg("--config")
            .arg(pc.join("config.toml"))
            .arg("--state-dir")
            .arg(&pc)
            .env("RD_AGENT_RD__PORTS", self.rd.port().to_string())
            .env("LANG", "C.UTF-8")
            .stdin(std::process::Stdio::null());
        c
    }

    pub(crate) fn enroll(&self, name: &str) -> Output {
        let code = self.code();
        self.agent(name)
            .args(["enroll", "--sandbox", "--relay", &self.url, "--code", &code])
            .output()
            .unwrap()
    }
}

#[test]
fn two_pcs_of_one_outlet_logging_in_at_once_pay_once_and_both_are_logged_in() {
    let fleet = Fleet::start();
    for pc in ["counter", "backoffice"] {
        let o = fleet.enroll(pc);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("outlet 100001"), "{}", text(&o));
    }
    // InstantPay takes its time: the second PC's login reaches the relay while the first one's
    // is in flight, and waits for its outcome instead of paying again.
    fleet.ipay.state().set_fault(
        instantpay::PATH_LOGIN,
        Some(Fault::Slow(std::time::Duration::from_millis(800))),
    );

    let children: Vec<_> = ["counter", "backoffice"]
        .iter()
        .map(|pc| {
            fleet
                .agent(pc)
                .args(["login", "--json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", text(&o));
    }
    // Exactly one chargeable request reached InstantPay.
    assert_eq!(fleet.ipay.state().login_requests(), 1);
    assert_eq!(fleet.ipay.charges(), 1);
    // Both PCs show the day logged in, and their ledgers count the one charge between them
    // (a PC answered with the other's login records its attempt as not charged).
    let mut charged = 0;
    for pc in ["counter", "backoffice"] {
        let o = fleet.agent(pc).args(["status", "--json"]).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["summary"]["state"], "logged_in", "{pc}: {v}");
        charged += v["summary"]["charged_today"].as_u64().unwrap();
    }
    assert_eq!(charged, 1);
    // The relay's record: one charge for the outlet today.
    let report = fleet
        .rt
        .block_on(rd_relay::fleet_report(
            &fleet.relay.store,
            clock::ist_date(chrono::Utc::now()),
        ))
        .unwrap();
    assert_eq!(report.matches(",yes,").count(), 1, "{report}");

    // Neither PC holds a platform secret: no entry for one at all, and no value of one.
    for pc in ["counter", "backoffice"] {
        let mut files = Vec::new();
        files_under(&fleet.pc(pc), &mut files);
        for (path, bytes) in files {
            for needle in [
                "client_secret",
                "encryption_key",
                DEMO_CLIENT_SECRET,
                DEMO_ENCRYPTION_KEY,
            ] {
                assert!(
                    !contains(&bytes, needle),
                    "{} holds {needle}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn a_revoked_pc_is_refused_with_a_sentence_and_nothing_is_sent() {
    let fleet = Fleet::start();
    let o = fleet.enroll("counter");
    assert!(o.status.success(), "{}", text(&o));
    let device = fleet
        .rt
        .block_on(fleet.relay.store.devices(Some(DEMO_OUTLET_ID)))
        .unwrap()
        .remove(0);
    assert!(
        fleet
            .rt
            .block_on(
                fleet
                    .relay
                    .store
                    .revoke(&device.device_id, chrono::Utc::now())
            )
            .unwrap()
    );
    let o = fleet.agent("counter").arg("login").output().unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(
        text(&o).contains("withdrawn this computer's access to the login relay"),
        "{}",
        text(&o)
    );
    assert_eq!(fleet.ipay.state().login_requests(), 0);
    assert_eq!(fleet.ipay.state().status_requests(), 0);

    // The same, in Hindi.
    let o = fleet
        .agent("counter")
        .arg("login")
        .env("LANG", "hi_IN.UTF-8")
        .output()
        .unwrap();
    assert!(text(&o).contains("पहुँच हटा दी है"), "{}", text(&o));
}

#[test]
fn an_enrolment_code_works_once() {
    let fleet = Fleet::start();
    let code = fleet.code();
    let run = |pc: &str| {
        fleet
            .agent(pc)
            .args([
                "enroll",
                "--sandbox",
                "--relay",
                &fleet.url,
                "--code",
                &code,
            ])
            .output()
            .unwrap()
    };
    assert!(run("first").status.success());
    let again = run("second");
    assert_eq!(again.status.code(), Some(4), "{}", text(&again));
    assert!(
        text(&again).contains("unknown, already used or expired"),
        "{}",
        text(&again)
    );
    // The refused PC was left as it was: no config written.
    assert!(!fleet.pc("second").join("config.toml").exists());
}
