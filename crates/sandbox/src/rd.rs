//! The simulated RD Service: serves one vendor's `rd-fixtures/` over the real protocol (custom
//! verbs on that vendor's paths, HTTP or HTTPS with a self-signed certificate) with scripted
//! behaviour: READY / NOTREADY / USED, a given capture error, a delay, a garbled, truncated or
//! oversized reply, a reply that is not HTTP, accept-and-hang, an old service without fType 2.
//!
//! Raw TCP with a small HTTP/1.1 reader, so the broken modes are easy to produce.
//!
//! ```text
//! let rd = SimulatedRd::start(SimOptions::new(vendor("mantra-mfs100").unwrap())).await?; // port 0
//! rd.port(); rd.scheme(); rd.requests(); rd.shutdown().await;
//! serve(listener, config, tls, shutdown_future).await   // the loop itself, mini-redis style
//! ```
//!
//! The fixtures are compiled into the binary, so the simulator works from any directory.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use rd::{Scheme, parse_rdservice};

/// One vendor's fixture set.
#[derive(Debug)]
pub struct VendorFixtures {
    /// Directory name under `rd-fixtures/`, e.g. `mantra-mfs100`.
    pub id: &'static str,
    pub name: &'static str,
    pub rdservice: &'static str,
    pub deviceinfo: &'static str,
    pub pid_ok: &'static str,
    /// `(errCode, document)` for 700, 710, 720, 730, 999.
    pub errors: &'static [(u16, &'static str)],
    /// The vendor's service speaks HTTPS (newer Mantra L1); `--https` is then the default.
    pub https: bool,
}

macro_rules! vendor {
    ($id:literal, $name:literal, $https:literal) => {
        VendorFixtures {
            id: $id,
            name: $name,
            rdservice: include_str!(concat!("../../../rd-fixtures/", $id, "/rdservice.xml")),
            deviceinfo: include_str!(concat!("../../../rd-fixtures/", $id, "/deviceinfo.xml")),
            pid_ok: include_str!(concat!("../../../rd-fixtures/", $id, "/pid_ok.xml")),
            errors: &[
                (
                    700,
                    include_str!(concat!("../../../rd-fixtures/", $id, "/err_700.xml")),
                ),
                (
                    710,
                    include_str!(concat!("../../../rd-fixtures/", $id, "/err_710.xml")),
                ),
                (
                    720,
                    include_str!(concat!("../../../rd-fixtures/", $id, "/err_720.xml")),
                ),
                (
                    730,
                    include_str!(concat!("../../../rd-fixtures/", $id, "/err_730.xml")),
                ),
                (
                    999,
                    include_str!(concat!("../../../rd-fixtures/", $id, "/err_999.xml")),
                ),
            ],
            https: $https,
        }
    };
}

/// Every vendor with fixtures.
pub static VENDORS: &[VendorFixtures] = &[
    vendor!("mantra-mfs100", "Mantra MFS100", false),
    vendor!("mantra-mfs110-l1", "Mantra MFS110 L1", true),
    vendor!("startek-fm220u", "Startek FM220U", false),
    vendor!("morpho-mso1300-e3", "Morpho MSO1300 E3", false),
    vendor!("secugen-hamster-pro", "SecuGen Hamster Pro", false),
];

/// A vendor by id (`mantra-mfs100`, ...).
pub fn vendor(id: &str) -> Option<&'static VendorFixtures> {
    VENDORS
        .iter()
        .find(|v| v.id.eq_ignore_ascii_case(id.trim()))
}

/// The ids of every vendor, for help text and errors.
pub fn vendor_ids() -> Vec<&'static str> {
    VENDORS.iter().map(|v| v.id).collect()
}

/// What the simulated service says in `RDService@status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SimStatus {
    #[default]
    Ready,
    NotReady,
    Used,
}

/// A broken reply, for the tests of what a client does with one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fault {
    #[default]
    None,
    /// HTTP 200 whose body is not XML.
    Garbled,
    /// Bytes that are not HTTP at all.
    NotHttp,
    /// HTTP 200 with the document cut in half.
    Truncated,
    /// HTTP 200 with a 10 MiB body and no Content-Length.
    Oversized,
    /// Accept the connection and never answer.
    Hang,
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FaultScope {
    #[default]
    All,
    RdService,
    DeviceInfo,
    Capture,
}

/// Scripted behaviour.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    pub status: SimStatus,
    /// Answer every CAPTURE with this errCode (the vendor's fixture when it has one).
    pub capture_error: Option<u16>,
    /// Wait this long before answering a CAPTURE, as a finger placement would.
    pub delay: Duration,
    pub fault: Fault,
    pub fault_on: FaultScope,
    /// Answer `fType="2"` with errCode 110, as older services do.
    pub old_ftype: bool,
    /// Encrypt with a UIDAI key that expired (`Skey ci` in the past), as an RD Service that
    /// was never updated does.
    pub stale_key: bool,
}

/// The `Skey ci` a [`Behaviour::stale_key`] capture carries: a day long past.
pub const STALE_KEY_CI: &str = "20210930";

