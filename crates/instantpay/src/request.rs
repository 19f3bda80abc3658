//! The request side of `outletLogin`: the body, the outlet's coordinates and `externalRef`.

use serde::Serialize;

use super::biometric::BiometricData;

/// The only login type rd-agent sends.
pub const DAILY_LOGIN: &str = "DAILY_LOGIN";

/// India's bounding box in decimal degrees (docs/instantpay.md).
pub(crate) const LATITUDE_RANGE: (f64, f64) = (6.0, 37.0);
pub(crate) const LONGITUDE_RANGE: (f64, f64) = (68.0, 98.0);

/// What `outletLogin` needs besides the credentials. `Debug` shows no biometric field
/// (`BiometricData`'s own `Debug` redacts them).
#[derive(Debug, Clone)]
pub struct OutletLoginRequest {
    /// Decimal degrees, 4 to 6 decimals, e.g. `"28.6139"`.
    pub latitude: String,
    pub longitude: String,
    /// Unique and alphanumeric: see [`new_external_ref`].
    pub external_ref: String,
    /// With `encryptedAadhaar` filled in.
    pub biometric_data: BiometricData,
}

/// The JSON body, with InstantPay's field names.
#[derive(Serialize)]
pub(crate) struct OutletLoginBody<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub latitude: &'a str,
    pub longitude: &'a str,
    #[serde(rename = "externalRef")]
    pub external_ref: &'a str,
    #[serde(rename = "biometricData")]
    pub biometric_data: &'a BiometricData,
}

impl OutletLoginRequest {
    pub(crate) fn body(&self) -> OutletLoginBody<'_> {
        OutletLoginBody {
            kind: DAILY_LOGIN,
            latitude: &self.latitude,
            longitude: &self.longitude,
            external_ref: &self.external_ref,
            biometric_data: &self.biometric_data,
        }
    }
}

/// Why a login request was not sent. Nothing was charged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error(
        "The {which} \"{value}\" is not decimal degrees with 4 to 6 decimals (e.g. \"28.6139\"): \
         fix outlet.{which} in the config."
    )]
    CoordinateFormat { which: &'static str, value: String },
    #[error(
        "The {which} {value} lies outside India ({min} to {max}): fix outlet.{which} in the config."
    )]
    CoordinateRange {
        which: &'static str,
        value: String,
        min: i32,
        max: i32,
    },
    #[error("The externalRef must be 1 to 40 letters and digits; this one is not.")]
    ExternalRef,
    #[error(
        "encryptedAadhaar is missing or not 44 characters: encrypt the operator's Aadhaar first."
    )]
    EncryptedAadhaar,
}

/// Check one coordinate string: optional `-`, digits, `.`, 4 to 6 decimals, inside `range`.
pub(crate) fn check_coordinate(
    which: &'static str,
    value: &str,
    range: (f64, f64),
) -> Result<(), RequestError> {
    let format_err = || RequestError::CoordinateFormat {
        which,
        value: value.chars().take(24).collect(),
    };
    let unsigned = value.strip_prefix('-').unwrap_or(value);
    let (int, frac) = unsigned.split_once('.').ok_or_else(format_err)?;
    let int_ok = (1..=3).contains(&int.len()) && int.bytes().all(|b| b.is_ascii_digit());
    let frac_ok = (4..=6).contains(&frac.len()) && frac.bytes().all(|b| b.is_ascii_digit());
    if !int_ok || !frac_ok {
        return Err(format_err());
    }
    let v: f64 = value.parse().map_err(|_| format_err())?;
    if v < range.0 || v > range.1 {
        return Err(RequestError::CoordinateRange {
            which,
            value: value.to_string(),
            min: range.0 as i32,
            max: range.1 as i32,
        });
    }
    Ok(())
}

/// Validate the outlet's latitude and longitude as InstantPay expects them.
pub fn validate_coordinates(latitude: &str, longitude: &str) -> Result<(), RequestError> {
    check_coordinate("latitude", latitude, LATITUDE_RANGE)?;
    check_coordinate("longitude", longitude, LONGITUDE_RANGE)
}

/// True when `s` is a usable `externalRef`: 1 to 40 ASCII letters and digits.
pub fn valid_external_ref(s: &str) -> bool {
    (1..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A fresh `externalRef`: `RDA`, the UTC time in milliseconds, and 8 random letters/digits
/// (24 characters). Unique across processes and machines for all practical purposes.
pub fn new_external_ref() -> String {
    use rand::Rng;
    use rand::distr::Alphanumeric;
    let millis = chrono::Utc::now().timestamp_millis().max(0);
    let tail: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(8)
        .map(|b| char::from(b).to_ascii_uppercase())
        .collect();
    format!("RDA{millis:013}{tail}")
}

/// Everything checked before a login is sent.
pub(crate) fn validate(req: &OutletLoginRequest) -> Result<(), RequestError> {
    validate_coordinates(&req.latitude, &req.longitude)?;
    if !valid_external_ref(&req.external_ref) {
        return Err(RequestError::ExternalRef);
    }
    if req.biometric_data.encrypted_aadhaar.len() != crate::aadhaar::ENCRYPTED_LEN {
        return Err(RequestError::EncryptedAadhaar);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_inside_india() {
        assert_eq!(validate_coordinates("28.6139", "77.2090"), Ok(()));
        assert_eq!(validate_coordinates("8.524139", "76.936638"), Ok(()));
        assert_eq!(validate_coordinates("6.0000", "98.0000"), Ok(()));
    }

    #[test]
    fn coordinates_refused() {
        for (lat, long) in [
            ("28.61", "77.2090"),      // too few decimals
            ("28.6139123", "77.2090"), // too many
            ("28,6139", "77.2090"),    // comma
            ("28", "77.2090"),         // no decimals
            ("", "77.2090"),
            ("+28.6139", "77.2090"),
            ("28.6139", "77.2090 "),
            ("1e1.0000", "77.2090"),
            ("NaN", "77.2090"),
            ("28.6139", "7720.9000"),
        ] {
            assert!(
                matches!(
                    validate_coordinates(lat, long),
                    Err(RequestError::CoordinateFormat { .. })
                ),
                "{lat} {long}"
            );
        }
        for (lat, long) in [
            ("51.5074", "77.2090"),  // London's latitude
            ("28.6139", "-0.1278"),  // Greenwich
            ("-28.6139", "77.2090"), // southern hemisphere
            ("37.0001", "77.2090"),
            ("28.6139", "67.9999"),
        ] {
            assert!(
                matches!(
                    validate_coordinates(lat, long),
                    Err(RequestError::CoordinateRange { .. })
                ),
                "{lat} {long}"
            );
        }
        let msg = validate_coordinates("51.5074", "77.2090")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("outlet.latitude"), "{msg}");
    }

    #[test]
    fn external_refs_are_unique_and_alphanumeric() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let r = new_external_ref();
            assert!(valid_external_ref(&r), "{r}");
            assert_eq!(r.len(), 24);
            assert!(seen.insert(r));
        }
        assert!(!valid_external_ref(""));
        assert!(!valid_external_ref("abc-123"));
        assert!(!valid_external_ref("abc 123"));
        assert!(!valid_external_ref(&"a".repeat(41)));
    }
}
