//! rd-agent: the daily AePS biometric login agent, and the identity toolkit around it.
//!
//! Dependency direction: the protocol modules (`rd`, `instantpay`, `connpay`) know nothing of
//! the agent; `login` orchestrates them through small traits; `agent`, `tray`, `service` and
//! `cli` sit on top.

pub mod aadhaar;
pub mod agent;
pub mod cli;
pub mod clock;
pub mod config;
pub mod connpay;
pub mod instantpay;
pub mod ledger;
pub mod liveness;
pub mod login;
pub mod rd;
pub mod redact;
pub mod sandbox;
pub mod service;
pub mod tray;
