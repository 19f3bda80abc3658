//! Discovery: probe a range of loopback ports with the `RDSERVICE` verb, over HTTP and HTTPS,
//! concurrently, each probe with a deadline and a size cap. A port holding something else, or
//! one that accepts and never answers, is skipped and never holds the scan up.

use std::ops::RangeInclusive;
use std::time::Duration;

use serde::Serialize;

use super::client::{self, MAX_INFO_BYTES, NOT_HTTP, RdError, Scheme, XmlReplyError};
use super::xml;

/// Where and how to look.
#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    /// Loopback host; `127.0.0.1` rather than `localhost`, which may resolve to `::1`.
    pub host: String,
    pub ports: RangeInclusive<u16>,
    /// Deadline of one probe (connect, TLS, request and reply).
    pub probe_timeout: Duration,
    /// Schemes to try on every port.
    pub schemes: Vec<Scheme>,
}

/// The default probe deadline: a local RD Service answers RDSERVICE in a few milliseconds.
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_millis(400);

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            host: "127.0.0.1".into(),
            ports: 11100..=11120,
            probe_timeout: DEFAULT_PROBE_TIMEOUT,
            schemes: vec![Scheme::Http, Scheme::Https],
        }
    }
}

/// `RDService@status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RdStatus {
    Ready,
    NotReady,
    Used,
    /// A value outside the specification, kept as sent (trimmed).
    Other(String),
}

impl RdStatus {
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_uppercase().as_str() {
            "READY" => RdStatus::Ready,
            "NOTREADY" | "NOT READY" | "NOT_READY" => RdStatus::NotReady,
            "USED" => RdStatus::Used,
            _ => RdStatus::Other(s.trim().chars().take(40).collect()),
        }
    }

    /// Only a READY service can capture.
    pub fn is_ready(&self) -> bool {
        *self == RdStatus::Ready
    }
}

impl std::fmt::Display for RdStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RdStatus::Ready => f.write_str("READY"),
            RdStatus::NotReady => f.write_str("NOTREADY"),
            RdStatus::Used => f.write_str("USED"),
            RdStatus::Other(s) => f.write_str(s),
        }
    }
}

impl Serialize for RdStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The parsed RDSERVICE reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RdServiceInfo {
    pub status: RdStatus,
    pub info: String,
    /// DEVICEINFO path, normalised (`/rd/info`).
    pub device_info_path: String,
    /// CAPTURE path, normalised (`/rd/capture`).
    pub capture_path: String,
}

/// An RD Service found by discovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RdService {
    pub host: String,
    pub port: u16,
    pub scheme: Scheme,
    pub status: RdStatus,
    pub info: String,
    pub device_info_path: String,
    pub capture_path: String,
}

/// A port that answered but not as an RD Service (refused ports are not listed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortFailure {
    pub port: u16,
    pub error: String,
}

/// Everything a scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Discovery {
    pub services: Vec<RdService>,
    pub failures: Vec<PortFailure>,
}

/// Paths used when the reply does not name an interface (the common defaults).
const DEFAULT_INFO_PATH: &str = "/rd/info";
const DEFAULT_CAPTURE_PATH: &str = "/rd/capture";

/// Parse an RDSERVICE reply. Interfaces are chosen by `@id`, never by position; `host:port`
/// prefixes and full URLs in `path` are reduced to the path.
pub fn parse_rdservice(input: &[u8]) -> Result<RdServiceInfo, XmlReplyError> {
    let root = xml::parse(input, MAX_INFO_BYTES)?;
    if !root.name.eq_ignore_ascii_case("RDService") {
        return Err(XmlReplyError::Unexpected {
            expected: "RDService",
            found: root.name.chars().take(40).collect(),
        });
    }
    let status = root.attr("status").ok_or(XmlReplyError::NoStatus)?;
    let path_of = |id: &str| {
        root.children_named("Interface")
            .find(|i| {
                i.attr("id")
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case(id))
            })
            .and_then(|i| i.attr("path"))
            .map(normalise_path)
            .filter(|p| p != "/")
    };
    Ok(RdServiceInfo {
        status: RdStatus::parse(status),
        info: root.attr("info").unwrap_or("").trim().to_string(),
        device_info_path: path_of("DEVICEINFO").unwrap_or_else(|| DEFAULT_INFO_PATH.into()),
        capture_path: path_of("CAPTURE").unwrap_or_else(|| DEFAULT_CAPTURE_PATH.into()),
    })
}

