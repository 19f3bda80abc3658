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
//! rd::device_info(&RdService) -> Result<DeviceInfoReply, RdError>
//! rd::capture(&RdService, &PidOptions) -> Result<PidData, RdError>
//!     fType=2 answered with errCode 110 is retried once with fType=0;
//!     the HTTP deadline is the PidOptions timeout + rd::CAPTURE_MARGIN.
//! rd::PidOptions::new().f_count(1).f_type(2).timeout_ms(10_000).env("P")  (.to_xml())
//!
//! rd::parse_pid(&[u8]) -> Result<PidData, PidError>   (errCode != 0 -> PidError::Capture)
//! PidData { resp, device_info, skey, hmac, data }, .srno() .sysid() .ts() .q_score() .nm_points()
//! rd::parse_mc(&str) -> Result<DeviceCert{not_before, not_after, ..}, CertError>
//! rd::parse_ci(&str) -> Option<NaiveDate>
//! rd::lookup_error(code) -> Option<&ErrorCode { code, meaning, action }>
//! rd::scan_usb() -> Result<Vec<UsbScanner>, UsbError>, rd::identify_usb(vid, pid)
//! ```
//!
//! `RdError` variants name the port and say what to do; a capture whose `errCode` is not 0 is
//! `RdError::Capture { port, failure: CaptureFailure { code, info, sentence } }`. No error,
//! `Debug` or log line carries the PID block, the session key or the HMAC.
//!
//! The simulated RD Service for tests and `--sandbox` lives in the `sandbox` crate.
//! The protocol facts this crate relies on are in docs/rd-service.md and docs/pid-xml.md.

mod cert;
mod client;
mod discover;
mod errors;
mod generation;
mod options;
mod pid;
mod ports;
mod service;
mod transport;
mod usb;
mod xml;

pub use cert::{CertError, DeviceCert, parse_ci, parse_mc};
pub use client::{CAPTURE_MARGIN, DeviceInfoReply, capture, device_info, parse_device_info};
pub use discover::{
    DEFAULT_PROBE_TIMEOUT, DiscoverOptions, Discovery, PortFailure, discover, discover_report,
    find_ready, first_ready, probe, ready_of, ready_ports,
};
pub use errors::{CaptureFailure, ErrorCode, lookup as lookup_error};
pub use generation::{Generation, of as generation_of};
pub use options::{OptionsError, PidOptions, RdEnv};
pub use pid::{
    DeviceInfo, MAX_PID_BYTES, PidBlock, PidData, PidError, Resp, Skey, parse as parse_pid,
    parse_lenient as parse_pid_lenient,
};
pub use ports::{DEFAULT_PORTS, PortRange, PortRangeError};
pub use service::{RdService, RdServiceInfo, RdStatus, normalise_path, parse_rdservice};
pub use transport::{RdError, Scheme, XmlReplyError, is_loopback};
pub use usb::{KnownDevice, UsbError, UsbScanner, identify as identify_usb, scan as scan_usb};
pub use xml::XmlError;
