//! The UIDAI error codes an operator meets through InstantPay's replies, found wherever they
//! appear (the `actcode`, or a number in the `status` message such as "UIDAI Error 553").
//!
//! They only choose the sentence shown to the operator: outcomes are still decided on
//! `statuscode` and `actcode` (client.rs), and no code here triggers a retry or a settle.

/// A UIDAI authentication error, by its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UidaiCode {
    /// 300: the biometric did not match the Aadhaar.
    BiometricMismatch,
    /// 330: the resident has locked their biometrics.
    BiometricsLocked,
    /// 553: the RD Service is not supported (an L0 or unregistered device).
    RdNotSupported,
    /// 554: a public device may not be used.
    PublicDevice,
    /// 555: invalid rdsId.
    InvalidRdsId,
    /// 556: invalid rdsVer.
    InvalidRdsVer,
    /// 557: invalid dpId.
    InvalidDpId,
    /// 561: the request expired (the PID's timestamp is too old).
    RequestExpired,
    /// 562: the timestamp is in the future (the PC's clock is ahead).
    TimestampInFuture,
    /// 563: a duplicate request.
    DuplicateRequest,
}

impl UidaiCode {
    pub const ALL: [UidaiCode; 10] = [
        UidaiCode::BiometricMismatch,
        UidaiCode::BiometricsLocked,
        UidaiCode::RdNotSupported,
        UidaiCode::PublicDevice,
        UidaiCode::InvalidRdsId,
        UidaiCode::InvalidRdsVer,
        UidaiCode::InvalidDpId,
        UidaiCode::RequestExpired,
        UidaiCode::TimestampInFuture,
        UidaiCode::DuplicateRequest,
    ];

    pub fn number(self) -> u16 {
        match self {
            UidaiCode::BiometricMismatch => 300,
            UidaiCode::BiometricsLocked => 330,
            UidaiCode::RdNotSupported => 553,
            UidaiCode::PublicDevice => 554,
            UidaiCode::InvalidRdsId => 555,
            UidaiCode::InvalidRdsVer => 556,
            UidaiCode::InvalidDpId => 557,
            UidaiCode::RequestExpired => 561,
            UidaiCode::TimestampInFuture => 562,
            UidaiCode::DuplicateRequest => 563,
        }
    }

    pub(crate) fn from_number(n: u16) -> Option<UidaiCode> {
        UidaiCode::ALL.into_iter().find(|c| c.number() == n)
    }

    /// The first of these codes in the reply's `actcode` or `status` text: a run of exactly
    /// three digits that is one of them, not part of a longer number ("Error 553", "(330)",
    /// "UIDAI-562"). `None` when there is none.
    pub fn find(actcode: Option<&str>, status: &str) -> Option<UidaiCode> {
        [actcode.unwrap_or(""), status]
            .into_iter()
            .find_map(|text| numbers(text).find_map(UidaiCode::from_number))
    }
}

/// Every run of exactly three ASCII digits in `text`, as a number.
fn numbers(text: &str) -> impl Iterator<Item = u16> + '_ {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 3)
        .filter_map(|run| run.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_found_in_messages_and_actcodes() {
        let find = |act: Option<&str>, s: &str| UidaiCode::find(act, s).map(UidaiCode::number);
        assert_eq!(find(None, "UIDAI Error 553: RD not supported"), Some(553));
        assert_eq!(find(None, "Auth failed (330)"), Some(330));
        assert_eq!(find(Some("562"), "Transaction failed"), Some(562));
        assert_eq!(
            find(None, "UIDAI-300 Biometric data did not match"),
            Some(300)
        );
        // Part of a longer number, or not one of these codes: nothing.
        assert_eq!(find(None, "Ref 15530 failed"), None);
        assert_eq!(find(None, "Amount 250 too low"), None);
        assert_eq!(find(None, ""), None);
        assert_eq!(find(Some("LOGINREQUIRED"), "Outlet login successful"), None);
        for c in UidaiCode::ALL {
            assert_eq!(UidaiCode::from_number(c.number()), Some(c));
        }
    }

    #[test]
    fn garbage_and_long_texts_do_not_panic() {
        let long = "9".repeat(100_000);
        assert_eq!(UidaiCode::find(Some(&long), &long), None);
        assert_eq!(UidaiCode::find(None, "\u{0}\u{FFFD}५५३"), None);
    }
}
