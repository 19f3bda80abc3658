//! The decline guard's count (docs/ledger.md, "The decline guard"). NPCI's advisory of
//! November 2023 has the bank block an operator after three consecutive biometric declines of
//! their own authentication, so a login is refused once [`DECLINE_LIMIT`] possible declines
//! follow the last success or the operator's last override.
//!
//! A possible decline is an attempt whose outcome was one (`biometric_decline`, decided by
//! `instantpay::LoginOutcome::is_biometric_decline`), or one whose outcome stayed unknown
//! (`sending` or `unknown`, however it was settled): it may have reached the bank as a decline.
//! An attempt certainly not sent, or refused for another reason, neither counts nor resets the
//! count. The count runs across days: midnight resets nothing. Only a successful login resets
//! it: the operator's override lets its own login through and is recorded, but the next login
//! after another decline asks again (docs/model/: an override that reset the count would let a
//! fourth decline in a row go out unasked). Attempts are ordered by their row id, not by their
//! time, so a PC clock set back cannot hide one.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Ledger, LedgerError, ts};

/// Possible declines in a row at which a login is refused without the operator's override.
pub(crate) use instantpay::DECLINE_LIMIT;

impl Ledger {
    /// Possible biometric declines since the last successful login.
    pub(crate) fn consecutive_declines(&self) -> Result<u32, LedgerError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM attempts
             WHERE id > COALESCE((SELECT MAX(id) FROM attempts WHERE state = 'loggedin'), 0)
               AND (biometric_decline = 1 OR state IN ('sending', 'unknown'))",
            [],
            |r| r.get::<_, u32>(0),
        )?)
    }

    /// The operator chose to go on despite the guard, for this login: recorded for support,
    /// with where the choice was made ("terminal", "tray"). It does not reset the count.
    pub(crate) fn record_decline_override(
        &self,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT INTO decline_overrides (at, by_whom) VALUES (?1, ?2)",
            params![ts(now), by_whom],
        )?;
        Ok(())
    }

    /// The `Skey ci` of the latest attempt that recorded one.
    pub(crate) fn last_ci(&self) -> Result<Option<String>, LedgerError> {
        Ok(self
            .conn
            .query_row(
                "SELECT ci FROM attempts WHERE ci != '' ORDER BY created_at DESC, id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::ledger::{AttemptState, NewAttempt, Outcome, Resolution};

    /// 2026-12-07 at hh:mm IST.
    fn ist(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        clock::ist()
            .with_ymd_and_hms(2026, 12, d, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn attempt(l: &mut Ledger, r: &str, at: DateTime<Utc>, o: Option<(AttemptState, bool)>) {
        l.begin(
            &NewAttempt {
                external_ref: r.into(),
                ci: "20291021".into(),
                ..NewAttempt::default()
            },
            at,
        )
        .unwrap();
        if let Some((state, decline)) = o {
            let outcome = Outcome {
                state,
                statuscode: Some("TXN".into()),
                actcode: None,
                ipay_uuid: None,
                message: None,
                charged: Some(state != AttemptState::Rejected || decline),
                pool: None,
                biometric_decline: decline,
            };
            l.finish(r, &outcome, at).unwrap();
        }
    }

    const DECLINED: Option<(AttemptState, bool)> = Some((AttemptState::Rejected, true));

    #[test]
    fn declines_count_across_midnight_until_a_success() {
        let mut l = Ledger::open_in_memory().unwrap();
        assert_eq!(l.consecutive_declines().unwrap(), 0);
        attempt(&mut l, "A1", ist(6, 23, 54), DECLINED);
        attempt(&mut l, "A2", ist(6, 23, 55), DECLINED);
        assert_eq!(l.consecutive_declines().unwrap(), 2);
        // Another refusal (not a decline) and a not-sent attempt neither count nor reset.
        attempt(
            &mut l,
            "A3",
            ist(7, 0, 5),
            Some((AttemptState::Rejected, false)),
        );
        assert_eq!(
            l.consecutive_declines().unwrap(),
            2,
            "midnight resets nothing"
        );
        l.record_decline_override("terminal", ist(7, 0, 6)).unwrap();
        attempt(&mut l, "A4", ist(7, 0, 6), DECLINED);
        assert_eq!(
            l.consecutive_declines().unwrap(),
            3,
            "an override resets nothing"
        );
        // A clock set back: the row order still counts it.
        attempt(&mut l, "A4b", ist(6, 1, 0), DECLINED);
        assert_eq!(l.consecutive_declines().unwrap(), 4);
        attempt(
            &mut l,
            "A5",
            ist(7, 9, 0),
            Some((AttemptState::LoggedIn, false)),
        );
        assert_eq!(l.consecutive_declines().unwrap(), 0);
        assert_eq!(l.last_ci().unwrap().as_deref(), Some("20291021"));
    }

    #[test]
    fn an_attempt_whose_outcome_stayed_unknown_counts_as_a_possible_decline() {
        let mut l = Ledger::open_in_memory().unwrap();
        attempt(&mut l, "B1", ist(7, 8, 0), DECLINED);
        attempt(&mut l, "B2", ist(7, 8, 1), None); // sending: the process died
        assert_eq!(l.consecutive_declines().unwrap(), 2);
        l.resolve("B2", Resolution::NotLoggedIn, ist(7, 8, 5))
            .unwrap();
        assert_eq!(l.consecutive_declines().unwrap(), 2);
        // Settled as logged in by the status: a success.
        attempt(&mut l, "B3", ist(7, 9, 0), None);
        l.resolve("B3", Resolution::LoggedIn, ist(7, 9, 5)).unwrap();
        assert_eq!(l.consecutive_declines().unwrap(), 0);
    }
}
