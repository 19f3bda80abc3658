//! The fault-injection run: randomized rounds that mix logins started at once (CLI processes,
//! the service with a CLI and a tray-style client over IPC), `kill -9` at random moments, and
//! InstantPay and RD Service faults; after each round, what the sandbox InstantPay actually
//! received is held against the ledger and `status`.
//!
//! Each round is one outlet's day from scratch (fresh sandboxes, fresh state dir). What must
//! hold, whatever happened:
//! - at most one `outletLogin` reached InstantPay: none while an earlier one's outcome was
//!   open, none after a LOGGEDIN (no bank cancellation is played here);
//! - every login InstantPay processed (and charged) is a ledger row;
//! - `status` counts every charged request as charged or unknown, never as free;
//! - once faults are gone, the next login records a processed attempt as logged in.
//!
//! CI runs a few rounds; a longer run is
//! `RD_AGENT_FAULT_ROUNDS=1000 cargo test --test it fault_run -- --nocapture`
//! (`RD_AGENT_FAULT_SEED` replays a run: the seed is printed).

#![cfg(unix)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use ::sandbox::instantpay::Fault;
use ::sandbox::rd::Behaviour;
use instantpay::{PATH_LOGIN, PATH_LOGIN_STATUS};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rd_agent::ledger::AttemptState;

use crate::support::{ChildGuard, Service, ServiceStderr, TestEnv, mantra, text};

/// Rounds when RD_AGENT_FAULT_ROUNDS is not set: enough to mix every fault in CI.
const CI_ROUNDS: u32 = 12;
/// No actor may take longer (the sandbox's slowest reply is 1.5 s; the read timeout is 30 s).
const ACTOR_LIMIT: Duration = Duration::from_secs(90);

#[derive(Debug, Clone, Copy)]
enum IpayFault {
    None,
    Slow(u64),
    Http500,
    Garbage,
    DropBeforeProcessing,
    DropAfterProcessing,
    StatusDown,
}

impl IpayFault {
    fn pick(rng: &mut StdRng) -> IpayFault {
        match rng.random_range(0..10) {
            0..=2 => IpayFault::None,
            3 | 4 => IpayFault::Slow(rng.random_range(100..1_500)),
            5 => IpayFault::Http500,
            6 => IpayFault::Garbage,
            7 => IpayFault::DropBeforeProcessing,
            8 => IpayFault::DropAfterProcessing,
            _ => IpayFault::StatusDown,
        }
    }

    fn name(self) -> &'static str {
        match self {
            IpayFault::None => "none",
            IpayFault::Slow(_) => "slow",
            IpayFault::Http500 => "http500",
            IpayFault::Garbage => "garbage",
            IpayFault::DropBeforeProcessing => "reset-before-processing",
            IpayFault::DropAfterProcessing => "reset-after-processing",
            IpayFault::StatusDown => "status-http500",
        }
    }

    fn play(self, env: &TestEnv) {
        let st = env.ipay.state();
        let login = match self {
            IpayFault::None | IpayFault::StatusDown => None,
            IpayFault::Slow(ms) => Some(Fault::Slow(Duration::from_millis(ms))),
            IpayFault::Http500 => Some(Fault::Http500),
            IpayFault::Garbage => Some(Fault::MalformedJson),
            IpayFault::DropBeforeProcessing => Some(Fault::DropConnection),
            IpayFault::DropAfterProcessing => Some(Fault::DropAfterProcessing),
        };
        st.set_fault(PATH_LOGIN, login);
        if matches!(self, IpayFault::StatusDown) {
            st.set_fault(PATH_LOGIN_STATUS, Some(Fault::Http500));
        }
    }

    fn clear(env: &TestEnv) {
        env.ipay.state().set_fault(PATH_LOGIN, None);
        env.ipay.state().set_fault(PATH_LOGIN_STATUS, None);
    }
}

fn rd_behaviour(rng: &mut StdRng) -> (&'static str, Behaviour) {
    match rng.random_range(0..10) {
        0 => (
            "capture-error-700",
            Behaviour {
                capture_error: Some(700),
                ..Behaviour::default()
            },
        ),
        1..=3 => (
            "slow-finger",
            Behaviour {
                delay: Duration::from_millis(rng.random_range(100..800)),
                ..Behaviour::default()
            },
        ),
        _ => ("none", Behaviour::default()),
    }
}

