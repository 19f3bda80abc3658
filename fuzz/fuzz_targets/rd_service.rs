//! RDSERVICE and DEVICEINFO replies, interface paths and port ranges: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rd::{normalise_path, parse_device_info};

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = rd::parse_rdservice(data) {
        assert!(info.capture_path.starts_with('/'));
        assert!(info.device_info_path.starts_with('/'));
    }
    if let Ok(reply) = parse_device_info(data) {
        let _ = reply.cert();
    }
    if let Ok(text) = std::str::from_utf8(data) {
        assert!(normalise_path(text).starts_with('/'));
        if let Ok(range) = text.parse::<rd::PortRange>() {
            assert!(range.low() <= range.high() && range.low() > 0);
        }
    }
});
