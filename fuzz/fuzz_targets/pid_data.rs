//! PidData parsing: any bytes give a PidData or an error, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use instantpay::biometric::BiometricData;
use rd::{cert, pid};

fuzz_target!(|data: &[u8]| {
    let _ = pid::parse_lenient(data);
    if let Ok(p) = pid::parse(data) {
        let bio = BiometricData::from_pid(&p);
        let _ = serde_json::to_string(&bio);
        let _ = format!("{p:?} {bio:?}");
        let _ = cert::parse_mc(&p.device_info.mc);
        let _ = cert::parse_ci(&p.skey.ci);
        let _ = (p.srno(), p.sysid(), p.ts(), p.q_score(), p.nm_points());
    }
});
