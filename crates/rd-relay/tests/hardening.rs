//! The real `rd-relay` binary (`--sandbox`) tried as a stranger would: idle floods
//! from one and from many addresses, a dribbled header, a stalled body, SIGTERM with slow
//! clients open, a flood of wrong enrolment codes from one address while another enrols, and
//! the operations endpoints behind a same-host proxy, and HTTPS with a certificate renewed
//! under it (SIGHUP). Loopback only, port 0, bounded counts;
//! the only time bounds asserted are the issue's own, generously.

// Each test prints what it measured, for whoever reads a slow or failing run.
#![allow(clippy::print_stderr)]
#![cfg(unix)]

use std::time::{Duration, Instant};

use stranger::{Server, client, ip, raise_own_files_limit, read_until_closed};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The relay `--sandbox` on port 0 with `args` (and its open-file limit, when given), and the
/// sandbox's enrolment code for its demo outlet.
struct Relay {
    server: Server,
    code: String,
}

impl std::ops::Deref for Relay {
    type Target = Server;
    fn deref(&self) -> &Server {
        &self.server
    }
}

impl std::ops::DerefMut for Relay {
    fn deref_mut(&mut self) -> &mut Server {
        &mut self.server
    }
}

impl Relay {
    fn start(args: &[&str], env: &[(&str, &str)], files: Option<u64>) -> Relay {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rd-relay"));
        cmd.env_remove("RD_RELAY_OPS_TOKEN")
            .env_remove("RD_RELAY_OPS_TOKEN_FILE")
            .env_remove("RD_RELAY_DB")
            .args(["--sandbox", "--listen", "127.0.0.1:0", "--db"])
            .arg(dir.path().join("relay.sqlite3"))
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut code = String::new();
        let server = stranger::spawn(
            cmd,
            dir,
            files,
            |line| {
                if let Some(c) = line.strip_prefix("enrolment code: ") {
                    code = c.to_owned();
                }
            },
            |line| {
                line.strip_prefix("listening on http://")
                    .or_else(|| line.strip_prefix("listening on https://"))?
                    .parse()
                    .ok()
            },
        );
        Relay { server, code }
    }
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
    let s = Relay::start(&[], &[], Some(1024));

    let evicted = stranger::idle_floods(
        &s,
        "rd_relay_refused_connections_total{reason=\"evicted\"} ",
    )
    .await;
    assert!(evicted >= 1.0, "nothing was evicted");
}

/// A header dribbled a byte every 300 ms is closed by the header deadline (2 s here, the idle
/// one being 60 s); a body stalled after its first bytes is closed by the body deadline with an
/// answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dribbled_header_and_stalled_body_are_cut_off() {
    let s = Relay::start(
        &[
            "--header-timeout-secs",
            "2",
            "--body-timeout-secs",
            "2",
            "--idle-timeout-secs",
            "60",
        ],
        &[],
        None,
    );
    let mut stream = TcpStream::connect(s.addr).await.unwrap();
    let request = b"POST /v1/enroll HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n";
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
    eprintln!("dribbled header closed after {closed_after:?} ({sent} bytes)");
    assert!(closed_after < Duration::from_secs(10), "{closed_after:?}");

    let mut stream = TcpStream::connect(s.addr).await.unwrap();
    stream
        .write_all(
            b"POST /v1/enroll HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
              content-length: 200\r\n\r\n{\"consumer\":",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let answer = read_until_closed(&mut stream, Duration::from_secs(15))
        .await
        .expect("the stalled body was still open after 15 s");
    eprintln!("stalled body closed after {:?}", started.elapsed());
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("did not arrive in time"), "{answer}");
}

