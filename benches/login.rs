//! Daily-login figures: the whole `rd-agent login --sandbox` as a process (start to exit), the
//! use case in-process against the sandboxes, and the part after the capture (encrypt the
//! Aadhaar, build the request, submit it to the sandbox InstantPay on loopback).
//! `cargo bench --bench login`; the figures go in BENCHMARKS.md.

use std::hint::black_box;
use std::process::Command;
use std::time::Duration;

use clock::SystemClock;
use criterion::{Criterion, criterion_group, criterion_main};
use instantpay::Aadhaar;
use instantpay::Secret;
use instantpay::{BiometricData, Client, LoginOutcome, OutletLoginRequest, new_external_ref};
use rd_agent::ledger::Ledger;
use rd_agent::login::{Deps, LoginParams, LoginResult, Silent, login};
use rd_agent::login::{Direct, RdScanner};
use sandbox::instantpay::{
    self as ipay, DEMO_ENCRYPTION_KEY, DEMO_LATITUDE, DEMO_LONGITUDE, DEMO_OUTLET_ID, SandboxConfig,
};
use sandbox::rd::{SimOptions, SimulatedRd, vendor};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// `rd-agent login --sandbox`: process start, both sandboxes, status, discovery, capture,
/// encrypt, submit, ledger in a temporary directory, exit.
fn sandbox_login_process(c: &mut Criterion) {
    let exe = env!("CARGO_BIN_EXE_rd-agent");
    let mut g = c.benchmark_group("login");
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    g.bench_function("sandbox_process", |b| {
        b.iter(|| {
            let out = Command::new(exe)
                .args(["login", "--sandbox"])
                .env_remove("RD_AGENT_STATE_DIR")
                .env_remove("RD_AGENT_CONFIG")
                .output()
                .unwrap();
            assert!(out.status.success());
        })
    });
    g.finish();
}

/// The demo outlet's login parameters; `--force`, since the sandbox forgets each login.
fn demo_params() -> LoginParams {
    LoginParams {
        latitude: DEMO_LATITUDE.into(),
        longitude: DEMO_LONGITUDE.into(),
        aadhaar: Aadhaar::demo(),
        min_qscore: 40,
        min_nmpoints: 20,
        force: true,
        settle_window: chrono::Duration::seconds(120),
        accept_new_device: false,
        override_declines: None,
        outlet_id: DEMO_OUTLET_ID.into(),
    }
}

/// One complete in-process login per iteration over the RD Services in `range`. With
/// `first_login`, each iteration starts from a new ledger, so no port is known from a login
/// before and the range is scanned; otherwise the port of the last iteration's login is tried
/// first, as on a shop's every morning after the first.
fn bench_login(
    c: &mut Criterion,
    name: &str,
    rt: &tokio::runtime::Runtime,
    ipay: &ipay::SandboxInstantPay,
    range: rd::PortRange,
    first_login: bool,
) {
    let client = Direct {
        client: Client::new(ipay.client_config()).unwrap(),
        key: Secret::new(DEMO_ENCRYPTION_KEY),
    };
    let mut ledger = Ledger::open_in_memory().unwrap();
    let params = demo_params();
    let mut g = c.benchmark_group("login");
    g.bench_function(name, |b| {
        b.iter(|| {
            ipay.state().invalidate_login(DEMO_OUTLET_ID);
            if first_login {
                ledger = Ledger::open_in_memory().unwrap();
            }
            let mut scanner = RdScanner::new("127.0.0.1", range, "P");
            let r = rt
                .block_on(login(
                    Deps {
                        scanner: &mut scanner,
                        api: &client,
                        ledger: &mut ledger,
                        clock: &SystemClock,
                        progress: &Silent,
                    },
                    &params,
                ))
                .unwrap();
            assert_eq!(r.result, LoginResult::LoggedIn);
        })
    });
    g.finish();
}

