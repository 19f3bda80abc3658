//! Who is calling, and the address lists: crates/server-base (address.rs), shared with
//! rd-relay; lib.rs re-exports the list and `client_address` for the tests and fuzz targets.

pub(crate) use server_base::address::host;
pub use server_base::address::{AddressList, client_address};
