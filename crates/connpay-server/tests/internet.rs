//! connpay-server facing strangers: clients that dribble or hoard connections, who may call
//! check, the address behind a reverse proxy, the operations endpoints, oversized bodies,
//! private files, the store's URL from the environment, JSON logs. HTTPS and PostgreSQL's TLS
//! are in tests/tls.rs.

mod common;

use std::net::IpAddr;
use std::time::Duration;

use connpay_server::AddressList;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use common::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// A client whose connections come from `from` (any 127/8 address works on loopback).
fn client_from(from: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .local_address(ip(from))
        .build()
        .unwrap()
}

/// A header byte every 2 s resets the idle deadline each time, but not the header deadline:
/// the connection is closed before 15 s. (Paused time: the 2 s waits take no real time.)
#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn headers_dribbled_a_byte_at_a_time_are_cut_off() {
    let db = fresh_db(Backend::Sqlite).await.unwrap();
    let s = start_with(&db, t0(), |c| {
        c.idle_timeout = Duration::from_secs(30);
        c.header_read_timeout = Duration::from_secs(10);
    })
    .await;
    let mut stream = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let request =
        b"POST /auth/access-token HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n";
    let started = tokio::time::Instant::now();
    let mut sent = 0;
    let mut buf = [0u8; 512];
    let closed_after = loop {
        if stream.write_all(&request[sent..=sent]).await.is_err() {
            break started.elapsed();
        }
        sent += 1;
        match tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buf)).await {
            Err(_) => {} // still open: send the next byte
            Ok(_) => break started.elapsed(),
        }
        assert!(sent < request.len(), "the whole header block went through");
    };
    assert!(
        sent >= 4,
        "closed before the dribbling started: {sent} bytes"
    );
    assert!(
        closed_after < Duration::from_secs(15),
        "the connection stayed open {closed_after:?}"
    );
    s.shutdown().await;
}

#[cfg(unix)]
fn open_files_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    limit.rlim_cur
}

/// 1,100 idle connections from 127.0.0.2 hold at most the per-address cap; a client on
/// 127.0.0.1 is still served at once, and the refusals are counted. (Unix: it reads the
/// open-files limit; Wine would spend minutes on the sockets.)
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_take_every_connection() {
    assert!(
        open_files_limit() >= 2600,
        "this test needs 2,600 open files (ulimit -n); the limit is {}",
        open_files_limit()
    );
    let db = fresh_db(Backend::Sqlite).await.unwrap();
    let s = start_with(&db, t0(), |c| {
        c.max_connections = 1000;
        c.max_connections_per_address = 64;
    })
    .await;
    let mut hoard = Vec::new();
    for _ in 0..1100 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket
            .bind(std::net::SocketAddr::new(ip("127.0.0.2"), 0))
            .unwrap();
        hoard.push(socket.connect(s.addr).await.unwrap());
    }
    let answered = tokio::time::timeout(
        Duration::from_secs(1),
        client_from("127.0.0.1").get(s.url("/healthz")).send(),
    )
    .await
    .expect("127.0.0.1 was answered within a second")
    .unwrap();
    assert_eq!(answered.status().as_u16(), 200);

    // Every connection past the cap was accepted and closed; the server counts them.
    let mut refused = 0;
    for _ in 0..200 {
        let text = client().get(s.url("/metrics")).send().await.unwrap();
        let text = text.text().await.unwrap();
        refused = metric(
            &text,
            "connpay_refused_connections_total{reason=\"per_address\"}",
        );
        if refused >= 1036 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(refused, 1036);
    drop(hoard);
    s.shutdown().await;
}

/// The value of one series in Prometheus text; 0 when absent.
fn metric(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse::<f64>().ok())
        .map_or(0, |v| v as u64)
}

/// With --check-allow 127.0.0.1/32, a check from 127.0.0.3 is refused before anything is
/// looked at, and the same check from 127.0.0.1 then succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_only_from_allowed_addresses() {
    let db = fresh_db(Backend::Sqlite).await.unwrap();
    let s = start_with(&db, t0(), |c| {
        c.check_allow = Some(AddressList::parse("127.0.0.1/32").unwrap());
    })
    .await;
    let token = s.access_token(SERIAL).await;
    let init = s.initiate(&token, json!({})).await;
    let invoice = init["invoiceId"].as_str().unwrap();
    let req = check_request(&token, &init, "connpay-token-allow-0001");

    let resp = client_from("127.0.0.3")
        .post(s.url(&format!("/verification/{invoice}/check")))
        .json(&req)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap();
    assert_error(status, &body, 403, "FILTERED", "ADDRESS_NOT_ALLOWED");
    assert_eq!(body["invoiceId"], invoice);
    assert_eq!(s.session_token(invoice).await, None, "nothing was consumed");

    // Initiate and access-token stay open to the app, wherever it is.
    let (status, _) = {
        let r = client_from("127.0.0.3")
            .post(s.url("/auth/access-token"))
            .json(&json!({"consumer": {"device": {"serialNumber": SERIAL}}}))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), ())
    };
    assert_eq!(status, 200);

    let (status, body) = s.check(invoice, &req).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        s.session_token(invoice).await.as_deref(),
        Some("connpay-token-allow-0001")
    );
    s.shutdown().await;
}