/// `/127.0.0.1:11102/capture`, `http://127.0.0.1:11100/rd/info`, `127.0.0.1:11100/x`, `rd/info`
/// all become a plain absolute path.
pub fn normalise_path(raw: &str) -> String {
    let mut p = raw.trim();
    for prefix in ["http://", "https://", "HTTP://", "HTTPS://"] {
        if let Some(rest) = p.strip_prefix(prefix) {
            p = rest;
            // Drop the authority: everything up to the next '/'.
            p = p.find('/').map_or("", |i| &p[i..]);
            break;
        }
    }
    let trimmed = p.trim_start_matches('/');
    // A leading "host:port" segment, with or without the slash before it.
    let first = trimmed.split('/').next().unwrap_or("");
    let rest = if looks_like_authority(first) {
        &trimmed[first.len()..]
    } else {
        trimmed
    };
    let rest = rest.trim_start_matches('/');
    format!("/{rest}")
}

fn looks_like_authority(segment: &str) -> bool {
    match segment.rsplit_once(':') {
        Some((host, port)) => {
            !host.is_empty()
                && !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && host.bytes().all(|b| {
                    b.is_ascii_alphanumeric()
                        || b == b'.'
                        || b == b'-'
                        || b == b'['
                        || b == b']'
                        || b == b':'
                })
        }
        None => false,
    }
}

/// Parse a port range: `"11100-11120"`, `"11100"`, with spaces tolerated.
pub fn parse_port_range(s: &str) -> Result<RangeInclusive<u16>, PortRangeError> {
    let s = s.trim();
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (s, s),
    };
    let num = |x: &str| {
        x.parse::<u16>()
            .ok()
            .filter(|&p| p != 0)
            .ok_or_else(|| PortRangeError(s.chars().take(40).collect()))
    };
    let (lo, hi) = (num(a)?, num(b)?);
    if lo > hi {
        return Err(PortRangeError(s.chars().take(40).collect()));
    }
    Ok(lo..=hi)
}

/// A port range string that is not `LOW-HIGH` with 1 <= LOW <= HIGH <= 65535.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a port range; write it as LOW-HIGH, e.g. 11100-11120")]
pub struct PortRangeError(String);

/// Every RD Service found (see [`discover_report`] for the ports that failed).
pub async fn discover(opts: &DiscoverOptions) -> Vec<RdService> {
    discover_report(opts).await.services
}

/// Probe every port concurrently; the scan takes about one probe deadline at most.
pub async fn discover_report(opts: &DiscoverOptions) -> Discovery {
    let client = match client::http_client(&opts.host) {
        Ok(c) => c,
        Err(e) => {
            return Discovery {
                services: Vec::new(),
                failures: vec![PortFailure {
                    port: *opts.ports.start(),
                    error: e.to_string(),
                }],
            };
        }
    };
    let mut set = tokio::task::JoinSet::new();
    for port in opts.ports.clone() {
        let client = client.clone();
        let opts = opts.clone();
        set.spawn(async move { (port, probe_with(&client, &opts, port).await) });
    }
    let mut found = Discovery::default();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((_, Ok(svc))) => found.services.push(svc),
            Ok((port, Err(e))) if !e.is_refused() => found.failures.push(PortFailure {
                port,
                error: e.to_string(),
            }),
            _ => {}
        }
    }
    found.services.sort_by_key(|s| s.port);
    found.failures.sort_by_key(|f| f.port);
    found
}

/// Probe one port with every scheme of `opts`; the first RD Service reply wins.
pub async fn probe(opts: &DiscoverOptions, port: u16) -> Result<RdService, RdError> {
    let client = client::http_client(&opts.host)?;
    probe_with(&client, opts, port).await
}

