//! connpay-server's parsers for what arrives after check: any bytes as ConnPay's card-mapping
//! notification, any text as the merchant callback's query. Nothing may panic, whatever
//! validates is within the limits, and checking a parsed callback's control never panics.
#![no_main]

use connpay_server::ControlKey;
use connpay_server::{NotificationRequest, parse_callback_query, parse_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(n) = parse_json::<NotificationRequest>(data).and_then(|r| r.validate()) {
        assert!((1..=50).contains(&n.serial_number.chars().count()));
        assert!((1..=64).contains(&n.server_card_id.chars().count()));
        assert!((32..=128).contains(&n.access_token.chars().count()));
        assert!((16..=36).contains(&n.token.chars().count()));
        assert!(n.bin >= 0);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(q) = parse_callback_query(text) {
            for (field, max) in [(&q.status, 32), (&q.orderid, 64), (&q.client_orderid, 128)] {
                let n = field.chars().count();
                assert!(n >= 1 && n <= max);
                assert!(!field.chars().any(char::is_control));
            }
            let key = ControlKey::parse("B17F59B4-A7DC-41B4-8FF9-37D986B43D20")
                .expect("a valid key")
                .callback_key();
            let _ = key.verifies(&q.status, &q.orderid, &q.client_orderid, &q.control);
        }
    }
});
