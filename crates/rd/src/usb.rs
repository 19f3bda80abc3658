//! USB presence of a fingerprint scanner, so the agent can tell "the scanner is not plugged in"
//! apart from "the RD Service is not running". Enumerates only: the RD Service owns the device,
//! so it is never opened.

use serde::Serialize;

/// A known scanner model by USB vendor id and, when known, product id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KnownDevice {
    pub vendor_id: u16,
    /// `None`: match any product of this vendor (Startek's FM220U id is not published).
    pub product_id: Option<u16>,
    pub name: &'static str,
}

const fn dev(vendor_id: u16, product_id: Option<u16>, name: &'static str) -> KnownDevice {
    KnownDevice {
        vendor_id,
        product_id,
        name,
    }
}

/// docs/rd-service.md, "USB presence". Exact product matches come before vendor-wide ones.
pub(crate) const KNOWN: &[KnownDevice] = &[
    dev(0x2c0f, Some(0x1005), "Mantra MFS100"),
    dev(0x225d, Some(0x000a), "Morpho MSO1300-E3"),
    dev(0x225d, Some(0x000b), "Morpho MSO1300-V3"),
    dev(0x225d, Some(0x0008), "Morpho CBM-E3"),
    dev(0x079b, Some(0x0047), "Morpho MSO1300 (older)"),
    dev(0x1162, Some(0x0320), "SecuGen Hamster Plus"),
    dev(0x1162, Some(0x0322), "SecuGen SDU03M"),
    dev(0x1162, Some(0x0330), "SecuGen Hamster IV"),
    dev(0x1162, Some(0x1000), "SecuGen SDU03P"),
    dev(0x1162, Some(0x2000), "SecuGen SDU04P (Hamster Pro 20)"),
    dev(0x1162, Some(0x2200), "SecuGen SDU05 (Hamster Pro)"),
    dev(0x0bca, None, "Startek (FM220U or similar)"),
];

/// The scanner model for a VID:PID, if it is one we know.
pub fn identify(vendor_id: u16, product_id: u16) -> Option<&'static KnownDevice> {
    KNOWN
        .iter()
        .find(|d| d.vendor_id == vendor_id && d.product_id == Some(product_id))
        .or_else(|| {
            KNOWN
                .iter()
                .find(|d| d.vendor_id == vendor_id && d.product_id.is_none())
        })
}

/// A scanner found on the USB bus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsbScanner {
    pub vendor_id: u16,
    pub product_id: u16,
    pub name: &'static str,
    pub bus: u8,
    pub address: u8,
}

/// USB could not be enumerated (no permission, no USB subsystem in a container).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not list USB devices ({0}); check that this user may read the USB bus")]
pub struct UsbError(String);

/// Every known scanner on the bus. Reads descriptors only; never opens a device.
pub fn scan() -> Result<Vec<UsbScanner>, UsbError> {
    // A context of our own: rusb's global one panics where libusb cannot start (containers).
    use rusb::UsbContext as _;
    let context = rusb::Context::new().map_err(|e| UsbError(e.to_string()))?;
    let devices = context.devices().map_err(|e| UsbError(e.to_string()))?;
    let mut found = Vec::new();
    for device in devices.iter() {
        let Ok(desc) = device.device_descriptor() else {
            continue;
        };
        if let Some(known) = identify(desc.vendor_id(), desc.product_id()) {
            found.push(UsbScanner {
                vendor_id: desc.vendor_id(),
                product_id: desc.product_id(),
                name: known.name,
                bus: device.bus_number(),
                address: device.address(),
            });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_exact_then_vendor() {
        assert_eq!(
            identify(0x2c0f, 0x1005).map(|d| d.name),
            Some("Mantra MFS100")
        );
        assert_eq!(
            identify(0x225d, 0x000a).map(|d| d.name),
            Some("Morpho MSO1300-E3")
        );
        assert_eq!(
            identify(0x1162, 0x2200).map(|d| d.name),
            Some("SecuGen SDU05 (Hamster Pro)")
        );
        assert!(identify(0x0bca, 0x1234).is_some_and(|d| d.name.starts_with("Startek")));
        assert!(identify(0x1162, 0x9999).is_none());
        assert!(identify(0x2c0f, 0x0001).is_none());
        assert!(identify(0x8086, 0x1005).is_none());
    }
}
