//! connpay-server's reading of who the client is: any bytes as X-Forwarded-For values from a
//! trusted proxy, and any string as an address list. Nothing may panic, a list reads back as
//! it prints, the answer is the same every time, and an untrusted peer's header is never read.
#![no_main]

use std::net::IpAddr;

use http::{HeaderMap, HeaderValue};
use connpay_server::AddressList;
use connpay_server::client_address;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(list) = AddressList::parse(&text) {
        // What a list prints, it parses back to the same list.
        assert_eq!(AddressList::parse(&list.to_string()).as_ref(), Ok(&list));
    }
    let proxies = AddressList::parse("10.0.0.0/8,::1").unwrap();
    let peer: IpAddr = "10.1.2.3".parse().unwrap();
    let mut headers = HeaderMap::new();
    for part in data.split(|b| *b == b'\n') {
        if let Ok(v) = HeaderValue::from_bytes(part) {
            headers.append("x-forwarded-for", v);
        }
    }
    let client = client_address(peer, &headers, &proxies);
    assert_eq!(client, client_address(peer, &headers, &proxies));
    // The header of a peer that is not a trusted proxy is never read.
    assert_eq!(client_address(peer, &headers, &AddressList::default()), Some(peer));
});
