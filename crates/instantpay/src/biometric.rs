//! `biometricData`: the PID capture in InstantPay's field names, all strings.

use serde::{Deserialize, Serialize};

use rd::PidData;

/// The `biometricData` object of `outletLogin`. Field names are InstantPay's, exactly.
/// `Debug` is derived only for tests' sake through `redacted()`: never log this struct.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BiometricData {
    /// base64(IV || AES-256-CBC(aadhaar)); empty until the login fills it in, and then left out
    /// of output that must not carry it.
    #[serde(
        rename = "encryptedAadhaar",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub encrypted_aadhaar: String,
    pub dc: String,
    pub ci: String,
    pub hmac: String,
    #[serde(rename = "dpId")]
    pub dp_id: String,
    pub mc: String,
    #[serde(rename = "pidDataType")]
    pub pid_data_type: String,
    #[serde(rename = "sessionKey")]
    pub session_key: String,
    pub mi: String,
    #[serde(rename = "rdsId")]
    pub rds_id: String,
    #[serde(rename = "errCode")]
    pub err_code: String,
    #[serde(rename = "errInfo")]
    pub err_info: String,
    #[serde(rename = "fCount")]
    pub f_count: String,
    #[serde(rename = "fType")]
    pub f_type: String,
    #[serde(rename = "iCount")]
    pub i_count: String,
    #[serde(rename = "iType")]
    pub i_type: String,
    #[serde(rename = "pCount")]
    pub p_count: String,
    #[serde(rename = "pType")]
    pub p_type: String,
    pub srno: String,
    pub sysid: String,
    pub ts: String,
    #[serde(rename = "pidData")]
    pub pid_data: String,
    #[serde(rename = "qScore")]
    pub q_score: String,
    #[serde(rename = "nmPoints")]
    pub nm_points: String,
    #[serde(rename = "rdsVer")]
    pub rds_ver: String,
}

impl BiometricData {
    /// Build from a parsed capture, as docs/pid-xml.md maps it. `encryptedAadhaar` is left empty.
    pub fn from_pid(pid: &PidData) -> Self {
        BiometricData {
            encrypted_aadhaar: String::new(),
            dc: pid.device_info.dc.clone(),
            ci: pid.skey.ci.clone(),
            hmac: pid.hmac.clone(),
            dp_id: pid.device_info.dp_id.clone(),
            mc: pid.device_info.mc.clone(),
            pid_data_type: pid.data.kind.clone(),
            session_key: pid.skey.value.clone(),
            mi: pid.device_info.mi.clone(),
            rds_id: pid.device_info.rds_id.clone(),
            err_code: pid.resp.err_code.clone(),
            err_info: pid.resp.err_info.clone(),
            f_count: pid.resp.f_count.clone(),
            f_type: pid.resp.f_type.clone(),
            i_count: pid.resp.i_count.clone(),
            i_type: pid.resp.i_type.clone(),
            p_count: pid.resp.p_count.clone(),
            p_type: pid.resp.p_type.clone(),
            srno: pid.srno().to_string(),
            sysid: pid.sysid().to_string(),
            ts: pid.ts().to_string(),
            pid_data: pid.data.value.clone(),
            q_score: pid.resp.q_score.clone(),
            nm_points: pid.resp.nm_points.clone(),
            rds_ver: pid.device_info.rds_ver.clone(),
        }
    }

    /// The same object with `encryptedAadhaar` set, ready to send.
    pub fn with_encrypted_aadhaar(mut self, encrypted: String) -> Self {
        self.encrypted_aadhaar = encrypted;
        self
    }
}

impl std::fmt::Debug for BiometricData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Only non-secret device fields; the PID block and the Aadhaar are left out on purpose.
        f.debug_struct("BiometricData")
            .field("dpId", &self.dp_id)
            .field("rdsId", &self.rds_id)
            .field("mi", &self.mi)
            .field("srno", &self.srno)
            .field("qScore", &self.q_score)
            .field("nmPoints", &self.nm_points)
            .finish_non_exhaustive()
    }
}
