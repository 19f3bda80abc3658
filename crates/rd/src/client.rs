//! Talking to one RD Service: the custom HTTP verbs (RDSERVICE, DEVICEINFO, CAPTURE), each with
//! a deadline and a body-size cap, and the errors an operator can act on.

use std::error::Error as _;
use std::time::Duration;

use serde::Serialize;

use super::cert::{self, CertError, DeviceCert};
use super::discover::RdService;
use super::errors::CaptureFailure;
use super::options::{OptionsError, PidOptions};
use super::pid::{self, DeviceInfo, PidData, PidError};
use super::xml::{self, XmlError};

/// Largest RDSERVICE or DEVICEINFO reply accepted; real ones are under 4 KiB.
pub const MAX_INFO_BYTES: usize = 64 * 1024;
/// Added to the PidOptions timeout for the HTTP wait of a capture: the service needs a moment
/// after the finger timeout to build and encrypt the reply.
pub const CAPTURE_MARGIN: Duration = Duration::from_secs(5);
/// Deadline of a DEVICEINFO call.
pub const DEVICE_INFO_TIMEOUT: Duration = Duration::from_secs(5);

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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
        "no RD Service answered on {host} ports {ports}. Start the RD Service (or check rd.ports and that the scanner's driver is installed)"
    )]
    NotFound { host: String, ports: String },
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
            RdError::Connect { port, .. }
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
        matches!(self, RdError::Connect { detail, .. } if detail.contains(REFUSED))
    }
}

const REFUSED: &str = "connection refused";
/// How a transport failure after connecting starts its detail text.
pub(crate) const NOT_HTTP: &str = "the connection failed or the reply is not HTTP";

/// The DEVICEINFO reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceInfoReply {
    #[serde(skip)]
    pub device_info: DeviceInfo,
    /// `DeviceInfo@error` (Startek) or similar text, trimmed; empty when none.
    pub error: String,
}

impl DeviceInfoReply {
    /// The device certificate's dates (from `mc`).
    pub fn cert(&self) -> Result<DeviceCert, CertError> {
        cert::parse_mc(&self.device_info.mc)
    }
}

/// Parse a DEVICEINFO reply: `<DeviceInfo ...>` at the root or inside a wrapper.
pub fn parse_device_info(input: &[u8]) -> Result<DeviceInfoReply, XmlReplyError> {
    let root = xml::parse(input, MAX_INFO_BYTES)?;
    let di = root
        .find("DeviceInfo")
        .ok_or_else(|| XmlReplyError::Unexpected {
            expected: "DeviceInfo",
            found: root.name.chars().take(40).collect(),
        })?;
    Ok(DeviceInfoReply {
        device_info: pid::device_info_of(di),
        error: di.attr("error").unwrap_or("").trim().to_string(),
    })
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

/// DEVICEINFO on a discovered service.
pub async fn device_info(svc: &RdService) -> Result<DeviceInfoReply, RdError> {
    let client = http_client(&svc.host)?;
    let body = call(
        &client,
        svc,
        "DEVICEINFO",
        &svc.device_info_path,
        None,
        DEVICE_INFO_TIMEOUT,
        MAX_INFO_BYTES,
    )
    .await?;
    parse_device_info(&body).map_err(|e| RdError::Malformed {
        port: svc.port,
        verb: "DEVICEINFO",
        detail: e.to_string(),
    })
}

/// CAPTURE on a discovered, READY service. An `errCode` 110 to `fType=2` is retried once with
/// `fType=0` (older services know only FMR). The HTTP deadline is the options' timeout plus
/// [`CAPTURE_MARGIN`].
pub async fn capture(svc: &RdService, opts: &PidOptions) -> Result<PidData, RdError> {
    opts.validate()?;
    if !svc.status.is_ready() {
        return Err(RdError::NotReady {
            port: svc.port,
            status: svc.status.to_string(),
        });
    }
    let client = http_client(&svc.host)?;
    match capture_once(&client, svc, opts).await {
        Err(RdError::Capture { failure, .. })
            if opts.f_type == 2 && failure.code_number() == Some(110) =>
        {
            tracing::info!(
                port = svc.port,
                "fType 2 not supported, retrying with fType 0"
            );
            capture_once(&client, svc, &opts.clone().f_type(0)).await
        }
        other => other,
    }
}

async fn capture_once(
    client: &reqwest::Client,
    svc: &RdService,
    opts: &PidOptions,
) -> Result<PidData, RdError> {
    let body = call(
        client,
        svc,
        "CAPTURE",
        &svc.capture_path,
        Some(opts.to_xml()),
        opts.timeout() + CAPTURE_MARGIN,
        pid::MAX_PID_BYTES,
    )
    .await?;
    pid::parse(&body).map_err(|e| match e {
        PidError::Capture(failure) => RdError::Capture {
            port: svc.port,
            failure,
        },
        other => RdError::Malformed {
            port: svc.port,
            verb: "CAPTURE",
            detail: other.to_string(),
        },
    })
}

/// Is this host a loopback address? Only there are self-signed certificates accepted.
pub fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An HTTP client for RD Services on `host`: no proxy (a proxy must never see loopback traffic),
/// no redirects, HTTP/1.1, and self-signed certificates accepted on loopback only.
pub fn http_client(host: &str) -> Result<reqwest::Client, RdError> {
    reqwest::Client::builder()
        .no_proxy()
        .http1_only()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .danger_accept_invalid_certs(is_loopback(host))
        .build()
        .map_err(|e| RdError::Client(e.to_string()))
}

/// One request with a custom verb, within `deadline`, reading at most `cap` bytes of body.
pub(crate) async fn call(
    client: &reqwest::Client,
    svc: &RdService,
    verb: &'static str,
    path: &str,
    body: Option<String>,
    deadline: Duration,
    cap: usize,
) -> Result<Vec<u8>, RdError> {
    call_raw(
        client, &svc.host, svc.port, svc.scheme, verb, path, body, deadline, cap,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn call_raw(
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
        return RdError::Connect {
            port,
            detail: REFUSED.into(),
        };
    }
    if e.is_connect() {
        return RdError::Connect {
            port,
            detail: innermost,
        };
    }
    RdError::Malformed {
        port,
        verb,
        detail: format!("{NOT_HTTP} ({innermost})"),
    }
}
