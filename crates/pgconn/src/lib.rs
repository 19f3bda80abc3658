//! A PostgreSQL connection as our servers make it (connpay-server, rd-relay): TLS with rustls
//! whenever the server is not on this machine, and the server's certificate always verified.
//!
//! `sslmode=require` in the URL insists on TLS, and so does the default, `prefer`, whenever
//! the server is not local (a Unix socket, localhost or a loopback address stays plain), so
//! that no one on the path can make it fall back to plain text; `sslmode=disable` never uses
//! it. The certificate is verified, with its host name, against the CA file given
//! (`--db-ca-file`) or else the Mozilla roots: what libpq calls `verify-full`. Errors are
//! sentences with their causes; none holds the password.

use std::future::Future;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::{Client, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

/// Where to connect, and with what TLS.
#[derive(Clone)]
pub struct Target {
    config: tokio_postgres::Config,
    tls: Option<MakeRustlsConnect>,
}

impl Target {
    /// Parse `url` and decide on TLS; `application_name` is what `pg_stat_activity` shows.
    pub fn new(
        url: &str,
        ca_file: Option<&Path>,
        application_name: &str,
    ) -> Result<Target, String> {
        // The parser's messages name the option at fault, never the password.
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| format!("the PostgreSQL URL is not valid ({e})"))?;
        if config.get_application_name().is_none() {
            config.application_name(application_name);
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

fn connector(ca_file: Option<&Path>) -> Result<MakeRustlsConnect, String> {
    let mut roots = RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let unreadable = |e: String| {
                format!(
                    "cannot read the CA certificates in {} ({e}); give --db-ca-file a PEM file",
                    path.display()
                )
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
        .map_err(|e| e.to_string())?
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
pub fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// A connection (its driver runs on the runtime until the client is dropped).
pub async fn connect(target: &Target) -> Result<Client, String> {
    let open = |e: tokio_postgres::Error| with_causes(&e);
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

/// A connection of a pool: a client and whatever the server prepared on it.
pub trait Pooled: Send + Sync + Sized {
    fn client(&self) -> &Client;
}

/// A few connections used in turn (tokio-postgres pipelines the calls on each); a connection
/// found closed is replaced on its next use by `open`.
pub struct Pool<T> {
    target: Target,
    slots: Vec<std::sync::RwLock<Arc<T>>>,
    next: std::sync::atomic::AtomicUsize,
}

impl<T: Pooled> Pool<T> {
    /// `size` connections (at least one), each made by `open`.
    pub async fn new<E, F, Fut>(target: Target, size: usize, open: F) -> Result<Pool<T>, E>
    where
        F: Fn(Target) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let mut slots = Vec::new();
        for _ in 0..size.max(1) {
            slots.push(std::sync::RwLock::new(Arc::new(
                open(target.clone()).await?,
            )));
        }
        Ok(Pool {
            target,
            slots,
            next: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    /// The next connection, opened again with `open` if it has closed.
    pub async fn get<E, F, Fut>(&self, open: F) -> Result<Arc<T>, E>
    where
        F: FnOnce(Target) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % self.slots.len();
        let slot = &self.slots[i];
        let current = slot.read().unwrap_or_else(|p| p.into_inner()).clone();
        if !current.client().is_closed() {
            return Ok(current);
        }
        let fresh = Arc::new(open(self.target.clone()).await?);
        *slot.write().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
        Ok(fresh)
    }
}

/// A schema of its own in the test database at `base`, as a URL whose connections use it:
/// each test sees only its own rows. Tests only (feature `test-util`).
#[cfg(feature = "test-util")]
pub async fn fresh_schema(base: &str, prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let schema = format!(
        "{prefix}_{}_{nanos:x}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let (client, conn) = tokio_postgres::connect(base, NoTls)
        .await
        .expect("connect to the test PostgreSQL");
    tokio::spawn(conn);
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .await
        .expect("create the test schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-csearch_path%3D{schema}")
}
