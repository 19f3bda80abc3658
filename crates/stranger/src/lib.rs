//! For the servers' tests only (crates/connpay-server/tests/hardening.rs,
//! crates/rd-relay/tests/hardening.rs): a real server process to attack, and the stranger's
//! moves: connections from other loopback addresses, reads until the server hangs up, a
//! health check with a bound. Unix: the open-file limits are set as `ulimit -n` would.

#![cfg(unix)]

use std::io::BufRead;
use std::net::{IpAddr, SocketAddr};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdout, Command};
use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// An HTTP client that never goes through a proxy from the environment.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// The test process's own soft limit on open files, raised to its hard limit.
pub fn raise_own_files_limit() -> u64 {
    let mut l = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write only the struct given.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut l);
        l.rlim_cur = l.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &l);
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut l);
    }
    l.rlim_cur
}

/// A server process: `cmd` (its stdout piped by this, its stderr kept in `dir`), with its
/// open-file limit set to `files` (soft and hard) when given. `addr_of` reads the server's
/// first lines until it names its address; `on_line` sees each line before.
pub fn spawn(
    mut cmd: Command,
    dir: tempfile::TempDir,
    files: Option<u64>,
    mut on_line: impl FnMut(&str),
    addr_of: impl Fn(&str) -> Option<SocketAddr>,
) -> Server {
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(dir.path().join("stderr.log")).unwrap());
    if let Some(n) = files {
        // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let l = libc::rlimit {
                    rlim_cur: n as libc::rlim_t,
                    rlim_max: n as libc::rlim_t,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &l) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().unwrap();
    let out: ChildStdout = child.stdout.take().unwrap();
    let mut out = std::io::BufReader::new(out);
    let mut addr = None;
    for _ in 0..8 {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        on_line(line.trim());
        if let Some(a) = addr_of(line.trim()) {
            addr = Some(a);
            break;
        }
    }
    let mut server = Server {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        dir,
    };
    server.addr = addr.unwrap_or_else(|| panic!("did not start: {}", server.stderr()));
    server
}

/// A server process; killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// What the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default()
    }

    pub fn terminate(&self) {
        // SAFETY: kill only sends a signal to our own child.
        assert_eq!(
            unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) },
            0
        );
    }

    /// Waits up to `bound` for the process to end; how long it took.
    pub fn exited_within(&mut self, bound: Duration) -> Option<Duration> {
        let started = Instant::now();
        while started.elapsed() < bound {
            if self.child.try_wait().unwrap().is_some() {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// A connection from another loopback address (all of 127.0.0.0/8 is this machine).
pub async fn connect_from(from: IpAddr, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    socket.connect(to).await
}

/// Everything the server sends until it closes the connection, or `None` if it is still open
/// after `wait`.
pub async fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    let done = tokio::time::timeout(wait, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => all.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    done.ok()
        .map(|()| String::from_utf8_lossy(&all).into_owned())
}

/// `GET url`'s status, or why there was none within `bound`.
pub async fn healthz_within(url: &str, bound: Duration) -> Result<u16, String> {
    let started = Instant::now();
    let r = tokio::time::timeout(bound, client().get(url).send()).await;
    match r {
        Ok(Ok(resp)) => Ok(resp.status().as_u16()),
        Ok(Err(e)) => Err(format!("failed after {:?}: {e}", started.elapsed())),
        Err(_) => Err(format!("no answer within {bound:?}")),
    }
}

/// The idle flood: 1,100 connections that never send a byte, first from one address, then
/// from twenty (each under a per-address cap of 64, together over a global cap of 1,000).
/// After each, a normal request must be answered within 2 s. Returns the value of the
/// Prometheus counter `evicted_series` (for example
/// `connpay_refused_connections_total{reason="evicted"}`) afterwards.
pub async fn idle_floods(s: &Server, evicted_series: &str) -> f64 {
    for (what, from) in [
        ("one address", (|_| ip("127.0.0.2")) as fn(u32) -> IpAddr),
        ("twenty addresses", |i| {
            ip(&format!("127.0.1.{}", 10 + i % 20))
        }),
    ] {
        let mut hoard = Vec::new();
        for i in 0..1100u32 {
            if let Ok(c) = connect_from(from(i), s.addr).await {
                hoard.push(c);
            }
        }
        let started = Instant::now();
        let status = healthz_within(&s.url("/healthz"), Duration::from_secs(2)).await;
        eprintln!("{what}: /healthz {status:?} after {:?}", started.elapsed());
        assert_eq!(status, Ok(200), "{what}: {}", s.stderr());
        drop(hoard);
    }
    let text = client()
        .get(s.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let evicted = text
        .lines()
        .find_map(|l| l.strip_prefix(evicted_series)?.trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    eprintln!("evicted: {evicted}");
    evicted
}

/// A throwaway CA and a server certificate it signed for `localhost` and `127.0.0.1`.
pub struct TestCertificate {
    pub ca_pem: String,
    pub cert_pem: String,
    pub cert_der: Vec<u8>,
    pub key_pem: String,
}

/// A new [`TestCertificate`]; `name` goes into the CA's common name.
pub fn test_certificate(name: &str) -> TestCertificate {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, format!("{name} test CA"));
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    TestCertificate {
        ca_pem: ca_cert.pem(),
        cert_pem: cert.pem(),
        cert_der: cert.der().to_vec(),
        key_pem: key.serialize_pem(),
    }
}
