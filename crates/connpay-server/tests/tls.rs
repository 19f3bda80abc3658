//! connpay-server's TLS, outside and in: HTTPS and its reload on SIGHUP, PostgreSQL over TLS
//! with the cluster's CA, and two instances sharing one PostgreSQL.

mod common;

use std::time::Duration;

use serde_json::{Value, json};

use common::*;

/// A CA, and a server certificate it signed for 127.0.0.1 and localhost, as PEM files.
#[cfg(unix)]
fn certificate(
    dir: &std::path::Path,
    name: &str,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let c = stranger::test_certificate(name);
    let paths = (
        dir.join(format!("{name}-ca.pem")),
        dir.join(format!("{name}-cert.pem")),
        dir.join(format!("{name}-key.pem")),
    );
    std::fs::write(&paths.0, &c.ca_pem).unwrap();
    std::fs::write(&paths.1, &c.cert_pem).unwrap();
    std::fs::write(&paths.2, &c.key_pem).unwrap();
    paths
}

/// `curl --cacert CA https://localhost:PORT/healthz`: its exit code and output.
#[cfg(unix)]
fn curl(ca: &std::path::Path, addr: &str) -> (bool, String) {
    let port = addr.rsplit(':').next().unwrap();
    let out = std::process::Command::new("curl")
        .args(["--silent", "--show-error", "--max-time", "10", "--cacert"])
        .arg(ca)
        .arg(format!("https://localhost:{port}/healthz"))
        .output()
        .expect("curl is needed for this test (apt-get install curl)");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// --tls-cert/--tls-key serve HTTPS that curl accepts; SIGHUP reads a renewed certificate;
/// a broken one on reload keeps the old one in use.
#[cfg(unix)]
#[test]
fn https_and_certificate_reload() {
    let dir = tempfile::tempdir().unwrap();
    let (ca1, cert1, key1) = certificate(dir.path(), "first");
    let (ca2, cert2, key2) = certificate(dir.path(), "second");
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::copy(&cert1, &cert).unwrap();
    std::fs::copy(&key1, &key).unwrap();
    let db = dir.path().join("c.sqlite3");
    let mut server = Binary::start(
        dir.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
        &[],
    );
    let (ok, out) = curl(&ca1, &server.addr);
    assert!(ok, "{out}");
    assert_eq!(out, r#"{"status":"ok"}"#);
    // Plain HTTP on the TLS port is not served.
    let rt = tokio::runtime::Runtime::new().unwrap();
    assert!(
        rt.block_on(client().get(server.url("/healthz")).send())
            .is_err()
    );

    let hangup = |pid: u32| {
        // SAFETY: kill with a valid signal number on our own child.
        assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGHUP) }, 0);
    };
    // A renewed certificate, from another CA: after SIGHUP only the new CA is accepted.
    std::fs::copy(&cert2, &cert).unwrap();
    std::fs::copy(&key2, &key).unwrap();
    hangup(server.child.id());
    wait_for_log(&server, "TLS certificate and key read again", 1);
    let (ok, out) = curl(&ca2, &server.addr);
    assert!(ok, "{out}");
    assert!(!curl(&ca1, &server.addr).0);

    // A broken key on reload: the server says so and goes on with the second certificate.
    std::fs::write(
        &key,
        "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    hangup(server.child.id());
    wait_for_log(&server, "still serving the previous certificate", 1);
    assert!(curl(&ca2, &server.addr).0);
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server stopped"
    );
    let log = server.stderr();
    assert!(!log.contains("BEGIN PRIVATE KEY"), "{log}");

    // At start, a key that does not match the certificate is refused with a sentence.
    let refused = Binary::try_start(
        dir.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "--tls-cert",
            cert1.to_str().unwrap(),
            "--tls-key",
            key2.to_str().unwrap(),
        ],
        &[],
    );
    let log = refused.err().expect("a mismatched key is refused");
    assert!(log.contains("cannot be used together"), "{log}");
}

