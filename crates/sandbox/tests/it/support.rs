//! What the test modules share: the real RD samples, and a capture's fields and the client
//! settings the InstantPay tests send.

use std::time::Duration;

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use serde_json::{Value, json};

use ::sandbox::instantpay::{DEMO_LATITUDE, DEMO_LONGITUDE};
use instantpay::Aadhaar;
use instantpay::Secret;
use instantpay::{BiometricData, ClientConfig, OutletLoginRequest, new_external_ref};

/// The path of a real RD sample (rd-fixtures/real at the workspace's root).
pub(crate) fn real_sample_path(name: &str) -> String {
    format!(
        "{}/../../rd-fixtures/real/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The bytes of a real RD sample.
pub(crate) fn real_sample(name: &str) -> Vec<u8> {
    let path = real_sample_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub(crate) const SECRET: &str = "cl13nt-s3cret-value-XYZ";
pub(crate) const KEY: &[u8; 32] = b"K3y-for-tests-0123456789abcdefgh";
pub(crate) const PID_BLOCK: &str = "PIDBLOCKBASE64pidpidpidpidpidpidpid==";
pub(crate) const SESSION_KEY: &str = "SESSIONKEYBASE64sksksksksksksksk==";
pub(crate) const HMAC: &str = "HMACBASE64hmhmhmhmhmhmhmhmhmhmhm==";

/// A capture's fields as the RD Service gives them (PID crypto fields are stand-ins).
pub(crate) fn biometric(encrypted_aadhaar: String) -> BiometricData {
    BiometricData {
        encrypted_aadhaar,
        dc: "a1b2c3d4-dc".into(),
        ci: "20291231".into(),
        hmac: HMAC.into(),
        dp_id: "MANTRA.MSIPL".into(),
        mc: "MIIEGDCCAwCgAwIBAgIEAMc=".into(),
        pid_data_type: "X".into(),
        session_key: SESSION_KEY.into(),
        mi: "MFS100".into(),
        rds_id: "MANTRA.WIN.001".into(),
        err_code: "0".into(),
        err_info: "Capture Success".into(),
        f_count: "1".into(),
        f_type: "2".into(),
        i_count: "0".into(),
        i_type: String::new(),
        p_count: "0".into(),
        p_type: String::new(),
        srno: "2019123456".into(),
        sysid: "SYSID01".into(),
        ts: "2026-11-22T09:00:00+05:30".into(),
        pid_data: PID_BLOCK.into(),
        q_score: "78".into(),
        nm_points: "42".into(),
        rds_ver: "1.0.8".into(),
    }
}

pub(crate) fn login_request(aadhaar: &Aadhaar, key: &[u8]) -> OutletLoginRequest {
    OutletLoginRequest {
        latitude: DEMO_LATITUDE.into(),
        longitude: DEMO_LONGITUDE.into(),
        external_ref: new_external_ref(),
        biometric_data: biometric(aadhaar.encrypt(key).unwrap()),
    }
}

pub(crate) fn wiremock_config(base_url: &str) -> ClientConfig {
    let mut cfg = ClientConfig::new(
        base_url,
        "CLIENT42",
        Secret::new(SECRET),
        "777",
        "203.0.113.7",
    );
    cfg.read_timeout = Duration::from_secs(5);
    cfg
}

pub(crate) fn envelope(
    statuscode: &str,
    actcode: Option<&str>,
    status: &str,
    data: Value,
) -> Value {
    json!({
        "statuscode": statuscode, "actcode": actcode, "status": status, "data": data,
        "timestamp": "2026-11-22 09:00:00", "ipay_uuid": "h00699b1c", "orderid": "1122334455",
        "environment": "LIVE"
    })
}

/// Decrypt as any other implementation would: first 16 bytes IV, AES-256-CBC, PKCS7.
pub(crate) fn independent_decrypt(b64: &str, key: &[u8; 32]) -> String {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    assert_eq!(raw.len(), 32);
    let (iv, ct) = raw.split_at(16);
    let mut buf = ct.to_vec();
    let plain = cbc::Decryptor::<aes::Aes256>::new(key.into(), iv.into())
        .decrypt_padded_mut::<Pkcs7>(&mut buf)
        .unwrap();
    String::from_utf8(plain.to_vec()).unwrap()
}
