//! What this machine's RD Services are, for a person: every service in the range with its
//! DEVICEINFO (model, serial, generation), its certificate's expiry and whether a login would
//! use it. `rd-agent devices` prints it; the service sends it to the tray. The login itself
//! does not wait for this: it takes the first trusted READY service (src/login/live.rs).

use serde_json::{Value, json};

use crate::i18n::Msg;
use rd::{DiscoverOptions, Discovery, RdService};

/// One service as JSON (`rd-agent devices --json`'s `services`), and why a login would not
/// use it, as a message.
pub struct Described {
    pub json: Value,
    pub untrusted: Option<Msg>,
}

/// Scan the whole range and describe each service found.
pub async fn scan(opts: &DiscoverOptions, trusted_users: &[String]) -> (Discovery, Vec<Described>) {
    let report = rd::discover_report(opts).await;
    let mut out = Vec::new();
    for svc in &report.services {
        let mut json = describe(svc).await;
        let standing = crate::login::live::standing(svc.port, trusted_users);
        if let Some(map) = json.as_object_mut() {
            map.insert("owner".into(), json!(standing.owner));
            map.insert("trusted".into(), json!(standing.trusted));
            if let Some(r) = &standing.reason {
                map.insert("trust_reason".into(), json!(r.english()));
            }
        }
        out.push(Described {
            json,
            untrusted: standing.reason,
        });
    }
    (report, out)
}

/// One service with its DEVICEINFO and certificate dates, as JSON.
async fn describe(svc: &RdService) -> Value {
    let mut v = serde_json::to_value(svc).unwrap_or(Value::Null);
    let Some(map) = v.as_object_mut() else {
        return v;
    };
    match rd::device_info(svc).await {
        Ok(reply) => {
            let di = &reply.device_info;
            let srno = di
                .param("srno")
                .filter(|s| !s.is_empty())
                .unwrap_or(&di.srno_attr);
            map.insert(
                "device_info".into(),
                json!({
                    "dpId": di.dp_id, "rdsId": di.rds_id, "rdsVer": di.rds_ver, "mi": di.mi,
                    "dc": di.dc, "srno": srno, "error": reply.error,
                    "generation": rd::generation_of(di),
                }),
            );
            match reply.cert() {
                Ok(cert) => {
                    map.insert("mc_expires".into(), json!(cert.not_after.to_rfc3339()));
                    map.insert(
                        "mc_days_left".into(),
                        json!(cert.days_left(chrono::Utc::now())),
                    );
                }
                Err(e) => {
                    map.insert("mc_error".into(), json!(e.to_string()));
                }
            }
        }
        Err(e) => {
            map.insert("device_info_error".into(), json!(e.to_string()));
        }
    }
    v
}

/// The generation sentence for a described service's `device_info`, where it has one.
pub fn generation_msg(device_info: &Value) -> Option<Msg> {
    let di = device_info.as_object()?;
    let id = match di.get("generation").and_then(Value::as_str) {
        Some("l1") => "device-generation-l1",
        Some("l0") => "device-generation-l0",
        _ => "device-generation-unknown",
    };
    let text = |k: &str| di.get(k).and_then(Value::as_str).unwrap_or("");
    Some(Msg::new(id).arg("device", format!("{} {}", text("dpId"), text("mi"))))
}
