//! What the guards before a charge read and write (crate::guard): an outlet's biometric
//! declines in a row, its charged failures of an IST day, and the lifts that let it go on.
//! Each count is one statement over all of the outlet's devices and relay instances.

use chrono::{DateTime, Utc};

use super::{Row, Store, StoreError, to_millis};

/// Which hold a lift lets go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum LiftWhat {
    /// The decline guard: the streak starts again from the lift.
    Declines,
    /// The day's failure cap: only the failures after the lift count, that IST day only.
    Cap,
    Both,
    /// An operator's explicit override let one attempt past the decline guard (with
    /// `--allow-device-override`). Recorded, but it resets nothing: the bank still counts
    /// that attempt, so the next one past the guard needs its own override.
    #[value(skip)]
    Override,
}

impl LiftWhat {
    pub fn as_str(self) -> &'static str {
        match self {
            LiftWhat::Declines => "declines",
            LiftWhat::Cap => "cap",
            LiftWhat::Both => "both",
            LiftWhat::Override => "override",
        }
    }

    fn parse(s: &str) -> LiftWhat {
        match s {
            "declines" => LiftWhat::Declines,
            "cap" => LiftWhat::Cap,
            "override" => LiftWhat::Override,
            _ => LiftWhat::Both,
        }
    }
}

/// A recorded lift: who let the outlet go on, and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Lift {
    pub outlet_id: String,
    /// The IST day it was lifted on.
    pub day: String,
    pub what: LiftWhat,
    /// An admin's name, or `device:<device_id>` for an operator's override.
    pub lifted_by: String,
    pub lifted_at: DateTime<Utc>,
}

/// An outlet's counts for the guards on one IST day.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GuardCounts {
    pub outlet_id: String,
    /// Possible biometric declines since its last login or decline lift, across days.
    pub declines_in_a_row: u64,
    /// Charged (or possibly charged) failures of the day.
    pub charged_failures_today: u64,
    /// Of those, the ones after the day's last cap lift: what the cap compares.
    pub failures_toward_cap: u64,
}

/// The guards' counts of the outlets `o` on the day `?1` (a macro, so that both queries
/// below stay `&'static`).
///
/// Every subquery is an index probe per outlet: the streak reads the outlet's attempts after
/// its last login (`relay_attempts_outlet_time`), the day's failures read that day's
/// (`relay_attempts_day_charged`; the `+ 0` keeps SQLite from reading the outlet's whole
/// history by `created_at` instead).
///
/// A possible decline is an attempt recorded as a biometric decline, or one whose outcome
/// was never known and was settled as not logged in. The streak starts after the latest of
/// the outlet's last login (an attempt logged in, or answered with a login: `shared`) and its
/// last decline lift by an admin (an operator's override resets nothing). A charged failure
/// is any finished attempt not logged in whose charge is not known to be nothing; a cap lift counts
/// those of its own day from its millisecond on.
macro_rules! counts_of_outlets {
    () => {
        "SELECT o.outlet_id,
      (SELECT COUNT(*) FROM relay_attempts a
        WHERE a.outlet_id = o.outlet_id
          AND (a.decline = 1 OR a.state = 'not_logged_in')
          AND a.created_at > COALESCE((SELECT b.created_at FROM relay_attempts b
                WHERE b.outlet_id = o.outlet_id AND b.state IN ('loggedin', 'shared')
                ORDER BY b.created_at DESC LIMIT 1), -1)
          AND a.created_at >= COALESCE((SELECT MAX(l.lifted_at) FROM relay_lifts l
                WHERE l.outlet_id = o.outlet_id AND l.what IN ('declines', 'both')), -1)),
      (SELECT COUNT(*) FROM relay_attempts a
        WHERE a.day = ?1 AND a.outlet_id = o.outlet_id
          AND a.state NOT IN ('loggedin', 'shared', 'sending')
          AND (a.charged IS NULL OR a.charged <> 0)),
      (SELECT COUNT(*) FROM relay_attempts a
        WHERE a.day = ?1 AND a.outlet_id = o.outlet_id
          AND a.state NOT IN ('loggedin', 'shared', 'sending')
          AND (a.charged IS NULL OR a.charged <> 0)
          AND a.created_at + 0 >= COALESCE((SELECT MAX(l.lifted_at) FROM relay_lifts l
                WHERE l.outlet_id = o.outlet_id AND l.day = ?1
                  AND l.what IN ('cap', 'both')), -1))
         FROM relay_outlets o"
    };
}

