//! The real `connpay-server` binary tried as a stranger would: idle floods from one
//! and from many addresses, a dribbled header, a stalled body, SIGTERM with slow clients open,
//! the operations endpoints behind a same-host proxy, and the body rules (duplicate keys,
//! Content-Type). Loopback only, port 0, bounded counts; the only time bounds asserted are the
//! issue's own, generously.
#![cfg(unix)]

mod common;

use std::time::{Duration, Instant};

use stranger::{Server, raise_own_files_limit, read_until_closed};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use common::*;

/// connpay-server on port 0 with `args` (and its open-file limit, when given).
fn start(args: &[&str], env: &[(&str, &str)], files: Option<u64>) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_connpay-server"));
    cmd.env_remove("CONNPAY_CONTROL_KEY_FILE")
        .env_remove("CONNPAY_DB_URL")
        .env_remove("CONNPAY_DB_URL_FILE")
        .env_remove("CONNPAY_OPS_TOKEN")
        .env_remove("CONNPAY_OPS_TOKEN_FILE")
        .env("CONNPAY_CONTROL_KEY", CONTROL_KEY)
        .env("CONNPAY_ENDPOINT_ID", ENDPOINT)
        .args(["--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("c.sqlite3"))
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    stranger::spawn(
        cmd,
        dir,
        files,
        |_| {},
        |line| line.strip_prefix("listening on ")?.parse().ok(),
    )
}

/// 1,100 idle connections from one address, then from twenty (each under the per-address cap,
/// together over the global one), under `ulimit -n 1024`: a normal request is answered within
/// 2 s each time, and the evictions are counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_floods_from_one_and_many_addresses_leave_requests_answered() {
    let own = raise_own_files_limit();
    assert!(
        own >= 2600,
        "this test needs 2,600 open files; the hard limit is {own}"
    );
    let s = start(&[], &[], Some(1024));

    let evicted =
        stranger::idle_floods(&s, "connpay_refused_connections_total{reason=\"evicted\"} ").await;
    assert!(evicted >= 1.0, "nothing was evicted");
}

/// A header dribbled a byte every 300 ms is closed by the header deadline (2 s here, the idle
/// one being 60 s); a body stalled after its first bytes is closed by the body deadline with a
/// 408, the request's own deadline being a minute.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dribbled_header_and_stalled_body_are_cut_off() {
    let s = start(
        &[
            "--header-timeout-secs",
            "2",
            "--body-timeout-secs",
            "2",
            "--idle-timeout-secs",
            "60",
            "--deadline-ms",
            "60000",
        ],
        &[],
        None,
    );
    let mut stream = TcpStream::connect(s.addr).await.unwrap();
    let request =
        b"POST /auth/access-token HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n";
    let started = Instant::now();
    let mut sent = 0;
    let mut buf = [0u8; 512];
    let closed_after = loop {
        if stream.write_all(&request[sent..=sent]).await.is_err() {
            break started.elapsed();
        }
        sent += 1;
        match tokio::time::timeout(Duration::from_millis(300), stream.read(&mut buf)).await {
            Err(_) => {}
            Ok(_) => break started.elapsed(),
        }
        assert!(sent < request.len(), "the whole header block went through");
    };
    assert!(
        closed_after < Duration::from_secs(10),
        "closed after {closed_after:?} ({sent} bytes)"
    );

    let mut stream = TcpStream::connect(s.addr).await.unwrap();
    stream
        .write_all(
            b"POST /auth/access-token HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
              content-length: 200\r\n\r\n{\"consumer\":",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let answer = read_until_closed(&mut stream, Duration::from_secs(15))
        .await
        .expect("the stalled body was still open after 15 s");
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "after {:?}: {answer}",
        started.elapsed()
    );
    assert!(answer.contains("BODY_TIMEOUT"), "{answer}");
}