/// Behind a trusted proxy the client is the address the proxy appended: for --check-allow and
/// for the rate limit per address. Another peer's X-Forwarded-For is ignored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_addresses_only_from_trusted_proxies() {
    let db = fresh_db(Backend::Sqlite).await.unwrap();
    let s = start_with(&db, t0(), |c| {
        c.check_allow = Some(AddressList::parse("192.0.2.10").unwrap());
        c.trust_proxy = AddressList::parse("127.0.0.5").unwrap();
        c.rate_per_address = (0.001, 2.0);
    })
    .await;
    let check = |from: &'static str, forwarded: &'static str| {
        let url = s.url("/verification/INV00000000000000000000000000000000/check");
        async move {
            let r = client_from(from)
                .post(url)
                .header("x-forwarded-for", forwarded)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap();
            (
                status,
                body["error"]["code"].as_str().unwrap_or("").to_owned(),
            )
        }
    };
    // An untrusted peer cannot claim ConnPay's address.
    assert_eq!(
        check("127.0.0.6", "192.0.2.10").await,
        (403, "ADDRESS_NOT_ALLOWED".into())
    );
    // Through the proxy, a forged left entry does not count; the proxy's own entry does.
    assert_eq!(
        check("127.0.0.5", "192.0.2.10, 198.51.100.1").await,
        (403, "ADDRESS_NOT_ALLOWED".into())
    );
    // ConnPay's address, through the proxy: past the address check (the body is then wrong).
    assert_eq!(check("127.0.0.5", "198.51.100.1, 192.0.2.10").await.0, 400);
    assert_eq!(check("127.0.0.5", "192.0.2.10").await.0, 400);
    // The burst of 2 was that client's; it is now throttled, while another client behind the
    // same proxy is not.
    assert_eq!(check("127.0.0.5", "192.0.2.10").await.0, 429);
    assert_eq!(
        check("127.0.0.5", "198.51.100.7").await,
        (403, "ADDRESS_NOT_ALLOWED".into())
    );
    // A header the walk cannot read makes the client unknown, never the proxy itself (which
    // the default --ops-allow, loopback, would let read /metrics).
    for forwarded in ["junk", "198.51.100.7, not-an-ip, 127.0.0.5"] {
        let r = client_from("127.0.0.5")
            .get(s.url("/metrics"))
            .header("x-forwarded-for", forwarded)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{forwarded}");
    }
    let r = client_from("127.0.0.5")
        .get(s.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        200,
        "the proxy's own request, without a header"
    );
    s.shutdown().await;
}

