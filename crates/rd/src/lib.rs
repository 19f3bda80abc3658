//! The RD Service protocol: discovery, DEVICEINFO, CAPTURE, PidOptions,
//! PidData parsing, error codes, USB presence. Knows nothing of InstantPay or the agent.
//!
//! # The API other modules use (kept stable)
//!
//! ```text
//! rd::discover(&DiscoverOptions { host, ports, probe_timeout, schemes }) -> Vec<RdService>
//! rd::discover_report(&opts) -> Discovery { services, failures: Vec<PortFailure{port, error}> }
//! rd::probe(&opts, port) -> Result<RdService, RdError>          (one port, both schemes)
//! "11100-11120".parse::<rd::PortRange>() -> Result<PortRange, PortRangeError>
//! RdService { host, port, scheme, status: RdStatus, info, device_info_path, capture_path }
//!
//! rd::client::device_info(&RdService) -> Result<DeviceInfoReply, RdError>
//! rd::client::capture(&RdService, &PidOptions) -> Result<PidData, RdError>
//!     fType=2 answered with errCode 110 is retried once with fType=0;
//!     the HTTP deadline is the PidOptions timeout + client::CAPTURE_MARGIN.
//! rd::PidOptions::new().f_count(1).f_type(2).timeout_ms(10_000).env("P")  (.to_xml())
//!
//! rd::pid::parse(&[u8]) -> Result<PidData, PidError>   (errCode != 0 -> PidError::Capture)
//! PidData { resp, device_info, skey, hmac, data }, .srno() .sysid() .ts() .q_score() .nm_points()
//! rd::cert::parse_mc(&str) -> Result<DeviceCert{not_before, not_after, ..}, CertError>
//! rd::cert::parse_ci(&str) -> Option<NaiveDate>
//! rd::errors::operator_sentence(code, err_info), rd::errors::lookup(code)
//! rd::usb::scan() -> Result<Vec<UsbScanner>, UsbError>, rd::usb::identify(vid, pid)
//! ```
//!
//! `RdError` variants name the port and say what to do; a capture whose `errCode` is not 0 is
//! `RdError::Capture { port, failure: CaptureFailure { code, info, sentence } }`. No error,
//! `Debug` or log line carries the PID block, the session key or the HMAC.
//!
//! The simulated RD Service for tests and `--sandbox` lives in the `sandbox` crate.
//! The protocol facts this crate relies on are in docs/rd-service.md and docs/pid-xml.md.

pub mod cert;
pub mod client;
pub mod discover;
pub mod errors;
pub mod generation;
pub mod options;
pub mod pid;
pub mod ports;
pub mod service;
pub mod transport;
pub mod usb;
mod xml;

pub use client::{DeviceInfoReply, parse_device_info};
pub use discover::{
    DiscoverOptions, Discovery, PortFailure, discover, discover_report, find_ready, first_ready,
    probe, ready_of, ready_ports,
};
pub use errors::CaptureFailure;
pub use options::{OptionsError, PidOptions, RdEnv};
pub use pid::{PidData, PidError};
pub use ports::{DEFAULT_PORTS, PortRange, PortRangeError};
pub use service::{RdService, RdServiceInfo, RdStatus, parse_rdservice};
pub use transport::{RdError, Scheme, XmlReplyError, is_loopback};
pub use xml::XmlError;
