//! The outlet's position as InstantPay takes it: decimal degrees as text, `.` separator, 4 to 6
//! decimals, inside India (docs/instantpay.md). Checked once, when the value is made.
//!
//! A value with 3 decimals is taken and padded to 4 ("77.209" is "77.2090"): maps and
//! spreadsheets drop a trailing zero, and the padded text is the same position. Fewer decimals
//! are refused rather than padded: "28.61" is only good to about a kilometre, and padding it
//! would send a coarse guess as if it were the shop's position.

use std::fmt;
use std::str::FromStr;

use crate::request::{LATITUDE_RANGE, LONGITUDE_RANGE, RequestError, check_coordinate};

macro_rules! coordinate {
    ($name:ident, $which:literal, $range:expr) => {
        #[doc = concat!("A checked ", $which, ", kept as the text InstantPay is sent.")]
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = RequestError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let text = padded(s);
                check_coordinate($which, &text, $range)?;
                Ok($name(text))
            }
        }

        impl TryFrom<String> for $name {
            type Error = RequestError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(c: $name) -> String {
                c.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// `s` with a fourth decimal `0` when it has exactly 3 decimal digits; otherwise as it is,
/// for the check to judge.
fn padded(s: &str) -> String {
    match s.split_once('.') {
        Some((_, frac)) if frac.len() == 3 && frac.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{s}0")
        }
        _ => s.to_string(),
    }
}

coordinate!(Latitude, "latitude", LATITUDE_RANGE);
coordinate!(Longitude, "longitude", LONGITUDE_RANGE);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_india_with_four_to_six_decimals() {
        assert_eq!("28.6139".parse::<Latitude>().unwrap().as_str(), "28.6139");
        assert!("77.209012".parse::<Longitude>().is_ok());
        assert!(matches!(
            "28.61".parse::<Latitude>(),
            Err(RequestError::CoordinateFormat { .. })
        ));
        assert!(matches!(
            "77.2090".parse::<Latitude>(),
            Err(RequestError::CoordinateRange { .. })
        ));
        assert!("28,6139".parse::<Latitude>().is_err());
        assert!("".parse::<Longitude>().is_err());
    }

    /// 3 decimals are a dropped trailing zero: kept, with the zero back. 1 or 2 are too coarse.
    #[test]
    fn three_decimals_are_padded_to_four_fewer_are_refused() {
        assert_eq!("77.209".parse::<Longitude>().unwrap().as_str(), "77.2090");
        assert_eq!("28.613".parse::<Latitude>().unwrap().to_string(), "28.6130");
        assert_eq!(
            "-0.000".parse::<Latitude>().ok(),
            None,
            "still inside India only"
        );
        for coarse in ["77.2", "77.20", "77.", "77.20a"] {
            assert!(
                matches!(
                    coarse.parse::<Longitude>(),
                    Err(RequestError::CoordinateFormat { .. })
                ),
                "{coarse}"
            );
        }
        let e = "77.2a1".parse::<Longitude>().unwrap_err();
        assert!(e.to_string().contains("\"77.2a1\""), "{e}");
    }
}
