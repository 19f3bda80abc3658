//! The outlet's position as InstantPay takes it: decimal degrees as text, `.` separator, 4 to 6
//! decimals, inside India (docs/instantpay.md). Checked once, when the value is made.

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
                check_coordinate($which, s, $range)?;
                Ok($name(s.to_string()))
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
}
