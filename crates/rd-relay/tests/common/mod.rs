//! What the relay's tests share: a relay in-process over SQLite or PostgreSQL with the
//! sandbox InstantPay behind it, and a capture as an agent sends it.
#![allow(dead_code)] // each test file uses its own part

use std::sync::Arc;
use std::time::Duration;

use clock::{Clock, SystemClock};
use instantpay::BiometricData;
use instantpay::Secret;
use rd_relay::{Relay, Settings};
use relay_api::{LoginRequest, RelayClient};
use sandbox::instantpay::{DEMO_OUTLET_ID, SandboxInstantPay};

pub(crate) const AADHAAR: &str = "999941057058";
pub(crate) const PG_ENV: &str = "RD_AGENT_TEST_POSTGRES_URL";

/// A schema of its own in the test PostgreSQL, or `None` off CI without one. In CI a missing
/// database fails the test: a lane that cannot run must not pass.
// The skip is said on the test's stderr, where a person running the suite looks.
#[allow(clippy::print_stderr)]
pub(crate) async fn postgres_url() -> Option<String> {
    let Ok(base) = std::env::var(PG_ENV) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{PG_ENV} is not set in CI: .ci/run must start PostgreSQL"
        );
        eprintln!("NOTICE: {PG_ENV} is not set; skipping the PostgreSQL run of this test");
        return None;
    };
    Some(pgconn::fresh_schema(&base, "relay").await)
}

pub(crate) struct World {
    pub dir: tempfile::TempDir,
    pub ipay: SandboxInstantPay,
    pub relay: Arc<Relay>,
    pub url: String,
}

/// The sandbox relay on a loopback port, over a SQLite file in a temp dir.
pub(crate) async fn world(settings: Settings) -> World {
    world_on(None, settings).await
}

/// The same over `db` (a PostgreSQL URL), or SQLite when `None`.
pub(crate) async fn world_on(db: Option<String>, settings: Settings) -> World {
    world_at(db, settings, Arc::new(SystemClock)).await
}

/// The same with the relay on `clock` (the sandbox InstantPay keeps the real time).
pub(crate) async fn world_at(
    db: Option<String>,
    settings: Settings,
    clock: Arc<dyn Clock>,
) -> World {
    let dir = tempfile::tempdir().unwrap();
    let db = db.unwrap_or_else(|| dir.path().join("relay.sqlite3").display().to_string());
    let store = rd_relay::Store::open(&db).await.unwrap();
    let s = rd_relay::start_demo(store, settings, clock).await.unwrap();
    let url = rd_relay::serve_on_loopback(s.relay.clone()).await.unwrap();
    World {
        dir,
        ipay: s.instantpay,
        relay: s.relay,
        url,
    }
}

impl World {
    /// A PC enrolled through the relay's own enrolment call.
    pub(crate) async fn device(&self) -> RelayClient {
        let code = rd_relay::issue_code(&self.relay, DEMO_OUTLET_ID, chrono::Duration::hours(1))
            .await
            .unwrap()
            .unwrap();
        let reply = relay_api::enroll(&self.url, &code, "test pc")
            .await
            .unwrap();
        assert_eq!(reply.outlet_id, DEMO_OUTLET_ID);
        RelayClient::new(&self.url, Secret::new(reply.token), Duration::from_secs(30)).unwrap()
    }
}

pub(crate) fn login_request() -> LoginRequest {
    LoginRequest {
        external_ref: instantpay::new_external_ref(),
        biometric_data: capture(),
        aadhaar: AADHAAR.into(),
        override_declines: false,
    }
}

/// A capture as an agent sends it: every field filled, `encryptedAadhaar` left to the relay.
pub(crate) fn capture() -> BiometricData {
    BiometricData {
        dc: "dc".into(),
        // The UIDAI key's expiry: a past one is refused (KEY_EXPIRED).
        ci: "20291021".into(),
        hmac: "HMACHMAC".into(),
        dp_id: "MANTRA.MSIPL".into(),
        mc: "MC".into(),
        pid_data_type: "X".into(),
        session_key: "SESSIONKEY".into(),
        mi: "MFS100".into(),
        rds_id: "MANTRA.WIN.001".into(),
        err_code: "0".into(),
        err_info: "Success".into(),
        f_count: "1".into(),
        f_type: "2".into(),
        i_count: "0".into(),
        i_type: "0".into(),
        p_count: "0".into(),
        p_type: "0".into(),
        srno: "2990123".into(),
        sysid: "SYS".into(),
        ts: "2026-12-02T09:00:00+05:30".into(),
        pid_data: "PIDBLOCKPIDBLOCK".into(),
        q_score: "74".into(),
        nm_points: "41".into(),
        rds_ver: "1.0.4".into(),
        ..BiometricData::default()
    }
}
