//! Who is calling, and the address lists: now crates/server-base (address.rs), shared with
//! rd-relay; re-exported here so that `connpay_server::client::…` keeps working.

pub use server_base::address::{AddressList, client_address, host};
