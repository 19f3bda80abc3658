//! The service's IPC request line parser: any bytes a local client sends.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rd_agent::agent::ipc::{parse_message, parse_request};

fuzz_target!(|data: &[u8]| {
    let _ = parse_request(data);
    // And the client side: whatever a (broken) service sends back.
    let _ = parse_message(data);
});
