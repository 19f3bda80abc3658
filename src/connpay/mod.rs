//! The Connecting Party server for ConnPay mobile card verification (DESIGN section 7).

pub mod cli;
