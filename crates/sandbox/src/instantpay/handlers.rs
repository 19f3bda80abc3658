//! The AePS login routes, checked as the real API checks them, and the envelope they answer in.

// A check's natural error here is the whole HTTP reply to send; its size does not matter in a
// test server.
#![allow(clippy::result_large_err)]

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as Http};
use axum::response::Response;
use serde_json::{Map, Value, json};

use clock::ist_date;
use instantpay::Aadhaar;
use instantpay::PATH_LOGIN;
use instantpay::{DAILY_LOGIN, valid_external_ref, validate_coordinates};

use super::envelope::{envelope_at, reply};
use super::faults::Fault;
use super::state::{DemoOutlet, LOGIN_PAYABLE_PAISE, SandboxState, WALLET_START_PAISE, pool};

/// Every `biometricData` field the real API wants (all strings).
pub const BIOMETRIC_FIELDS: [&str; 25] = [
    "encryptedAadhaar",
    "dc",
    "ci",
    "hmac",
    "dpId",
    "mc",
    "pidDataType",
    "sessionKey",
    "mi",
    "rdsId",
    "errCode",
    "errInfo",
    "fCount",
    "fType",
    "iCount",
    "iType",
    "pCount",
    "pType",
    "srno",
    "sysid",
    "ts",
    "pidData",
    "qScore",
    "nmPoints",
    "rdsVer",
];