/// SIGTERM with an idle connection, a dribbled header and a stalled body open: the process
/// exits within the drain bound (15 s), however long the deadlines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_slow_clients_open_exits_within_the_drain_bound() {
    let mut s = Relay::start(&["--idle-timeout-secs", "600"], &[], None);
    let _idle = TcpStream::connect(s.addr).await.unwrap();
    let mut header = TcpStream::connect(s.addr).await.unwrap();
    header.write_all(b"POST /v1/enr").await.unwrap();
    let mut body = TcpStream::connect(s.addr).await.unwrap();
    body.write_all(
        b"POST /v1/enroll HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
          content-length: 200\r\n\r\n{",
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    s.terminate();
    let took = s.exited_within(Duration::from_secs(15));
    eprintln!("exited after {took:?}");
    assert!(took.is_some(), "still running 15 s after SIGTERM");
}

/// A flood of wrong enrolment codes from one address spends that address's budget, not the
/// relay's: the real code from another address still enrols.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_from_one_address_do_not_stop_another_enrolling() {
    let s = Relay::start(&[], &[], None);
    let flooder = reqwest::Client::builder()
        .no_proxy()
        .local_address(ip("127.0.0.2"))
        .build()
        .unwrap();
    let mut statuses = std::collections::BTreeMap::new();
    for i in 0..300 {
        let r = flooder
            .post(s.url("/v1/enroll"))
            .json(&serde_json::json!({"code": format!("WRNG-{i:04}-XXXX"), "label": "x"}))
            .send()
            .await
            .unwrap();
        *statuses.entry(r.status().as_u16()).or_insert(0) += 1;
    }
    eprintln!("wrong codes from one address: {statuses:?}");
    assert!(
        statuses.get(&429).copied().unwrap_or(0) >= 250,
        "{statuses:?}"
    );
    let shop = reqwest::Client::builder()
        .no_proxy()
        .local_address(ip("127.0.0.3"))
        .build()
        .unwrap();
    let r = shop
        .post(s.url("/v1/enroll"))
        .json(&serde_json::json!({"code": s.code, "label": "counter PC"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
}

/// Behind a proxy on the same host every request comes from 127.0.0.1: one carrying
/// X-Forwarded-For is refused /fleet/today, /metrics and /healthz unless the proxy is trusted;
/// with a token, the proxied request needs it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_endpoints_through_a_same_host_proxy() {
    let s = Relay::start(&[], &[], None);
    for path in ["/fleet/today", "/metrics", "/healthz"] {
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

    let s = Relay::start(
        &[
            "--trust-proxy",
            "127.0.0.1",
            "--ops-allow",
            "127.0.0.0/8,10.0.0.0/8",
        ],
        &[("RD_RELAY_OPS_TOKEN", "s3cret-ops-token")],
        None,
    );
    let get = |auth: Option<&'static str>| {
        let mut r = client()
            .get(s.url("/fleet/today"))
            .header("x-forwarded-for", "10.1.2.3");
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        r.send()
    };
    assert_eq!(get(None).await.unwrap().status().as_u16(), 403);
    assert_eq!(
        get(Some("Bearer wrong")).await.unwrap().status().as_u16(),
        403
    );
    assert_eq!(
        get(Some("Bearer s3cret-ops-token"))
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    assert!(!s.stderr().contains("s3cret-ops-token"));
}

/// The SQLite file is created readable by its owner only.
#[test]
fn the_database_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let s = Relay::start(&[], &[], None);
    let mode = std::fs::metadata(s.dir.path().join("relay.sqlite3"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "{mode:o}");
}

/// A throwaway CA and a server certificate it signed for localhost and 127.0.0.1, written as
/// `cert.pem` and `key.pem` (0600) in `dir`, over any earlier pair. Returns the CA's PEM and
/// the server certificate's DER, to compare with what a client is served.
fn certificate(dir: &std::path::Path, name: &str) -> (String, Vec<u8>) {
    use std::os::unix::fs::PermissionsExt;
    let c = stranger::test_certificate(&format!("rd-relay {name}"));
    std::fs::write(dir.join("cert.pem"), &c.cert_pem).unwrap();
    let key_path = dir.join("key.pem");
    std::fs::write(&key_path, &c.key_pem).unwrap();
    std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600)).unwrap();
    (c.ca_pem, c.cert_der)
}

/// `GET https://localhost:PORT/healthz` on a new connection, from a client that trusts only
/// `ca` (rustls, no built-in roots): the status and the certificate the relay presented, or
/// why the request failed.
async fn healthz_over_tls(ca: &str, addr: std::net::SocketAddr) -> Result<(u16, Vec<u8>), String> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca.as_bytes()).unwrap())
        .tls_info(true)
        .resolve("localhost", addr)
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let r = client
        .get(format!("https://localhost:{}/healthz", addr.port()))
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    let served = r
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|i| i.peer_certificate())
        .expect("the connection's TLS information")
        .to_vec();
    Ok((r.status().as_u16(), served))
}

/// `--tls-cert`/`--tls-key`: the relay serves HTTPS with the first certificate (a client
/// trusting its CA gets an answer; plain HTTP gets none); the files are replaced by a
/// certificate from another CA and the relay gets SIGHUP: a new connection is served the new
/// certificate, and a client that trusts only the first CA is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_a_certificate_renewed_on_sighup() {
    let certs = tempfile::tempdir().unwrap();
    let (ca1, der1) = certificate(certs.path(), "first");
    let cert = certs.path().join("cert.pem");
    let key = certs.path().join("key.pem");
    let s = Relay::start(
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
        &[],
        None,
    );
    let (status, served) = healthz_over_tls(&ca1, s.addr).await.unwrap();
    assert_eq!(status, 200);
    assert!(served == der1, "not the first certificate");
    assert!(
        client().get(s.url("/healthz")).send().await.is_err(),
        "plain HTTP was answered on the TLS port"
    );

    let (ca2, der2) = certificate(certs.path(), "second");
    assert!(der1 != der2);
    // SAFETY: kill with a valid signal number, to our own child.
    assert_eq!(unsafe { libc::kill(s.child.id() as i32, libc::SIGHUP) }, 0);
    let started = Instant::now();
    while !s.stderr().contains("TLS certificate and key read again") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no reload logged within 10 s:\n{}",
            s.stderr()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let (status, served) = healthz_over_tls(&ca2, s.addr).await.unwrap();
    assert_eq!(status, 200);
    assert!(
        served == der2,
        "a new connection was not served the new certificate"
    );
    let refused = healthz_over_tls(&ca1, s.addr).await;
    assert!(refused.is_err(), "the first CA still verifies: {refused:?}");
    assert!(!s.stderr().contains("BEGIN PRIVATE KEY"), "{}", s.stderr());
}