/// /healthz and /metrics: the operator's view, for the addresses in --ops-allow only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_metrics() {
    let db = fresh_db(Backend::Sqlite).await.unwrap();
    let s = start_with(&db, t0(), |c| {
        c.ops_allow = AddressList::parse("127.0.0.1/32").unwrap();
    })
    .await;
    s.access_token(SERIAL).await;
    let (status, _) = s.post("/no/such/call", &json!({})).await;
    assert_eq!(status, 404);

    let health = client().get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(
        health.json::<Value>().await.unwrap(),
        json!({"status": "ok"})
    );

    let resp = client().get(s.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = resp.text().await.unwrap();
    for line in [
        "# TYPE connpay_http_requests_total counter",
        "# TYPE connpay_http_request_duration_seconds histogram",
        "# TYPE connpay_open_connections gauge",
        "# TYPE connpay_refused_connections_total counter",
        "# TYPE connpay_store_errors_total counter",
        "# TYPE connpay_sessions gauge",
        "# TYPE connpay_access_tokens gauge",
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
    assert_eq!(
        metric(
            &text,
            "connpay_http_requests_total{route=\"access_token\",status=\"200\"}"
        ),
        1
    );
    assert_eq!(
        metric(
            &text,
            "connpay_http_requests_total{route=\"other\",status=\"404\"}"
        ),
        1
    );
    assert_eq!(metric(&text, "connpay_access_tokens"), 1);
    assert!(!text.contains("/no/such/call"), "paths never become series");

    for path in ["/healthz", "/metrics"] {
        let r = client_from("127.0.0.3")
            .get(s.url(path))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        assert_error(
            status,
            &r.json().await.unwrap(),
            403,
            "FILTERED",
            "ADDRESS_NOT_ALLOWED",
        );
    }
    s.shutdown().await;
}

/// A 4 MiB body gets a 413 that Python's http.client, which sends the whole body before it
/// reads, can read; the store is not touched. (Unix: python3 is a Linux program.)
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_body_gets_a_readable_413() {
    let db = fresh_db(Backend::Sqlite).await.unwrap();
    let s = start_with(&db, t0(), |_| {}).await;
    let script = format!(
        "import http.client\n\
         c = http.client.HTTPConnection('127.0.0.1', {port}, timeout=60)\n\
         body = b'{{\"consumer\": \"' + b'x' * (4 * 1024 * 1024) + b'\"}}'\n\
         c.request('POST', '/auth/access-token', body=body, headers={{'Content-Type': 'application/json'}})\n\
         r = c.getresponse()\n\
         print(r.status)\n\
         print(r.getheader('Connection'))\n\
         print(r.read().decode())\n",
        port = s.addr.port()
    );
    let out = tokio::process::Command::new("python3")
        .arg("-c")
        .arg(&script)
        .output()
        .await
        .expect("python3 is needed for this test (apt-get install python3)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "python's client failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("413"));
    assert_eq!(lines.next(), Some("close"));
    let body: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "BODY_TOO_LARGE");
    assert_eq!(s.store.counts().await.unwrap(), (0, 0));
    // The same without a length (chunked): the limit holds as the body streams in, and the
    // rest is read before the answer.
    let mut stream = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    stream
        .write_all(
            b"POST /auth/access-token HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
              transfer-encoding: chunked\r\n\r\n",
        )
        .await
        .unwrap();
    let chunk = format!("10000\r\n{}\r\n", " ".repeat(0x10000));
    for _ in 0..5 {
        stream.write_all(chunk.as_bytes()).await.unwrap();
    }
    stream.write_all(b"0\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    s.access_token(SERIAL).await;
    s.shutdown().await;
}

/// The SQLite file and its WAL are the owner's only, even under a permissive umask; a file
/// left world-readable by an older version is tightened, with a warning.
#[cfg(unix)]
#[test]
fn sqlite_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("connpay.sqlite3");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    {
        let server = Binary::start(dir.path(), &["--db", db.to_str().unwrap()], &[]);
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let r = client()
                .post(server.url("/auth/access-token"))
                .json(&json!({"consumer": {"device": {"serialNumber": SERIAL}}}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
        });
        for suffix in ["", "-wal", "-shm"] {
            let p = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
    }
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let server = Binary::start(dir.path(), &["--db", db.to_str().unwrap()], &[]);
    assert_eq!(mode(&db), 0o600);
    assert!(
        server.stderr().contains("readable by its owner only"),
        "{}",
        server.stderr()
    );
}

/// The store's URL from CONNPAY_DB_URL_FILE (so a password never reaches argv), and one
/// source at a time.
#[test]
fn database_url_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("from-file.sqlite3");
    let url_file = dir.path().join("db-url");
    std::fs::write(&url_file, format!("{}\n", db.display())).unwrap();
    let server = Binary::start(
        dir.path(),
        &[],
        &[("CONNPAY_DB_URL_FILE", url_file.to_str().unwrap())],
    );
    assert!(db.exists(), "{}", server.stderr());
    drop(server);

    let both = Binary::try_start(
        dir.path(),
        &["--db", "x.sqlite3"],
        &[("CONNPAY_DB_URL", "y.sqlite3")],
    );
    let log = both.err().expect("two sources are refused");
    assert!(log.contains("only once"), "{log}");

    // A password in --db is warned about, and never printed.
    let warned = Binary::try_start(
        dir.path(),
        &[
            "--db",
            "postgres://u:hunter2secret@127.0.0.1:1/db?connect_timeout=1",
        ],
        &[],
    );
    let log = warned.err().expect("nothing listens on port 1");
    assert!(log.contains("CONNPAY_DB_URL_FILE"), "{log}");
    assert!(!log.contains("hunter2secret"), "{log}");
}

/// --log-format json: every line on stderr is one JSON object, and none holds the key.
#[test]
fn json_logs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.sqlite3");
    let server = Binary::start(
        dir.path(),
        &["--log-format", "json", "--db", db.to_str().unwrap()],
        &[("RUST_LOG", "debug")],
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        client()
            .post(server.url("/auth/access-token"))
            .json(&json!({"consumer": {"device": {"serialNumber": SERIAL}}}))
            .send()
            .await
            .unwrap();
    });
    drop(rt);
    let log = server.stderr();
    let mut listening = false;
    let mut requests = 0;
    for line in log.lines() {
        let v: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(v["level"].is_string(), "{line}");
        let message = v["message"].as_str().unwrap_or("");
        listening |= message.contains("listening on http://");
        if message == "request" {
            requests += 1;
            assert_eq!(v["route"], "AccessToken", "{line}");
            assert_eq!(v["status"], 200, "{line}");
        }
    }
    assert!(listening, "{log}");
    assert_eq!(requests, 1, "{log}");
    assert!(!log.contains(CONTROL_KEY) && !log.contains("B17F59B4"));
}

/// An invoice id that is not UTF-8 gets the same JSON refusal as any malformed id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoice_ids_that_are_not_utf8_are_refused_in_json() {
    let db = fresh_db(Backend::Sqlite).await.unwrap();
    let s = start_with(&db, t0(), |_| {}).await;
    for path in ["/verification/%FF/check", "/verification/%C3/check"] {
        let (status, body) = s.post(path, &json!({})).await;
        assert_error(status, &body, 400, "INVALID_REQUEST", "INVALID_FIELD");
    }
    s.shutdown().await;
}