fn count(r: &Row, i: usize) -> u64 {
    r.int(i).map_or(0, |n| n.max(0) as u64)
}

fn lift_of(r: &Row) -> Lift {
    Lift {
        outlet_id: r.text(0),
        day: r.text(1),
        what: LiftWhat::parse(&r.text(2)),
        lifted_by: r.text(3),
        lifted_at: r.time(4).unwrap_or_default(),
    }
}

impl Store {
    /// The guards' counts of every registered outlet on `day` (the fleet view).
    pub async fn guard_counts(&self, day: &str) -> Result<Vec<GuardCounts>, StoreError> {
        let rows = self
            .query(
                concat!(counts_of_outlets!(), " ORDER BY o.outlet_id"),
                vec![day.into()],
            )
            .await?;
        Ok(rows.iter().map(counts_of).collect())
    }

    /// One outlet's counts on `day` (zero for an outlet not registered).
    pub(crate) async fn outlet_guard_counts(
        &self,
        outlet_id: &str,
        day: &str,
    ) -> Result<GuardCounts, StoreError> {
        let rows = self
            .query(
                concat!(counts_of_outlets!(), " WHERE o.outlet_id = ?2"),
                vec![day.into(), outlet_id.into()],
            )
            .await?;
        Ok(rows.first().map(counts_of).unwrap_or_else(|| GuardCounts {
            outlet_id: outlet_id.to_string(),
            ..GuardCounts::default()
        }))
    }

    pub async fn put_lift(&self, l: &Lift) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO relay_lifts (outlet_id, day, what, lifted_by, lifted_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            vec![
                l.outlet_id.as_str().into(),
                l.day.as_str().into(),
                l.what.as_str().into(),
                l.lifted_by.as_str().into(),
                to_millis(l.lifted_at).into(),
            ],
        )
        .await
        .map(drop)
    }

    /// The outlet's latest lifts, newest first.
    pub async fn lifts(&self, outlet_id: &str, limit: i64) -> Result<Vec<Lift>, StoreError> {
        let rows = self
            .query(
                "SELECT outlet_id, day, what, lifted_by, lifted_at FROM relay_lifts
                 WHERE outlet_id = ?1 ORDER BY lifted_at DESC LIMIT ?2",
                vec![outlet_id.into(), limit.into()],
            )
            .await?;
        Ok(rows.iter().map(lift_of).collect())
    }
}

fn counts_of(r: &Row) -> GuardCounts {
    GuardCounts {
        outlet_id: r.text(0),
        declines_in_a_row: count(r, 1),
        charged_failures_today: count(r, 2),
        failures_toward_cap: count(r, 3),
    }
}

#[cfg(test)]
mod tests {
    /// The counts name attempt states in SQL: each must be one `AttemptState` writes.
    #[test]
    fn the_states_the_counts_name_are_attempt_states() {
        let sql = counts_of_outlets!();
        let mut named = 0;
        for clause in sql.split("state").skip(1) {
            let clause = clause.trim_start();
            let Some(list) = clause
                .strip_prefix("= ")
                .or_else(|| clause.strip_prefix("IN "))
                .or_else(|| clause.strip_prefix("NOT IN "))
            else {
                continue;
            };
            let list = list.split(')').next().unwrap_or_default();
            for word in list.split('\'').skip(1).step_by(2) {
                assert!(
                    word.parse::<instantpay::AttemptState>().is_ok(),
                    "{word:?} is not an attempt state"
                );
                named += 1;
            }
        }
        assert_eq!(named, 9, "{sql}");
    }
}
