//! InstantPay API client (DESIGN section 6). Knows nothing of the agent.

pub mod biometric;
pub mod liveness;

pub use biometric::BiometricData;