/// SIGTERM with an idle connection, a dribbled header and a stalled body open: the process
/// exits within the drain bound (15 s), however long the deadlines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_slow_clients_open_exits_within_the_drain_bound() {
    let mut s = start(&["--idle-timeout-secs", "600"], &[], None);
    let _idle = TcpStream::connect(s.addr).await.unwrap();
    let mut header = TcpStream::connect(s.addr).await.unwrap();
    header.write_all(b"POST /auth/acc").await.unwrap();
    let mut body = TcpStream::connect(s.addr).await.unwrap();
    body.write_all(
        b"POST /auth/access-token HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
          content-length: 200\r\n\r\n{",
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    s.terminate();
    let took = s.exited_within(Duration::from_secs(15));
    assert!(took.is_some(), "still running 15 s after SIGTERM");
}

/// Behind a proxy on the same host every request comes from 127.0.0.1: one carrying
/// X-Forwarded-For is refused the operations endpoints unless the proxy is trusted; with a
/// token, the proxied request needs it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_endpoints_through_a_same_host_proxy() {
    let s = start(&[], &[], None);
    for path in ["/metrics", "/healthz"] {
        let direct = client().get(s.url(path)).send().await.unwrap();
        assert_eq!(direct.status().as_u16(), 200, "{path}");
        for (name, value) in [
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-for", "127.0.0.1"),
            ("forwarded", "for=203.0.113.7"),
        ] {
            let proxied = client()
                .get(s.url(path))
                .header(name, value)
                .send()
                .await
                .unwrap();
            assert_eq!(proxied.status().as_u16(), 403, "{path} {name}: {value}");
        }
    }
    drop(s);

    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("ops.token");
    std::fs::write(&token_file, "s3cret-ops-token\n").unwrap();
    let s = start(
        &[
            "--trust-proxy",
            "127.0.0.1",
            "--ops-allow",
            "127.0.0.0/8,10.0.0.0/8",
            "--ops-token-file",
            token_file.to_str().unwrap(),
        ],
        &[],
        None,
    );
    let get = |auth: Option<&'static str>, xff: &'static str| {
        let mut r = client()
            .get(s.url("/metrics"))
            .header("x-forwarded-for", xff);
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        r.send()
    };
    assert_eq!(get(None, "10.1.2.3").await.unwrap().status().as_u16(), 403);
    assert_eq!(
        get(Some("Bearer wrong"), "10.1.2.3")
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        get(Some("Bearer s3cret-ops-token"), "10.1.2.3")
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    // A client outside --ops-allow is refused whatever it sends.
    assert_eq!(
        get(Some("Bearer s3cret-ops-token"), "203.0.113.7")
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    // The token reaches no log.
    assert!(!s.stderr().contains("s3cret-ops-token"));
}

/// Duplicate keys at any depth are refused (400 INVALID_REQUEST), a body that is not declared
/// JSON gets 415, and requests without a body are not asked for a Content-Type.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_keys_and_content_types() {
    let s = start(&[], &[], None);
    let post = |ct: &'static str, body: &'static str| {
        client()
            .post(s.url("/auth/access-token"))
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let twice = r#"{"consumer":{"device":{"serialNumber":"A","serialNumber":"B"}}}"#;
    let r = post("application/json", twice).await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["cause"], "INVALID_REQUEST", "{body}");
    assert_eq!(body["error"]["code"], "DUPLICATE_KEY", "{body}");

    let one = r#"{"consumer":{"device":{"serialNumber":"A"}}}"#;
    let r = post("text/plain", one).await.unwrap();
    assert_eq!(r.status().as_u16(), 415);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "UNSUPPORTED_MEDIA_TYPE", "{body}");
    let r = post("application/json; charset=utf-8", one).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = client().get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

/// `connpay-server man` prints the page, as `--man` did.
#[test]
fn man_is_a_subcommand() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_connpay-server"))
        .env_remove("CONNPAY_CONTROL_KEY")
        .arg("man")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH connpay-server"));
    assert!(
        page.contains("body\\-timeout\\-secs"),
        "the shared flags are documented"
    );
}
