//! The daily-login use case in-process with its real parts: the simulated RD Service found by
//! discovery, the InstantPay client against the sandbox InstantPay, a SQLite ledger file, and a
//! clock the test sets (shared with the sandbox, so "today" moves for both).

use std::sync::Arc;

use ::sandbox::instantpay::{
    DEMO_ENCRYPTION_KEY, DEMO_LATITUDE, DEMO_LONGITUDE, DEMO_OUTLET_ID, SandboxConfig,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use clock::Clock;
use instantpay::Aadhaar;
use instantpay::Client;
use instantpay::Secret;
use rd_agent::ledger::{AttemptState, DayState, Ledger};
use rd_agent::login::{Deps, LoginError, LoginParams, LoginReport, LoginResult, Silent, login};
use rd_agent::login::{Direct, RdScanner};

use crate::support::TestEnv;

/// The clock the tests set (one shared handle, `clock::ManualClock`).
type SetClock = clock::ManualClock;

struct World {
    clock: SetClock,
    client: Direct,
    ledger: Ledger,
    /// The sandboxes and the ledger's directory (last: the ledger closes first).
    env: TestEnv,
}

async fn world(start: DateTime<Utc>) -> World {
    let clock = SetClock::new(start);
    let env = TestEnv::builder()
        .instantpay(SandboxConfig {
            clock: Arc::new(clock.clone()),
            ..SandboxConfig::default()
        })
        .start_async()
        .await;
    let client = Direct {
        client: Client::new(env.ipay.client_config()).unwrap(),
        key: Secret::new(DEMO_ENCRYPTION_KEY),
    };
    World {
        clock,
        client,
        ledger: env.ledger(),
        env,
    }
}

fn params(force: bool) -> LoginParams {
    LoginParams {
        latitude: DEMO_LATITUDE.into(),
        longitude: DEMO_LONGITUDE.into(),
        aadhaar: Aadhaar::demo(),
        min_qscore: 40,
        min_nmpoints: 20,
        force,
        settle_window: chrono::Duration::seconds(120),
        accept_new_device: false,
        override_declines: None,
        outlet_id: "100001".into(),
    }
}

impl World {
    async fn login(&mut self, force: bool) -> Result<LoginReport, LoginError> {
        let port = self.env.rd_port();
        let mut scanner = RdScanner::new("127.0.0.1", rd::PortRange::single(port), "P");
        login(
            Deps {
                scanner: &mut scanner,
                api: &self.client,
                ledger: &mut self.ledger,
                clock: &self.clock,
                progress: &Silent,
            },
            &params(force),
        )
        .await
    }
}

/// 2026-11-22 23:50 IST.
fn late_evening() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 18, 20, 0).unwrap()
}

#[tokio::test]
async fn a_login_expires_at_midnight_ist_and_the_next_day_needs_a_new_one() {
    let mut w = world(late_evening()).await;
    let r = w.login(false).await.unwrap();
    assert_eq!(r.result, LoginResult::LoggedIn);
    assert_eq!(
        r.expires_at,
        Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap()
    );
    // Five minutes later, still the same IST day: nothing sent.
    w.clock.set(late_evening() + Duration::minutes(5));
    let r = w.login(false).await.unwrap();
    assert_eq!(r.result, LoginResult::AlreadyLoggedIn);
    assert_eq!(w.env.ipay.state().login_requests(), 1);

    // 00:10 IST the next day: the sandbox says login required, the local check lets it through.
    let next = late_evening() + Duration::minutes(20);
    w.clock.set(next);
    assert_eq!(w.ledger.day_state(next).unwrap(), DayState::LoginRequired);
    let r = w.login(false).await.unwrap();
    assert_eq!(r.result, LoginResult::LoggedIn);
    assert_eq!(w.env.ipay.charges(), 2);
    let s = w.ledger.summary(next).unwrap();
    assert_eq!((s.charged_today, s.charged_this_month), (1, 2));
    assert_eq!(s.state, DayState::LoggedIn);
}

#[tokio::test]
async fn a_login_the_bank_cancelled_is_redone_only_with_force() {
    let mut w = world(late_evening() - Duration::hours(10)).await;
    w.login(false).await.unwrap();
    w.env.ipay.state().invalidate_login(DEMO_OUTLET_ID);
    w.clock.set(w.clock.now() + Duration::minutes(1));
    let e = w.login(false).await.unwrap_err();
    assert!(matches!(e, LoginError::LocallyLoggedIn), "{e}");
    assert_eq!(w.env.ipay.state().login_requests(), 1);
    // The remote state wins for the day's state.
    let now = w.clock.now();
    assert_eq!(w.ledger.day_state(now).unwrap(), DayState::LoginRequired);
    let r = w.login(true).await.unwrap();
    assert_eq!(r.result, LoginResult::LoggedIn);
    assert_eq!(w.env.ipay.state().login_requests(), 2);
    let rows = w.ledger.all().unwrap();
    assert!(rows.iter().all(|a| a.state == AttemptState::LoggedIn));
    assert!(
        rows.iter()
            .all(|a| a.dp_id == "MANTRA.MSIPL" && !a.srno.is_empty())
    );
}
