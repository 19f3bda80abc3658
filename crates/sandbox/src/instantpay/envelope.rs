//! The envelope every sandbox reply comes in, as InstantPay's: `statuscode`, `actcode`,
//! `status`, `data`, an IST `timestamp`, `environment: "SANDBOX"`.

use axum::http::StatusCode as Http;
use axum::response::{IntoResponse, Response};
use clock::ist;
use serde_json::{Value, json};

/// InstantPay's envelope with `environment: "SANDBOX"`, timestamp in IST.
pub fn reply(
    http: Http,
    statuscode: &str,
    actcode: Option<&str>,
    status: &str,
    data: Value,
    orderid: Option<&str>,
) -> Response {
    let now = chrono::Utc::now();
    envelope_at(now, http, statuscode, actcode, status, data, orderid)
}

pub(super) fn envelope_at(
    now: chrono::DateTime<chrono::Utc>,
    http: Http,
    statuscode: &str,
    actcode: Option<&str>,
    status: &str,
    data: Value,
    orderid: Option<&str>,
) -> Response {
    let body = json!({
        "statuscode": statuscode,
        "actcode": actcode,
        "status": status,
        "data": data,
        "timestamp": now.with_timezone(&ist()).format("%Y-%m-%d %H:%M:%S").to_string(),
        "ipay_uuid": format!("SBX{:016X}", rand::random::<u64>()),
        "orderid": orderid,
        "environment": "SANDBOX",
    });
    (http, axum::Json(body)).into_response()
}