/// How to start a simulated service.
#[derive(Debug, Clone)]
pub struct SimOptions {
    pub vendor: &'static VendorFixtures,
    pub https: bool,
    /// Port on 127.0.0.1; 0 picks a free one (see [`SimulatedRd::port`]).
    pub port: u16,
    pub behaviour: Behaviour,
}

impl SimOptions {
    /// The vendor's fixtures on a free port, its usual scheme, READY.
    pub fn new(vendor: &'static VendorFixtures) -> Self {
        SimOptions {
            vendor,
            https: vendor.https,
            port: 0,
            behaviour: Behaviour::default(),
        }
    }
}

/// A request the simulator received, for tests to inspect (PidOptions are not secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    pub verb: String,
    pub path: String,
    pub body: String,
}

/// What the serving loop needs.
#[derive(Debug)]
pub struct SimConfig {
    pub vendor: &'static VendorFixtures,
    pub behaviour: Behaviour,
    device_info_path: String,
    capture_path: String,
    log: Mutex<Vec<SeenRequest>>,
}

impl SimConfig {
    pub fn new(vendor: &'static VendorFixtures, behaviour: Behaviour) -> Self {
        // Route by the paths this vendor advertises, as a client will read them.
        let (device_info_path, capture_path) = match parse_rdservice(vendor.rdservice.as_bytes()) {
            Ok(info) => (info.device_info_path, info.capture_path),
            Err(_) => ("/rd/info".into(), "/rd/capture".into()),
        };
        SimConfig {
            vendor,
            behaviour,
            device_info_path,
            capture_path,
            log: Mutex::new(Vec::new()),
        }
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

/// A running simulated RD Service.
#[derive(Debug)]
pub struct SimulatedRd {
    addr: SocketAddr,
    scheme: Scheme,
    config: Arc<SimConfig>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SimulatedRd {
    /// Bind 127.0.0.1:`opts.port` (0 = a free port) and serve in the background.
    pub async fn start(opts: SimOptions) -> std::io::Result<SimulatedRd> {
        let listener = TcpListener::bind(("127.0.0.1", opts.port)).await?;
        let addr = listener.local_addr()?;
        let tls = if opts.https {
            Some(self_signed_acceptor()?)
        } else {
            None
        };
        let config = Arc::new(SimConfig::new(opts.vendor, opts.behaviour));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, config.clone(), tls, async {
            let _ = stopped.await;
        }));
        Ok(SimulatedRd {
            addr,
            scheme: if opts.https {
                Scheme::Https
            } else {
                Scheme::Http
            },
            config,
            stop: Some(stop),
            task: Some(task),
        })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    pub fn vendor(&self) -> &'static VendorFixtures {
        self.config.vendor
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.config.requests()
    }

    /// Stop accepting, drop every open connection (hanging ones too) and wait for the loop.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimulatedRd {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A TLS acceptor with a fresh self-signed certificate for 127.0.0.1 and localhost.
pub(crate) fn self_signed_acceptor() -> std::io::Result<tokio_rustls::TlsAcceptor> {
    use tokio_rustls::rustls;
    let other = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
    let key = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
        .map_err(|e| other(&e))?;
    let cert = key.cert.der().clone();
    let private = rustls::pki_types::PrivateKeyDer::Pkcs8(
        rustls::pki_types::PrivatePkcs8KeyDer::from(key.signing_key.serialize_der()),
    );
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| other(&e))?
        .with_no_client_auth()
        .with_single_cert(vec![cert], private)
        .map_err(|e| other(&e))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// The serving loop: accept until `shutdown` resolves, then drop every connection.
pub async fn serve(
    listener: TcpListener,
    config: Arc<SimConfig>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
) {
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let config = config.clone();
                let tls = tls.clone();
                connections.spawn(async move {
                    let b = &config.behaviour;
                    if b.fault == Fault::Hang && b.fault_on == FaultScope::All {
                        // Accept and never answer, not even the TLS handshake.
                        let _keep = stream;
                        std::future::pending::<()>().await;
                        return;
                    }
                    match tls {
                        Some(acceptor) => {
                            if let Ok(Ok(tls_stream)) =
                                tokio::time::timeout(IO_TIMEOUT, acceptor.accept(stream)).await
                            {
                                handle(tls_stream, &config).await;
                            }
                        }
                        None => handle(stream, &config).await,
                    }
                });
            }
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.abort_all();
    while connections.join_next().await.is_some() {}
}

/// A client that stops sending mid-request is dropped after this long.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest request head and body accepted (PidOptions are a few hundred bytes).
const MAX_REQUEST: usize = 64 * 1024;

struct Request {
    verb: String,
    path: String,
    body: String,
}

async fn handle<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, config: &SimConfig) {
    let request = match tokio::time::timeout(IO_TIMEOUT, read_request(&mut stream)).await {
        Ok(Some(r)) => r,
        _ => {
            let _ = write_reply(&mut stream, 400, "Bad Request", b"bad request\n").await;
            return;
        }
    };
    if let Ok(mut log) = config.log.lock() {
        log.push(SeenRequest {
            verb: request.verb.clone(),
            path: request.path.clone(),
            body: request.body.clone(),
        });
    }
    let b = &config.behaviour;
    let path = rd::normalise_path(&request.path);
    let (scope, doc) = match request.verb.as_str() {
        "RDSERVICE" => (FaultScope::RdService, rdservice_doc(config)),
        "DEVICEINFO" if path == config.device_info_path => {
            (FaultScope::DeviceInfo, config.vendor.deviceinfo.to_string())
        }
        "CAPTURE" if path == config.capture_path => {
            if !b.delay.is_zero() {
                tokio::time::sleep(b.delay).await;
            }
            (FaultScope::Capture, capture_doc(config, &request.body))
        }
        "DEVICEINFO" | "CAPTURE" => {
            let _ = write_reply(&mut stream, 404, "Not Found", b"no such interface\n").await;
            return;
        }
        _ => {
            let _ = write_reply(&mut stream, 405, "Method Not Allowed", b"use RDSERVICE\n").await;
            return;
        }
    };
    let fault = if b.fault_on == FaultScope::All || b.fault_on == scope {
        b.fault
    } else {
        Fault::None
    };
    let _ = match fault {
        Fault::None => write_reply(&mut stream, 200, "OK", doc.as_bytes()).await,
        Fault::Garbled => {
            let junk = b"\x00\x17\x8f garbled \xfe\xff <<<RDService status=\x01 >>> \x00";
            write_reply(&mut stream, 200, "OK", junk).await
        }
        Fault::NotHttp => {
            stream
                .write_all(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x00\x01")
                .await
        }
        Fault::Truncated => {
            let cut = doc.len() / 2;
            write_reply(&mut stream, 200, "OK", &doc.as_bytes()[..cut]).await
        }
        Fault::Oversized => write_oversized(&mut stream).await,
        Fault::Hang => {
            std::future::pending::<()>().await;
            Ok(())
        }
    };
    let _ = stream.shutdown().await;
}

fn rdservice_doc(config: &SimConfig) -> String {
    let status = match config.behaviour.status {
        SimStatus::Ready => "READY",
        SimStatus::NotReady => "NOTREADY",
        SimStatus::Used => "USED",
    };
    config
        .vendor
        .rdservice
        .replace("status=\"READY\"", &format!("status=\"{status}\""))
}

fn capture_doc(config: &SimConfig, body: &str) -> String {
    let b = &config.behaviour;
    if !body.contains("<PidOptions") || !body.contains("<Opts") {
        return generic_error(
            100,
            "Invalid PidOptions input. XML should strictly adhere to spec.",
        );
    }
    if b.old_ftype && body.contains("fType=\"2\"") {
        return generic_error(110, "Invalid value for fType");
    }
    let code = match (b.capture_error, b.status) {
        (Some(code), _) => code,
        (None, SimStatus::NotReady) => 720,
        (None, SimStatus::Used) => 710,
        (None, SimStatus::Ready) if b.stale_key => return with_stale_key(config.vendor.pid_ok),
        (None, SimStatus::Ready) => return config.vendor.pid_ok.to_string(),
    };
    match config.vendor.errors.iter().find(|(c, _)| *c == code) {
        Some((_, doc)) => doc.to_string(),
        None => generic_error(code, "Simulated error"),
    }
}

/// The PID with its `Skey ci` replaced by [`STALE_KEY_CI`].
fn with_stale_key(pid: &str) -> String {
    match pid.find("ci=\"") {
        Some(i) => {
            let start = i + 4;
            let end = pid[start..].find('"').map_or(start, |n| start + n);
            format!("{}{STALE_KEY_CI}{}", &pid[..start], &pid[end..])
        }
        None => pid.to_string(),
    }
}

fn generic_error(code: u16, info: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<PidData>\n    <Resp errCode=\"{code}\" errInfo=\"{info}\" fCount=\"0\" fType=\"0\" nmPoints=\"0\" qScore=\"0\" />\n</PidData>\n"
    )
}

/// Read one HTTP/1.1 request: the head up to the blank line, then Content-Length bytes.
async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Request> {
    let mut buf = Vec::with_capacity(1024);
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_REQUEST {
            return None;
        }
        let mut chunk = [0u8; 2048];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let verb = first.next()?.to_string();
    let path = first.next()?.to_string();
    if !first.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let mut length = 0usize;
    for line in lines {
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok()?;
        }
    }
    if length > MAX_REQUEST {
        return None;
    }
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 2048];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Some(Request {
        verb,
        path,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

async fn write_reply<S: AsyncWrite + Unpin>(
    stream: &mut S,
    code: u16,
    reason: &str,
    body: &[u8],
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await
}

/// 10 MiB of XML-looking text, delimited by closing the connection (no Content-Length), so a
/// client must enforce its cap while reading.
async fn write_oversized<S: AsyncWrite + Unpin>(stream: &mut S) -> std::io::Result<()> {
    stream
        .write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n<PidData>",
        )
        .await?;
    let chunk = vec![b'A'; 64 * 1024];
    for _ in 0..160 {
        stream.write_all(&chunk).await?;
    }
    stream.write_all(b"</PidData>").await?;
    stream.flush().await
}