/// Waits (bounded) until the server's log holds `text` `times` times.
#[cfg(unix)]
fn wait_for_log(server: &Binary, text: &str, times: usize) {
    for _ in 0..400 {
        if server.stderr().matches(text).count() >= times {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("the server never logged {text:?}:\n{}", server.stderr());
}

#[cfg(unix)]
const PG_CA_ENV: &str = "RD_AGENT_TEST_POSTGRES_CA";

/// PostgreSQL over TLS: with sslmode=require and the cluster's CA every pooled connection is
/// encrypted; without the CA the server's certificate is refused. (Unix: the CA's path is the
/// Linux side's.)
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_over_tls() {
    use connpay_server::{Store, StoreOptions};
    let (Some(base), Some(ca)) = (pg_env(PG_ENV), pg_env(PG_CA_ENV)) else {
        return;
    };
    let name = format!("tls_{}", rand::random::<u32>());
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}sslmode=require&application_name={name}");
    let options = StoreOptions {
        pg_connections: 3,
        pg_ca_file: Some(ca.clone().into()),
    };
    let store = Store::open_with(&url, &options)
        .await
        .expect("TLS with the CA");
    store.ping().await.unwrap();

    let (plain, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let row = plain
        .query_one(
            "SELECT count(*), count(*) FILTER (WHERE s.ssl) FROM pg_stat_activity a \
             JOIN pg_stat_ssl s USING (pid) WHERE a.application_name = $1",
            &[&name],
        )
        .await
        .unwrap();
    let (all, encrypted): (i64, i64) = (row.get(0), row.get(1));
    assert!(all >= 3, "the pool's connections: {all}");
    assert_eq!(encrypted, all, "every one over TLS");

    let no_ca = StoreOptions {
        pg_connections: 1,
        pg_ca_file: None,
    };
    let refused = Store::open_with(&url, &no_ca)
        .await
        .err()
        .expect("unknown CA");
    let text = refused.to_string();
    assert!(text.to_lowercase().contains("certificate"), "{text}");
    drop(store);

    // The binary, with the URL from a file and the CA from the environment.
    let dir = tempfile::tempdir().unwrap();
    let url_file = dir.path().join("db-url");
    std::fs::write(&url_file, &url).unwrap();
    let server = Binary::start(
        dir.path(),
        &[],
        &[
            ("CONNPAY_DB_URL_FILE", url_file.to_str().unwrap()),
            ("CONNPAY_DB_CA_FILE", &ca),
        ],
    );
    let health = client().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200, "{}", server.stderr());
}

/// Two instances on one PostgreSQL: a session initiated on one is checked on the other, and
/// checks racing across both consume the nonce once. (Unix: two servers under Wine only add
/// minutes; the store's code is the same.)
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_postgres() {
    let Some(db) = fresh_db(Backend::Postgres).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--db",
        db.url.as_str(),
        "--rate-per-address",
        "0",
        "--rate-per-token",
        "0",
    ];
    let a = Binary::start(dir.path(), &args, &[]);
    let b = Binary::start(dir.path(), &args, &[]);
    let c = client();
    let post = |url: String, body: Value| {
        let c = c.clone();
        async move {
            let r = c.post(url).json(&body).send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    for round in 0..5 {
        let (_, t) = post(
            a.url("/auth/access-token"),
            json!({"consumer": {"device": {"serialNumber": SERIAL}}}),
        )
        .await;
        let token = t["session"]["accessToken"].as_str().unwrap().to_owned();
        // Initiate on B with A's token, check on both.
        let (status, init) = post(
            b.url("/verification/initiate-verification"),
            json!({"consumer": {"device": {"serialNumber": SERIAL}},
                   "session": {"accessToken": token}, "transaction": {"currency": "EUR"}}),
        )
        .await;
        assert_eq!(status, 200, "{init}");
        let invoice = init["invoiceId"].as_str().unwrap().to_owned();
        let mut racers = Vec::new();
        for i in 0..12 {
            let server = if i % 2 == 0 { &a } else { &b };
            let url = server.url(&format!("/verification/{invoice}/check"));
            let body = check_request(&token, &init, &format!("race-{round}-token-{i:04}"));
            racers.push(tokio::spawn(post(url, body)));
        }
        let mut winners = std::collections::BTreeSet::new();
        let mut conflicts = 0;
        for r in racers {
            let (status, body) = r.await.unwrap();
            match status {
                200 => {
                    winners.insert(body["session"]["token"].as_str().unwrap().to_owned());
                }
                409 => conflicts += 1,
                other => panic!("unexpected {other}: {body}"),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
        assert_eq!(conflicts, 11, "round {round}");
        // The winner's check, repeated on either instance, gives the same answer.
        let winner = winners.into_iter().next().unwrap();
        for server in [&a, &b] {
            let (status, body) = post(
                server.url(&format!("/verification/{invoice}/check")),
                check_request(&token, &init, &winner),
            )
            .await;
            assert_eq!(status, 200, "{body}");
        }
    }
}
