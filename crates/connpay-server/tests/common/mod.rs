//! What the connpay-server tests share: the test key and endpoint, a fresh store per test
//! (SQLite in a temp dir, or a schema of its own in the PostgreSQL named by
//! RD_AGENT_TEST_POSTGRES_URL), a server on port 0, and the calls of an exchange.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use clock::ManualClock;
use connpay_server::{Config, ControlKey, run};
use connpay_server::{Store, StoreOptions};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha1::Sha1;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub(crate) const CONTROL_KEY: &str = "B17F59B4-A7DC-41B4-8FF9-37D986B43D20";
/// The same key as raw bytes, written out by hand: the independent side of the signature
/// checks does not go through `ControlKey::parse`.
pub(crate) const KEY_BYTES: [u8; 16] = [
    0xB1, 0x7F, 0x59, 0xB4, 0xA7, 0xDC, 0x41, 0xB4, 0x8F, 0xF9, 0x37, 0xD9, 0x86, 0xB4, 0x3D, 0x20,
];
pub(crate) const ENDPOINT: &str = "1111";
pub(crate) const SERIAL: &str = "SN-4242-ABCD";
pub(crate) const PG_ENV: &str = "RD_AGENT_TEST_POSTGRES_URL";

/// SHA-1 in lower-case hex, computed here (the merchant callback's `control`).
pub(crate) fn independent_sha1(message: &str) -> String {
    use sha1::Digest;
    sha1::Sha1::digest(message.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// HMAC-SHA1 in upper-case hex, computed here from the raw key bytes.
pub(crate) fn independent_hmac(message: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(&KEY_BYTES).unwrap();
    mac.update(message.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database for one test.
pub(crate) struct Db {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub(crate) async fn fresh_db(backend: Backend) -> Option<Db> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = dir.path().join("connpay.sqlite3").display().to_string();
            Some(Db {
                url,
                _dir: Some(dir),
            })
        }
        Backend::Postgres => {
            let base = pg_env(PG_ENV)?;
            // Each test gets its own schema, so sweeps and counts see only its rows.
            Some(Db {
                url: pgconn::fresh_schema(&base, "t").await,
                _dir: None,
            })
        }
    }
}

/// The PostgreSQL setting `name` of the environment. CI starts a cluster (.ci/run): there a
/// missing one fails the test; elsewhere the test is skipped, and says so on stderr.
// The one place a test writes to the console: a skip nobody sees looks like a pass.
#[allow(clippy::print_stderr)]
pub(crate) fn pg_env(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(v) => Some(v),
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but {name} is not: the PostgreSQL run of this test cannot be skipped"
            );
            eprintln!("NOTICE: {name} is not set; skipping the PostgreSQL run of this test");
            None
        }
    }
}

pub(crate) struct Server {
    pub addr: SocketAddr,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

pub(crate) fn base_config(clock: Arc<ManualClock>) -> Config {
    let mut config = Config::new(ENDPOINT, ControlKey::parse(CONTROL_KEY).unwrap());
    config.clock = clock;
    // Generous limits: only the rate-limit test wants them tight.
    config.rate_per_address = (0.0, 1.0);
    config.rate_per_token = (0.0, 1.0);
    config
}

pub(crate) async fn start_with(
    db: &Db,
    clock: Arc<ManualClock>,
    tweak: impl FnOnce(&mut Config),
) -> Server {
    let options = StoreOptions {
        pg_connections: 2,
        pg_ca_file: None,
    };
    let store = Store::open_with(&db.url, &options)
        .await
        .expect("open the store");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = base_config(clock.clone());
    tweak(&mut config);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(run(listener, store.clone(), config, async {
        let _ = rx.await;
    }));
    Server {
        addr,
        store,
        clock,
        stop: Some(tx),
        task,
    }
}

pub(crate) fn t0() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 22, 6, 0, 0).unwrap(),
    ))
}

impl Server {
    pub(crate) async fn shutdown(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        self.task.await.unwrap().unwrap();
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub(crate) async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.post_raw(path, body.to_string().into_bytes()).await
    }

