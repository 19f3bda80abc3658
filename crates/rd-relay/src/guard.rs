//! The checks before a charge (docs/relay.md, "Before a charge"): the platform pays for every
//! login InstantPay processes, matched or not, so the holder of an outlet's day sends one
//! only when it can succeed and the outlet is not held. In order, after the free status
//! said login required:
//!
//! 1. the Aadhaar is the outlet's operator's (InstantPay's `aadhaarLastFour`);
//! 2. the capture's UIDAI key has not expired (`Skey ci`, UIDAI Authentication API 2.5);
//! 3. the outlet has fewer than two possible biometric declines in a row, across its devices,
//!    relay instances and IST days (NPCI's advisory of November 2023: a third gets the
//!    operator blocked by the bank), unless lifted;
//! 4. the outlet's charged failures of the day are under `--max-failures-per-day`, unless
//!    lifted for the day.
//!
//! A refusal changes nothing (the caller opens the day again) and names no secret.

// States and outcomes are matched by name: a new one must be placed, not caught by `_`.
#![warn(clippy::wildcard_enum_match_arm)]

use chrono::{DateTime, NaiveDate, Utc};
use instantpay::Aadhaar;
use instantpay::KeyCheck;
use instantpay::LoginStatus;
use relay_api::{LoginRequest, codes};

use crate::refusal::Refuse;
use crate::relay::Relay;
use crate::store::{Device, GuardCounts, Lift, LiftWhat, Store, StoreError};

/// Possible biometric declines in a row that hold an outlet: the bank may block an operator
/// at three (NPCI, November 2023), so the relay sends a third only once someone lifts it.
/// The agent's ledger holds at the same count.
pub(crate) const DECLINES_HELD_AT: u64 = instantpay::DECLINE_LIMIT as u64;

/// Which guards hold an outlet with these counts: `decline_guard`, `failure_cap`.
pub(crate) fn holds(c: &GuardCounts, max_failures_per_day: u64) -> Vec<&'static str> {
    let mut held = Vec::new();
    if c.declines_in_a_row >= DECLINES_HELD_AT {
        held.push("decline_guard");
    }
    if c.failures_toward_cap >= max_failures_per_day {
        held.push("failure_cap");
    }
    held
}

/// 1: the Aadhaar sent against the operator InstantPay expects. Names only the expected
/// last four (InstantPay's own, shown to whoever holds the outlet), never the number sent.
pub(crate) fn check_operator(status: &LoginStatus, aadhaar: &Aadhaar) -> Result<(), Refuse> {
    match status.expected_operator_differs(aadhaar) {
        None => Ok(()),
        Some(expected) => Err(Refuse::new(
            codes::WRONG_OPERATOR,
            &format!(
                "this Aadhaar is not the outlet's operator's: the outlet's operator's Aadhaar ends in {expected}; set the operator's Aadhaar on this PC. Nothing was sent"
            ),
        )),
    }
}

/// 2: the capture's UIDAI key on `today` (InstantPay's IST date where it gave one). A `ci`
/// that is not a date is passed on: UIDAI judges it, and the operator reads the log.
pub(crate) fn check_key(ci: &str, today: NaiveDate) -> Result<(), Refuse> {
    match KeyCheck::of(ci, today) {
        KeyCheck::Current { .. } => Ok(()),
        KeyCheck::Unreadable => {
            tracing::warn!("the capture's UIDAI key date (Skey ci) is unreadable; sent as it is");
            Ok(())
        }
        KeyCheck::Expired { expired } => {
            tracing::info!(%expired, "the capture's UIDAI key has expired");
            Err(Refuse::new(
                codes::KEY_EXPIRED,
                "the fingerprint scanner encrypts with a UIDAI key that has expired, so UIDAI would refuse this capture and the attempt would still be paid for; update the RD Service from the scanner vendor. Nothing was sent",
            ))
        }
    }
}

