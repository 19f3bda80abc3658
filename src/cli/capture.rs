//! `rd-agent capture`: one capture; prints the parsed PID with the crypto fields by length only.

use std::time::Duration;

use serde::Serialize;

use super::{CliError, CmdResult, Exit, Global};
use instantpay::BiometricData;
use rd::{self, DiscoverOptions, PidOptions, RdError, RdService};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// RD Service port (default: discover).
    #[arg(long)]
    pub(crate) port: Option<u16>,
    #[arg(long, default_value_t = 1)]
    pub(crate) fcount: u8,
    #[arg(long, default_value_t = 2)]
    pub(crate) ftype: u8,
    #[arg(long, default_value_t = 10000)]
    pub(crate) timeout_ms: u32,
    #[arg(long, default_value = "P")]
    pub(crate) env: String,
    /// Host of the RD Service, loopback (default: rd.host from the config, else 127.0.0.1).
    #[arg(long)]
    pub(crate) host: Option<String>,
    /// Port range to discover in when --port is not given (default: rd.ports from the config,
    /// else 11100-11120).
    #[arg(long)]
    pub(crate) ports: Option<rd::PortRange>,
}

/// The `--json` document.
#[derive(Serialize)]
struct Output<'a> {
    ok: bool,
    port: u16,
    scheme: rd::Scheme,
    info: &'a str,
    q_score: Option<u32>,
    nm_points: Option<u32>,
    mc_expires: Option<String>,
    #[serde(rename = "biometricData")]
    biometric_data: BiometricData,
}

/// A named port gets a longer probe than a scan: we know something should be there.
const NAMED_PORT_PROBE: Duration = Duration::from_secs(3);

pub(crate) fn run(args: Args, global: &Global) -> CmdResult {
    let opts = PidOptions::new()
        .f_count(args.fcount)
        .f_type(args.ftype)
        .timeout_ms(args.timeout_ms)
        .env(args.env.clone());
    opts.validate()
        .map_err(|e| CliError::new(Exit::Usage, RdError::from(e).to_string()))?;
    let ports = args.port.map(rd::PortRange::single).or(args.ports);
    let (_, mut discover) = super::devices::discovery(global, ports, args.host.as_deref());
    discover.probe_timeout = if args.port.is_some() {
        NAMED_PORT_PROBE
    } else {
        rd::DEFAULT_PROBE_TIMEOUT
    };
    let (svc, pid) = super::block_on(async {
        let svc = find_service(&discover, args.port).await?;
        // The countdown only goes to stderr, so `--json` keeps stdout to itself.
        // No config here: the language is the locale's.
        let lang = crate::platform::language("auto");
        let progress = super::progress::StderrProgress::new(lang);
        let pid = crate::login::countdown::counting_down(
            opts.timeout(),
            &progress,
            rd::capture(&svc, &opts),
        )
        .await?;
        Ok::<_, RdError>((svc, pid))
    })
    .map_err(|e| CliError::new(Exit::Device, e.to_string()))?;

    let bio = BiometricData::from_pid(&pid);
    let cert = rd::parse_mc(&pid.device_info.mc);
    if global.json {
        super::print_json(&Output {
            ok: true,
            port: svc.port,
            scheme: svc.scheme,
            info: &svc.info,
            q_score: pid.q_score(),
            nm_points: pid.nm_points(),
            mc_expires: cert.as_ref().ok().map(|c| c.not_after.to_rfc3339()),
            biometric_data: super::pid::shown(&bio, false),
        });
        return Ok(());
    }
    outln!(
        "captured on {}://{}:{} ({})",
        svc.scheme,
        svc.host,
        svc.port,
        svc.info
    );
    outln!(
        "device {} {} serial {}  rds {} {}",
        pid.device_info.dp_id,
        pid.device_info.mi,
        pid.srno(),
        pid.device_info.rds_id,
        pid.device_info.rds_ver
    );
    outln!(
        "quality qScore {}  nmPoints {}  fType {}  fCount {}",
        pid.resp.q_score,
        pid.resp.nm_points,
        pid.resp.f_type,
        pid.resp.f_count
    );
    outln!(
        "crypto: sessionKey {} chars, hmac {} chars, pidData {} chars (type {})",
        pid.skey.value.len(),
        pid.hmac.len(),
        pid.data.value.len(),
        pid.data.kind
    );
    if let Ok(c) = cert {
        outln!("device certificate expires {}", c.not_after.to_rfc3339());
    }
    Ok(())
}

/// The service on the named port, or the first READY one discovered.
async fn find_service(opts: &DiscoverOptions, port: Option<u16>) -> Result<RdService, RdError> {
    match port {
        Some(port) => rd::probe(opts, port).await,
        None => rd::find_ready(opts).await,
    }
}
