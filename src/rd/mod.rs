//! The RD Service protocol (DESIGN section 5): discovery, DEVICEINFO, CAPTURE, PidOptions,
//! PidData parsing, error codes, USB presence. Knows nothing of InstantPay or the agent.

pub mod pid;

pub use pid::PidData;
