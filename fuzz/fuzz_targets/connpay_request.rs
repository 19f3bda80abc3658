//! connpay-server request parsing: any bytes as the body of each of the three calls, and any
//! string as an invoice id or a control key. Nothing may panic, and whatever validates must be
//! within the specification's limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use connpay_server::ControlKey;
use connpay_server::{
    AccessTokenRequest, CheckRequest, InitiateRequest, parse_json, validate_invoice_id,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(serial) = parse_json::<AccessTokenRequest>(data).and_then(|r| r.validate()) {
        assert!((1..=50).contains(&serial.chars().count()));
    }
    if let Ok(i) = parse_json::<InitiateRequest>(data).and_then(|r| r.validate()) {
        assert!((1..=50).contains(&i.serial_number.chars().count()));
        assert!((32..=128).contains(&i.access_token.chars().count()));
        assert_eq!(i.currency.len(), 3);
    }
    if let Ok(c) = parse_json::<CheckRequest>(data).and_then(|r| r.validate()) {
        assert!((32..=128).contains(&c.nonce.chars().count()));
        assert!((32..=128).contains(&c.signature.chars().count()));
        assert!((16..=36).contains(&c.token.chars().count()));
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if validate_invoice_id(text).is_ok() {
            assert!(!text.is_empty() && text.len() <= 64);
        }
        if let Ok(key) = ControlKey::parse(text) {
            assert_eq!(key.check_signature("a", "b", "c", "d").len(), 40);
        }
    }
});