async fn probe_with(
    client: &reqwest::Client,
    opts: &DiscoverOptions,
    port: u16,
) -> Result<RdService, RdError> {
    let mut set = tokio::task::JoinSet::new();
    for &scheme in &opts.schemes {
        let client = client.clone();
        let host = opts.host.clone();
        let deadline = opts.probe_timeout;
        set.spawn(async move { probe_scheme(&client, &host, port, scheme, deadline).await });
    }
    let mut errors = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(svc)) => return Ok(svc), // dropping `set` aborts the other probe
            Ok(Err(e)) => errors.push(e),
            Err(e) => errors.push(RdError::Client(e.to_string())),
        }
    }
    // Report the most telling failure: a reply that is not an RD Service beats a reply that is
    // not HTTP, which beats silence, which beats a failed connection (e.g. TLS on a plain port).
    errors.sort_by_key(|e| match e {
        RdError::Malformed { detail, .. } if detail.starts_with(NOT_HTTP) => 1,
        RdError::Timeout { .. } => 2,
        RdError::Connect { .. } if e.is_refused() => 4,
        RdError::Connect { .. } => 3,
        _ => 0,
    });
    Err(errors.into_iter().next().unwrap_or(RdError::Connect {
        port,
        detail: "no scheme to probe".into(),
    }))
}

async fn probe_scheme(
    client: &reqwest::Client,
    host: &str,
    port: u16,
    scheme: Scheme,
    deadline: Duration,
) -> Result<RdService, RdError> {
    let body = client::call_raw(
        client,
        host,
        port,
        scheme,
        "RDSERVICE",
        "/",
        None,
        deadline,
        MAX_INFO_BYTES,
    )
    .await?;
    let info = parse_rdservice(&body).map_err(|e| RdError::Malformed {
        port,
        verb: "RDSERVICE",
        detail: e.to_string(),
    })?;
    Ok(RdService {
        host: host.to_string(),
        port,
        scheme,
        status: info.status,
        info: info.info,
        device_info_path: info.device_info_path,
        capture_path: info.capture_path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normalise_path("/rd/capture"), "/rd/capture");
        assert_eq!(normalise_path("/127.0.0.1:11102/capture"), "/capture");
        assert_eq!(
            normalise_path("127.0.0.1:11100/getDeviceInfo"),
            "/getDeviceInfo"
        );
        assert_eq!(normalise_path("http://127.0.0.1:11100/rd/info"), "/rd/info");
        assert_eq!(
            normalise_path("https://localhost:11101/rd/capture"),
            "/rd/capture"
        );
        assert_eq!(normalise_path("localhost:11100/rd/info"), "/rd/info");
        assert_eq!(normalise_path(" rd/info "), "/rd/info");
        assert_eq!(normalise_path("/a:b/c"), "/a:b/c");
    }

    #[test]
    fn interfaces_are_chosen_by_id_not_position() {
        let doc = br#"<RDService status="READY" info="Morpho_RD_Service"><Interface id="CAPTURE" path="/127.0.0.1:11100/capture" /><Interface id="DEVICEINFO" path="/127.0.0.1:11100/getDeviceInfo" /></RDService>"#;
        let info = parse_rdservice(doc).unwrap();
        assert_eq!(info.capture_path, "/capture");
        assert_eq!(info.device_info_path, "/getDeviceInfo");
        assert_eq!(info.status, RdStatus::Ready);
        assert_eq!(info.info, "Morpho_RD_Service");
    }

    #[test]
    fn statuses_and_bad_replies() {
        let s = |x: &str| {
            parse_rdservice(format!(r#"<RDService status="{x}"/>"#).as_bytes())
                .unwrap()
                .status
        };
        assert_eq!(s("NOTREADY"), RdStatus::NotReady);
        assert_eq!(s(" used "), RdStatus::Used);
        assert_eq!(s("weird"), RdStatus::Other("weird".into()));
        assert!(matches!(
            parse_rdservice(b"<RDService info=\"x\"/>"),
            Err(XmlReplyError::NoStatus)
        ));
        assert!(matches!(
            parse_rdservice(b"<html><body/></html>"),
            Err(XmlReplyError::Unexpected { .. })
        ));
        assert!(parse_rdservice(b"HTTP/1.1 200 OK").is_err());
        assert!(parse_rdservice(b"<RDService status=\"READY\"><Interface").is_err());
    }

    #[test]
    fn port_ranges() {
        assert_eq!(parse_port_range("11100-11120"), Ok(11100..=11120));
        assert_eq!(parse_port_range(" 8005 "), Ok(8005..=8005));
        assert_eq!(parse_port_range("11100 - 11101"), Ok(11100..=11101));
        assert!(parse_port_range("11120-11100").is_err());
        assert!(parse_port_range("0-10").is_err());
        assert!(parse_port_range("70000").is_err());
        assert!(parse_port_range("abc").is_err());
        assert!(parse_port_range("").is_err());
    }
}
