//! The day and the money, for `status`: today's state from the ledger alone, what the charged
//! attempts cost today and this IST month, and the wallet after the last charge.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use clock::{ist, ist_date, next_ist_midnight};
use instantpay::Amount;

#[cfg(doc)]
use super::DECLINE_LIMIT;
use super::{Attempt, Ledger, LedgerError, bad_row, ts};

/// Today's state, from the ledger alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayState {
    LoggedIn,
    LoginRequired,
    /// An attempt today has no known outcome yet: run `rd-agent login` to check.
    Unknown,
}

/// What `rd-agent status` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The IST calendar day this is about.
    pub(crate) ist_date: NaiveDate,
    pub state: DayState,
    /// Midnight IST (in UTC) when today's login expires.
    pub(crate) expires_at: DateTime<Utc>,
    pub(crate) last_attempt: Option<Attempt>,
    pub charged_today: u32,
    pub charged_this_month: u32,
    /// Attempts whose charge is unknown (no reply), today and this IST month.
    pub(crate) charge_unknown_today: u32,
    pub(crate) charge_unknown_this_month: u32,
    /// What the charged attempts cost, as far as InstantPay's replies said.
    #[serde(default)]
    pub(crate) paid_today: Amount,
    #[serde(default)]
    pub(crate) paid_this_month: Amount,
    /// Charged attempts whose reply gave no amount (not in `paid_*`).
    #[serde(default)]
    pub(crate) amount_unknown_today: u32,
    #[serde(default)]
    pub(crate) amount_unknown_this_month: u32,
    /// The platform wallet after the last charge that reported it.
    #[serde(default)]
    pub(crate) wallet_balance: Option<Amount>,
    /// Possible biometric declines in a row since the last success or override
    /// (src/ledger/declines.rs); at [`DECLINE_LIMIT`] a login is refused.
    #[serde(default)]
    pub(crate) consecutive_declines: u32,
    /// The `Skey ci` (UIDAI key expiry, `YYYYMMDD`) of the latest attempt that recorded one.
    #[serde(default)]
    pub(crate) last_ci: Option<String>,
    /// An attempt of today's IST day ended logged in. A plain login is then refused; when
    /// InstantPay says login required all the same, the bank cancelled the day's login and
    /// only a forced (charged) login goes on.
    #[serde(default)]
    pub attempt_logged_in_today: bool,
    /// What the latest charged attempt that reported an amount cost (`payable`): what a new
    /// login will likely cost.
    #[serde(default)]
    pub last_charge: Option<Amount>,
}

impl Summary {
    /// Possible biometric declines in a row (the decline guard's count).
    pub fn consecutive_declines(&self) -> u32 {
        self.consecutive_declines
    }
}

