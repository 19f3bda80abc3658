//! The RD Service side against real documents and the simulated RD Service on loopback.

use std::time::Duration;

use instantpay::BiometricData;
use rd::{self, DiscoverOptions, PidError, PidOptions, RdError, RdService, RdStatus, Scheme};
use sandbox::rd::{
    Behaviour, Fault, FaultScope, SimOptions, SimStatus, SimulatedRd, VENDORS, vendor,
};

use crate::support::real_sample as real;

// ------------------------------------------------------------------ the real samples

#[test]
fn mantra_mfs100_sample_parses_with_every_field() {
    let p = rd::parse_pid(&real("mantra_mfs100_pid.xml")).unwrap();
    assert_eq!(p.resp.err_code, "0");
    assert_eq!(p.resp.err_info, "Success");
    assert_eq!(p.resp.f_type, "0");
    assert_eq!(p.q_score(), Some(71));
    assert_eq!(p.nm_points(), Some(46));
    assert_eq!(p.resp.i_count, "", "absent attributes are empty strings");
    assert_eq!(p.device_info.dp_id, "MANTRA.MSIPL");
    assert_eq!(p.device_info.rds_id, "MANTRA.WIN.001");
    assert_eq!(p.device_info.mi, "MFS100");
    assert_eq!(p.device_info.dc, "21045a54-85e4-4ebd-8b31-2220c4144d7f");
    assert_eq!(p.srno(), "3567278");
    assert_eq!(p.sysid(), "6ECFEBF8608AA99FBFF0");
    assert_eq!(p.ts(), "2022-01-13T18:54:03+05:30");
    assert_eq!(p.skey.ci, "20221021");
    assert_eq!(p.skey.value.len(), 344);
    assert!(p.skey.value.starts_with("nvTyVf0gUZT2"));
    assert_eq!(p.hmac.len(), 64);
    assert_eq!(p.data.kind, "X");
    assert!(p.data.value.starts_with("MjAyMi0wMS0xM1Qx") && p.data.value.ends_with("ogJg=="));
}

#[test]
fn startek_sample_has_namespaces_resp_ts_and_extra_params() {
    let p = rd::parse_pid(&real("startek_fm220u_pid.xml")).unwrap();
    assert_eq!(p.resp.ts, "2022-04-01T13:23:25");
    assert_eq!(p.resp.i_count, "0");
    assert_eq!(p.resp.err_info, "");
    assert_eq!(p.q_score(), Some(80));
    assert_eq!(p.srno(), "B4663185");
    assert_eq!(p.sysid(), "V0RaNlM2WU1QRjBVRlpLWlBGMFVGWkta");
    // The Param wins over Resp@ts.
    assert_eq!(p.ts(), "2022-04-01T13:23:25+05:30");
    assert_eq!(p.device_info.param("SupportUpto"), Some("31-Dec-2099"));
    assert_eq!(p.device_info.rds_id, "ACPL.WIN.001");
}

#[test]
fn mfs110_l1_sample_with_values_on_many_lines() {
    let p = rd::parse_pid(&real("mantra_mfs110_l1_pid_redacted.xml")).unwrap();
    assert_eq!(p.resp.err_info, "Success.");
    assert_eq!(p.q_score(), Some(58));
    assert_eq!(p.device_info.rds_id, "RENESAS.MANTRA.001");
    assert_eq!(p.device_info.param("device_type"), Some("L1"));
    assert_eq!(p.srno(), "8190767");
    assert_eq!(p.skey.ci, "20280813");
}

#[test]
fn real_device_certificates_give_their_expiry() {
    let p = rd::parse_pid(&real("mantra_mfs100_pid.xml")).unwrap();
    let cert = rd::parse_mc(&p.device_info.mc).unwrap();
    assert_eq!(cert.not_after.to_rfc3339(), "2022-02-12T13:21:56+00:00");
    assert!(cert.subject.contains("Mantra"));
    let p = rd::parse_pid(&real("startek_fm220u_pid.xml")).unwrap();
    let cert = rd::parse_mc(&p.device_info.mc).unwrap();
    assert_eq!(cert.not_after.to_rfc3339(), "2022-05-01T07:43:18+00:00");
    assert!(cert.is_expired(chrono::Utc::now()));
    assert_eq!(
        rd::parse_ci(&p.skey.ci),
        chrono::NaiveDate::from_ymd_opt(2022, 10, 21)
    );
}

#[test]
fn biometric_data_has_instantpays_names_and_the_documents_values() {
    let p = rd::parse_pid(&real("mantra_mfs100_pid.xml")).unwrap();
    let v = serde_json::to_value(BiometricData::from_pid(&p)).unwrap();
    let map = v.as_object().unwrap();
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut want = vec![
        "dc",
        "ci",
        "hmac",
        "dpId",
        "mc",
        "pidDataType",
        "sessionKey",
        "mi",
        "rdsId",
        "errCode",
        "errInfo",
        "fCount",
        "fType",
        "iCount",
        "iType",
        "pCount",
        "pType",
        "srno",
        "sysid",
        "ts",
        "pidData",
        "qScore",
        "nmPoints",
        "rdsVer",
    ];
    want.sort_unstable();
    assert_eq!(keys, want);
    assert!(map.values().all(|v| v.is_string()));
    assert_eq!(map["srno"], "3567278");
    assert_eq!(map["ci"], "20221021");
    assert_eq!(map["qScore"], "71");
    assert_eq!(map["sessionKey"], p.skey.value.as_str());
}

// ------------------------------------------------------------------ the vendor fixtures

