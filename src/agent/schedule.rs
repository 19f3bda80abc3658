//! When the service wakes up on its own: midnight IST, the hourly remote re-check, and the
//! reminders while login is required. Pure time arithmetic over a given "now", so the tests set
//! the clock instead of waiting.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};

use clock::{ist, ist_date, next_ist_midnight};

/// The schedule's knobs. Times of day are IST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// First reminder of the day (`schedule.reminder_at`, default 08:00).
    pub(crate) reminder_at: NaiveTime,
    /// Repeat the reminder this often while login is required.
    pub(crate) reminder_every: Duration,
    /// Repeats happen only inside business hours `[start, end)`.
    pub(crate) business_start: NaiveTime,
    pub(crate) business_end: NaiveTime,
    /// Re-ask `outletLoginStatus` this often (it is free; hourly is plenty).
    pub(crate) recheck_every: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            reminder_at: hm(8, 0),
            reminder_every: Duration::minutes(60),
            business_start: hm(8, 0),
            business_end: hm(20, 0),
            recheck_every: Duration::hours(1),
        }
    }
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

/// Something the scheduler says is due now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Due {
    /// A new IST day began: yesterday's login has expired.
    Midnight,
    /// Time to re-ask the remote status.
    Recheck,
    /// Remind the operator (only reported while login is required).
    Reminder,
}

/// The three timers, as absolute UTC instants.
#[derive(Debug, Clone)]
pub(crate) struct Scheduler {
    cfg: Schedule,
    next_midnight: DateTime<Utc>,
    next_recheck: DateTime<Utc>,
    next_reminder: DateTime<Utc>,
}

impl Scheduler {
    /// Timers as of `now` (the start-up check is done by the caller, so the first re-check is a
    /// full period away).
    pub(crate) fn new(cfg: Schedule, now: DateTime<Utc>) -> Self {
        let next_reminder = next_reminder_slot(&cfg, now);
        Scheduler {
            next_midnight: next_ist_midnight(now),
            next_recheck: now + cfg.recheck_every,
            next_reminder,
            cfg,
        }
    }

    /// The earliest instant something is due.
    pub(crate) fn next_wake(&self) -> DateTime<Utc> {
        self.next_midnight
            .min(self.next_recheck)
            .min(self.next_reminder)
    }

    /// When the next reminder slot is (whether or not it will fire).
    #[cfg(test)]
    fn next_reminder(&self) -> DateTime<Utc> {
        self.next_reminder
    }

    /// What is due at `now`, advancing each fired timer past `now`. Missed slots (a suspended
    /// machine) fire once, not once per slot. A reminder is reported only if `login_required`.
    pub(crate) fn due(&mut self, now: DateTime<Utc>, login_required: bool) -> Vec<Due> {
        let mut out = Vec::new();
        if now >= self.next_midnight {
            out.push(Due::Midnight);
            self.next_midnight = next_ist_midnight(now);
        }
        if now >= self.next_recheck {
            out.push(Due::Recheck);
            self.next_recheck = now + self.cfg.recheck_every;
        }
        if now >= self.next_reminder {
            // A slot missed while the machine slept still reminds later that business day,
            // never the next day (yesterday's 19:00 must not fire at midnight).
            let slot = self.next_reminder;
            let fresh = ist_date(now) == ist_date(slot)
                && (now.with_timezone(&ist()).time() < self.cfg.business_end
                    || now - slot < Duration::minutes(1));
            if login_required && fresh {
                out.push(Due::Reminder);
            }
            self.next_reminder = next_reminder_slot(&self.cfg, now);
        }
        out
    }

    /// A re-check done on request or on a USB change restarts the hourly period.
    pub(crate) fn rechecked(&mut self, now: DateTime<Utc>) {
        self.next_recheck = now + self.cfg.recheck_every;
    }
}