/// Start of an IST day, in UTC.
pub(super) fn ist_day_start(d: NaiveDate) -> DateTime<Utc> {
    let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    ist()
        .from_local_datetime(&midnight)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

impl Ledger {
    /// Today's state: the latest event of today wins (a status check or an attempt's outcome).
    pub fn day_state(&self, now: DateTime<Utc>) -> Result<DayState, LedgerError> {
        let start = ts(ist_day_start(ist_date(now)));
        let attempt: Option<(String, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT updated_at, state, resolved_at FROM attempts
                 WHERE updated_at >= ?1 ORDER BY updated_at DESC, id DESC LIMIT 1",
                [&start],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let check: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT checked_at, actcode FROM status_checks
                 WHERE checked_at >= ?1 ORDER BY checked_at DESC, id DESC LIMIT 1",
                [&start],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let from_attempt = |state: &str, resolved: &Option<String>| match state {
            "loggedin" => DayState::LoggedIn,
            "sending" | "unknown" if resolved.is_none() => DayState::Unknown,
            _ => DayState::LoginRequired,
        };
        let from_check = |actcode: &str| {
            if actcode == "LOGGEDIN" {
                DayState::LoggedIn
            } else {
                DayState::LoginRequired
            }
        };
        Ok(match (attempt, check) {
            (None, None) => DayState::LoginRequired,
            (Some((_, s, r)), None) => from_attempt(&s, &r),
            (None, Some((_, a))) => from_check(&a),
            (Some((at, s, r)), Some((ct, a))) => {
                // On a tie the attempt wins: the login asks the status before it sends.
                if at >= ct {
                    from_attempt(&s, &r)
                } else {
                    from_check(&a)
                }
            }
        })
    }

    /// Everything `rd-agent status` shows.
    pub fn summary(&self, now: DateTime<Utc>) -> Result<Summary, LedgerError> {
        let today = ist_date(now);
        let day_start = ist_day_start(today);
        let day_end = next_ist_midnight(now);
        let month_first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
        let month_start = ist_day_start(month_first);
        let count = |from: DateTime<Utc>, charged: &str| -> Result<u32, LedgerError> {
            let sql = format!(
                "SELECT COUNT(*) FROM attempts WHERE created_at >= ?1 AND created_at < ?2 AND {charged}"
            );
            Ok(self
                .conn
                .query_row(&sql, [ts(from), ts(day_end)], |r| r.get::<_, u32>(0))?)
        };
        let (paid_today, amount_unknown_today) = self.paid(day_start, day_end)?;
        let (paid_this_month, amount_unknown_this_month) = self.paid(month_start, day_end)?;
        Ok(Summary {
            paid_today,
            paid_this_month,
            amount_unknown_today,
            amount_unknown_this_month,
            wallet_balance: self.wallet_balance()?,
            consecutive_declines: self.consecutive_declines()?,
            last_ci: self.last_ci()?,
            attempt_logged_in_today: count(day_start, "state = 'loggedin'")? > 0,
            last_charge: self.last_charge()?,
            ist_date: today,
            state: self.day_state(now)?,
            expires_at: day_end,
            last_attempt: self.last_attempt()?,
            charged_today: count(day_start, "charged = 1")?,
            charged_this_month: count(month_start, "charged = 1")?,
            charge_unknown_today: count(day_start, "charged IS NULL")?,
            charge_unknown_this_month: count(month_start, "charged IS NULL")?,
        })
    }

    /// The sum of what charged attempts in `[from, to)` cost, and how many gave no amount.
    /// Added in paise: never floats.
    fn paid(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<(Amount, u32), LedgerError> {
        let mut stmt = self.conn.prepare(
            "SELECT external_ref, payable FROM attempts
             WHERE created_at >= ?1 AND created_at < ?2 AND charged = 1",
        )?;
        let rows = stmt.query_map([ts(from), ts(to)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        let (mut paise, mut unknown) = (0i64, 0u32);
        for row in rows {
            let (external_ref, payable) = row?;
            match payable {
                Some(text) => {
                    let a = Amount::parse(&text)
                        .ok_or_else(|| bad_row(&external_ref, "payable", &text))?;
                    paise = paise.saturating_add(a.paise());
                }
                None => unknown += 1,
            }
        }
        Ok((Amount::from_paise(paise), unknown))
    }

    /// The `payable` of the latest charged attempt that reported one.
    fn last_charge(&self) -> Result<Option<Amount>, LedgerError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT external_ref, payable FROM attempts
                 WHERE charged = 1 AND payable IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(external_ref, text)| {
            Amount::parse(&text).ok_or_else(|| bad_row(&external_ref, "payable", &text))
        })
        .transpose()
    }

    /// The wallet balance the latest reply that gave one reported.
    fn wallet_balance(&self) -> Result<Option<Amount>, LedgerError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT external_ref, closing_balance FROM attempts
                 WHERE closing_balance IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(external_ref, text)| {
            Amount::parse(&text).ok_or_else(|| bad_row(&external_ref, "closing_balance", &text))
        })
        .transpose()
    }
}
