//! The relay in front of the embedded sandbox InstantPay and its demo outlet: what
//! `rd-relay --sandbox` runs, and what the tests of the relay and of the agent's relay mode
//! start. Public test values only (crates/sandbox/src/instantpay/state.rs).

use std::sync::Arc;

use clock::Clock;
use sandbox::instantpay::{
    self as ipay, DEMO_LATITUDE, DEMO_LONGITUDE, DemoOutlet, SandboxConfig, SandboxInstantPay,
};

use crate::store::{Outlet, Store};
use crate::{Relay, Settings};

pub struct SandboxRelay {
    pub instantpay: SandboxInstantPay,
    pub relay: Arc<Relay>,
}

/// Start the sandbox InstantPay on a free loopback port and a relay over `store` that holds
/// the demo credentials, with the demo outlet registered. Enrolment replies carry the demo
/// outlet's test Aadhaar.
pub async fn start(
    store: Store,
    mut settings: Settings,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<SandboxRelay> {
    let instantpay = ipay::start(SandboxConfig::default()).await?;
    let demo = DemoOutlet::demo();
    settings.sandbox_aadhaar = Some(demo.aadhaar.expose_digits().to_string());
    let client = instantpay::Client::new(demo.client_config(instantpay.base_url()))?;
    let relay = Arc::new(Relay::new(
        store,
        client,
        demo.encryption_key.clone(),
        clock.clone(),
        settings,
    ));
    relay
        .store
        .put_outlet(
            &Outlet {
                outlet_id: demo.outlet_id.clone(),
                latitude: DEMO_LATITUDE.into(),
                longitude: DEMO_LONGITUDE.into(),
                name: "Sandbox demo outlet".into(),
            },
            clock.now(),
        )
        .await?;
    Ok(SandboxRelay { instantpay, relay })
}
