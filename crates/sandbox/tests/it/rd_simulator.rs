//! The RD Service client against the simulated RD Service on loopback.

use std::time::Duration;

use rd::{self, DiscoverOptions, PidOptions, RdError, RdService, RdStatus, Scheme};
use sandbox::rd::{
    Behaviour, Fault, FaultScope, SimOptions, SimStatus, SimulatedRd, VENDORS, vendor,
};

// ------------------------------------------------------------------ against the simulator

async fn start(id: &str, behaviour: Behaviour) -> SimulatedRd {
    let mut opts = SimOptions::new(vendor(id).unwrap());
    opts.behaviour = behaviour;
    SimulatedRd::start(opts).await.unwrap()
}

fn one_port(port: u16) -> DiscoverOptions {
    DiscoverOptions {
        ports: rd::PortRange::single(port),
        probe_timeout: Duration::from_secs(2),
        ..DiscoverOptions::default()
    }
}

async fn found(sim: &SimulatedRd) -> RdService {
    rd::probe(&one_port(sim.port()), sim.port()).await.unwrap()
}

#[tokio::test]
async fn every_vendor_discover_device_info_capture_and_errors() {
    for v in VENDORS {
        let sim = start(v.id, Behaviour::default()).await;
        let svc = found(&sim).await;
        assert_eq!(svc.port, sim.port());
        assert_eq!(
            svc.scheme,
            if v.https { Scheme::Https } else { Scheme::Http }
        );
        assert_eq!(svc.status, RdStatus::Ready, "{}", v.id);
        let want = rd::parse_rdservice(v.rdservice.as_bytes()).unwrap();
        assert_eq!(svc.capture_path, want.capture_path);
        assert_eq!(svc.device_info_path, want.device_info_path);

        let di = rd::device_info(&svc).await.unwrap();
        assert!(di.cert().is_ok(), "{}", v.id);
        let p = rd::capture(&svc, &PidOptions::new()).await.unwrap();
        let fixture = rd::parse_pid(v.pid_ok.as_bytes()).unwrap();
        assert_eq!(p, fixture, "{}", v.id);
        let seen = sim.requests();
        let cap = seen.iter().find(|r| r.verb == "CAPTURE").unwrap();
        assert_eq!(cap.body, PidOptions::new().to_xml());
        assert_eq!(cap.path, want.capture_path);
        sim.shutdown().await;

        for code in [700u16, 710, 720, 730, 999] {
            let sim = start(
                v.id,
                Behaviour {
                    capture_error: Some(code),
                    ..Behaviour::default()
                },
            )
            .await;
            let svc = found(&sim).await;
            match rd::capture(&svc, &PidOptions::new()).await {
                Err(RdError::Capture { port, failure }) => {
                    assert_eq!(port, sim.port());
                    assert_eq!(failure.code_number(), Some(code));
                    let msg = RdError::Capture { port, failure }.to_string();
                    assert!(
                        msg.contains(&sim.port().to_string()) && msg.contains(&code.to_string()),
                        "{msg}"
                    );
                }
                other => panic!("{} {code}: {other:?}", v.id),
            }
            sim.shutdown().await;
        }
    }
}

#[tokio::test]
async fn ftype_2_is_retried_once_with_0_on_error_110() {
    let sim = start(
        "startek-fm220u",
        Behaviour {
            old_ftype: true,
            ..Behaviour::default()
        },
    )
    .await;
    let svc = found(&sim).await;
    let p = rd::capture(&svc, &PidOptions::new()).await.unwrap();
    assert_eq!(p.srno(), "B4669012");
    let bodies: Vec<String> = sim
        .requests()
        .into_iter()
        .filter(|r| r.verb == "CAPTURE")
        .map(|r| r.body)
        .collect();
    assert_eq!(bodies.len(), 2);
    assert!(bodies[0].contains("fType=\"2\""));
    assert!(bodies[1].contains("fType=\"0\""));
    sim.shutdown().await;

    let sim = start(
        "mantra-mfs100",
        Behaviour {
            capture_error: Some(110),
            ..Behaviour::default()
        },
    )
    .await;
    let svc = found(&sim).await;
    let err = rd::capture(&svc, &PidOptions::new()).await.unwrap_err();
    assert!(matches!(err, RdError::Capture { ref failure, .. } if failure.code == "110"));
    let captures = sim
        .requests()
        .iter()
        .filter(|r| r.verb == "CAPTURE")
        .count();
    assert_eq!(captures, 2, "one retry, then the error");
    sim.shutdown().await;
}

