//! `rd-agent sandbox`: run the simulated RD Service and the sandbox InstantPay in the
//! foreground until Ctrl-C.
//!
//! Each simulated part is started by its own function (`start_rd`, ...) so `run` stays a list.

use std::time::Duration;

use serde_json::json;

use super::{CliError, CmdResult, Exit, Global};
use sandbox::instantpay::{self, DemoOutlet, SandboxConfig, SandboxInstantPay};
use sandbox::rd::{
    Behaviour, Fault, FaultScope, SimOptions, SimStatus, SimulatedRd, vendor, vendor_ids,
};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Vendor whose fixtures the simulated RD Service serves.
    #[arg(long, default_value = "mantra-mfs100")]
    pub(crate) vendor: String,
    /// Port of the simulated RD Service (0: a free port, printed at start).
    #[arg(long, default_value_t = 11100)]
    pub(crate) rd_port: u16,
    /// Serve the RD Service over HTTPS with a self-signed certificate.
    #[arg(long, conflicts_with = "http")]
    pub(crate) https: bool,
    /// Serve plain HTTP even for a vendor whose service is HTTPS (Mantra L1).
    #[arg(long)]
    pub(crate) http: bool,
    /// RDService status to report.
    #[arg(long, value_enum, default_value_t = StatusArg::Ready)]
    pub(crate) rd_status: StatusArg,
    /// Answer every CAPTURE with this RD error code (700, 710, 720, 730, 999, ...).
    #[arg(long)]
    pub(crate) capture_error: Option<u16>,
    /// Wait this long before answering a CAPTURE.
    #[arg(long, default_value_t = 0)]
    pub(crate) delay_ms: u64,
    /// A broken reply to serve.
    #[arg(long, value_enum, default_value_t = FaultArg::None)]
    pub(crate) fault: FaultArg,
    /// Which requests get the broken reply.
    #[arg(long, value_enum, default_value_t = FaultOnArg::All)]
    pub(crate) fault_on: FaultOnArg,
    /// Behave as an older service: answer fType=2 with errCode 110.
    #[arg(long)]
    pub(crate) old_ftype: bool,
    /// Port of the sandbox InstantPay (0: a free port, printed at start).
    #[arg(long, default_value_t = 18080)]
    pub(crate) api_port: u16,
    /// The sandbox InstantPay declines every finger (charged, TXN/LOGINREQUIRED), as the bank
    /// answers a dirty or wrong finger: for trying the decline guard.
    #[arg(long)]
    pub(crate) decline_fingers: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum StatusArg {
    Ready,
    Notready,
    Used,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum FaultArg {
    None,
    Garbled,
    NotHttp,
    Truncated,
    Oversized,
    Hang,
    /// Not a broken reply: captures carry a UIDAI key that has expired (`Skey ci` in the past).
    StaleKey,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum FaultOnArg {
    All,
    Rdservice,
    Deviceinfo,
    Capture,
}

pub(crate) fn run(args: Args, global: &Global) -> CmdResult {
    super::block_on(async {
        let rd = start_rd(&args).await?;
        let api = start_instantpay(args.api_port).await?;
        if args.decline_fingers {
            api.state().set_fault(
                ::instantpay::PATH_LOGIN,
                Some(instantpay::Fault::BiometricMismatch),
            );
        }
        let url = format!("{}://127.0.0.1:{}", rd.scheme(), rd.port());
        let outlet = DemoOutlet::demo();
        if global.json {
            super::print_json(&json!({
                "ok": true,
                "rd": { "vendor": rd.vendor().id, "port": rd.port(), "scheme": rd.scheme(), "url": url },
                "instantpay": {
                    "base_url": api.base_url(),
                    "outlet_id": outlet.outlet_id,
                    "client_id": outlet.client_id,
                    "aadhaar": outlet.aadhaar.masked(),
                },
            }));
        } else {
            outln!("simulated RD Service: {} on {url}", rd.vendor().name);
            outln!(
                "sandbox InstantPay:   {} (demo outlet {}, client id {}, operator {})",
                api.base_url(),
                outlet.outlet_id,
                outlet.client_id,
                outlet.aadhaar.masked()
            );
            outln!("Ctrl-C to stop.");
        }
        // Ctrl-C, or SIGTERM (a supervisor or a test stopping the sandbox).
        crate::platform::runtime::stop_signal().await;
        rd.shutdown().await;
        api.shutdown().await;
        Ok(())
    })
}

/// Start the sandbox InstantPay with the demo outlet on `127.0.0.1:port`.
async fn start_instantpay(port: u16) -> Result<SandboxInstantPay, CliError> {
    let cannot = |e: std::io::Error| {
        CliError::new(
            Exit::Usage,
            format!(
                "cannot start the sandbox InstantPay on 127.0.0.1:{port}: {e}; choose another --api-port"
            ),
        )
    };
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(cannot)?;
    instantpay::start_on(listener, SandboxConfig::default())
        .await
        .map_err(cannot)
}

/// Start the simulated RD Service the arguments describe.
pub(crate) async fn start_rd(args: &Args) -> Result<SimulatedRd, CliError> {
    let fixtures = vendor(&args.vendor).ok_or_else(|| {
        CliError::new(
            Exit::Usage,
            format!(
                "unknown vendor {:?}; choose one of: {}",
                args.vendor,
                vendor_ids().join(", ")
            ),
        )
    })?;
    let behaviour = Behaviour {
        status: match args.rd_status {
            StatusArg::Ready => SimStatus::Ready,
            StatusArg::Notready => SimStatus::NotReady,
            StatusArg::Used => SimStatus::Used,
        },
        capture_error: args.capture_error,
        delay: Duration::from_millis(args.delay_ms),
        fault: match args.fault {
            FaultArg::None => Fault::None,
            FaultArg::Garbled => Fault::Garbled,
            FaultArg::NotHttp => Fault::NotHttp,
            FaultArg::Truncated => Fault::Truncated,
            FaultArg::Oversized => Fault::Oversized,
            FaultArg::Hang => Fault::Hang,
            FaultArg::StaleKey => Fault::None,
        },
        fault_on: match args.fault_on {
            FaultOnArg::All => FaultScope::All,
            FaultOnArg::Rdservice => FaultScope::RdService,
            FaultOnArg::Deviceinfo => FaultScope::DeviceInfo,
            FaultOnArg::Capture => FaultScope::Capture,
        },
        old_ftype: args.old_ftype,
        stale_key: matches!(args.fault, FaultArg::StaleKey),
    };
    let opts = SimOptions {
        vendor: fixtures,
        https: (fixtures.https || args.https) && !args.http,
        port: args.rd_port,
        behaviour,
    };
    SimulatedRd::start(opts).await.map_err(|e| {
        CliError::new(
            Exit::Usage,
            format!(
                "cannot start the simulated RD Service on 127.0.0.1:{}: {e}",
                args.rd_port
            ),
        )
    })
}