/// Fields that must also be non-empty: the ones without which no bank could verify a finger.
const BIOMETRIC_REQUIRED: [&str; 11] = [
    "encryptedAadhaar",
    "dc",
    "ci",
    "hmac",
    "dpId",
    "mc",
    "sessionKey",
    "mi",
    "rdsId",
    "pidData",
    "rdsVer",
];

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// Content type and JSON object body, or the `RPI` reply.
fn json_object(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, Box<Response>> {
    let rpi = |msg: &str| Box::new(reply(Http::OK, "RPI", None, msg, Value::Null, None));
    if !header(headers, "content-type")
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(rpi(
            "Invalid parameters: Content-Type must be application/json",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(rpi("Invalid parameters: the body must be a JSON object")),
    }
}

impl SandboxState {
    fn envelope(
        &self,
        statuscode: &str,
        actcode: Option<&str>,
        status: &str,
        data: Value,
        orderid: Option<&str>,
    ) -> Response {
        envelope_at(
            self.0.clock.now(),
            Http::OK,
            statuscode,
            actcode,
            status,
            data,
            orderid,
        )
    }

    pub(super) fn rpi(&self, status: &str) -> Response {
        self.envelope("RPI", None, status, Value::Null, None)
    }

    /// The auth check of the outlet calls: the outlet the headers name, or the reply to send.
    fn require_outlet(&self, headers: &HeaderMap) -> Result<DemoOutlet, Response> {
        match self.check_auth(headers, true)? {
            Some(o) => Ok(o.clone()),
            None => Err(self.rpi("Invalid parameters: X-Ipay-Outlet-Id is required")),
        }
    }
}

pub(super) async fn login_status(
    State(st): State<SandboxState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    st.lock().status_requests += 1;
    let outlet = match st.require_outlet(&headers) {
        Ok(o) => o,
        Err(r) => return r,
    };
    // An empty body is taken as `{}`; otherwise it must be an object.
    if !body.iter().all(u8::is_ascii_whitespace) {
        let o = match json_object(&headers, &body) {
            Ok(o) => o,
            Err(r) => return *r,
        };
        if let Some(t) = o.get("type")
            && t.as_str() != Some(DAILY_LOGIN)
        {
            return st.rpi("Invalid parameters: type must be DAILY_LOGIN");
        }
    }
    let logged_in = st.logged_in_today(&outlet.outlet_id);
    let data = json!({
        "isFaceAuthAvailable": false,
        "aadhaarLastFour": outlet.aadhaar.last_four(),
        "isTxnBioLoginRequired": false,
    });
    if logged_in {
        st.envelope("TXN", Some("LOGGEDIN"), "Outlet is logged in", data, None)
    } else {
        st.envelope(
            "TXN",
            Some("LOGINREQUIRED"),
            "Outlet login required: do the daily biometric login",
            data,
            None,
        )
    }
}

pub(super) async fn login(
    State(st): State<SandboxState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    st.lock().login_requests += 1;
    let outlet = match st.require_outlet(&headers) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let o = match json_object(&headers, &body) {
        Ok(o) => o,
        Err(r) => return *r,
    };
    let text = |k: &str| o.get(k).and_then(Value::as_str);
    if text("type") != Some(DAILY_LOGIN) {
        return st.rpi("Invalid parameters: type must be DAILY_LOGIN");
    }
    let (Some(lat), Some(long)) = (text("latitude"), text("longitude")) else {
        return st.rpi("Invalid parameters: latitude and longitude are required, as strings");
    };
    if validate_coordinates(lat, long).is_err() {
        return st.rpi(
            "Invalid parameters: latitude/longitude must be decimal degrees with 4 to 6 decimals, inside India",
        );
    }
    let Some(ext) = text("externalRef").filter(|r| valid_external_ref(r)) else {
        return st.rpi("Invalid parameters: externalRef must be 1 to 40 letters and digits");
    };
    let Some(bio) = o.get("biometricData").and_then(Value::as_object) else {
        return st.rpi("Invalid parameters: biometricData is required, as an object");
    };
    for field in BIOMETRIC_FIELDS {
        if !bio.get(field).is_some_and(Value::is_string) {
            return st.rpi(&format!(
                "Invalid parameters: biometricData.{field} is required, as a string"
            ));
        }
    }
    let bio_text = |k: &str| bio.get(k).and_then(Value::as_str).unwrap_or("");
    for field in BIOMETRIC_REQUIRED {
        if bio_text(field).trim().is_empty() {
            return st.rpi(&format!(
                "Invalid parameters: biometricData.{field} must not be empty"
            ));
        }
    }
    if bio_text("errCode") != "0" {
        return st.rpi("Invalid biometric data: the capture failed (errCode is not 0)");
    }
    let submitted = match Aadhaar::decrypt(bio_text("encryptedAadhaar"), st_key(&outlet).as_bytes())
    {
        Ok(a) => a,
        Err(_) => {
            return st.rpi(
                "Invalid parameters: encryptedAadhaar could not be decrypted with the outlet's encryption key",
            );
        }
    };
    let orderid = format!("SBXO{:012}", rand::random_range(0..1_000_000_000_000u64));
    let fault = st.fault_for(PATH_LOGIN);
    let mut inner = st.lock();
    if !inner.used_refs.insert(ext.to_string()) {
        drop(inner);
        return st.envelope(
            "DTX",
            None,
            "Duplicate transaction: externalRef already used",
            Value::Null,
            None,
        );
    }
    // Processed from here: the bank was asked, the attempt is charged.
    inner.charges += 1;
    inner.processed.push(ext.to_string());
    let charged = pool(WALLET_START_PAISE - inner.debited_paise);
    inner.debited_paise += LOGIN_PAYABLE_PAISE;
    let finger_matches = fault != Some(Fault::BiometricMismatch);
    if submitted == outlet.aadhaar && finger_matches {
        inner
            .logins
            .insert(outlet.outlet_id.clone(), ist_date(st.0.clock.now()));
        drop(inner);
        st.envelope(
            "TXN",
            Some("LOGGEDIN"),
            "Outlet login successful",
            charged,
            Some(&orderid),
        )
    } else {
        drop(inner);
        st.envelope(
            "TXN",
            Some("LOGINREQUIRED"),
            "Biometric authentication failed: the finger does not match the outlet's Aadhaar",
            charged,
            Some(&orderid),
        )
    }
}

fn st_key(outlet: &DemoOutlet) -> &str {
    outlet.encryption_key.expose()
}

pub(super) async fn not_found(State(st): State<SandboxState>) -> Response {
    let mut r = st.envelope(
        "RPI",
        None,
        "Invalid API path: this sandbox serves /fi/aeps/outletLoginStatus, /fi/aeps/outletLogin \
         and /identity/faceLiveness/*",
        Value::Null,
        None,
    );
    *r.status_mut() = Http::NOT_FOUND;
    r
}
