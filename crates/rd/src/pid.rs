//! PidData: the RD Service's CAPTURE reply. Every value is kept as the trimmed string the
//! device sent; a missing optional field is an empty string, not an error.
//!
//! [`parse`] reads a document with every quirk docs/pid-xml.md lists (namespaces, attributes in
//! any order, missing optional attributes or `additional_info`, extra Params, whitespace and
//! newlines inside values, `srno` on DeviceInfo, `ts` on Resp). Base64 values (Skey, Hmac,
//! Data, `mc`) lose all whitespace, since devices wrap them; every other value is trimmed.

use std::fmt;

use super::errors::CaptureFailure;
use super::xml::{self, Element, XmlError};

/// Largest PidData document accepted. A capture with ten FIR fingers is a few hundred KiB.
pub const MAX_PID_BYTES: usize = 4 * 1024 * 1024;

/// Why a PidData document was not accepted. Messages never quote the crypto fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PidError {
    #[error(
        "the PidData reply could not be read: {0}. Capture again; if it repeats, restart or reinstall the RD Service"
    )]
    Xml(#[from] XmlError),
    #[error("the reply is <{0}>, not <PidData>. Check that the port belongs to an RD Service")]
    NotPidData(String),
    #[error(
        "the PidData reply has no <{0}> element. Capture again; if it repeats, update the RD Service"
    )]
    Missing(&'static str),
    #[error(
        "the PidData reply has no errCode on <Resp>. Capture again; if it repeats, update the RD Service"
    )]
    NoErrCode,
    #[error(
        "the PidData errCode {0:?} is not a number. Capture again; if it repeats, update the RD Service"
    )]
    BadErrCode(String),
    #[error("the PidData <{0}> element is empty although errCode is 0. Capture again")]
    Empty(&'static str),
    #[error("{0}")]
    Capture(CaptureFailure),
}

/// Parse a CAPTURE reply. `errCode` other than 0 is [`PidError::Capture`], with the code, the
/// service's `errInfo` and the operator sentence.
pub fn parse(input: &[u8]) -> Result<PidData, PidError> {
    let pid = parse_lenient(input)?;
    if pid.resp.err_code.is_empty() {
        return Err(PidError::NoErrCode);
    }
    // "0" and oddities like "00" or "+0" mean success; anything numeric else is a failure.
    match pid.resp.err_code.parse::<i64>() {
        Ok(0) => {}
        Ok(_) => {
            return Err(PidError::Capture(CaptureFailure::new(
                &pid.resp.err_code,
                &pid.resp.err_info,
            )));
        }
        Err(_) => return Err(PidError::BadErrCode(clip_value(&pid.resp.err_code))),
    }
    if pid.skey.value.is_empty() {
        return Err(PidError::Empty("Skey"));
    }
    if pid.hmac.is_empty() {
        return Err(PidError::Empty("Hmac"));
    }
    if pid.data.value.is_empty() {
        return Err(PidError::Empty("Data"));
    }
    Ok(pid)
}

/// Parse a PidData document without judging `errCode` or requiring the crypto elements (an
/// error reply has only `<Resp>`). Only `<Resp>` is required.
pub fn parse_lenient(input: &[u8]) -> Result<PidData, PidError> {
    let root = xml::parse(input, MAX_PID_BYTES)?;
    if !root.name.eq_ignore_ascii_case("PidData") {
        return Err(PidError::NotPidData(clip_value(&root.name)));
    }
    let resp = root.child("Resp").ok_or(PidError::Missing("Resp"))?;
    let mut pid = PidData {
        resp: Resp {
            err_code: trimmed(resp, "errCode"),
            err_info: trimmed(resp, "errInfo"),
            f_count: trimmed(resp, "fCount"),
            f_type: trimmed(resp, "fType"),
            i_count: trimmed(resp, "iCount"),
            i_type: trimmed(resp, "iType"),
            p_count: trimmed(resp, "pCount"),
            p_type: trimmed(resp, "pType"),
            nm_points: trimmed(resp, "nmPoints"),
            q_score: trimmed(resp, "qScore"),
            ts: trimmed(resp, "ts"),
        },
        ..PidData::default()
    };
    if let Some(di) = root.child("DeviceInfo") {
        pid.device_info = device_info_of(di);
    }
    if let Some(skey) = root.child("Skey") {
        pid.skey = Skey {
            ci: trimmed(skey, "ci"),
            value: xml::squeeze(&skey.text),
        };
    }
    if let Some(hmac) = root.child("Hmac") {
        pid.hmac = xml::squeeze(&hmac.text);
    }
    if let Some(data) = root.child("Data") {
        pid.data = PidBlock {
            kind: trimmed(data, "type"),
            value: xml::squeeze(&data.text),
        };
    }
    if pid.resp.err_code == "0" || pid.resp.err_code.parse::<i64>() == Ok(0) {
        for (name, present) in [
            ("DeviceInfo", root.child("DeviceInfo").is_some()),
            ("Skey", root.child("Skey").is_some()),
            ("Hmac", root.child("Hmac").is_some()),
            ("Data", root.child("Data").is_some()),
        ] {
            if !present {
                return Err(PidError::Missing(name));
            }
        }
    }
    Ok(pid)
}

/// Read a `<DeviceInfo>` element (in a PidData or a DEVICEINFO reply).
pub(crate) fn device_info_of(di: &Element) -> DeviceInfo {
    let mut params = Vec::new();
    // additional_info is optional; some devices put Params directly under DeviceInfo.
    let holders = di
        .children_named("additional_info")
        .chain(std::iter::once(di));
    for holder in holders {
        for p in holder.children_named("Param") {
            params.push((trimmed(p, "name"), trimmed(p, "value")));
        }
    }
    DeviceInfo {
        dp_id: trimmed(di, "dpId"),
        rds_id: trimmed(di, "rdsId"),
        rds_ver: trimmed(di, "rdsVer"),
        mi: trimmed(di, "mi"),
        mc: xml::squeeze(di.attr("mc").unwrap_or("")),
        dc: trimmed(di, "dc"),
        srno_attr: trimmed(di, "srno"),
        params,
    }
}

fn trimmed(el: &Element, name: &str) -> String {
    el.attr(name).unwrap_or("").trim().to_string()
}

/// Values quoted in errors are short and never crypto fields; clip them anyway.
fn clip_value(s: &str) -> String {
    s.chars().take(40).collect()
}

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