/// Start simulators on adjacent ports (a free block found by trial).
async fn adjacent(behaviours: Vec<(&str, Behaviour)>) -> Vec<SimulatedRd> {
    'attempt: for _ in 0..20 {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = probe.local_addr().unwrap().port();
        drop(probe);
        if base > 65000 {
            continue;
        }
        let mut sims = Vec::new();
        for (i, (id, b)) in behaviours.iter().enumerate() {
            let mut opts = SimOptions::new(vendor(id).unwrap());
            opts.behaviour = b.clone();
            opts.port = base + i as u16;
            match SimulatedRd::start(opts).await {
                Ok(s) => sims.push(s),
                Err(_) => continue 'attempt,
            }
        }
        return sims;
    }
    panic!("no block of free ports");
}

#[tokio::test]
async fn a_scan_reports_ready_and_notready_and_skips_a_hanging_port() {
    let sims = adjacent(vec![
        ("mantra-mfs100", Behaviour::default()),
        (
            "startek-fm220u",
            Behaviour {
                fault: Fault::Hang,
                ..Behaviour::default()
            },
        ),
        (
            "morpho-mso1300-e3",
            Behaviour {
                status: SimStatus::NotReady,
                ..Behaviour::default()
            },
        ),
        ("mantra-mfs110-l1", Behaviour::default()),
    ])
    .await;
    let lo = sims[0].port();
    let opts = DiscoverOptions {
        ports: rd::PortRange::new(lo, lo + 3).unwrap(),
        probe_timeout: Duration::from_millis(300),
        ..DiscoverOptions::default()
    };
    let report = rd::discover_report(&opts).await;
    let ports: Vec<(u16, RdStatus, Scheme)> = report
        .services
        .iter()
        .map(|s| (s.port, s.status.clone(), s.scheme))
        .collect();
    assert_eq!(
        ports,
        vec![
            (lo, RdStatus::Ready, Scheme::Http),
            (lo + 2, RdStatus::NotReady, Scheme::Http),
            (lo + 3, RdStatus::Ready, Scheme::Https),
        ]
    );
    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    assert_eq!(report.failures[0].port, lo + 1);
    assert!(report.failures[0].error.contains("did not answer"));

    // A capture on the NOTREADY one is refused before anything is sent.
    let notready = &report.services[1];
    let err = rd::capture(notready, &PidOptions::new()).await.unwrap_err();
    assert!(matches!(err, RdError::NotReady { port, .. } if port == lo + 2));
    assert!(!sims[2].requests().iter().any(|r| r.verb == "CAPTURE"));
    for s in sims {
        s.shutdown().await;
    }
}

/// A login does not wait for a port that never answers: once one service is READY, the rest of
/// the scan is dropped. (With an hour's probe deadline, waiting for the hanging port would
/// never end within the bound below.)
#[tokio::test]
async fn find_ready_returns_without_waiting_for_a_hanging_port() {
    let sims = adjacent(vec![
        (
            "startek-fm220u",
            Behaviour {
                fault: Fault::Hang,
                ..Behaviour::default()
            },
        ),
        ("mantra-mfs100", Behaviour::default()),
    ])
    .await;
    let lo = sims[0].port();
    let opts = DiscoverOptions {
        ports: rd::PortRange::new(lo, lo + 1).unwrap(),
        probe_timeout: Duration::from_secs(3600),
        ..DiscoverOptions::default()
    };
    let svc = tokio::time::timeout(Duration::from_secs(60), rd::find_ready(&opts))
        .await
        .expect("find_ready waited for the hanging port")
        .unwrap();
    assert_eq!((svc.port, svc.status), (lo + 1, RdStatus::Ready));
    for s in sims {
        s.shutdown().await;
    }
}

/// Two READY services: the one a login may not use (`accept` refuses it, as the trust check
/// refuses another user's program) is passed over for the next; the port used last time is
/// taken first even when another one answers too; a preferred port that no longer answers costs
/// only its own probe before the range is scanned.
#[tokio::test]
async fn first_ready_prefers_the_last_port_and_skips_what_it_may_not_use() {
    let sims = adjacent(vec![
        ("mantra-mfs100", Behaviour::default()),
        ("startek-fm220u", Behaviour::default()),
        (
            "secugen-hamster-pro",
            Behaviour {
                fault: Fault::Hang,
                ..Behaviour::default()
            },
        ),
    ])
    .await;
    let lo = sims[0].port();
    let opts = DiscoverOptions {
        ports: rd::PortRange::new(lo, lo + 2).unwrap(),
        probe_timeout: Duration::from_secs(3600),
        ..DiscoverOptions::default()
    };
    let any = |_: &rd::RdService| true;
    let within = |f| tokio::time::timeout(Duration::from_secs(60), f);

    let svc = within(rd::first_ready(&opts, Some(lo + 1), &any))
        .await
        .expect("the preferred port answers at once")
        .unwrap();
    assert_eq!(svc.port, lo + 1);

    let not_first = |s: &rd::RdService| s.port != lo;
    let svc = within(rd::first_ready(&opts, None, &not_first))
        .await
        .expect("stops at the accepted one")
        .unwrap();
    assert_eq!(svc.port, lo + 1);

    // Preferred but refused, or not in the range: the range decides.
    let only_first = |s: &rd::RdService| s.port == lo;
    let svc = within(rd::first_ready(&opts, Some(lo + 1), &only_first))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(svc.port, lo);
    let svc = within(rd::first_ready(&opts, Some(1), &any))
        .await
        .unwrap()
        .unwrap();
    assert!(svc.port == lo || svc.port == lo + 1);

    // None it may use: every service found comes back, for the caller to say why.
    let short = DiscoverOptions {
        probe_timeout: Duration::from_millis(300),
        ..opts.clone()
    };
    let found = rd::first_ready(&short, None, &|_| false).await.unwrap_err();
    let ports: Vec<u16> = found.iter().map(|s| s.port).collect();
    assert_eq!(ports, [lo, lo + 1]);
    for s in sims {
        s.shutdown().await;
    }
}