fn decline_refusal(n: u64, device_may_override: bool) -> Refuse {
    let what_now = if device_may_override {
        "clean the finger and the scanner, and confirm on this PC to try once more"
    } else {
        "call the platform's support to lift the hold"
    };
    Refuse::new(
        codes::DECLINE_GUARD,
        &format!(
            "{n} fingerprints of this outlet were declined in a row, and the bank may block an operator after three (NPCI, November 2023). Nothing was sent: {what_now}"
        ),
    )
}

fn cap_refusal(n: u64) -> Refuse {
    Refuse::new(
        codes::FAILURE_CAP,
        &format!(
            "this outlet has had {n} failed logins today that the platform paid for, the relay's limit for a day. Nothing was sent: call the platform's support, or log in tomorrow"
        ),
    )
}

/// The metric label of a guard's refusal; `None` for any other (a database failure).
fn reason(code: &str) -> Option<&'static str> {
    match code {
        codes::WRONG_OPERATOR => Some("wrong_operator"),
        codes::KEY_EXPIRED => Some("key_expired"),
        codes::DECLINE_GUARD => Some("decline_guard"),
        codes::FAILURE_CAP => Some("failure_cap"),
        _ => None,
    }
}

impl Relay {
    /// The checks, for the holder of `day`'s claim (so two requests cannot both pass).
    /// `Ok(Some(lift))`: the operator's override of the decline guard, to record just before
    /// the attempt (a refusal after it records nothing). It lets this one attempt through.
    pub(crate) async fn guard(
        &self,
        device: &Device,
        req: &LoginRequest,
        aadhaar: &Aadhaar,
        status: &LoginStatus,
        day: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Lift>, Refuse> {
        self.checks(device, req, aadhaar, status, day, now)
            .await
            .inspect_err(|r| self.note_refusal(device, r))
    }

    async fn checks(
        &self,
        device: &Device,
        req: &LoginRequest,
        aadhaar: &Aadhaar,
        status: &LoginStatus,
        day: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Lift>, Refuse> {
        check_operator(status, aadhaar)?;
        let today = status
            .ist_today()
            .unwrap_or_else(|| clock::ist_date(self.clock.now()));
        check_key(&req.biometric_data.ci, today)?;

        let counts = self
            .store
            .outlet_guard_counts(&device.outlet_id, day)
            .await?;
        let may_override = self.settings.allow_device_override;
        let mut lift = None;
        if counts.declines_in_a_row >= DECLINES_HELD_AT {
            if !(may_override && req.override_declines) {
                return Err(decline_refusal(counts.declines_in_a_row, may_override));
            }
            lift = Some(Lift {
                outlet_id: device.outlet_id.clone(),
                day: day.to_string(),
                what: LiftWhat::Override,
                lifted_by: format!("device:{}", device.device_id),
                lifted_at: now,
            });
        }
        if counts.failures_toward_cap >= self.settings.max_failures_per_day {
            return Err(cap_refusal(counts.failures_toward_cap));
        }
        Ok(lift)
    }

    fn note_refusal(&self, device: &Device, r: &Refuse) {
        let Some(reason) = reason(r.code) else {
            return;
        };
        self.metrics.guard_refusal(reason);
        tracing::info!(
            outlet = %device.outlet_id,
            device = %device.device_id,
            reason,
            "refused before sending: it could not succeed or the outlet is held"
        );
    }
}

fn ist_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&clock::ist())
        .format("%Y-%m-%d %H:%M:%S IST")
        .to_string()
}

fn held_text(held: &[&str]) -> String {
    let names: Vec<&str> = held
        .iter()
        .map(|h| match *h {
            "decline_guard" => "the decline guard",
            _ => "the failure cap",
        })
        .collect();
    if names.is_empty() {
        "not held".into()
    } else {
        format!("held by {}", names.join(" and "))
    }
}

