//! The morning peak, as a bounded load run (not criterion: one run of many logins): N enrolled
//! outlets each log in once, through the relay, against the sandbox InstantPay, with C at a
//! time, stopping at N logins or T seconds, whichever comes first. Each login is what an agent
//! does: `POST /v1/status`, then `POST /v1/login`, with its own HTTP client.
//!
//! `cargo bench -p rd-relay --bench morning_peak` (10,000 outlets, 200 at a time, 120 s, a
//! SQLite file); `RELAY_BENCH_DB=postgres://…` for PostgreSQL, `RELAY_BENCH_OUTLETS`,
//! `RELAY_BENCH_CONCURRENCY`, `RELAY_BENCH_SECONDS` to change the bounds. Prints throughput,
//! latency percentiles and the fleet view's totals afterwards.

// A load run's report is its output.
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use clock::SystemClock;
use instantpay::Secret;
use instantpay::{BiometricData, LoginOutcome};
use rd_relay::{Device, Outlet, Store, digest};
use rd_relay::{Relay, Settings};
use relay_api::{LoginRequest, RelayClient};
use sandbox::instantpay::{self as ipay, DEMO_LATITUDE, DEMO_LONGITUDE, DemoOutlet, SandboxConfig};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main]
async fn main() {
    let outlets: usize = env_or("RELAY_BENCH_OUTLETS", 10_000);
    let concurrency: usize = env_or("RELAY_BENCH_CONCURRENCY", 200);
    let seconds: u64 = env_or("RELAY_BENCH_SECONDS", 120);
    let dir = tempfile::tempdir().unwrap();
    let db = std::env::var("RELAY_BENCH_DB")
        .unwrap_or_else(|_| dir.path().join("relay.sqlite3").display().to_string());

    // One platform client, many outlets: the sandbox knows each outlet under the demo client.
    let demo = DemoOutlet::demo();
    let registered: Vec<DemoOutlet> = (0..outlets)
        .map(|i| DemoOutlet {
            outlet_id: format!("{}", 500_000 + i),
            ..demo.clone()
        })
        .collect();
    let sandbox = ipay::start(SandboxConfig {
        outlets: registered.clone(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let store = Store::open(&db).await.unwrap();
    let client = instantpay::Client::new(demo.client_config(sandbox.base_url())).unwrap();
    // The 200 clients share one loopback address, as the PCs do behind the platform's own
    // proxy (which `--trust-proxy` exempts from the per-address cap, a stranger's limit).
    let defaults = Settings::default();
    let settings = Settings {
        device_per_minute: 0.0,
        outlet_per_minute: 0.0,
        limits: server_base::Limits {
            per_address: defaults.limits.max_connections,
            ..defaults.limits.clone()
        },
        ..defaults
    };
    let relay = Arc::new(Relay::new(
        store.clone(),
        client,
        demo.encryption_key.clone(),
        Arc::new(SystemClock),
        settings,
    ));

    // Enrolment, straight into the store (not measured).
    let started = Instant::now();
    let mut tokens = Vec::with_capacity(outlets);
    for (i, o) in registered.iter().enumerate() {
        let now = chrono::Utc::now();
        store
            .put_outlet(
                &Outlet {
                    outlet_id: o.outlet_id.clone(),
                    latitude: DEMO_LATITUDE.into(),
                    longitude: DEMO_LONGITUDE.into(),
                    name: String::new(),
                },
                now,
            )
            .await
            .unwrap();
        let token = rd_relay::new_token();
        store
            .put_device(
                &Device {
                    device_id: format!("dev-bench{i}"),
                    outlet_id: o.outlet_id.clone(),
                    label: String::new(),
                    created_at: now,
                    last_used_at: None,
                    revoked_at: None,
                },
                &digest(&token),
            )
            .await
            .unwrap();
        tokens.push(token);
    }
    eprintln!(
        "enrolled {outlets} outlets in {:.1} s ({})",
        started.elapsed().as_secs_f64(),
        store.kind()
    );

    let url = rd_relay::serve_on_loopback(relay.clone()).await.unwrap();

    let gate = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    let run_started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for token in tokens {
        let permit = gate.clone().acquire_owned().await.unwrap();
        if tokio::time::Instant::now() >= deadline {
            break;
        }
        let url = url.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let client =
                RelayClient::new(&url, Secret::new(token), Duration::from_secs(30)).unwrap();
            let t = Instant::now();
            let status = client.status().await;
            let reply = client
                .login(&LoginRequest {
                    external_ref: instantpay::new_external_ref(),
                    biometric_data: BiometricData {
                        pid_data: "P".repeat(2048),
                        ..common::capture()
                    },
                    aadhaar: "999941057058".into(),
                    override_declines: false,
                })
                .await;
            let ok = status.is_ok()
                && matches!(&reply, Ok(r) if matches!(r.outcome, LoginOutcome::LoggedIn { .. }));
            (t.elapsed(), ok)
        });
    }
    let mut latencies = Vec::new();
    let mut failed = 0usize;
    while let Some(r) = tasks.join_next().await {
        let (d, ok) = r.unwrap();
        latencies.push(d);
        failed += usize::from(!ok);
    }
    let wall = run_started.elapsed();
    latencies.sort();
    let view = rd_relay::fleet_today(&store, clock::ist_date(chrono::Utc::now()), 5)
        .await
        .unwrap();
    println!(
        "morning peak: {} logins ({} failed) in {:.1} s with {concurrency} at a time on {}: {:.0} logins/s",
        latencies.len(),
        failed,
        wall.as_secs_f64(),
        store.kind(),
        latencies.len() as f64 / wall.as_secs_f64()
    );
    println!(
        "latency (status + login, through the relay): p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.90).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    println!(
        "fleet today: {} outlets, {} logged in, {} login required, {} failing, {} charges today; sandbox charged {}",
        view.totals.outlets,
        view.totals.logged_in,
        view.totals.login_required,
        view.totals.failing,
        view.totals.charges_today,
        sandbox.charges()
    );
    assert_eq!(
        sandbox.charges() as usize,
        latencies.len() - failed,
        "one charge per outlet"
    );
}
