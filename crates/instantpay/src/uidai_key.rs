//! The UIDAI public key a PID was encrypted with. `Skey@ci` is that certificate's expiry date,
//! `YYYYMMDD` (Aadhaar Authentication API 2.5). UIDAI refuses a PID whose key has expired
//! (its errors 500 and 501) and the platform still charges the attempt, so a PID with a past
//! `ci` is never sent (docs/instantpay.md, "The UIDAI key"). An RD Service that is never
//! updated keeps such a key.

use chrono::NaiveDate;

/// How many days ahead of the key's expiry `status` and `doctor` start to warn.
pub(crate) const KEY_WARN_DAYS: i64 = 30;

/// What a PID's `ci` says on a given IST day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCheck {
    /// Usable; the key expires at the end of this day.
    Current { expires: NaiveDate },
    /// Expired on this day, before today: UIDAI will refuse the PID.
    Expired { expired: NaiveDate },
    /// Not a `YYYYMMDD` date: passed on unchanged (the caller logs a warning).
    Unreadable,
}

impl KeyCheck {
    /// Judge `ci` on `today` (an IST date: InstantPay's, where one is at hand).
    pub fn of(ci: &str, today: NaiveDate) -> KeyCheck {
        match key_expiry(ci) {
            Some(d) if d < today => KeyCheck::Expired { expired: d },
            Some(d) => KeyCheck::Current { expires: d },
            None => KeyCheck::Unreadable,
        }
    }

    /// Expires within `KEY_WARN_DAYS` of `today` (or has expired).
    pub fn warn(self, today: NaiveDate) -> bool {
        match self {
            KeyCheck::Current { expires } => (expires - today).num_days() < KEY_WARN_DAYS,
            KeyCheck::Expired { .. } => true,
            KeyCheck::Unreadable => false,
        }
    }
}

/// `ci` as a date: exactly eight ASCII digits forming a real calendar day.
pub(crate) fn key_expiry(ci: &str) -> Option<NaiveDate> {
    let ci = ci.trim();
    if ci.len() != 8 || !ci.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(ci, "%Y%m%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn past_keys_are_expired_and_the_last_day_still_counts() {
        let today = day(2026, 12, 7);
        assert_eq!(
            KeyCheck::of("20261206", today),
            KeyCheck::Expired {
                expired: day(2026, 12, 6)
            }
        );
        // The certificate is valid through its date.
        assert_eq!(
            KeyCheck::of("20261207", today),
            KeyCheck::Current {
                expires: day(2026, 12, 7)
            }
        );
        // A real sample's key (rd-fixtures/real/mantra_mfs100_pid.xml) is long gone.
        assert!(matches!(
            KeyCheck::of("20221021", today),
            KeyCheck::Expired { .. }
        ));
        assert!(!KeyCheck::of("20291021", today).warn(today));
        assert!(KeyCheck::of("20270105", today).warn(today));
        assert!(!KeyCheck::of("20270106", today).warn(today));
    }

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        let today = day(2026, 12, 7);
        for ci in [
            "",
            "2026120",
            "202612070",
            "2026-12-07",
            "20261332",
            "20260230",
            "abcdefgh",
            "２０２６１２０７",
            "\u{0}",
            " 20261207x",
        ] {
            assert_eq!(KeyCheck::of(ci, today), KeyCheck::Unreadable, "{ci:?}");
        }
        assert_eq!(key_expiry(" 20291021\n"), Some(day(2029, 10, 21)));
        assert_eq!(key_expiry(&"9".repeat(100_000)), None);
    }
}
