//! The HTTP underneath every RD Service verb: custom methods, a deadline and a body-size cap on
//! every call, loopback-only trust in self-signed certificates, and the errors an operator can
//! act on. `discover` and `client` both build on this module and on nothing of each other.

use std::error::Error as _;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::errors::CaptureFailure;
use crate::options::OptionsError;
use crate::xml::XmlError;

/// Largest RDSERVICE or DEVICEINFO reply accepted; real ones are under 4 KiB.
pub(crate) const MAX_INFO_BYTES: usize = 64 * 1024;

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Anything that went wrong talking to an RD Service. Every variant names the port and says
/// what to do; none carries PID content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RdError {
    #[error(
        "no RD Service answered on {host} ports {ports}. Connect the scanner and start the scanner's RD Service (or check rd.ports and that the scanner's driver is installed)"
    )]
    NotFound { host: String, ports: String },
    #[error(
        "could not connect to the RD Service on port {port}: connection refused. Start the RD Service"
    )]
    Refused { port: u16 },
    #[error("could not connect to the RD Service on port {port}: {detail}. Start the RD Service")]
    Connect { port: u16, detail: String },
    #[error(
        "the RD Service on port {port} did not answer {verb} within {ms} ms. Restart the RD Service"
    )]
    Timeout {
        port: u16,
        verb: &'static str,
        ms: u128,
    },
    #[error(
        "the RD Service on port {port} answered {verb} with HTTP status {status}. Restart the RD Service"
    )]
    Status {
        port: u16,
        verb: &'static str,
        status: u16,
    },
    #[error(
        "the reply to {verb} on port {port} is over {limit} bytes; the port may not hold an RD Service"
    )]
    TooLarge {
        port: u16,
        verb: &'static str,
        limit: usize,
    },
    #[error(
        "the reply to {verb} on port {port} is not valid: the connection failed or the reply is not HTTP ({detail})"
    )]
    NotHttp {
        port: u16,
        verb: &'static str,
        detail: String,
    },
    #[error("the reply to {verb} on port {port} is not valid: {detail}")]
    Malformed {
        port: u16,
        verb: &'static str,
        detail: String,
    },
    #[error(
        "the RD Service on port {port} is {status}, not READY. Connect the scanner, or close the application using it"
    )]
    NotReady { port: u16, status: String },
    #[error("the capture on port {port} failed: {failure}")]
    Capture { port: u16, failure: CaptureFailure },
    #[error("the capture options are invalid: {0}")]
    Options(#[from] OptionsError),
    #[error("could not set up the HTTP client: {0}")]
    Client(String),
}

impl RdError {
    /// The port this error is about, when it is about one.
    pub fn port(&self) -> Option<u16> {
        match self {
            RdError::Refused { port }
            | RdError::Connect { port, .. }
            | RdError::NotHttp { port, .. }
            | RdError::Timeout { port, .. }
            | RdError::Status { port, .. }
            | RdError::TooLarge { port, .. }
            | RdError::Malformed { port, .. }
            | RdError::NotReady { port, .. }
            | RdError::Capture { port, .. } => Some(*port),
            _ => None,
        }
    }

    /// Nothing listens there: normal during a scan, not worth reporting.
    pub fn is_refused(&self) -> bool {
        matches!(self, RdError::Refused { .. })
    }
}

/// An RDSERVICE or DEVICEINFO reply that is XML but not the expected document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlReplyError {
    #[error("{0}")]
    Xml(#[from] XmlError),
    #[error("expected <{expected}>, found <{found}>")]
    Unexpected {
        expected: &'static str,
        found: String,
    },
    #[error("<RDService> has no status attribute")]
    NoStatus,
}

/// Is this host a loopback address? Only there are self-signed certificates accepted, and
/// only there may an RD Service be. A name is resolved and every address it gives must be
/// loopback: `localhost` is not trusted by name (a hosts file can point it anywhere).
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_matches(|c| c == '[' || c == ']');
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return ip.is_loopback();
    }
    use std::net::ToSocketAddrs;
    match (bare, 0u16).to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<_> = addrs.collect();
            !addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback())
        }
        Err(_) => false,
    }
}

/// An HTTP client for RD Services on `host`: no proxy (a proxy must never see loopback traffic),
/// no redirects, HTTP/1.1, and self-signed certificates accepted on loopback only.
pub(crate) fn http_client(host: &str) -> Result<reqwest::Client, RdError> {
    reqwest::Client::builder()
        .no_proxy()
        .http1_only()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .danger_accept_invalid_certs(is_loopback(host))
        .build()
        .map_err(|e| RdError::Client(e.to_string()))
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn call(
    client: &reqwest::Client,
    host: &str,
    port: u16,
    scheme: Scheme,
    verb: &'static str,
    path: &str,
    body: Option<String>,
    deadline: Duration,
    cap: usize,
) -> Result<Vec<u8>, RdError> {
    let host_part = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let url = format!("{scheme}://{host_part}:{port}{path}");
    let method =
        reqwest::Method::from_bytes(verb.as_bytes()).map_err(|e| RdError::Client(e.to_string()))?;
    let mut request = client
        .request(method, &url)
        .header("Content-Type", "text/xml")
        .header("Accept", "text/xml");
    if let Some(body) = body {
        request = request.body(body);
    }
    let work = async {
        let mut response = request
            .send()
            .await
            .map_err(|e| transport_error(port, verb, &e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(RdError::Status {
                port,
                verb,
                status: status.as_u16(),
            });
        }
        if response.content_length().is_some_and(|n| n > cap as u64) {
            return Err(RdError::TooLarge {
                port,
                verb,
                limit: cap,
            });
        }
        let mut buf = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(port, verb, &e))?
        {
            if buf.len() + chunk.len() > cap {
                return Err(RdError::TooLarge {
                    port,
                    verb,
                    limit: cap,
                });
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf)
    };
    match tokio::time::timeout(deadline, work).await {
        Ok(result) => result,
        Err(_) => Err(RdError::Timeout {
            port,
            verb,
            ms: deadline.as_millis(),
        }),
    }
}

/// Turn a transport failure into an operator-readable error, from the innermost cause.
fn transport_error(port: u16, verb: &'static str, e: &reqwest::Error) -> RdError {
    let mut innermost = e.to_string();
    let mut source = e.source();
    let mut refused = false;
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            refused = true;
        }
        innermost = s.to_string();
        source = s.source();
    }
    if refused {
        return RdError::Refused { port };
    }
    if e.is_connect() {
        return RdError::Connect {
            port,
            detail: innermost,
        };
    }
    RdError::NotHttp {
        port,
        verb,
        detail: innermost,
    }
}