#[tokio::test]
async fn broken_replies_name_the_port_and_what_was_wrong() {
    let cases = [
        (Fault::Garbled, "not UTF-8"),
        (Fault::NotHttp, "not HTTP"),
        (Fault::Truncated, "truncated"),
        (Fault::Oversized, "over 4194304 bytes"),
    ];
    for (fault, what) in cases {
        // On CAPTURE.
        let sim = start(
            "secugen-hamster-pro",
            Behaviour {
                fault,
                fault_on: FaultScope::Capture,
                ..Behaviour::default()
            },
        )
        .await;
        let svc = found(&sim).await;
        let err = rd::capture(&svc, &PidOptions::new()).await.unwrap_err();
        assert_eq!(err.port(), Some(sim.port()));
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("port {}", sim.port())) && msg.contains(what),
            "{fault:?}: {msg}"
        );
        sim.shutdown().await;

        // On RDSERVICE: not a service, and the scan says why.
        let sim = start(
            "secugen-hamster-pro",
            Behaviour {
                fault,
                ..Behaviour::default()
            },
        )
        .await;
        let mut opts = one_port(sim.port());
        opts.probe_timeout = Duration::from_millis(500);
        let report = rd::discover_report(&opts).await;
        assert!(report.services.is_empty());
        assert_eq!(report.failures.len(), 1);
        assert_eq!(report.failures[0].port, sim.port());
        sim.shutdown().await;
    }
}

#[tokio::test]
async fn a_capture_that_never_answers_hits_timeout_plus_margin() {
    let sim = start(
        "mantra-mfs100",
        Behaviour {
            fault: Fault::Hang,
            fault_on: FaultScope::Capture,
            ..Behaviour::default()
        },
    )
    .await;
    let svc = found(&sim).await;
    let opts = PidOptions::new().timeout_ms(1000);
    let err = rd::capture(&svc, &opts).await.unwrap_err();
    let want_ms = (opts.timeout() + rd::CAPTURE_MARGIN).as_millis();
    assert_eq!(
        err,
        RdError::Timeout {
            port: sim.port(),
            verb: "CAPTURE",
            ms: want_ms
        }
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_delayed_capture_within_the_deadline_succeeds() {
    let sim = start(
        "morpho-mso1300-e3",
        Behaviour {
            delay: Duration::from_millis(300),
            ..Behaviour::default()
        },
    )
    .await;
    let svc = found(&sim).await;
    let p = rd::capture(&svc, &PidOptions::new().timeout_ms(1000))
        .await
        .unwrap();
    assert_eq!(p.srno(), "2316I012345");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_stopped_simulator_refuses_connections() {
    let sim = start("mantra-mfs100", Behaviour::default()).await;
    let port = sim.port();
    sim.shutdown().await;
    let err = rd::probe(&one_port(port), port).await.unwrap_err();
    assert!(err.is_refused(), "{err:?}");
    let report = rd::discover_report(&one_port(port)).await;
    assert!(report.services.is_empty() && report.failures.is_empty());
}

#[tokio::test]
async fn wrong_path_and_bad_options() {
    let sim = start("mantra-mfs100", Behaviour::default()).await;
    let mut svc = found(&sim).await;
    let err = rd::capture(&svc, &PidOptions::new().f_count(0))
        .await
        .unwrap_err();
    assert!(matches!(err, RdError::Options(_)));
    assert!(!sim.requests().iter().any(|r| r.verb == "CAPTURE"));
    svc.device_info_path = "/nowhere".into();
    let err = rd::device_info(&svc).await.unwrap_err();
    assert!(
        matches!(err, RdError::Status { status: 404, .. }),
        "{err:?}"
    );
    sim.shutdown().await;
}