/// `rd-relay guard lift`: record the lift and say what it lifted (the outlet is registered).
pub(crate) async fn lift(
    store: &Store,
    outlet_id: &str,
    what: LiftWhat,
    by: &str,
    now: DateTime<Utc>,
    max_failures_per_day: u64,
) -> Result<String, StoreError> {
    let day = crate::login::day_of(now);
    let before = store.outlet_guard_counts(outlet_id, &day).await?;
    store
        .put_lift(&Lift {
            outlet_id: outlet_id.to_string(),
            day: day.clone(),
            what,
            lifted_by: by.to_string(),
            lifted_at: now,
        })
        .await?;
    let lifted = match what {
        LiftWhat::Declines => "the decline guard",
        LiftWhat::Cap => "today's failure cap",
        LiftWhat::Both => "the decline guard and today's failure cap",
        LiftWhat::Override => "the decline guard for one attempt",
    };
    Ok(format!(
        "lifted {lifted} of outlet {outlet_id} on {day} (IST), by {by} at {}\n\
         before the lift it had {} biometric declines in a row and {} charged failures toward the cap of {max_failures_per_day} ({})\n",
        ist_time(now),
        before.declines_in_a_row,
        before.failures_toward_cap,
        held_text(&holds(&before, max_failures_per_day)),
    ))
}

/// `rd-relay guard show`: the outlet's counts today and its latest lifts.
pub(crate) async fn show(
    store: &Store,
    outlet_id: &str,
    now: DateTime<Utc>,
    max_failures_per_day: u64,
) -> Result<String, StoreError> {
    let day = crate::login::day_of(now);
    let c = store.outlet_guard_counts(outlet_id, &day).await?;
    let mut out = format!(
        "outlet {outlet_id} on {day} (IST): {}\n\
         biometric declines in a row: {} (held at {DECLINES_HELD_AT})\n\
         charged failures today: {} ({} toward the cap of {max_failures_per_day})\n",
        held_text(&holds(&c, max_failures_per_day)),
        c.declines_in_a_row,
        c.charged_failures_today,
        c.failures_toward_cap,
    );
    let lifts = store.lifts(outlet_id, 20).await?;
    if lifts.is_empty() {
        out.push_str("lifts: none\n");
    } else {
        out.push_str("lifts (latest first):\n");
        for l in lifts {
            out.push_str(&format!(
                "  {}  {:<8}  by {}\n",
                ist_time(l.lifted_at),
                l.what.as_str(),
                l.lifted_by
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn an_expired_key_is_refused_and_an_unreadable_one_passes() {
        let today = day(2026, 12, 7);
        assert!(check_key("20261207", today).is_ok());
        assert_eq!(
            check_key("20261206", today).unwrap_err().code,
            codes::KEY_EXPIRED
        );
        assert!(check_key("not a date", today).is_ok());
        let msg = check_key("20210930", today).unwrap_err().message;
        assert!(!msg.contains("2021"), "{msg}");
    }

    #[test]
    fn a_wrong_operator_is_named_by_the_expected_last_four_only() {
        let status = LoginStatus {
            logged_in: false,
            aadhaar_last_four: Some("XXXXXXXX7058".into()),
            is_face_auth_available: false,
            is_txn_bio_login_required: false,
            meta: Default::default(),
        };
        let sent = Aadhaar::parse("234567890124").unwrap();
        let r = check_operator(&status, &sent).unwrap_err();
        assert_eq!(r.code, codes::WRONG_OPERATOR);
        assert!(r.message.contains("ends in 7058"), "{}", r.message);
        assert!(!r.message.contains("0124"), "{}", r.message);
        assert!(check_operator(&status, &Aadhaar::demo()).is_ok());
    }

    #[test]
    fn two_declines_hold_and_the_cap_holds_at_its_number() {
        let c = |declines, toward| GuardCounts {
            declines_in_a_row: declines,
            failures_toward_cap: toward,
            ..GuardCounts::default()
        };
        assert!(holds(&c(1, 4), 5).is_empty());
        assert_eq!(holds(&c(2, 4), 5), ["decline_guard"]);
        assert_eq!(holds(&c(0, 5), 5), ["failure_cap"]);
        assert_eq!(holds(&c(3, 7), 5), ["decline_guard", "failure_cap"]);
        for r in [
            decline_refusal(2, false),
            decline_refusal(2, true),
            cap_refusal(5),
        ] {
            assert!(r.message.chars().count() < 300, "{}", r.message);
        }
    }
}
