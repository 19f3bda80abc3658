//! Time for every crate of the workspace, through a clock the tests can set. "Today" and "midnight" are IST (UTC+05:30, no DST);
//! everything stored is UTC.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// India Standard Time: UTC+05:30 all year.
pub fn ist() -> FixedOffset {
    FixedOffset::east_opt(5 * 3600 + 30 * 60).expect("+05:30 is a valid offset")
}

/// A source of the current time. The service and the login take one so tests can set it.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The IST calendar day that `t` falls on.
pub fn ist_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&ist()).date_naive()
}

/// The next midnight IST after `t`, in UTC: when a daily login made at `t` expires.
pub fn next_ist_midnight(t: DateTime<Utc>) -> DateTime<Utc> {
    let next_day = ist_date(t) + Duration::days(1);
    let midnight = next_day.and_hms_opt(0, 0, 0).expect("midnight exists");
    ist()
        .from_local_datetime(&midnight)
        .single()
        .expect("IST has no DST gaps")
        .with_timezone(&Utc)
}

/// A time of day in IST, written `HH:MM` (24-hour), as `schedule.reminder_at` takes it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct TimeOfDay(NaiveTime);

impl TryFrom<String> for TimeOfDay {
    type Error = TimeOfDayError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<TimeOfDay> for String {
    fn from(t: TimeOfDay) -> String {
        t.to_string()
    }
}

impl TimeOfDay {
    /// `hour` 0-23, `minute` 0-59; `None` otherwise.
    pub fn new(hour: u32, minute: u32) -> Option<TimeOfDay> {
        NaiveTime::from_hms_opt(hour, minute, 0).map(TimeOfDay)
    }

    pub fn time(self) -> NaiveTime {
        self.0
    }
}

impl FromStr for TimeOfDay {
    type Err = TimeOfDayError;

    /// Exactly two digits, a colon, two digits: `08:00`, `19:30`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || TimeOfDayError(s.chars().take(20).collect());
        let (h, m) = s.trim().split_once(':').ok_or_else(err)?;
        let two_digits = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(h) || !two_digits(m) {
            return Err(err());
        }
        let (h, m) = (h.parse().map_err(|_| err())?, m.parse().map_err(|_| err())?);
        TimeOfDay::new(h, m).ok_or_else(err)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

/// A time of day that is not `HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeOfDayError(String);

impl fmt::Display for TimeOfDayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "must be a time HH:MM in IST, e.g. \"08:00\" (got {:?})",
            self.0
        )
    }
}

impl std::error::Error for TimeOfDayError {}

/// A clock that stands still until told to move: one for every test in the workspace. Clones
/// share the time, so a test keeps one handle and gives another to the code under test.
#[cfg(feature = "test-util")]
#[derive(Debug, Clone)]
pub struct ManualClock(std::sync::Arc<std::sync::Mutex<DateTime<Utc>>>);

#[cfg(feature = "test-util")]
impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock(std::sync::Arc::new(std::sync::Mutex::new(start)))
    }

    /// The same, in an `Arc`, for APIs that take `Arc<dyn Clock>`.
    pub fn at(start: DateTime<Utc>) -> std::sync::Arc<ManualClock> {
        std::sync::Arc::new(ManualClock::new(start))
    }

    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = t;
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) += by;
    }
}

#[cfg(feature = "test-util")]
impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_of_day_is_hh_mm() {
        assert_eq!("08:00".parse(), Ok(TimeOfDay::new(8, 0).unwrap()));
        assert_eq!(" 23:59 ".parse::<TimeOfDay>().unwrap().to_string(), "23:59");
        for bad in [
            "8:00", "24:00", "12:60", "0800", "", "ab:cd", "08:00:00", "+8:00",
        ] {
            let e = bad.parse::<TimeOfDay>().unwrap_err();
            assert!(e.to_string().contains("HH:MM"), "{bad}: {e}");
        }
    }

    #[test]
    fn midnight_is_ist_not_utc() {
        // 2026-11-22 19:00 UTC is 2026-11-23 00:30 IST: already the next IST day.
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 19, 0, 0).unwrap();
        assert_eq!(ist_date(t), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(
            next_ist_midnight(t),
            Utc.with_ymd_and_hms(2026, 11, 23, 18, 30, 0).unwrap()
        );
        let morning = Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap();
        assert_eq!(
            next_ist_midnight(morning),
            Utc.with_ymd_and_hms(2026, 11, 22, 18, 30, 0).unwrap()
        );
    }
}
