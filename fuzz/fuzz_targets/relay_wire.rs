//! The login relay's wire format, both ways: any bytes as a reply the agent reads (with the
//! statuses that matter), and as a login or enrolment body the relay reads. Nothing may panic;
//! a login reply may say "not sent" only for the relay's own refusal, and no error quotes an
//! Aadhaar-like number from the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relay_api::{interpret_login_reply, interpret_reply};
use relay_api::{AttemptReply, EnrollReply, EnrollRequest, LoginRequest, Refusal};

fuzz_target!(|data: &[u8]| {
    for status in [200u16, 400, 401, 403, 409, 429, 502, 503, 504] {
        if let Err(e) = interpret_login_reply(status, data) {
            assert!(e.nothing_sent());
            assert!(status != 200);
            assert!(serde_json::from_slice::<Refusal>(data).is_ok());
        }
        for text in [
            interpret_reply::<EnrollReply>("http://127.0.0.1:1", status, data).err(),
            interpret_reply::<AttemptReply>("http://127.0.0.1:1", status, data).err(),
        ]
        .into_iter()
        .flatten()
        .map(|e| e.to_string())
        {
            if status == 200 {
                assert!(!text.contains("999941057058"));
            }
        }
    }
    if let Ok(req) = serde_json::from_slice::<LoginRequest>(data)
        && let Ok(aadhaar) = rd_relay::check_request(&req)
    {
        assert_eq!(aadhaar.expose_digits().len(), 12);
        assert!(instantpay::valid_external_ref(&req.external_ref));
    }
    let _ = serde_json::from_slice::<EnrollRequest>(data);
});
