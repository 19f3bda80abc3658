//! InstantPay API client (DESIGN section 6). Knows nothing of the agent.

pub mod biometric;

pub use biometric::BiometricData;
