//! Time for every crate of the workspace, through a clock the tests can set. "Today" and "midnight" are IST (UTC+05:30, no DST);
//! everything stored is UTC.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};

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

/// A clock that stands still until told to move: one for every test in the workspace.
#[cfg(feature = "test-util")]
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

#[cfg(feature = "test-util")]
impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock(std::sync::Mutex::new(start))
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
