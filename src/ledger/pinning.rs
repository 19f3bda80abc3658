//! The shop's scanner: the device of the last successful login, compared with the next one.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Ledger, LedgerError, parse_ts, ts};

/// The scanner a login used: who made it, the model, its serial and its certificate's
/// fingerprint (the `mc` of its PID block). A login compares the next capture's device with
/// the pinned one (src/login/mod.rs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    pub dp_id: String,
    pub mi: String,
    pub srno: String,
    /// SHA-256 of the device certificate, hex: it changes when the certificate is renewed.
    pub mc_sha256: String,
}

impl Device {
    /// The same scanner: the same maker and serial. A new certificate alone is a renewal.
    pub(crate) fn same_scanner(&self, other: &Device) -> bool {
        self.dp_id == other.dp_id && self.srno == other.srno
    }
}

impl std::fmt::Display for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} serial {}", self.dp_id, self.mi, self.srno)
    }
}

/// The pinned scanner and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pinned {
    pub device: Device,
    pub(crate) pinned_at: DateTime<Utc>,
    /// Where its RD Service answered at the last login, when known.
    pub(crate) rd_port: Option<u16>,
}

impl Ledger {
    /// The scanner of the last successful login, if one was pinned.
    pub fn pinned_device(&self) -> Result<Option<Pinned>, LedgerError> {
        let row = self
            .conn
            .query_row(
                "SELECT dp_id, mi, srno, mc_sha256, pinned_at, rd_port FROM pinned_device
                 WHERE id = 1",
                [],
                |r| {
                    Ok((
                        Device {
                            dp_id: r.get(0)?,
                            mi: r.get(1)?,
                            srno: r.get(2)?,
                            mc_sha256: r.get(3)?,
                        },
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<i64>>(5)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(device, at, port)| {
            Ok(Pinned {
                pinned_at: parse_ts("pinned_device", "pinned_at", &at)?,
                device,
                // A port out of range is a hint lost, not an error: the range is scanned.
                rd_port: port.and_then(|p| u16::try_from(p).ok()),
            })
        })
        .transpose()
    }

    /// Remember `device` as this shop's scanner (replacing the one before).
    pub fn pin_device(&self, device: &Device, now: DateTime<Utc>) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT INTO pinned_device (id, dp_id, mi, srno, mc_sha256, pinned_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET dp_id = ?1, mi = ?2, srno = ?3, mc_sha256 = ?4,
                pinned_at = ?5",
            params![
                device.dp_id,
                device.mi,
                device.srno,
                device.mc_sha256,
                ts(now)
            ],
        )?;
        Ok(())
    }

    /// Remember where the pinned scanner's RD Service answered (nothing without a pinned one).
    pub(crate) fn set_pinned_port(&self, port: u16) -> Result<(), LedgerError> {
        self.conn.execute(
            "UPDATE pinned_device SET rd_port = ?1 WHERE id = 1",
            params![i64::from(port)],
        )?;
        Ok(())
    }
}