    pub(crate) async fn post_raw(&self, path: &str, body: Vec<u8>) -> (u16, Value) {
        let resp = client()
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        let value = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("every answer is JSON, got {status}: {text}"));
        (status, value)
    }

    pub(crate) async fn access_token(&self, serial: &str) -> String {
        let (status, body) = self
            .post(
                "/auth/access-token",
                &json!({"consumer": {"device": {"serialNumber": serial}}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let token = body["session"]["accessToken"].as_str().unwrap().to_owned();
        assert!((32..=128).contains(&token.len()));
        chrono::DateTime::parse_from_rfc3339(body["session"]["expiresAt"].as_str().unwrap())
            .expect("expiresAt is RFC 3339");
        token
    }

    pub(crate) async fn initiate(&self, token: &str, extra: Value) -> Value {
        let mut req = json!({
            "consumer": {"device": {"serialNumber": SERIAL}},
            "session": {"accessToken": token},
            "transaction": {"currency": "EUR"}
        });
        if let Value::Object(m) = extra {
            for (k, v) in m {
                req[k] = v;
            }
        }
        let (status, body) = self.post("/verification/initiate-verification", &req).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    pub(crate) async fn check(&self, invoice: &str, req: &Value) -> (u16, Value) {
        self.post(&format!("/verification/{invoice}/check"), req)
            .await
    }

    pub(crate) async fn session_token(&self, invoice: &str) -> Option<String> {
        self.store
            .session(invoice)
            .await
            .unwrap()
            .expect("session exists")
            .token
    }
}

impl Server {
    /// ConnPay's card-mapping notification; `invoice` picks the path with the invoice id.
    pub(crate) async fn notify(&self, invoice: Option<&str>, req: &Value) -> (u16, Value) {
        let path = match invoice {
            Some(i) => format!("/verification/{i}/notification"),
            None => "/verification/notification".to_owned(),
        };
        self.post(&path, req).await
    }

    /// The merchant callback with `query` as it is; the status and the body's text.
    pub(crate) async fn callback_raw(&self, query: &str) -> (u16, String) {
        let resp = client()
            .get(self.url(&format!("/verification/callback?{query}")))
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    }

    /// The merchant callback, its `control` computed here from the key's text.
    pub(crate) async fn callback(
        &self,
        status: &str,
        orderid: &str,
        invoice: &str,
    ) -> (u16, String) {
        self.callback_raw(&callback_query(status, orderid, invoice))
            .await
    }

    /// A checked verification: (access token, initiate answer, ConnPay token).
    pub(crate) async fn checked(&self, connpay_token: &str) -> (String, Value) {
        let token = self.access_token(SERIAL).await;
        let init = self.initiate(&token, json!({})).await;
        let invoice = init["invoiceId"].as_str().unwrap();
        let (status, body) = self
            .check(invoice, &check_request(&token, &init, connpay_token))
            .await;
        assert_eq!(status, 200, "{body}");
        (token, init)
    }
}

/// A gateway callback's query with a right `control` (the key's text, dashes included).
pub(crate) fn callback_query(status: &str, orderid: &str, invoice: &str) -> String {
    let control = independent_sha1(&format!("{status}{orderid}{invoice}{CONTROL_KEY}"));
    format!(
        "type=sale&status={status}&amount=0.00&orderid={orderid}&client_orderid={invoice}\
         &merchant_order={invoice}&control={control}"
    )
}

/// What ConnPay sends on the card-mapping notification.
pub(crate) fn notification_request(access_token: &str, connpay_token: &str, card: &str) -> Value {
    json!({
        "consumer": {"device": {"serialNumber": SERIAL}},
        "reference": {"serverCardId": card, "uniqueReferenceCardId": 7_700_001},
        "session": {"accessToken": access_token, "token": connpay_token},
        "sourceCard": {"bin": 411_111}
    })
}

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// What ConnPay sends on check for an initiate answer.
pub(crate) fn check_request(token: &str, init: &Value, connpay_token: &str) -> Value {
    json!({
        "consumer": {"device": {"serialNumber": SERIAL}},
        "session": {
            "accessToken": token,
            "nonce": init["session"]["nonce"],
            "signature": init["session"]["signature"],
            "token": connpay_token
        }
    })
}

pub(crate) fn assert_error(status: u16, body: &Value, want_status: u16, cause: &str, code: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["error"]["cause"], cause, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().ends_with('.'));
}

/// The real `connpay-server` binary, started on port 0 with the test key and endpoint in its
/// environment; stderr goes to a file in `dir`, so it can be read while the server runs.
pub(crate) struct Binary {
    pub child: std::process::Child,
    /// `127.0.0.1:PORT`, from the one line the binary prints on stdout.
    pub addr: String,
    stderr: std::path::PathBuf,
}

impl Binary {
    pub(crate) fn start(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Binary {
        Binary::try_start(dir, args, env).unwrap_or_else(|log| panic!("did not start: {log}"))
    }

    /// As `start`; the stderr text when the binary exits instead of listening.
    pub(crate) fn try_start(
        dir: &std::path::Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Binary, String> {
        use std::io::BufRead;
        let stderr = dir.join(format!("stderr-{}.log", rand::random::<u32>()));
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_connpay-server"));
        cmd.env_remove("CONNPAY_CONTROL_KEY_FILE")
            .env_remove("CONNPAY_DB_URL")
            .env_remove("CONNPAY_DB_URL_FILE")
            .env("CONNPAY_CONTROL_KEY", CONTROL_KEY)
            .env("CONNPAY_ENDPOINT_ID", ENDPOINT)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        match line.trim().strip_prefix("listening on ") {
            Some(addr) => Ok(Binary {
                addr: addr.to_owned(),
                child,
                stderr,
            }),
            None => {
                let _ = child.wait();
                Err(std::fs::read_to_string(&stderr).unwrap_or_default())
            }
        }
    }

    pub(crate) fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A test fn `name(Backend)` run once on each store, as `name::sqlite` and `name::postgres`.
#[allow(unused_macros)] // Not every test file runs on both stores.
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(super::Backend::Postgres).await
            }
        }
    )*};
}
