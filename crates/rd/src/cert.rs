//! The device certificate (`mc`, base64 DER X.509) and the UIDAI certificate id (`ci`, a date).
//! `mc`'s notAfter usually tells when the vendor's RD subscription must be renewed.

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// What the agent needs from the device certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceCert {
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub subject: String,
    pub issuer: String,
}

/// Why `mc` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    #[error("the device certificate (mc) is empty")]
    Empty,
    #[error("the device certificate (mc) is not base64")]
    NotBase64,
    #[error("the device certificate (mc) is not an X.509 certificate: {0}")]
    NotX509(String),
    #[error("the device certificate (mc) has a validity date out of range")]
    BadDate,
}

impl DeviceCert {
    /// Whole days from `now` until expiry; negative once expired.
    pub fn days_left(&self, now: DateTime<Utc>) -> i64 {
        (self.not_after - now).num_days()
    }

    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now > self.not_after
    }
}

/// Parse `mc` (base64 DER, whitespace tolerated).
pub fn parse_mc(mc: &str) -> Result<DeviceCert, CertError> {
    let compact: String = mc.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(CertError::Empty);
    }
    let der = base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&compact))
        .map_err(|_| CertError::NotBase64)?;
    let (_, cert) = x509_parser::parse_x509_certificate(&der)
        .map_err(|e| CertError::NotX509(e.to_string().chars().take(120).collect()))?;
    let validity = cert.validity();
    let to_utc = |t: i64| DateTime::<Utc>::from_timestamp(t, 0).ok_or(CertError::BadDate);
    Ok(DeviceCert {
        not_before: to_utc(validity.not_before.timestamp())?,
        not_after: to_utc(validity.not_after.timestamp())?,
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
    })
}

/// `ci` (`yyyyMMdd`) as a date, when it is one.
pub fn parse_ci(ci: &str) -> Option<NaiveDate> {
    let ci = ci.trim();
    if ci.len() != 8 || !ci.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(ci, "%Y%m%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_dates() {
        assert_eq!(parse_ci("20221021"), NaiveDate::from_ymd_opt(2022, 10, 21));
        assert_eq!(parse_ci(" 20280813 "), NaiveDate::from_ymd_opt(2028, 8, 13));
        assert_eq!(parse_ci("20221399"), None);
        assert_eq!(parse_ci("2022102"), None);
        assert_eq!(parse_ci("abcdefgh"), None);
    }

    #[test]
    fn bad_mc() {
        assert_eq!(parse_mc(""), Err(CertError::Empty));
        assert_eq!(parse_mc("[Certificate]"), Err(CertError::NotBase64));
        assert!(matches!(parse_mc("aGVsbG8="), Err(CertError::NotX509(_))));
    }
}
