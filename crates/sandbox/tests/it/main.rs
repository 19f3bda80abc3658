//! The sandbox's tests, and the protocol crates' tests that need it (instantpay's client against
//! the sandbox InstantPay, rd's client against the simulated RD Service), in one binary: they
//! live here rather than in crates/instantpay or crates/rd, whose dev-dependency on the sandbox
//! would be a cycle (the sandbox depends on both).

mod instantpay_sandbox;
mod instantpay_wire;
mod rd_documents;
mod rd_simulator;
mod support;
