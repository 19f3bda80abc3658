//! Fuzz InstantPay's reply parsing: the envelope, then what it means to a login and to a status
//! check, and the Aadhaar decryption the sandbox applies to `encryptedAadhaar`. None may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use instantpay::aadhaar::Aadhaar;
use instantpay::client::{interpret_login, interpret_status, scrub_text};
use instantpay::parse_envelope;

fuzz_target!(|data: &[u8]| {
    if let Ok(env) = parse_envelope(data) {
        let outcome = interpret_login(&env);
        let _ = outcome.charged();
        let _ = interpret_status(&env);
        let _ = scrub_text(&env.status, "secret-value");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Aadhaar::parse(text);
        let _ = Aadhaar::decrypt(text, b"SandboxEncryptionKey0123456789AB");
    }
});