/// The first reminder slot strictly after `after`. A day's slots are `reminder_at`, then every
/// `reminder_every` after it that falls inside business hours.
pub(crate) fn next_reminder_slot(cfg: &Schedule, after: DateTime<Utc>) -> DateTime<Utc> {
    let today = ist_date(after);
    for offset in 0..3 {
        let day = today + Duration::days(offset);
        let Some(first) = ist()
            .from_local_datetime(&day.and_time(cfg.reminder_at))
            .single()
        else {
            continue;
        };
        let first = first.with_timezone(&Utc);
        if first > after {
            return first;
        }
        if cfg.reminder_every <= Duration::zero() {
            continue;
        }
        // Jump straight to the first repeat after `after` instead of walking the day.
        let steps = (after - first).num_seconds() / cfg.reminder_every.num_seconds().max(1) + 1;
        let candidate = first + cfg.reminder_every * steps as i32;
        let local = candidate.with_timezone(&ist());
        if ist_date(candidate) == day
            && local.time() >= cfg.business_start
            && local.time() < cfg.business_end
        {
            return candidate;
        }
        // Before business hours opens, the next repeat is the first one inside them.
        if ist_date(candidate) == day && local.time() < cfg.business_start {
            let mut c = candidate;
            while ist_date(c) == day && c.with_timezone(&ist()).time() < cfg.business_start {
                c += cfg.reminder_every;
            }
            if ist_date(c) == day && c.with_timezone(&ist()).time() < cfg.business_end {
                return c;
            }
        }
    }
    // Unreachable with a sane config; fall back to a day later rather than spinning.
    after + Duration::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An instant given in IST wall time.
    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        ist()
            .with_ymd_and_hms(2026, 11, d, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn reminder_slots_follow_reminder_at_and_business_hours() {
        let cfg = Schedule::default();
        assert_eq!(next_reminder_slot(&cfg, at(22, 6, 0)), at(22, 8, 0));
        assert_eq!(next_reminder_slot(&cfg, at(22, 8, 0)), at(22, 9, 0));
        assert_eq!(next_reminder_slot(&cfg, at(22, 8, 30)), at(22, 9, 0));
        assert_eq!(next_reminder_slot(&cfg, at(22, 19, 0)), at(23, 8, 0));
        assert_eq!(next_reminder_slot(&cfg, at(22, 23, 59)), at(23, 8, 0));
        let early = Schedule {
            reminder_at: hm(7, 0),
            reminder_every: Duration::minutes(45),
            business_start: hm(9, 0),
            ..Schedule::default()
        };
        // 07:00 first; repeats before 09:00 are skipped: 07:45, 08:30 out, 09:15 in.
        assert_eq!(next_reminder_slot(&early, at(22, 7, 0)), at(22, 9, 15));
        assert_eq!(next_reminder_slot(&early, at(22, 9, 15)), at(22, 10, 0));
    }

    #[test]
    fn midnight_rollover_fires_once_at_ist_midnight() {
        let start = at(22, 23, 0);
        let mut s = Scheduler::new(Schedule::default(), start);
        assert_eq!(s.next_wake(), at(23, 0, 0));
        assert!(s.due(at(22, 23, 59), false).is_empty());
        assert_eq!(
            s.due(at(23, 0, 0), false),
            vec![Due::Midnight, Due::Recheck]
        );
        assert!(s.due(at(23, 0, 1), false).is_empty());
        assert_eq!(s.next_wake(), at(23, 1, 0));
    }

    #[test]
    fn reminders_only_while_login_required() {
        let mut s = Scheduler::new(Schedule::default(), at(22, 7, 30));
        assert_eq!(s.next_reminder(), at(22, 8, 0));
        // Logged in: the 08:00 slot passes silently.
        assert_eq!(s.due(at(22, 8, 0), false), vec![]);
        assert_eq!(s.next_reminder(), at(22, 9, 0));
        // Login required (bank invalidated it): 09:00 reminds.
        assert_eq!(s.due(at(22, 9, 0), true), vec![Due::Recheck, Due::Reminder]);
        // A long suspend: many slots missed, one reminder.
        let d = s.due(at(22, 13, 20), true);
        assert_eq!(d.iter().filter(|d| **d == Due::Reminder).count(), 1);
        assert_eq!(s.next_reminder(), at(22, 14, 0));
        // Asleep from 14:00 until after midnight: the stale slot stays silent.
        let d = s.due(at(23, 0, 5), true);
        assert!(!d.contains(&Due::Reminder), "{d:?}");
        assert_eq!(s.next_reminder(), at(23, 8, 0));
    }

    #[test]
    fn a_manual_recheck_restarts_the_hour() {
        let mut s = Scheduler::new(Schedule::default(), at(22, 10, 0));
        s.rechecked(at(22, 10, 40));
        assert!(s.due(at(22, 11, 0), false).is_empty());
        assert_eq!(s.due(at(22, 11, 40), false), vec![Due::Recheck]);
    }
}
