//! The PostgreSQL store, for several instances behind one load balancer. A few connections,
//! each with its statements prepared once; a connection that dies is replaced on next use.
//!
//! TLS (rustls): `sslmode=require` in the URL insists on it, and so does the default, `prefer`,
//! whenever the server is not on this machine (a Unix socket, localhost or a loopback address
//! stays plain); `sslmode=disable` never uses it. The server's certificate
//! is always verified, with its host name, against the CA file given (`--db-ca-file`) or else
//! the Mozilla roots: what libpq calls `verify-full`.

use std::future::Future;
use std::net::IpAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls, Row, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

use super::{Consume, SessionRecord, StoreError, TokenRecord, from_millis, to_millis};

/// Connections per instance unless told otherwise.
pub const DEFAULT_POOL: usize = 8;

// Taken under an advisory lock so that instances starting together do not race on the DDL.
const SCHEMA: &str = "
BEGIN;
SELECT pg_advisory_xact_lock(727274);
CREATE TABLE IF NOT EXISTS connpay_access_tokens (
    token_hash BYTEA PRIMARY KEY,
    serial_number TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS connpay_access_tokens_expiry ON connpay_access_tokens (expires_at);
CREATE TABLE IF NOT EXISTS connpay_sessions (
    invoice_id TEXT PRIMARY KEY,
    serial_number TEXT NOT NULL,
    access_token_hash BYTEA NOT NULL,
    nonce TEXT NOT NULL,
    signature TEXT NOT NULL,
    currency TEXT NOT NULL,
    held TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    token TEXT,
    consumed_at BIGINT
);
CREATE INDEX IF NOT EXISTS connpay_sessions_expiry ON connpay_sessions (expires_at);
COMMIT;
";

const SESSION_COLUMNS: &str = "invoice_id, serial_number, access_token_hash, nonce, signature, \
     currency, held, created_at, expires_at, token, consumed_at";

struct Conn {
    client: Client,
    put_token: Statement,
    token: Statement,
    put_session: Statement,
    session: Statement,
    consume: Statement,
    read_token: Statement,
    sweep_tokens: Statement,
    sweep_sessions: Statement,
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// Where to connect, and with what TLS.
#[derive(Clone)]
struct Target {
    config: tokio_postgres::Config,
    tls: Option<MakeRustlsConnect>,
}

impl Target {
    fn new(url: &str, ca_file: Option<&Path>) -> Result<Target, StoreError> {
        // The parser's messages name the option at fault, never the password.
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Open(format!("the PostgreSQL URL is not valid ({e})")))?;
        if config.get_application_name().is_none() {
            config.application_name("connpay-server");
        }
        let local = config.get_hosts().iter().all(is_local);
        let wants_tls = match config.get_ssl_mode() {
            SslMode::Disable => false,
            SslMode::Require => true,
            // Off this machine, `prefer` would fall back to plain text when the server (or
            // someone on the path) says it has no TLS: insist instead.
            _ if !local => {
                config.ssl_mode(SslMode::Require);
                true
            }
            _ => false,
        };
        let tls = if wants_tls {
            Some(connector(ca_file)?)
        } else {
            None
        };
        Ok(Target { config, tls })
    }
}

fn is_local(host: &Host) -> bool {
    match host {
        Host::Tcp(name) => {
            name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        #[cfg(unix)]
        Host::Unix(_) => true,
    }
}

fn connector(ca_file: Option<&Path>) -> Result<MakeRustlsConnect, StoreError> {
    let mut roots = RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let unreadable = |e: String| {
                StoreError::Open(format!(
                    "cannot read the CA certificates in {} ({e}); give --db-ca-file a PEM file",
                    path.display()
                ))
            };
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| unreadable(e.to_string()))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| unreadable(e.to_string()))?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(unreadable("no usable CERTIFICATE block".into()));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let config = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Open(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

fn keep_running<E: std::fmt::Display>(
    connection: impl Future<Output = Result<(), E>> + Send + 'static,
) {
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!("PostgreSQL connection closed: {e}");
        }
    });
}

