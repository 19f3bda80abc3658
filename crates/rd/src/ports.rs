//! The range of loopback ports RD Services are looked for on (`rd.ports`, `--ports`).

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

/// An inclusive port range, `LOW-HIGH` with 1 <= LOW <= HIGH; a single port is `N`.
/// Written and read as text, so `config.toml` and the command line spell it the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PortRange {
    low: u16,
    high: u16,
}

/// The range vendors' RD Services listen on.
pub const DEFAULT_PORTS: PortRange = PortRange {
    low: 11100,
    high: 11120,
};

impl PortRange {
    /// `low..=high`; `None` unless 1 <= low <= high.
    pub fn new(low: u16, high: u16) -> Option<PortRange> {
        (low != 0 && low <= high).then_some(PortRange { low, high })
    }

    /// One port.
    pub fn single(port: u16) -> PortRange {
        PortRange {
            low: port,
            high: port,
        }
    }

    pub fn low(&self) -> u16 {
        self.low
    }

    pub fn high(&self) -> u16 {
        self.high
    }

    pub fn range(&self) -> RangeInclusive<u16> {
        self.low..=self.high
    }

    pub fn contains(&self, port: u16) -> bool {
        self.range().contains(&port)
    }
}

impl Default for PortRange {
    fn default() -> Self {
        DEFAULT_PORTS
    }
}

impl FromStr for PortRange {
    type Err = PortRangeError;

    /// `"11100-11120"` or `"11100"`, spaces around the parts tolerated.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let err = || PortRangeError(s.chars().take(40).collect());
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        let num = |x: &str| x.trim().parse::<u16>().ok().filter(|&p| p != 0);
        match (num(a), num(b)) {
            (Some(low), Some(high)) if low <= high => Ok(PortRange { low, high }),
            _ => Err(err()),
        }
    }
}

impl TryFrom<String> for PortRange {
    type Error = PortRangeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<PortRange> for String {
    fn from(r: PortRange) -> String {
        r.to_string()
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.low == self.high {
            write!(f, "{}", self.low)
        } else {
            write!(f, "{}-{}", self.low, self.high)
        }
    }
}

/// A port range string that is not `LOW-HIGH` with 1 <= LOW <= HIGH <= 65535.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a port range; write a port or LOW-HIGH, e.g. 11100-11120")]
pub struct PortRangeError(String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_single_ports() {
        assert_eq!("11100-11120".parse(), Ok(DEFAULT_PORTS));
        assert_eq!(" 11100 - 11120 ".parse(), Ok(DEFAULT_PORTS));
        assert_eq!("11150".parse(), Ok(PortRange::single(11150)));
        assert_eq!(PortRange::single(11150).to_string(), "11150");
        assert_eq!(DEFAULT_PORTS.to_string(), "11100-11120");
        assert_eq!(DEFAULT_PORTS.range().count(), 21);
    }

    #[test]
    fn garbage_is_an_error_that_quotes_the_input() {
        for bad in [
            "", "-", "0", "0-5", "9-1", "1-70000", "abc", "11100-", "1-2-3",
        ] {
            let e = bad.parse::<PortRange>().unwrap_err();
            assert!(e.to_string().contains("LOW-HIGH"), "{bad}: {e}");
        }
    }

    #[test]
    fn port_ranges() {
        assert_eq!(PortRange::from_str("11100-11120"), Ok(DEFAULT_PORTS));
        assert_eq!(PortRange::from_str(" 8005 "), Ok(PortRange::single(8005)));
        assert_eq!(
            PortRange::from_str("11100 - 11101"),
            Ok(PortRange {
                low: 11100,
                high: 11101
            })
        );
        assert!(PortRange::from_str("11120-11100").is_err());
        assert!(PortRange::from_str("0-10").is_err());
        assert!(PortRange::from_str("70000").is_err());
        assert!(PortRange::from_str("abc").is_err());
        assert!(PortRange::from_str("").is_err());
    }
}
