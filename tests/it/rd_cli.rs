//! The `rd-agent` binary's RD commands: `pid parse`, and `devices` / `capture` against a
//! simulated RD Service running in this test process.

use std::io::Write;

use sandbox::rd::{Behaviour, Fault, SimOptions, SimulatedRd, VENDORS, vendor};

use crate::support::{ChildGuard, rd_agent, rd_agent_std, real_sample_path as real};

fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

#[test]
fn pid_parse_reveal_prints_every_field_trimmed() {
    for name in [
        "mantra_mfs100_pid.xml",
        "startek_fm220u_pid.xml",
        "mantra_mfs110_l1_pid_redacted.xml",
    ] {
        let out = rd_agent()
            .args(["pid", "parse", &real(name), "--json", "--reveal"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}");
        let v = json_of(&out.stdout);
        let doc = rd::parse_pid(&std::fs::read(real(name)).unwrap()).unwrap();
        assert_eq!(v["sessionKey"], doc.skey.value.as_str());
        assert_eq!(v["hmac"], doc.hmac.as_str());
        assert_eq!(v["pidData"], doc.data.value.as_str());
        assert_eq!(v["srno"], doc.srno());
        assert_eq!(v["ts"], doc.ts());
        assert_eq!(
            v.as_object().unwrap().len(),
            24,
            "{name}: every field but encryptedAadhaar"
        );
        for (k, val) in v.as_object().unwrap() {
            let s = val.as_str().unwrap();
            assert_eq!(s, s.trim(), "{name}: {k} not trimmed");
        }
    }
    let out = rd_agent()
        .args([
            "pid",
            "parse",
            &real("startek_fm220u_pid.xml"),
            "--json",
            "--reveal",
        ])
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    assert_eq!(v["srno"], "B4663185");
    assert_eq!(v["ts"], "2022-04-01T13:23:25+05:30");
    assert_eq!(v["qScore"], "80");
    assert_eq!(v["iCount"], "0");
    assert_eq!(v["rdsId"], "ACPL.WIN.001");
}

#[test]
fn pid_parse_without_reveal_shows_lengths_only() {
    let path = real("mantra_mfs100_pid.xml");
    let doc = rd::parse_pid(&std::fs::read(&path).unwrap()).unwrap();
    for json in [true, false] {
        let mut cmd = rd_agent();
        cmd.args(["pid", "parse", &path]);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        let text = String::from_utf8_lossy(&all);
        assert!(!text.contains(&doc.skey.value[..30]));
        assert!(!text.contains(&doc.hmac[..30]));
        assert!(!text.contains(&doc.data.value[..30]));
        if json {
            let v = json_of(&out.stdout);
            assert_eq!(v["sessionKey"], "[344 chars]");
            assert_eq!(v["hmac"], "[64 chars]");
            assert_eq!(v["srno"], "3567278");
        }
    }
}

#[test]
fn pid_parse_bad_files_exit_non_zero_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let garbled = dir.path().join("garbled.xml");
    std::fs::File::create(&garbled)
        .unwrap()
        .write_all(b"\x00\x01<PidData><Resp")
        .unwrap();
    let out = rd_agent()
        .args(["pid", "parse", garbled.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v = json_of(&out.stdout);
    assert_eq!(v["ok"], false);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("garbled.xml")
    );

    let truncated = dir.path().join("truncated.xml");
    let full = std::fs::read(real("startek_fm220u_pid.xml")).unwrap();
    std::fs::write(&truncated, &full[..full.len() / 2]).unwrap();
    let out = rd_agent()
        .args(["pid", "parse", truncated.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("truncated"), "{err}");
    assert!(
        !err.contains("E1OcZJh4+GliLKryC8Ic"),
        "no crypto text in errors"
    );

    let big = dir.path().join("big.xml");
    std::fs::write(&big, vec![b'<'; 10 * 1024 * 1024]).unwrap();
    let out = rd_agent()
        .args(["pid", "parse", big.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("limit"));

    let failed = dir.path().join("err720.xml");
    std::fs::write(&failed, vendor("startek-fm220u").unwrap().errors[2].1).unwrap();
    let out = rd_agent()
        .args(["pid", "parse", failed.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("720") && err.contains("Connect the scanner"),
        "{err}"
    );
}

async fn sim(id: &str, behaviour: Behaviour) -> SimulatedRd {
    let mut opts = SimOptions::new(vendor(id).unwrap());
    opts.behaviour = behaviour;
    SimulatedRd::start(opts).await.unwrap()
}

/// Run the binary off the runtime's threads, so the in-process simulator keeps serving.
async fn run(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || rd_agent().args(args).output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_and_capture_work_for_every_vendor() {
    for v in VENDORS {
        let s = sim(v.id, Behaviour::default()).await;
        let p = s.port().to_string();
        let out = run(vec![
            "devices".into(),
            "--ports".into(),
            format!("{p}-{p}"),
            "--json".into(),
        ])
        .await;
        assert!(
            out.status.success(),
            "{}: {}",
            v.id,
            String::from_utf8_lossy(&out.stderr)
        );
        let d = json_of(&out.stdout);
        let svc = &d["services"][0];
        assert_eq!(svc["port"], s.port());
        assert_eq!(svc["status"], "READY");
        assert_eq!(svc["scheme"], s.scheme().as_str());
        assert!(svc["mc_expires"].is_string(), "{}: {svc}", v.id);
        // This test runs the simulator: its own account, so a login would use it.
        if cfg!(unix) {
            assert_eq!(svc["trusted"], true, "{svc}");
            assert!(svc["owner"].as_str().unwrap().contains("uid"), "{svc}");
            // And which program: this test's process, which runs the simulator.
            let pid = format!("pid {}, ", std::process::id());
            assert!(svc["owner"].as_str().unwrap().contains(&pid), "{svc}");
        }
        assert_eq!(d["warnings"], serde_json::json!([]));
        let fixture = rd::parse_pid(v.pid_ok.as_bytes()).unwrap();
        assert_eq!(svc["device_info"]["mi"], fixture.device_info.mi.as_str());
        // The generation from the table: Mantra's MFS100 is L0 and MFS110 L1; the rest unknown.
        let want = match v.id {
            "mantra-mfs100" => "l0",
            "mantra-mfs110-l1" => "l1",
            _ => "unknown",
        };
        assert_eq!(svc["device_info"]["generation"], want, "{}", v.id);

        let out = run(vec![
            "capture".into(),
            "--port".into(),
            p.clone(),
            "--json".into(),
        ])
        .await;
        assert!(
            out.status.success(),
            "{}: {}",
            v.id,
            String::from_utf8_lossy(&out.stderr)
        );
        let c = json_of(&out.stdout);
        assert_eq!(c["port"], s.port());
        let bio = &c["biometricData"];
        assert_eq!(bio["srno"], fixture.srno());
        assert_eq!(bio["qScore"], fixture.resp.q_score.as_str());
        assert_eq!(
            bio["sessionKey"],
            format!("[{} chars]", fixture.skey.value.len())
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(&fixture.skey.value[..30]));
        assert!(!text.contains(&fixture.data.value[..30]));
        s.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_services_give_exit_3_and_name_the_port() {
    for fault in [
        Fault::Garbled,
        Fault::Truncated,
        Fault::Oversized,
        Fault::NotHttp,
    ] {
        let s = sim(
            "mantra-mfs100",
            Behaviour {
                fault,
                fault_on: sandbox::rd::FaultScope::Capture,
                ..Behaviour::default()
            },
        )
        .await;
        let out = run(vec![
            "capture".into(),
            "--port".into(),
            s.port().to_string(),
        ])
        .await;
        assert_eq!(out.status.code(), Some(3), "{fault:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("port {}", s.port())),
            "{fault:?}: {err}"
        );
        s.shutdown().await;
    }
    let s = sim(
        "mantra-mfs100",
        Behaviour {
            capture_error: Some(700),
            ..Behaviour::default()
        },
    )
    .await;
    let out = run(vec![
        "capture".into(),
        "--port".into(),
        s.port().to_string(),
        "--json".into(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(3));
    let v = json_of(&out.stdout);
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("700") && msg.contains("Place the finger"),
        "{msg}"
    );
    s.shutdown().await;
}

/// Two RD Services answering READY: `devices` warns that a login takes whichever answers
/// first, naming both ports, in its text and its JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_ready_services_are_warned_about() {
    // Two simulators on neighbouring ports, so one short range covers both.
    let (a, b) = loop {
        let first = sim("mantra-mfs100", Behaviour::default()).await;
        let mut opts = SimOptions::new(vendor("startek-fm220u").unwrap());
        opts.port = first.port() + 1;
        if let Ok(second) = SimulatedRd::start(opts).await {
            break (first, second);
        }
        first.shutdown().await;
    };
    let range = format!("{}-{}", a.port(), b.port());
    let out = run(vec![
        "devices".into(),
        "--ports".into(),
        range.clone(),
        "--json".into(),
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d = json_of(&out.stdout);
    let w = d["warnings"][0].as_str().unwrap();
    assert!(w.contains("2 RD Services answer READY"), "{w}");
    assert!(w.contains(&format!("{}, {}", a.port(), b.port())), "{w}");
    let out = run(vec!["devices".into(), "--ports".into(), range]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("warning: 2 RD Services answer READY"),
        "{text}"
    );
    a.shutdown().await;
    b.shutdown().await;
}

/// Without `--ports`, `devices` and `capture` look where the config's `rd.ports` says, as the
/// login and `doctor` do; a flag still wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_and_capture_look_on_the_configs_ports() {
    let s = sim("mantra-mfs100", Behaviour::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, format!("[rd]\nports = \"{}\"\n", s.port())).unwrap();
    let with_config = |args: &[&str]| {
        let mut argv: Vec<String> = vec![
            "--config".into(),
            cfg.display().to_string(),
            "--state-dir".into(),
            dir.path().join("state").display().to_string(),
        ];
        argv.extend(args.iter().map(|a| a.to_string()));
        argv
    };
    let out = run(with_config(&["devices", "--json"])).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json_of(&out.stdout)["services"][0]["port"], s.port());
    let out = run(with_config(&["capture", "--json"])).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json_of(&out.stdout)["port"], s.port());
    // A flag wins over the config: a port nothing listens on finds nothing.
    let free = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let range = format!("{free}-{free}");
    let out = run(with_config(&["devices", "--ports", &range])).await;
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!(
            "no RD Service answered on 127.0.0.1 ports {free}."
        )),
        "{said}"
    );
    s.shutdown().await;
}

#[test]
fn sandbox_rejects_an_unknown_vendor() {
    let out = rd_agent()
        .args(["sandbox", "--vendor", "nokia", "--rd-port", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mantra-mfs100"));
}

#[test]
fn devices_with_a_bad_range_is_a_usage_error() {
    let out = rd_agent()
        .args(["devices", "--ports", "9-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `rd-agent sandbox` serves both halves: a person can point `devices` and an InstantPay client
/// at what it prints.
#[test]
fn sandbox_serves_the_rd_service_and_instantpay() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let mut running = ChildGuard::new(
        rd_agent_std()
            .args(["sandbox", "--rd-port", "0", "--api-port", "0", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // The start document is pretty-printed JSON: read it up to its closing brace.
    let mut doc = String::new();
    let mut lines = BufReader::new(running.child().stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line == "}";
        doc.push_str(&line);
        if done {
            break;
        }
    }
    let v = json_of(doc.as_bytes());
    let rd_port = v["rd"]["port"].as_u64().unwrap();
    let base_url = v["instantpay"]["base_url"].as_str().unwrap().to_string();
    assert_eq!(v["instantpay"]["aadhaar"], "XXXX XXXX 7058");

    let out = rd_agent()
        .args([
            "devices",
            "--ports",
            &format!("{rd_port}-{rd_port}"),
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());

    let status = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let outlet = sandbox::instantpay::DemoOutlet::demo();
        let client = instantpay::Client::new(outlet.client_config(&base_url)).unwrap();
        client.outlet_login_status().await
    });
    assert!(!status.unwrap().logged_in);
}
