//! The last days' attempts and what each cost, with the IST month's total and the wallet after
//! the last charge: what the operator's page shows as its history.

use chrono::{DateTime, Days, Utc};
use serde::{Deserialize, Serialize};

use clock::ist_date;
use instantpay::Amount;

use super::summary::ist_day_start;
use super::{AttemptState, Ledger, LedgerError, ts};

/// At most this many attempts are sent (a reply is one IPC line); a month has one or two a day.
pub const MAX_HISTORY_ROWS: usize = 120;

/// One attempt, as the history shows it: no device, no reference, nothing of the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub at: DateTime<Utc>,
    pub state: AttemptState,
    /// Whether it was charged, when known.
    #[serde(default)]
    pub charged: Option<bool>,
    /// What it cost, when InstantPay's reply said.
    #[serde(default)]
    pub payable: Option<Amount>,
    /// The outcome was a biometric decline.
    #[serde(default)]
    pub declined: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// How many IST days back, today included.
    pub days: u32,
    /// Newest first.
    #[serde(default)]
    pub attempts: Vec<HistoryRow>,
    /// Older attempts of those days were left out (more than [`MAX_HISTORY_ROWS`]).
    #[serde(default)]
    pub more: bool,
    /// This IST month: what the charged attempts cost, how many were charged, how many of
    /// those gave no amount, how many have a charge not known.
    #[serde(default)]
    pub paid_this_month: Amount,
    #[serde(default)]
    pub charged_this_month: u32,
    #[serde(default)]
    pub amount_unknown_this_month: u32,
    #[serde(default)]
    pub charge_unknown_this_month: u32,
    /// The platform wallet after the last charge that reported it (direct mode; the relay's
    /// replies carry none).
    #[serde(default)]
    pub wallet_balance: Option<Amount>,
}

impl History {
    /// No ledger yet: nothing attempted.
    pub fn empty(days: u32) -> History {
        History {
            days,
            attempts: Vec::new(),
            more: false,
            paid_this_month: Amount::default(),
            charged_this_month: 0,
            amount_unknown_this_month: 0,
            charge_unknown_this_month: 0,
            wallet_balance: None,
        }
    }
}

impl Ledger {
    /// The attempts of the last `days` IST days (today included), newest first, and this
    /// month's money.
    pub fn history(&self, now: DateTime<Utc>, days: u32) -> Result<History, LedgerError> {
        let days = days.max(1);
        let first = ist_date(now)
            .checked_sub_days(Days::new(u64::from(days - 1)))
            .unwrap_or_default();
        let rows = self.query(
            "WHERE created_at >= ?1 ORDER BY created_at DESC, id DESC LIMIT ?2",
            rusqlite::params![ts(ist_day_start(first)), MAX_HISTORY_ROWS as i64 + 1],
        )?;
        let more = rows.len() > MAX_HISTORY_ROWS;
        let attempts = rows
            .into_iter()
            .take(MAX_HISTORY_ROWS)
            .map(|a| HistoryRow {
                at: a.created_at,
                payable: a.pool.as_ref().and_then(|p| p.payable_value.clone()),
                state: a.state,
                charged: a.charged,
                declined: a.biometric_decline,
            })
            .collect();
        let s = self.summary(now)?;
        Ok(History {
            days,
            attempts,
            more,
            paid_this_month: s.paid_this_month,
            charged_this_month: s.charged_this_month,
            amount_unknown_this_month: s.amount_unknown_this_month,
            charge_unknown_this_month: s.charge_unknown_this_month,
            wallet_balance: s.wallet_balance,
        })
    }
}
