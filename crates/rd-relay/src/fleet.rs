//! The platform's view: `GET /fleet/today` and `rd-relay report --date D` (CSV for the
//! accountants). Both read the attempts the relay recorded, which are its record of charges.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use instantpay::AttemptState;
use serde::Serialize;

use crate::store::{AttemptRecord, DayState, Store, StoreError};

#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct OutletToday {
    pub outlet_id: String,
    /// logged_in, login_required, in_progress or failing (the last attempt refused, or its
    /// outcome unknown).
    pub state: &'static str,
    pub attempts_today: u64,
    pub charges_today: u64,
    /// Attempts whose charge is not known (InstantPay never answered them).
    pub maybe_charged_today: u64,
    pub charges_month: u64,
    /// The guards that hold it (crate::guard): `decline_guard`, `failure_cap`; empty if none.
    pub held_by: Vec<&'static str>,
    /// Possible biometric declines since its last login or decline lift, across days.
    pub declines_in_a_row: u64,
    /// Charged (or possibly charged) failures today, and those after today's cap lift.
    pub charged_failures_today: u64,
    pub failures_toward_cap: u64,
}

#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Totals {
    pub outlets: u64,
    pub logged_in: u64,
    pub login_required: u64,
    pub in_progress: u64,
    pub failing: u64,
    pub attempts_today: u64,
    pub charges_today: u64,
    pub maybe_charged_today: u64,
    pub charges_month: u64,
    /// Outlets held by each guard (one outlet may be held by both).
    pub held_decline_guard: u64,
    pub held_failure_cap: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FleetToday {
    pub day: String,
    pub totals: Totals,
    pub outlets: Vec<OutletToday>,
}

fn charged(a: &AttemptRecord) -> bool {
    a.charged == Some(true)
}

fn maybe_charged(a: &AttemptRecord) -> bool {
    a.charged.is_none() && a.state != AttemptState::Sending
}

/// The fleet on `day`; an outlet is held by the failure cap at `max_failures_per_day`.
pub async fn today(
    store: &Store,
    day: NaiveDate,
    max_failures_per_day: u64,
) -> Result<FleetToday, StoreError> {
    let day_text = day.format("%Y-%m-%d").to_string();
    let month = day.format("%Y-%m-").to_string();
    let mut by: BTreeMap<String, OutletToday> = store
        .outlets()
        .await?
        .into_iter()
        .map(|o| {
            (
                o.outlet_id.clone(),
                OutletToday {
                    outlet_id: o.outlet_id,
                    state: "login_required",
                    ..Default::default()
                },
            )
        })
        .collect();
    // The month as one count per outlet; only today's attempts are read one by one.
    for (outlet, charges) in store.charges_on(&month).await? {
        if let Some(o) = by.get_mut(&outlet) {
            o.charges_month = charges;
        }
    }
    let mut last_today: BTreeMap<String, AttemptState> = BTreeMap::new();
    for a in store.attempts_on(&day_text).await? {
        let Some(o) = by.get_mut(&a.outlet_id) else {
            continue;
        };
        o.attempts_today += 1;
        o.charges_today += u64::from(charged(&a));
        o.maybe_charged_today += u64::from(maybe_charged(&a));
        last_today.insert(a.outlet_id.clone(), a.state);
    }
    for (outlet, state) in store.days_on(&day_text).await? {
        let Some(o) = by.get_mut(&outlet) else {
            continue;
        };
        o.state = match state {
            DayState::LoggedIn => "logged_in",
            DayState::Claimed => "in_progress",
            DayState::Unknown => "failing",
            DayState::Open => match last_today.get(&outlet) {
                Some(
                    AttemptState::Rejected
                    | AttemptState::Unknown
                    | AttemptState::NotLoggedIn
                    | AttemptState::NotSent,
                ) => "failing",
                _ => "login_required",
            },
        };
    }
    for c in store.guard_counts(&day_text).await? {
        let Some(o) = by.get_mut(&c.outlet_id) else {
            continue;
        };
        o.held_by = crate::guard::holds(&c, max_failures_per_day);
        o.declines_in_a_row = c.declines_in_a_row;
        o.charged_failures_today = c.charged_failures_today;
        o.failures_toward_cap = c.failures_toward_cap;
    }
    let mut totals = Totals::default();
    for o in by.values() {
        totals.outlets += 1;
        match o.state {
            "logged_in" => totals.logged_in += 1,
            "in_progress" => totals.in_progress += 1,
            "failing" => totals.failing += 1,
            _ => totals.login_required += 1,
        }
        totals.attempts_today += o.attempts_today;
        totals.charges_today += o.charges_today;
        totals.maybe_charged_today += o.maybe_charged_today;
        totals.charges_month += o.charges_month;
        totals.held_decline_guard += u64::from(o.held_by.contains(&"decline_guard"));
        totals.held_failure_cap += u64::from(o.held_by.contains(&"failure_cap"));
    }
    Ok(FleetToday {
        day: day_text,
        totals,
        outlets: by.into_values().collect(),
    })
}

/// One CSV field, quoted where it must be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Every attempt of an IST day as CSV, oldest first.
pub async fn report(store: &Store, day: NaiveDate) -> Result<String, StoreError> {
    let mut out = String::from(
        "external_ref,outlet_id,device_id,created_at_ist,state,charged,statuscode,actcode,ipay_uuid,shared_from\n",
    );
    for a in store
        .attempts_on(&day.format("%Y-%m-%d").to_string())
        .await?
    {
        let at = a
            .created_at
            .with_timezone(&clock::ist())
            .format("%Y-%m-%d %H:%M:%S");
        let charged = match a.charged {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        };
        let row = [
            a.external_ref.as_str(),
            &a.outlet_id,
            &a.device_id,
            &at.to_string(),
            a.state.as_str(),
            charged,
            a.statuscode.as_deref().unwrap_or(""),
            a.actcode.as_deref().unwrap_or(""),
            a.ipay_uuid.as_deref().unwrap_or(""),
            a.shared_from.as_deref().unwrap_or(""),
        ];
        let line: Vec<String> = row.iter().map(|f| field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn csv_fields_with_commas_or_quotes_are_quoted() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
