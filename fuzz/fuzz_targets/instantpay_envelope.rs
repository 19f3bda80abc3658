//! Fuzz InstantPay's reply parsing: the envelope, then what it means to a login and to a status
//! check, what a charged call cost (`data.pool`), and the Aadhaar decryption the sandbox applies
//! to `encryptedAadhaar`. None may panic, and every amount read prints back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use instantpay::Aadhaar;
use instantpay::{interpret_login, interpret_status, scrub_text};
use instantpay::{Amount, parse_envelope};

fuzz_target!(|data: &[u8]| {
    if let Ok(env) = parse_envelope(data) {
        let outcome = interpret_login(&env);
        let _ = outcome.charged();
        let _ = interpret_status(&env);
        let _ = scrub_text(&env.status, "secret-value");
        if let Some(pool) = env.meta().pool {
            for a in [pool.opening_balance, pool.transaction_value, pool.payable_value, pool.closing_balance]
                .into_iter()
                .flatten()
            {
                assert_eq!(Amount::parse(&a.to_string()), Some(a));
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Aadhaar::parse(text);
        if let Some(a) = Amount::parse(text) {
            assert_eq!(Amount::parse(&a.to_string()).map(|b| b.paise()), Some(a.paise()));
        }
        let _ = Aadhaar::decrypt(text, b"SandboxEncryptionKey0123456789AB");
    }
});
