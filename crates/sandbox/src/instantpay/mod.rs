//! The sandbox InstantPay: an HTTP server on loopback that checks requests as the real API would
//! (docs/instantpay.md) and answers in its envelope with `environment: "SANDBOX"`.
//!
//! - `outletLoginStatus` answers from today's logins until midnight IST (time from a `clock::Clock`).
//! - `outletLogin` checks the five headers, every `biometricData` field, `type`, the coordinates,
//!   `externalRef` (alphanumeric, never reused: `DTX`) and `errCode`, decrypts `encryptedAadhaar`
//!   with the outlet's key and compares it with the registered Aadhaar: a mismatch is
//!   `TXN`/`LOGINREQUIRED` and charged, a match `TXN`/`LOGGEDIN` and charged; a charged reply
//!   carries `data.pool` (₹0.94 from a ₹5,000.00 wallet, less at each charge).
//! - Fault modes per path, settable while running, for the failure tests ([`Fault`]).
//! - The face-liveness routes of [`crate::liveness`] are merged in, checked by the same
//!   header check.
//!
//! Start it with [`start`] (port 0 on 127.0.0.1) or [`start_on`] (a listener you bound).

mod envelope;
mod faults;
mod handlers;
mod server;
mod state;

pub use envelope::reply;
pub use faults::Fault;
pub use handlers::BIOMETRIC_FIELDS;
pub use server::{SandboxInstantPay, router, start, start_on};
pub use state::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ENCRYPTION_KEY, DEMO_ENDPOINT_IP, DEMO_LATITUDE,
    DEMO_LONGITUDE, DEMO_OUTLET_ID, DemoOutlet, SandboxConfig, SandboxState,
};

#[cfg(test)]
mod tests {
    use super::*;
    use instantpay::DEMO_AADHAAR;
    use instantpay::validate_coordinates;

    #[test]
    fn demo_outlet_is_consistent() {
        let o = DemoOutlet::demo();
        assert_eq!(o.encryption_key.len(), 32);
        assert_eq!(o.aadhaar.expose_digits(), DEMO_AADHAAR.replace(' ', ""));
        assert!(validate_coordinates(DEMO_LATITUDE, DEMO_LONGITUDE).is_ok());
        assert!(!format!("{o:?}").contains(DEMO_CLIENT_SECRET));
        assert!(!format!("{o:?}").contains(DEMO_ENCRYPTION_KEY));
    }
}
