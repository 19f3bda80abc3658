//! Which generation of registered device a scanner is: UIDAI moved AePS authentication to L1
//! devices (the PID is signed and encrypted inside the device's own secure element), and L0
//! devices (signed by software on the PC) were to be switched off after 30 June 2025.
//!
//! What the device declares (`device_type`), else one table by the device's `dpId` and `mi`
//! (its model), easy to correct. A model that is not
//! in it is `Unknown`, never a guess. The generation is shown to the operator (`devices`,
//! `doctor`, the tray); it never blocks a login: UIDAI decides, and says so with 553-557.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Generation {
    L0,
    L1,
    Unknown,
}

/// `(dpId, mi, generation)`; `mi` is compared without case and spaces.
///
/// Sources: the real PIDs in rd-fixtures/real (MFS100 with rdsId MANTRA.WIN.001, signed on the
/// PC; MFS110 with rdsId RENESAS.MANTRA.001, the device's secure element) and Mantra's L1
/// notice. Other L1 models (Mantra MIS100 V2, Startek FM220U L1, IDEMIA MSO 1300 E3) go in
/// when a real DEVICEINFO shows the `dpId` and `mi` they report; until then they are unknown.
const KNOWN: &[(&str, &str, Generation)] = &[
    ("MANTRA.MSIPL", "MFS100", Generation::L0),
    ("MANTRA.MSIPL", "MFS110", Generation::L1),
];

fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .flat_map(char::to_uppercase)
        .collect()
}

/// The generation of a device: what its DEVICEINFO declares (`Param device_type`, as Mantra's
/// L1 services send), else the table.
pub fn of(di: &crate::pid::DeviceInfo) -> Generation {
    match di.param("device_type").map(squeeze).as_deref() {
        Some("L1") => Generation::L1,
        Some("L0") => Generation::L0,
        _ => generation(&di.dp_id, &di.mi),
    }
}

/// The generation of the device `dp_id`/`mi`, from the table.
pub(crate) fn generation(dp_id: &str, mi: &str) -> Generation {
    let (dp, model) = (squeeze(dp_id), squeeze(mi));
    if model.is_empty() {
        return Generation::Unknown;
    }
    KNOWN
        .iter()
        .find(|(d, m, _)| squeeze(d) == dp && squeeze(m) == model)
        .map_or(Generation::Unknown, |(_, _, g)| *g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_models_and_the_rest() {
        assert_eq!(generation("MANTRA.MSIPL", "MFS110"), Generation::L1);
        assert_eq!(generation("MANTRA.MSIPL", "MFS100"), Generation::L0);
        assert_eq!(generation("mantra.msipl", "mfs 110"), Generation::L1);
        // The same model name from another provider, an empty or unknown model: unknown.
        assert_eq!(generation("OTHER.DP", "MFS110"), Generation::Unknown);
        assert_eq!(generation("STARTEK.ACPL", "FM220U"), Generation::Unknown);
        assert_eq!(generation("MANTRA.MSIPL", ""), Generation::Unknown);
        assert_eq!(generation("", "\u{0}garbage"), Generation::Unknown);
    }

    #[test]
    fn what_the_device_declares_comes_first() {
        let mut di = crate::pid::DeviceInfo {
            dp_id: "OTHER.DP".into(),
            mi: "X1".into(),
            ..Default::default()
        };
        assert_eq!(of(&di), Generation::Unknown);
        di.params.push(("device_type".into(), "L1".into()));
        assert_eq!(of(&di), Generation::L1);
        di.params[0].1 = "l0".into();
        assert_eq!(of(&di), Generation::L0);
        di.params[0].1 = "Level 9".into();
        assert_eq!(of(&di), Generation::Unknown);
    }
}
