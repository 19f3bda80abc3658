//! Wakes the service when a supported scanner is plugged in or out: libusb hotplug where the
//! platform has it (its event thread blocks in the kernel; libusb re-arms once a minute at
//! most), else a poll of the USB bus once a minute.

use std::sync::Arc;
use std::time::Duration;

use rusb::UsbContext;

use super::{Agent, Trigger};

/// Poll period when there is no hotplug.
pub(crate) const POLL: Duration = Duration::from_secs(60);

struct Watch(Arc<Agent>);

impl Watch {
    fn fire<T: UsbContext>(&self, device: &rusb::Device<T>, what: &str) {
        if let Ok(d) = device.device_descriptor()
            && let Some(k) = rd::identify_usb(d.vendor_id(), d.product_id())
        {
            tracing::info!(device = k.name, what, "scanner USB change");
            self.0.trigger(Trigger::Usb);
        }
    }
}

impl<T: UsbContext> rusb::Hotplug<T> for Watch {
    fn device_arrived(&mut self, device: rusb::Device<T>) {
        self.fire(&device, "plugged in");
    }
    fn device_left(&mut self, device: rusb::Device<T>) {
        self.fire(&device, "unplugged");
    }
}

/// Whether libusb can run here at all. `rusb`'s global context panics when libusb cannot
/// initialise (a container without /dev/bus/usb), so every USB call goes through this check.
pub(crate) fn usable() -> bool {
    static OK: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *OK.get_or_init(|| rusb::Context::new().is_ok())
}

/// The supported scanners on USB, or `None` when USB cannot be read here.
pub(crate) fn scan() -> Option<Vec<rd::UsbScanner>> {
    if !usable() {
        return None;
    }
    rd::scan_usb().ok()
}

/// Start watching. Returns which method is in use ("hotplug", "poll" or "none").
pub(crate) fn watch(agent: Arc<Agent>) -> &'static str {
    if !usable() {
        tracing::warn!(
            "USB cannot be read here: scanner changes are noticed on the hourly re-check"
        );
        return "none";
    }
    if start_hotplug(agent.clone()).is_ok() {
        return "hotplug";
    }
    tokio::spawn(async move {
        let key = |v: Option<Vec<rd::UsbScanner>>| {
            let mut k: Vec<_> = v
                .unwrap_or_default()
                .iter()
                .map(|s| (s.bus, s.address))
                .collect();
            k.sort_unstable();
            k
        };
        let mut last = key(scan());
        loop {
            tokio::time::sleep(POLL).await;
            let now = key(tokio::task::spawn_blocking(scan).await.ok().flatten());
            if now != last {
                last = now;
                agent.trigger(Trigger::Usb);
            }
        }
    });
    "poll"
}

fn start_hotplug(agent: Arc<Agent>) -> rusb::Result<()> {
    let ctx = rusb::Context::new()?;
    let mut builder = rusb::HotplugBuilder::new();
    builder.enumerate(false);
    let reg: rusb::Registration<rusb::Context> = builder.register(&ctx, Box::new(Watch(agent)))?;
    std::thread::Builder::new()
        .name("rd-agent-usb".into())
        .spawn(move || {
            let _keep = reg;
            loop {
                if let Err(e) = ctx.handle_events(None) {
                    tracing::warn!(error = %e, "USB hotplug stopped");
                    return;
                }
            }
        })
        .map_err(|_| rusb::Error::Other)?;
    Ok(())
}
