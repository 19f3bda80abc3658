//! PidData: the RD Service's CAPTURE reply. Every value is kept as the trimmed string the
//! device sent; a missing optional field is an empty string, not an error.

use std::fmt;

/// A parsed PidData document.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PidData {
    pub resp: Resp,
    pub device_info: DeviceInfo,
    pub skey: Skey,
    /// Hmac text (base64). Biometric: never logged.
    pub hmac: String,
    pub data: PidBlock,
}

/// `<Resp>`: the capture's outcome and quality.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resp {
    pub err_code: String,
    pub err_info: String,
    pub f_count: String,
    pub f_type: String,
    pub i_count: String,
    pub i_type: String,
    pub p_count: String,
    pub p_type: String,
    pub nm_points: String,
    pub q_score: String,
    /// `Resp@ts`, present on some devices (Startek).
    pub ts: String,
}

/// `<DeviceInfo>` and its `additional_info` Params.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceInfo {
    pub dp_id: String,
    pub rds_id: String,
    pub rds_ver: String,
    pub mi: String,
    /// The device certificate, base64 DER.
    pub mc: String,
    pub dc: String,
    /// `DeviceInfo@srno`, used by older devices instead of a Param.
    pub srno_attr: String,
    /// `additional_info/Param` name/value pairs in document order.
    pub params: Vec<(String, String)>,
}

/// `<Skey ci="yyyyMMdd">` with the encrypted session key as text.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Skey {
    pub ci: String,
    /// Biometric: never logged.
    pub value: String,
}

/// `<Data type="X|P">` with the encrypted PID block as text.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PidBlock {
    pub kind: String,
    /// Biometric: never logged.
    pub value: String,
}

impl DeviceInfo {
    /// A Param's value by name (case-sensitive, as the devices send them).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl PidData {
    /// Device serial: the `srno` Param, else the DeviceInfo attribute.
    pub fn srno(&self) -> &str {
        match self.device_info.param("srno") {
            Some(v) if !v.is_empty() => v,
            _ => &self.device_info.srno_attr,
        }
    }

    pub fn sysid(&self) -> &str {
        self.device_info.param("sysid").unwrap_or("")
    }

    /// Capture time: the `ts` Param, else `Resp@ts`.
    pub fn ts(&self) -> &str {
        match self.device_info.param("ts") {
            Some(v) if !v.is_empty() => v,
            _ => &self.resp.ts,
        }
    }

    /// Quality score as a number, when the device sent one.
    pub fn q_score(&self) -> Option<u32> {
        self.resp.q_score.parse().ok()
    }

    /// Minutiae count as a number, when the device sent one.
    pub fn nm_points(&self) -> Option<u32> {
        self.resp.nm_points.parse().ok()
    }
}

impl fmt::Debug for Skey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Skey")
            .field("ci", &self.ci)
            .field("value", &format_args!("<{} chars>", self.value.len()))
            .finish()
    }
}

impl fmt::Debug for PidBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PidBlock")
            .field("kind", &self.kind)
            .field("value", &format_args!("<{} chars>", self.value.len()))
            .finish()
    }
}

impl fmt::Debug for PidData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PidData")
            .field("resp", &self.resp)
            .field("device_info", &self.device_info)
            .field("skey", &self.skey)
            .field("hmac", &format_args!("<{} chars>", self.hmac.len()))
            .field("data", &self.data)
            .finish()
    }
}
