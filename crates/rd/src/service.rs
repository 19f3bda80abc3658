//! The RDSERVICE reply: a service's status, its description and where its DEVICEINFO and
//! CAPTURE interfaces are (see docs/rd-service.md for how vendors differ).

use serde::{Deserialize, Serialize};

use crate::transport::{MAX_INFO_BYTES, Scheme, XmlReplyError};
use crate::xml;

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

/// As sent, read back the way the reply's attribute is (the service's IPC carries it).
impl<'de> Deserialize<'de> for RdStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(RdStatus::parse(&s))
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RdService {
    pub host: String,
    pub port: u16,
    pub scheme: Scheme,
    pub status: RdStatus,
    pub info: String,
    pub device_info_path: String,
    pub capture_path: String,
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
}
