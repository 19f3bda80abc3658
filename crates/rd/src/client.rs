//! Talking to one discovered RD Service: DEVICEINFO and CAPTURE (with the fType 2 -> 0 retry).

use std::time::Duration;

use serde::Serialize;

use crate::cert::{self, CertError, DeviceCert};
use crate::options::PidOptions;
use crate::pid::{self, DeviceInfo, PidData, PidError};
use crate::service::RdService;
use crate::transport::{self, MAX_INFO_BYTES, RdError, XmlReplyError, http_client};
use crate::xml;

/// Added to the PidOptions timeout for the HTTP wait of a capture: the service needs a moment
/// after the finger timeout to build and encrypt the reply.
pub const CAPTURE_MARGIN: Duration = Duration::from_secs(5);
/// Deadline of a DEVICEINFO call.
pub(crate) const DEVICE_INFO_TIMEOUT: Duration = Duration::from_secs(5);

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

/// DEVICEINFO on a discovered service.
pub async fn device_info(svc: &RdService) -> Result<DeviceInfoReply, RdError> {
    let client = http_client(&svc.host)?;
    let body = call_service(
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
    let body = call_service(
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

/// One request with a custom verb, within `deadline`, reading at most `cap` bytes of body.
async fn call_service(
    client: &reqwest::Client,
    svc: &RdService,
    verb: &'static str,
    path: &str,
    body: Option<String>,
    deadline: Duration,
    cap: usize,
) -> Result<Vec<u8>, RdError> {
    transport::call(
        client, &svc.host, svc.port, svc.scheme, verb, path, body, deadline, cap,
    )
    .await
}
