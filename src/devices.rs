//! What this machine's RD Services are, for a person: every service in the range with its
//! DEVICEINFO (model, serial, generation), its certificate's expiry and whether a login would
//! use it. `rd-agent devices` prints it; the service sends it to the tray. The login itself
//! does not wait for this: it takes the first trusted READY service (src/login/live.rs).

use serde::{Deserialize, Serialize};

use crate::i18n::Msg;
use rd::{DiscoverOptions, Discovery, Generation, PortFailure, RdService};

/// One service as `rd-agent devices --json` shows it and the service sends it to the tray.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceDescription {
    #[serde(flatten)]
    pub(crate) service: RdService,
    /// Its DEVICEINFO, when it answered one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) device_info: Option<DeviceSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) device_info_error: Option<String>,
    /// The device certificate's expiry (RFC 3339) and the days left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) mc_expires: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) mc_days_left: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) mc_error: Option<String>,
    /// Who runs the service (src/login/live.rs, `standing`).
    pub(crate) owner: String,
    pub(crate) trusted: bool,
    /// Why a login would not use it, in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) trust_reason: Option<String>,
}

/// The parts of DEVICEINFO a person reads (the certificate itself stays out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DeviceSummary {
    #[serde(rename = "dpId")]
    pub(crate) dp_id: String,
    #[serde(rename = "rdsId")]
    pub(crate) rds_id: String,
    #[serde(rename = "rdsVer")]
    pub(crate) rds_ver: String,
    pub(crate) mi: String,
    pub(crate) dc: String,
    pub(crate) srno: String,
    /// `DeviceInfo@error` or similar, empty when none.
    pub(crate) error: String,
    pub(crate) generation: Generation,
}

/// What the service answers to `devices`: the services found and the ports that failed, or
/// why it could not look.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeviceReport {
    pub services: Vec<ServiceDescription>,
    #[serde(default)]
    pub failures: Vec<PortFailure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl DeviceReport {
    /// How many services are ready for a login.
    pub fn ready(&self) -> usize {
        self.services
            .iter()
            .filter(|d| d.service.status.is_ready())
            .count()
    }

    /// A short summary for a person, one service a line with its scanner's model and
    /// generation, and the warning when several are ready (the tray's "Devices", crates/tray).
    pub fn summary(&self, cat: &crate::i18n::Catalog) -> String {
        if self.services.is_empty() {
            return cat.tr("tray-no-rd-service");
        }
        let mut lines: Vec<String> = self
            .services
            .iter()
            .map(|d| {
                let svc = &d.service;
                let mut line = cat
                    .render(
                        &Msg::new("tray-device-line")
                            .arg("port", svc.port)
                            .arg("status", svc.status.to_string())
                            .arg("info", svc.info.as_str()),
                    )
                    .trim()
                    .to_string();
                // The scanner's model and generation, where its DEVICEINFO said.
                if let Some(di) = &d.device_info {
                    line.push('\n');
                    line.push_str(&cat.render(&generation_msg(di)));
                }
                line
            })
            .collect();
        let ready: Vec<u16> = self
            .services
            .iter()
            .filter(|d| d.service.status.is_ready())
            .map(|d| d.service.port)
            .collect();
        if let Some(w) = crate::login::live::several_ready(&ready) {
            lines.push(cat.render(&w));
        }
        lines.join("\n")
    }
}

/// One service, and why a login would not use it, as a message.
pub(crate) struct Described {
    pub(crate) description: ServiceDescription,
    pub(crate) untrusted: Option<Msg>,
}

/// Scan the whole range and describe each service found.
pub(crate) async fn scan(
    opts: &DiscoverOptions,
    trusted_users: &[String],
) -> (Discovery, Vec<Described>) {
    let report = rd::discover_report(opts).await;
    let mut out = Vec::new();
    for svc in &report.services {
        let standing = crate::login::live::standing(svc.port, trusted_users);
        let mut description = describe(svc).await;
        description.owner = standing.owner;
        description.trusted = standing.trusted;
        description.trust_reason = standing.reason.as_ref().map(Msg::english);
        out.push(Described {
            description,
            untrusted: standing.reason,
        });
    }
    (report, out)
}

/// One service with its DEVICEINFO and certificate dates.
async fn describe(svc: &RdService) -> ServiceDescription {
    let mut d = ServiceDescription {
        service: svc.clone(),
        device_info: None,
        device_info_error: None,
        mc_expires: None,
        mc_days_left: None,
        mc_error: None,
        owner: String::new(),
        trusted: false,
        trust_reason: None,
    };
    match rd::device_info(svc).await {
        Ok(reply) => {
            let di = &reply.device_info;
            let srno = di
                .param("srno")
                .filter(|s| !s.is_empty())
                .unwrap_or(&di.srno_attr);
            d.device_info = Some(DeviceSummary {
                dp_id: di.dp_id.clone(),
                rds_id: di.rds_id.clone(),
                rds_ver: di.rds_ver.clone(),
                mi: di.mi.clone(),
                dc: di.dc.clone(),
                srno: srno.to_string(),
                error: reply.error.clone(),
                generation: rd::generation_of(di),
            });
            match reply.cert() {
                Ok(cert) => {
                    d.mc_expires = Some(cert.not_after.to_rfc3339());
                    d.mc_days_left = Some(cert.days_left(chrono::Utc::now()));
                }
                Err(e) => d.mc_error = Some(e.to_string()),
            }
        }
        Err(e) => d.device_info_error = Some(e.to_string()),
    }
    d
}

/// The generation sentence for a described service's DEVICEINFO.
pub(crate) fn generation_msg(di: &DeviceSummary) -> Msg {
    let id = match di.generation {
        Generation::L1 => "device-generation-l1",
        Generation::L0 => "device-generation-l0",
        Generation::Unknown => "device-generation-unknown",
    };
    Msg::new(id).arg("device", format!("{} {}", di.dp_id, di.mi))
}