/// The use case in-process: status, discovery of one port, capture, quality gate, encrypt,
/// ledger `sending`, submit, ledger outcome (SQLite in memory). `--force` after the sandbox
/// forgets the login, so every iteration sends one.
fn use_case_in_process(c: &mut Criterion) {
    let rt = runtime();
    let (ipay, rd) = rt.block_on(async {
        let ipay = ipay::start(SandboxConfig::default()).await.unwrap();
        let rd = SimulatedRd::start(SimOptions::new(vendor("mantra-mfs100").unwrap()))
            .await
            .unwrap();
        (ipay, rd)
    });
    let one = rd::PortRange::single(rd.port());
    bench_login(c, "use_case_in_process", &rt, &ipay, one, false);
    bench_login(c, "use_case_in_process_first_login", &rt, &ipay, one, true);
}

/// The same use case with a black hole beside the RD Service in the range: a port that accepts
/// connections and never answers. Discovery stops at the first READY service, so this should
/// cost the login next to nothing (compare with `use_case_in_process`).
fn use_case_with_a_black_hole_port(c: &mut Criterion) {
    let rt = runtime();
    let (ipay, rd, hole) = rt.block_on(async {
        let ipay = ipay::start(SandboxConfig::default()).await.unwrap();
        loop {
            let rd = SimulatedRd::start(SimOptions::new(vendor("mantra-mfs100").unwrap()))
                .await
                .unwrap();
            // The kernel accepts into the backlog; nobody ever reads or answers.
            if let Ok(hole) = std::net::TcpListener::bind(("127.0.0.1", rd.port() - 1)) {
                break (ipay, rd, hole);
            }
            rd.shutdown().await;
        }
    });
    let range = rd::PortRange::new(rd.port() - 1, rd.port()).unwrap();
    bench_login(
        c,
        "use_case_with_a_black_hole_port",
        &rt,
        &ipay,
        range,
        false,
    );
    bench_login(
        c,
        "use_case_with_a_black_hole_port_first_login",
        &rt,
        &ipay,
        range,
        true,
    );
    drop(hole);
}

/// After the capture: encrypt the Aadhaar, build biometricData and the request, submit it to
/// the sandbox InstantPay on loopback and read the reply.
fn after_capture(c: &mut Criterion) {
    let rt = runtime();
    let ipay = rt.block_on(ipay::start(SandboxConfig::default())).unwrap();
    let client = Direct {
        client: Client::new(ipay.client_config()).unwrap(),
        key: Secret::new(DEMO_ENCRYPTION_KEY),
    };
    let pid = rd::parse_pid(vendor("mantra-mfs100").unwrap().pid_ok.as_bytes()).unwrap();
    let aadhaar = Aadhaar::demo();
    let key = Secret::new(DEMO_ENCRYPTION_KEY);
    let mut g = c.benchmark_group("login");
    g.bench_function("after_capture_encrypt_build_submit", |b| {
        b.iter(|| {
            let encrypted = aadhaar.encrypt(key.expose().as_bytes()).unwrap();
            let req = OutletLoginRequest {
                latitude: DEMO_LATITUDE.into(),
                longitude: DEMO_LONGITUDE.into(),
                external_ref: new_external_ref(),
                biometric_data: BiometricData::from_pid(black_box(&pid))
                    .with_encrypted_aadhaar(encrypted),
            };
            let out = rt.block_on(client.client.outlet_login(&req)).unwrap();
            assert!(matches!(out, LoginOutcome::LoggedIn { .. }));
        })
    });
    g.bench_function("encrypt_and_build_only", |b| {
        b.iter(|| {
            let encrypted = aadhaar.encrypt(key.expose().as_bytes()).unwrap();
            black_box(BiometricData::from_pid(black_box(&pid)).with_encrypted_aadhaar(encrypted))
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    after_capture,
    use_case_in_process,
    use_case_with_a_black_hole_port,
    sandbox_login_process
);
criterion_main!(benches);
