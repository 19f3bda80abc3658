//! The guards' randomized run: rounds of scripted logins through the relay from one to three
//! PCs of one outlet, mixing declined fingers, successes, unknown outcomes, a PC set up with
//! another person's Aadhaar, a PC whose RD Service encrypts with an expired UIDAI key, and the
//! bank cancelling the day's login. Each step is a real `rd-agent login` process; after each,
//! what reached the sandbox InstantPay is held against the rules (docs/ledger.md, rules 10-12;
//! docs/relay.md):
//! - after two declined fingers in a row, nothing reaches InstantPay until a login succeeds
//!   (no override is given here), whichever PC tries;
//! - a PC with another person's Aadhaar never sends;
//! - a PC whose capture carries an expired key never sends.
//!
//! CI runs a few rounds; a longer run is
//! `RD_AGENT_GUARD_ROUNDS=1000 cargo test --test it guard_run -- --nocapture`
//! (`RD_AGENT_GUARD_SEED` replays a run: the seed is printed).

use ::sandbox::instantpay::{DEMO_OUTLET_ID, Fault};
use ::sandbox::rd::{Behaviour, SimOptions, SimulatedRd, vendor};
use instantpay::PATH_LOGIN;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rd_agent::config::{SecretName, Secrets};

use crate::relay::Fleet;
use crate::support::{other_aadhaar, text};

/// Rounds when RD_AGENT_GUARD_ROUNDS is not set (fewer under Wine, where a process starts
/// slowly).
const CI_ROUNDS: u32 = if cfg!(windows) { 2 } else { 4 };
const STEPS: usize = 8;

/// What a PC of the round is like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pc {
    Normal,
    WrongOperator,
    ExpiredKey,
}

/// What InstantPay does with the step's login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Success,
    Decline,
    /// Processed (charged), then a garbled reply: the outcome is unknown to the relay.
    Unknown,
    /// The bank cancelled the day's login before this step.
    BankCancels,
}

fn pick_answer(rng: &mut StdRng) -> Answer {
    match rng.random_range(0..10) {
        0..=4 => Answer::Decline,
        5 | 6 => Answer::Success,
        7 => Answer::Unknown,
        _ => Answer::BankCancels,
    }
}

/// The outlet's run of possible declines, as the sandbox saw the requests that reached it.
#[derive(Debug, Default)]
struct Watch {
    in_a_row: u32,
}

#[test]
fn guard_run() {
    let rounds = std::env::var("RD_AGENT_GUARD_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CI_ROUNDS);
    let seed = std::env::var("RD_AGENT_GUARD_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    eprintln!("guard_run: {rounds} rounds, seed {seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut sent, mut refused) = (0u64, 0u64);
    for round in 0..rounds {
        let (s, r) =
            one_round(&mut rng).unwrap_or_else(|e| panic!("round {round} (seed {seed}): {e}"));
        sent += s;
        refused += r;
    }
    eprintln!(
        "guard_run: {rounds} rounds, {sent} logins reached InstantPay, {refused} were held back"
    );
}

/// One round; `(sent, held back)`.
fn one_round(rng: &mut StdRng) -> Result<(u64, u64), String> {
    let fleet = Fleet::start();
    let stale_rd = fleet.rt.block_on(async {
        SimulatedRd::start(SimOptions {
            behaviour: Behaviour {
                stale_key: true,
                ..Behaviour::default()
            },
            ..SimOptions::new(vendor("mantra-mfs100").unwrap())
        })
        .await
        .unwrap()
    });
    let count = rng.random_range(1..=3);
    let pcs: Vec<(String, Pc)> = (0..count)
        .map(|i| {
            let kind = match rng.random_range(0..6) {
                0 => Pc::WrongOperator,
                1 => Pc::ExpiredKey,
                _ => Pc::Normal,
            };
            (format!("pc{i}"), kind)
        })
        .collect();
    for (name, kind) in &pcs {
        let o = fleet.enroll(name);
        if !o.status.success() {
            return Err(format!("enrol {name}: {}", text(&o)));
        }
        if *kind == Pc::WrongOperator {
            let file = fleet.pc(name).join("secrets.toml");
            let mut s = Secrets::load(&file).map_err(|e| e.to_string())?;
            s.set(SecretName::Aadhaar, &other_aadhaar())
                .map_err(|e| e.to_string())?;
            s.save(&file).map_err(|e| e.to_string())?;
        }
    }
    let st = fleet.ipay.state();
    let mut watch = Watch::default();
    let (mut sent, mut held) = (0u64, 0u64);
    for step in 0..STEPS {
        let (name, kind) = &pcs[rng.random_range(0..pcs.len())];
        let answer = pick_answer(rng);
        let fault = match answer {
            Answer::Decline => Some(Fault::BiometricMismatch),
            Answer::Unknown => Some(Fault::MalformedJson),
            Answer::Success | Answer::BankCancels => None,
        };
        if answer == Answer::BankCancels {
            st.invalidate_login(DEMO_OUTLET_ID);
        }
        st.set_fault(PATH_LOGIN, fault);
        let before = st.login_requests();
        let mut cmd = fleet.agent(name);
        if *kind == Pc::ExpiredKey {
            cmd.env("RD_AGENT_RD__PORTS", stale_rd.port().to_string());
        }
        let out = cmd
            .arg("login")
            .output()
            .map_err(|e| format!("step {step}: {e}"))?;
        let reached = st.login_requests() - before;
        let what = format!("step {step} {name} {kind:?} {answer:?}: {}", text(&out));
        if reached > 1 {
            return Err(format!("two requests from one login: {what}"));
        }
        if reached == 0 {
            held += 1;
            continue;
        }
        sent += 1;
        if *kind != Pc::Normal {
            return Err(format!("a {kind:?} PC sent a login: {what}"));
        }
        if watch.in_a_row >= 2 {
            return Err(format!(
                "sent after {} possible declines in a row: {what}",
                watch.in_a_row
            ));
        }
        match answer {
            // A garbled reply to a login the bank processed as a success: the relay counts it
            // as a possible decline until the status settles it as logged in.
            Answer::Success | Answer::BankCancels | Answer::Unknown => watch.in_a_row = 0,
            Answer::Decline => watch.in_a_row += 1,
        }
    }
    st.set_fault(PATH_LOGIN, None);
    fleet.rt.block_on(stale_rd.shutdown());
    Ok((sent, held))
}