/// Wait for a child, bounded; a child past the bound is a failure of the run.
fn wait_bounded(child: &mut Child) -> Result<(), String> {
    let start = Instant::now();
    loop {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            return Ok(());
        }
        if start.elapsed() > ACTOR_LIMIT {
            let _ = child.kill();
            return Err(format!(
                "an actor (pid {}) ran past {ACTOR_LIMIT:?}",
                child.id()
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A tray's "Log in now": one request line over the socket, and its one reply line.
fn tray_click(sock: std::path::PathBuf) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let Ok(mut s) = std::os::unix::net::UnixStream::connect(&sock) else {
            return;
        };
        let _ = s.set_read_timeout(Some(ACTOR_LIMIT));
        let _ = s.write_all(b"{\"v\":2,\"cmd\":\"login\",\"force\":false}\n");
        let mut line = String::new();
        let _ = BufReader::new(s).read_line(&mut line);
    })
}

#[derive(Default)]
struct Tally {
    rounds: u32,
    faults: BTreeMap<&'static str, u32>,
    rd_faults: BTreeMap<&'static str, u32>,
    with_service: u32,
    kills: BTreeMap<&'static str, u32>,
    logins_started: u32,
    charged: u32,
}

fn one_round(rng: &mut StdRng, tally: &mut Tally) -> Result<(), String> {
    let (rd_name, behaviour) = rd_behaviour(rng);
    let mut rd = mantra();
    rd.behaviour = behaviour;
    let env = TestEnv::builder().rd(rd).start();
    let fault = IpayFault::pick(rng);
    fault.play(&env);
    *tally.faults.entry(fault.name()).or_default() += 1;
    *tally.rd_faults.entry(rd_name).or_default() += 1;

    let mut service: Option<Service> = if rng.random_bool(0.3) {
        tally.with_service += 1;
        let (service, _) = env.block_on(env.start_service(None, ServiceStderr::Discard))?;
        Some(service)
    } else {
        None
    };
    let clis = rng.random_range(2..=3);
    let mut actors: Vec<ChildGuard> = (0..clis)
        .map(|_| {
            let mut cmd = env.cmd_std();
            cmd.arg("login");
            if rng.random_bool(0.3) {
                cmd.arg("--force");
            }
            ChildGuard::new(
                cmd.stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap(),
            )
        })
        .collect();
    tally.logins_started += clis;
    let tray = service.as_ref().map(|_| tray_click(env.socket()));
    tally.logins_started += u32::from(tray.is_some());

    // kill -9 one of them at a random moment: before the send, during it, or after the reply.
    if rng.random_bool(0.5) {
        std::thread::sleep(Duration::from_millis(rng.random_range(0..900)));
        let victim = rng.random_range(0..actors.len() + usize::from(service.is_some()));
        match actors.get_mut(victim) {
            Some(a) => {
                let _ = a.child().kill();
                *tally.kills.entry("cli").or_default() += 1;
            }
            None => {
                if let Some(s) = service.as_mut() {
                    let _ = s.guard.child().kill();
                    *tally.kills.entry("service").or_default() += 1;
                }
            }
        }
    }
    for a in &mut actors {
        wait_bounded(a.child())?;
    }
    if let Some(t) = tray {
        let _ = t.join();
    }
    if let Some(mut s) = service.take() {
        // A clean stop (SIGTERM), which lets a login in flight finish.
        s.guard.terminate();
        wait_bounded(s.guard.child())?;
    }

    // The faults end; the next login (in-process, as after a reboot) settles what it can.
    IpayFault::clear(&env);
    let next = env.login();

    let received = env.ipay.state().login_requests();
    let processed = env.ipay.state().processed_refs();
    tally.charged += processed.len() as u32;
    let rows = env.ledger().all().map_err(|e| e.to_string())?;
    let context = || {
        format!(
            "fault {}, rd {rd_name}, received {received}, processed {processed:?}, rows {:?}, next login: {}",
            fault.name(),
            rows.iter()
                .map(|r| (r.external_ref.clone(), r.state, r.charged))
                .collect::<Vec<_>>(),
            text(&next)
        )
    };
    if received > 1 {
        return Err(format!(
            "{received} outletLogin requests in one day: {}",
            context()
        ));
    }
    for r in &processed {
        let Some(row) = rows.iter().find(|a| &a.external_ref == r) else {
            return Err(format!("processed {r} is not in the ledger: {}", context()));
        };
        if row.state != AttemptState::LoggedIn {
            return Err(format!(
                "processed {r} is {:?} after the next login: {}",
                row.state,
                context()
            ));
        }
    }
    let status = env
        .cmd_std()
        .args(["--json", "status"])
        .output()
        .map_err(|e| e.to_string())?;
    let v: serde_json::Value =
        serde_json::from_slice(&status.stdout).map_err(|e| format!("status --json: {e}"))?;
    let counted = v["summary"]["charged_today"].as_u64().unwrap_or(0)
        + v["summary"]["charge_unknown_today"].as_u64().unwrap_or(0);
    if counted < processed.len() as u64 {
        return Err(format!(
            "status counts {counted} charged or unknown for {} charged: {}",
            processed.len(),
            context()
        ));
    }
    tally.rounds += 1;
    Ok(())
}

#[test]
fn fault_injection_rounds_never_pay_twice_and_account_for_every_charge() {
    let rounds: u32 = std::env::var("RD_AGENT_FAULT_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CI_ROUNDS);
    let seed: u64 = std::env::var("RD_AGENT_FAULT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(rand::random);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tally = Tally::default();
    let start = Instant::now();
    for round in 0..rounds {
        if let Err(e) = one_round(&mut rng, &mut tally) {
            panic!("round {round} of seed {seed} (RD_AGENT_FAULT_SEED={seed} replays it): {e}");
        }
    }
    eprintln!(
        "fault run: {} rounds, seed {seed}, {:.0} s; InstantPay faults {:?}; RD faults {:?}; \
         {} with the service; kill -9 {:?}; {} logins started, {} charged",
        tally.rounds,
        start.elapsed().as_secs_f64(),
        tally.faults,
        tally.rd_faults,
        tally.with_service,
        tally.kills,
        tally.logins_started,
        tally.charged,
    );
    assert_eq!(tally.rounds, rounds);
    // The run exercised what it claims: logins were charged, and processes were killed.
    assert!(tally.charged > 0, "no round ever charged a login");
}
