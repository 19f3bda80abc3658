//! `/fleet/today` at the end of a month: N outlets, each with a charged login on each of D
//! days, in a SQLite file. Times `fleet::today` (the month counted by the database, today's
//! attempts read, the guards' counts) and, beside it, reading the month's attempts row by row (what the view did
//! before `Store::charges_on`), each R times; prints the median and the slowest.
//!
//! `cargo bench -p rd-relay --bench fleet_view` (10,000 outlets, 30 days, 5 rounds);
//! `FLEET_BENCH_OUTLETS`, `FLEET_BENCH_DAYS`, `FLEET_BENCH_ROUNDS` change the bounds.

// A load run's report is its output.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rd_relay::Store;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Median and slowest of `rounds` runs of `f`.
async fn timed<F, Fut, T>(rounds: usize, mut f: F) -> (Duration, Duration, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        last = Some(f().await);
        times.push(t.elapsed());
    }
    times.sort();
    (
        times[times.len() / 2],
        times[times.len() - 1],
        last.unwrap(),
    )
}

#[tokio::main]
async fn main() {
    let outlets = env_or("FLEET_BENCH_OUTLETS", 10_000);
    let days = env_or("FLEET_BENCH_DAYS", 30).clamp(1, 31);
    let rounds = env_or("FLEET_BENCH_ROUNDS", 5);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("relay.sqlite3");
    let store = Store::open(&path.display().to_string()).await.unwrap();

    // Loaded straight into the file, in one transaction: the run measures the reading.
    let loading = Instant::now();
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        let tx = conn.transaction().unwrap();
        {
            let mut outlet = tx
                .prepare(
                    "INSERT INTO relay_outlets (outlet_id, latitude, longitude, name, created_at)
                     VALUES (?1, '28.6139', '77.2090', 'bench', 0)",
                )
                .unwrap();
            let mut attempt = tx
                .prepare(
                    "INSERT INTO relay_attempts (external_ref, outlet_id, day, device_id,
                     created_at, updated_at, state, charged)
                     VALUES (?1, ?2, ?3, 'dev', ?4, ?4, 'loggedin', 1)",
                )
                .unwrap();
            for o in 0..outlets {
                let id = format!("{}", 500_000 + o);
                outlet.execute([&id]).unwrap();
                for d in 1..=days {
                    let day = format!("2026-12-{d:02}");
                    let at = (d * 86_400_000 + o) as i64;
                    attempt
                        .execute(rusqlite::params![format!("B{o}D{d}"), id, day, at])
                        .unwrap();
                }
            }
        }
        tx.commit().unwrap();
    }
    println!(
        "fleet view: {outlets} outlets x {days} days = {} attempts loaded in {:.1} s",
        outlets * days,
        loading.elapsed().as_secs_f64()
    );

    let day = NaiveDate::from_ymd_opt(2026, 12, days as u32).unwrap();
    let (median, slowest, view) = timed(rounds, || async {
        rd_relay::fleet_today(&store, day, 5).await.unwrap()
    })
    .await;
    println!(
        "fleet::today: median {:.1} ms, slowest {:.1} ms over {rounds} rounds ({} outlets, {} charges this month, {} attempts today)",
        median.as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3,
        view.totals.outlets,
        view.totals.charges_month,
        view.totals.attempts_today
    );
    assert_eq!(view.totals.charges_month as usize, outlets * days);
    assert_eq!(view.totals.attempts_today as usize, outlets);

    for (what, prefix) in [
        ("the month's charges counted (charges_on)", "2026-12-"),
        ("today's attempts read (attempts_on)", ""),
    ] {
        let (median, slowest, n) = if prefix.is_empty() {
            let today = day.format("%Y-%m-%d").to_string();
            timed(rounds, || async {
                store.attempts_on(&today).await.unwrap().len()
            })
            .await
        } else {
            timed(rounds, || async {
                store.charges_on(prefix).await.unwrap().len()
            })
            .await
        };
        println!(
            "  of which {what}: median {:.1} ms, slowest {:.1} ms ({n} rows)",
            median.as_secs_f64() * 1e3,
            slowest.as_secs_f64() * 1e3
        );
    }

    let today = day.format("%Y-%m-%d").to_string();
    let (median, slowest, n) = timed(rounds, || async {
        store.guard_counts(&today).await.unwrap().len()
    })
    .await;
    println!(
        "  of which the guards' counts (guard_counts): median {:.1} ms, slowest {:.1} ms ({n} rows)",
        median.as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3
    );

    let (median, slowest, rows) = timed(rounds, || async {
        store.attempts_on("2026-12-").await.unwrap().len()
    })
    .await;
    println!(
        "the month read row by row (the view before charges_on): median {:.1} ms, slowest {:.1} ms ({rows} rows)",
        median.as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3
    );
}