/// The error with its causes: tokio-postgres puts the reason (a refused certificate, a
/// password) in the source, and "error performing TLS handshake" alone helps no one.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

async fn raw_client(target: &Target) -> Result<Client, StoreError> {
    let open = |e: tokio_postgres::Error| StoreError::Open(with_causes(&e));
    let client = match &target.tls {
        Some(tls) => {
            let (client, connection) = target.config.connect(tls.clone()).await.map_err(open)?;
            keep_running(connection);
            client
        }
        None => {
            let (client, connection) = target.config.connect(NoTls).await.map_err(open)?;
            keep_running(connection);
            client
        }
    };
    Ok(client)
}

impl Conn {
    async fn connect(target: &Target) -> Result<Conn, StoreError> {
        let client = raw_client(target).await?;
        let p = |sql: String| {
            let client = &client;
            async move {
                client
                    .prepare(&sql)
                    .await
                    .map_err(|e| StoreError::Open(e.to_string()))
            }
        };
        Ok(Conn {
            put_token: p(
                "INSERT INTO connpay_access_tokens (token_hash, serial_number, expires_at) \
                 VALUES ($1, $2, $3)"
                    .into(),
            )
            .await?,
            token: p(
                "SELECT serial_number, expires_at FROM connpay_access_tokens \
                 WHERE token_hash = $1"
                    .into(),
            )
            .await?,
            put_session: p(format!(
                "INSERT INTO connpay_sessions ({SESSION_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            ))
            .await?,
            session: p(format!(
                "SELECT {SESSION_COLUMNS} FROM connpay_sessions WHERE invoice_id = $1"
            ))
            .await?,
            // Under READ COMMITTED a second concurrent update waits for the first to commit,
            // then re-checks `token IS NULL` and changes nothing.
            consume: p("UPDATE connpay_sessions SET token = $1, consumed_at = $2 \
                 WHERE invoice_id = $3 AND token IS NULL"
                .into())
            .await?,
            read_token: p("SELECT token FROM connpay_sessions WHERE invoice_id = $1".into())
                .await?,
            sweep_tokens: p("DELETE FROM connpay_access_tokens WHERE expires_at <= $1".into())
                .await?,
            sweep_sessions: p("DELETE FROM connpay_sessions WHERE expires_at <= $1".into()).await?,
            client,
        })
    }
}

struct Inner {
    target: Target,
    slots: Vec<RwLock<Arc<Conn>>>,
    next: AtomicUsize,
}

#[derive(Clone)]
pub struct PgStore {
    inner: Arc<Inner>,
}

fn session_from_row(row: &Row) -> SessionRecord {
    SessionRecord {
        invoice_id: row.get(0),
        serial_number: row.get(1),
        access_token_hash: row.get(2),
        nonce: row.get(3),
        signature: row.get(4),
        currency: row.get(5),
        held: row.get(6),
        created_at: from_millis(row.get(7)),
        expires_at: from_millis(row.get(8)),
        token: row.get(9),
        consumed_at: row.get::<_, Option<i64>>(10).map(from_millis),
    }
}

impl PgStore {
    /// Connects `pool` connections (at least one) and creates the tables if needed.
    pub async fn connect(
        url: &str,
        pool: usize,
        ca_file: Option<&Path>,
    ) -> Result<PgStore, StoreError> {
        let pool = pool.max(1);
        let target = Target::new(url, ca_file)?;
        // The tables must exist before the statements on them can be prepared.
        raw_client(&target)
            .await?
            .batch_execute(SCHEMA)
            .await
            .map_err(|e| StoreError::Open(e.to_string()))?;
        let mut slots = Vec::with_capacity(pool);
        for _ in 0..pool {
            slots.push(RwLock::new(Arc::new(Conn::connect(&target).await?)));
        }
        Ok(PgStore {
            inner: Arc::new(Inner {
                target,
                slots,
                next: AtomicUsize::new(0),
            }),
        })
    }

    async fn conn(&self) -> Result<Arc<Conn>, StoreError> {
        let i = self.inner.next.fetch_add(1, Ordering::Relaxed) % self.inner.slots.len();
        let slot = &self.inner.slots[i];
        let current = slot.read().unwrap_or_else(|p| p.into_inner()).clone();
        if !current.client.is_closed() {
            return Ok(current);
        }
        let fresh = Arc::new(Conn::connect(&self.inner.target).await?);
        *slot.write().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
        Ok(fresh)
    }

    pub async fn put_token(&self, t: &TokenRecord) -> Result<(), StoreError> {
        let c = self.conn().await?;
        c.client
            .execute(
                &c.put_token,
                &[&t.token_hash, &t.serial_number, &to_millis(t.expires_at)],
            )
            .await
            .map_err(backend)?;
        Ok(())
    }

    pub async fn token(&self, hash: &[u8]) -> Result<Option<TokenRecord>, StoreError> {
        let c = self.conn().await?;
        let row = c
            .client
            .query_opt(&c.token, &[&hash])
            .await
            .map_err(backend)?;
        Ok(row.map(|row| TokenRecord {
            token_hash: hash.to_vec(),
            serial_number: row.get(0),
            expires_at: from_millis(row.get(1)),
        }))
    }

    pub async fn put_session(&self, r: &SessionRecord) -> Result<(), StoreError> {
        let c = self.conn().await?;
        let result = c
            .client
            .execute(
                &c.put_session,
                &[
                    &r.invoice_id,
                    &r.serial_number,
                    &r.access_token_hash,
                    &r.nonce,
                    &r.signature,
                    &r.currency,
                    &r.held,
                    &to_millis(r.created_at),
                    &to_millis(r.expires_at),
                    &r.token,
                    &r.consumed_at.map(to_millis),
                ],
            )
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => Err(StoreError::Duplicate),
            Err(e) => Err(backend(e)),
        }
    }

    pub async fn session(&self, invoice_id: &str) -> Result<Option<SessionRecord>, StoreError> {
        let c = self.conn().await?;
        let row = c
            .client
            .query_opt(&c.session, &[&invoice_id])
            .await
            .map_err(backend)?;
        Ok(row.as_ref().map(session_from_row))
    }

    pub async fn consume(
        &self,
        invoice_id: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Consume, StoreError> {
        let c = self.conn().await?;
        let changed = c
            .client
            .execute(&c.consume, &[&token, &to_millis(now), &invoice_id])
            .await
            .map_err(backend)?;
        if changed == 1 {
            return Ok(Consume::Consumed);
        }
        // The token column only ever goes from NULL to a value, so reading it afterwards on
        // any connection sees the winner's token.
        let row = c
            .client
            .query_opt(&c.read_token, &[&invoice_id])
            .await
            .map_err(backend)?;
        Ok(match row.and_then(|r| r.get::<_, Option<String>>(0)) {
            Some(t) => Consume::Already(t),
            None => Consume::Missing,
        })
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        let c = self.conn().await?;
        c.client.simple_query("SELECT 1").await.map_err(backend)?;
        Ok(())
    }

    pub async fn counts(&self) -> Result<(u64, u64), StoreError> {
        let c = self.conn().await?;
        let row = c
            .client
            .query_one(
                "SELECT (SELECT count(*) FROM connpay_access_tokens), \
                        (SELECT count(*) FROM connpay_sessions)",
                &[],
            )
            .await
            .map_err(backend)?;
        Ok((row.get::<_, i64>(0) as u64, row.get::<_, i64>(1) as u64))
    }

    pub async fn sweep(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let c = self.conn().await?;
        let now = to_millis(now);
        let a = c
            .client
            .execute(&c.sweep_tokens, &[&now])
            .await
            .map_err(backend)?;
        let b = c
            .client
            .execute(&c.sweep_sessions, &[&now])
            .await
            .map_err(backend)?;
        Ok(a + b)
    }
}
