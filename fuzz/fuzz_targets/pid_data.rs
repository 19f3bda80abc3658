//! PidData parsing: any bytes give a PidData or an error, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use instantpay::BiometricData;
use rd::{parse_ci, parse_mc, parse_pid, parse_pid_lenient};

fuzz_target!(|data: &[u8]| {
    let _ = parse_pid_lenient(data);
    if let Ok(p) = parse_pid(data) {
        let bio = BiometricData::from_pid(&p);
        let _ = serde_json::to_string(&bio);
        let _ = format!("{p:?} {bio:?}");
        let _ = parse_mc(&p.device_info.mc);
        let _ = parse_ci(&p.skey.ci);
        let _ = (p.srno(), p.sysid(), p.ts(), p.q_score(), p.nm_points());
    }
});