#[test]
fn every_vendor_fixture_parses_and_every_error_is_typed() {
    assert!(VENDORS.len() >= 5);
    for v in VENDORS {
        let ok = rd::parse_pid(v.pid_ok.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", v.id));
        assert!(!ok.srno().is_empty(), "{}", v.id);
        assert!(!ok.ts().is_empty(), "{}", v.id);
        assert!(ok.q_score().is_some(), "{}", v.id);
        assert!(!ok.skey.value.contains(char::is_whitespace), "{}", v.id);
        assert!(rd::parse_mc(&ok.device_info.mc).is_ok(), "{}", v.id);
        let info = rd::parse_rdservice(v.rdservice.as_bytes()).unwrap();
        assert_eq!(info.status, RdStatus::Ready);
        assert!(info.capture_path.starts_with('/') && !info.capture_path.contains(':'));
        let di = rd::parse_device_info(v.deviceinfo.as_bytes()).unwrap();
        assert_eq!(di.device_info.mi, ok.device_info.mi, "{}", v.id);
        for code in [700u16, 710, 720, 730, 999] {
            let doc = v.errors.iter().find(|(c, _)| *c == code).unwrap().1;
            match rd::parse_pid(doc.as_bytes()) {
                Err(PidError::Capture(f)) => {
                    assert_eq!(f.code_number(), Some(code), "{}", v.id);
                    assert!(!f.sentence.is_empty());
                }
                other => panic!("{} {code}: {other:?}", v.id),
            }
        }
    }
}

// ------------------------------------------------------------------ hostile documents

#[test]
fn every_truncation_of_a_real_sample_is_an_error_not_a_panic() {
    let doc = real("startek_fm220u_pid.xml");
    for cut in 0..doc.len() - 1 {
        let r = rd::parse_pid(&doc[..cut]);
        assert!(r.is_err(), "cut at {cut} parsed");
    }
}

#[test]
fn garbage_oversize_and_wrong_types() {
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    assert!(rd::parse_pid(&garbage).is_err());
    assert!(rd::parse_pid(b"").is_err());
    assert!(rd::parse_pid(b"{\"json\": true}").is_err());
    assert!(matches!(
        rd::parse_pid(b"<html><body>404</body></html>"),
        Err(PidError::NotPidData(_))
    ));

    let mut big = b"<PidData><Resp errCode=\"0\"/><Data>".to_vec();
    big.resize(10 * 1024 * 1024, b'A');
    big.extend_from_slice(b"</Data></PidData>");
    let err = rd::parse_pid(&big).unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");

    assert!(matches!(
        rd::parse_pid(b"<PidData><Resp errCode=\"abc\"/></PidData>"),
        Err(PidError::BadErrCode(_))
    ));
    assert!(matches!(
        rd::parse_pid(b"<PidData><DeviceInfo/></PidData>"),
        Err(PidError::Missing("Resp"))
    ));
    assert!(matches!(
        rd::parse_pid(b"<PidData><Resp/></PidData>"),
        Err(PidError::NoErrCode)
    ));
    let no_data = br#"<PidData><Resp errCode="0"/><DeviceInfo/><Skey ci="1">a</Skey><Hmac>b</Hmac></PidData>"#;
    assert!(matches!(
        rd::parse_pid(no_data),
        Err(PidError::Missing("Data"))
    ));
    // A numeric field that is not a number stays a string; its typed accessor says None.
    let odd = br#"<PidData><Resp errCode="0" qScore="high" nmPoints="-3"/><DeviceInfo/><Skey ci="x">a</Skey><Hmac>b</Hmac><Data type="X">c</Data></PidData>"#;
    let p = rd::parse_pid(odd).unwrap();
    assert_eq!(p.resp.q_score, "high");
    assert_eq!(p.q_score(), None);
    assert_eq!(p.nm_points(), None);
    // Element-level text where attributes are expected is ignored, not a crash.
    assert!(rd::parse_pid(b"<PidData><Resp>0</Resp></PidData>").is_err());
    // A DOCTYPE with an entity is not expanded.
    let bomb = br#"<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><PidData><Resp errCode="0" errInfo="&a;"/></PidData>"#;
    assert!(rd::parse_pid(bomb).is_err());
}

#[test]
fn errors_and_debug_never_carry_the_crypto_fields() {
    let doc = real("mantra_mfs100_pid.xml");
    let p = rd::parse_pid(&doc).unwrap();
    let secrets = [
        p.skey.value.clone(),
        p.hmac.clone(),
        p.data.value[..40].to_string(),
    ];
    let mut texts = vec![
        format!("{p:?}"),
        format!("{:?}", BiometricData::from_pid(&p)),
    ];
    // Break the document in many ways and collect every error message.
    let text = String::from_utf8(doc.clone()).unwrap();
    for broken in [
        text.replace("</Skey>", "</Skeys>"),
        text.replace("errCode=\"0\"", "errCode=\"720\""),
        text.replace("errCode=\"0\"", "errCode=\"zero\""),
        text.replace("<Hmac>", "<Hmac><![CDATA["),
        text[..text.len() - 300].to_string(),
        text.replace("<Data type=\"X\">", "<Data type=\"X\">&bogus;"),
    ] {
        if let Err(e) = rd::parse_pid(broken.as_bytes()) {
            texts.push(e.to_string());
            texts.push(format!("{e:?}"));
        }
    }
    assert!(texts.len() > 6);
    for t in &texts {
        for s in &secrets {
            assert!(!t.contains(s.as_str()), "leaked in: {t}");
        }
    }
}

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
