//! Load run for connpay-server: starts the release binary on loopback with the given store,
//! drives complete verifications (access token -> initiate -> check, and with
//! `--after-check 1` the card-mapping notification and the final callback too) from N concurrent
//! keep-alive clients for a bounded time and count, then stops the server and prints
//! exchanges per second and latency percentiles.
//!
//! cargo run --release --example connpay_load -- --db /tmp/load.sqlite3 --seconds 20
//! cargo run --release --example connpay_load -- --db postgres://postgres@127.0.0.1:55432/db
//!
//! Loopback only. Rate limits are switched off in the server it starts (one client address
//! would otherwise be throttled, as it should be in production).
// A console program: its report on stdout and its failures on stderr are its whole output.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Args {
    server: String,
    db: String,
    concurrency: usize,
    seconds: u64,
    max_exchanges: u64,
    db_connections: usize,
    after_check: bool,
}

fn parse_args() -> Args {
    let mut a = Args {
        server: "target/release/connpay-server".into(),
        db: String::new(),
        concurrency: 32,
        seconds: 20,
        max_exchanges: 1_000_000,
        db_connections: 8,
        after_check: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--server" => a.server = v,
            "--db" => a.db = v,
            "--concurrency" => a.concurrency = v.parse().expect("--concurrency N"),
            "--seconds" => a.seconds = v.parse::<u64>().expect("--seconds N").min(120),
            "--max-exchanges" => a.max_exchanges = v.parse().expect("--max-exchanges N"),
            "--db-connections" => a.db_connections = v.parse().expect("--db-connections N"),
            "--after-check" => a.after_check = v == "1",
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(!a.db.is_empty(), "--db PATH|URL is required");
    a
}

struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(args: &Args) -> (ServerProcess, String) {
    let mut child = Command::new(&args.server)
        .env("CONNPAY_ENDPOINT_ID", "1111")
        .env(
            "CONNPAY_CONTROL_KEY",
            "B17F59B4-A7DC-41B4-8FF9-37D986B43D20",
        )
        .env("RUST_LOG", "warn")
        .args([
            "--listen",
            "127.0.0.1:0",
            "--db",
            &args.db,
            "--rate-per-address",
            "0",
            "--rate-per-token",
            "0",
            "--db-connections",
            &args.db_connections.to_string(),
            // Every client of this run comes from 127.0.0.1.
            "--max-connections-per-address",
            "1000",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start connpay-server (build it with cargo build --release first)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read the listening line");
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .expect("the server prints its address")
        .to_owned();
    assert!(addr.starts_with("127.0.0.1:"), "loopback only");
    (ServerProcess(child), addr)
}

/// User + system CPU seconds a process has used so far (Linux), to tell the server's cost per
/// exchange apart from whatever else the machine is doing.
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

async fn post(c: &reqwest::Client, url: &str, body: &Value) -> Result<Value, String> {
    let r = c
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = r.status().as_u16();
    let v: Value = r.json().await.map_err(|e| e.to_string())?;
    if status != 200 {
        return Err(format!("{status} {v}"));
    }
    Ok(v)
}

/// The notification and the callback after a check; their latency (µs) together.
async fn after_check(
    c: &reqwest::Client,
    base: &str,
    n: u64,
    token: &str,
    invoice: &str,
) -> Result<(), String> {
    use sha1::Digest;
    post(
        c,
        &format!("{base}/verification/notification"),
        &json!({"consumer": {"device": {"serialNumber": format!("SN-{n}")}},
                "reference": {"serverCardId": format!("card-{n}"), "uniqueReferenceCardId": n},
                "session": {"accessToken": token, "token": format!("connpay-{n:012}")},
                "sourceCard": {"bin": 411111}}),
    )
    .await?;
    let orderid = format!("{}", 9_000_000 + n);
    let control: String = sha1::Sha1::digest(
        format!("approved{orderid}{invoice}B17F59B4-A7DC-41B4-8FF9-37D986B43D20").as_bytes(),
    )
    .iter()
    .map(|b| format!("{b:02x}"))
    .collect();
    let r = c
        .get(format!(
            "{base}/verification/callback?type=sale&status=approved&orderid={orderid}\
             &client_orderid={invoice}&control={control}"
        ))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if r.status().as_u16() != 200 {
        return Err(format!("callback: {}", r.status()));
    }
    r.bytes().await.map_err(|e| e.to_string())?;
    Ok(())
}

/// One complete verification; returns the latency of each of its requests (µs): access token,
/// initiate, check, and the notification and callback together (0 without `--after-check`).
async fn exchange(
    c: &reqwest::Client,
    base: &str,
    n: u64,
    with_after_check: bool,
) -> Result<[u32; 4], String> {
    let serial = format!("SN-{n}");
    let t = Instant::now();
    let tok = post(
        c,
        &format!("{base}/auth/access-token"),
        &json!({"consumer": {"device": {"serialNumber": serial}}}),
    )
    .await?;
    let t1 = t.elapsed();
    let token = tok["session"]["accessToken"].as_str().unwrap_or_default();
    let init = post(
        c,
        &format!("{base}/verification/initiate-verification"),
        &json!({"consumer": {"device": {"serialNumber": serial}},
                "session": {"accessToken": token}, "transaction": {"currency": "INR"}}),
    )
    .await?;
    let t2 = t.elapsed();
    let invoice = init["invoiceId"].as_str().unwrap_or_default();
    post(
        c,
        &format!("{base}/verification/{invoice}/check"),
        &json!({"consumer": {"device": {"serialNumber": serial}},
                "session": {"accessToken": token, "nonce": init["session"]["nonce"],
                            "signature": init["session"]["signature"],
                            "token": format!("connpay-{n:012}")}}),
    )
    .await?;
    let t3 = t.elapsed();
    if with_after_check {
        after_check(c, base, n, token, invoice).await?;
    }
    let t4 = t.elapsed();
    let us = |d: Duration| d.as_micros().min(u32::MAX as u128) as u32;
    Ok([us(t1), us(t2 - t1), us(t3 - t2), us(t4 - t3)])
}

fn main() {
    let args = parse_args();
    let (server, addr) = start_server(&args);
    let server_pid = server.0.id().to_string();
    let server_cpu0 = cpu_seconds(&server_pid).unwrap_or(0.0);
    let client_cpu0 = cpu_seconds("self").unwrap_or(0.0);
    let base = format!("http://{addr}");
    // The client gets its own small runtime; the server is a separate process.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let results: Vec<Vec<[u32; 5]>> = rt.block_on(async {
        let client = reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(args.concurrency)
            .build()
            .expect("client");
        let mut tasks = Vec::new();
        for _ in 0..args.concurrency {
            let (client, base, stop, counter, errors) = (
                client.clone(),
                base.clone(),
                stop.clone(),
                counter.clone(),
                errors.clone(),
            );
            let max = args.max_exchanges;
            let with_after_check = args.after_check;
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    if n >= max {
                        break;
                    }
                    let t = Instant::now();
                    match exchange(&client, &base, n, with_after_check).await {
                        Ok([a, b, c, d]) => {
                            let total = t.elapsed().as_micros().min(u32::MAX as u128) as u32;
                            lat.push([total, a, b, c, d]);
                        }
                        Err(e) => {
                            if errors.fetch_add(1, Ordering::Relaxed) < 5 {
                                eprintln!("exchange failed: {e}");
                            }
                        }
                    }
                }
                lat
            }));
        }
        let deadline = tokio::time::sleep(Duration::from_secs(args.seconds));
        tokio::pin!(deadline);
        let mut all = Vec::new();
        let mut joined = futures_join(tasks, &mut deadline, &stop).await;
        all.append(&mut joined);
        all
    });
    let elapsed = started.elapsed().as_secs_f64();
    let server_cpu = cpu_seconds(&server_pid).unwrap_or(0.0) - server_cpu0;
    let client_cpu = cpu_seconds("self").unwrap_or(0.0) - client_cpu0;
    drop(server);
    let mut lat: Vec<[u32; 5]> = results.into_iter().flatten().collect();
    let ok = lat.len();
    let mut col = |i: usize| {
        let mut v: Vec<u32> = lat.iter_mut().map(|l| l[i]).collect();
        v.sort_unstable();
        v
    };
    let (total, tok, init, check, after) = (col(0), col(1), col(2), col(3), col(4));
    println!(
        "store={} concurrency={} seconds={:.1} exchanges_ok={} errors={} exchanges_per_s={:.0} requests_per_s={:.0}",
        if args.db.starts_with("postgres") {
            "postgres"
        } else {
            "sqlite"
        },
        args.concurrency,
        elapsed,
        ok,
        errors.load(Ordering::Relaxed),
        ok as f64 / elapsed,
        if args.after_check { 5.0 } else { 3.0 } * ok as f64 / elapsed
    );
    if ok > 0 {
        println!(
            "cpu: server {:.1} s ({:.0} us/exchange, {:.2} cores), load generator {:.1} s ({:.2} cores)",
            server_cpu,
            server_cpu * 1e6 / ok as f64,
            server_cpu / elapsed,
            client_cpu,
            client_cpu / elapsed
        );
    }
    for (name, v) in [
        ("exchange", &total),
        ("access-token", &tok),
        ("initiate", &init),
        ("check", &check),
        ("notif+callbk", &after),
    ] {
        println!(
            "{name:>13} ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}",
            percentile(v, 0.50),
            percentile(v, 0.90),
            percentile(v, 0.99),
            percentile(v, 0.999),
            percentile(v, 1.0)
        );
    }
}

/// Waits for all workers, telling them to stop when the deadline passes.
async fn futures_join(
    tasks: Vec<tokio::task::JoinHandle<Vec<[u32; 5]>>>,
    deadline: &mut std::pin::Pin<&mut tokio::time::Sleep>,
    stop: &AtomicBool,
) -> Vec<Vec<[u32; 5]>> {
    let all_done = async {
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap_or_default());
        }
        out
    };
    tokio::pin!(all_done);
    tokio::select! {
        out = &mut all_done => return out,
        _ = deadline.as_mut() => stop.store(true, Ordering::Relaxed),
    }
    all_done.await
}
