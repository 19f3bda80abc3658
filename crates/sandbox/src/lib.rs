//! The embedded sandbox: a simulated RD Service and a sandbox InstantPay, for the README's first
//! command, for `rd-agent sandbox` and for the tests.

pub mod instantpay;
pub mod liveness;
pub mod rd;
