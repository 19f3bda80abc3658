//! The History screen: the last days' login attempts from the service's ledger, what each
//! cost, the month's total and the wallet after the last charge, in one language. Pure.

use instantpay::AttemptState;
use rd_agent::i18n::{Catalog, Lang, Msg, rupees};
use rd_agent::ledger::{History, HistoryRow};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct HistoryView {
    pub(crate) heading: String,
    pub(crate) rows: Vec<RowView>,
    /// "No login was tried in these days."
    pub(crate) empty: Option<String>,
    /// The month's total, then what it leaves out, then the wallet.
    pub(crate) notes: Vec<String>,
    /// Why there is no history to show.
    pub(crate) unavailable: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct RowView {
    /// The IST time, `dd-mm-yyyy hh:mm`.
    pub(crate) when: String,
    pub(crate) result: String,
    pub(crate) cost: String,
    /// `ok`, `failed` or `open` (not known yet): the row's colour.
    pub(crate) tone: &'static str,
}

fn row(r: &HistoryRow, cat: &Catalog) -> RowView {
    let (result, tone) = match r.state {
        // The last three are the relay's store's; the agent's ledger never holds them.
        AttemptState::LoggedIn | AttemptState::Shared => ("page-history-state-loggedin", "ok"),
        AttemptState::Rejected if r.declined => ("page-history-state-declined", "failed"),
        AttemptState::Rejected | AttemptState::NotSent | AttemptState::NotLoggedIn => {
            ("page-history-state-rejected", "failed")
        }
        AttemptState::Sending => ("page-history-state-sending", "open"),
        AttemptState::Unknown => ("page-history-state-unknown", "open"),
    };
    let cost = match (r.charged, &r.payable) {
        (Some(true), Some(a)) => {
            cat.render(&Msg::new("page-history-cost-amount").arg("amount", rupees(a)))
        }
        (Some(true), None) => cat.tr("page-history-cost-charged"),
        (Some(false), _) => cat.tr("page-history-cost-free"),
        (None, _) => cat.tr("page-history-cost-unknown"),
    };
    RowView {
        when: r
            .at
            .with_timezone(&clock::ist())
            .format("%d-%m-%Y %H:%M")
            .to_string(),
        result: cat.tr(result),
        cost,
        tone,
    }
}

/// The screen for `history`, or for why there is none; `relay`: the service logs in through
/// a login relay, whose wallet is the platform's.
pub(crate) fn view(got: Result<&History, Msg>, relay: bool, lang: Lang) -> HistoryView {
    let cat = Catalog::get(lang);
    let h = match got {
        Ok(h) => h,
        Err(why) => {
            return HistoryView {
                heading: cat.render(
                    &Msg::new("page-history-heading")
                        .arg("days", rd_agent::agent::protocol::HISTORY_DAYS),
                ),
                rows: Vec::new(),
                empty: None,
                notes: Vec::new(),
                unavailable: Some(
                    cat.render(&Msg::new("page-history-unavailable").arg("reason", why)),
                ),
            };
        }
    };
    let mut notes = vec![
        cat.render(
            &Msg::new("page-history-month")
                .arg("count", h.charged_this_month)
                .arg("amount", rupees(&h.paid_this_month)),
        ),
    ];
    if h.amount_unknown_this_month > 0 {
        notes.push(
            cat.render(
                &Msg::new("page-history-month-amount-unknown")
                    .arg("count", h.amount_unknown_this_month),
            ),
        );
    }
    if h.charge_unknown_this_month > 0 {
        notes.push(
            cat.render(
                &Msg::new("page-history-month-charge-unknown")
                    .arg("count", h.charge_unknown_this_month),
            ),
        );
    }
    notes.push(match (&h.wallet_balance, relay) {
        (_, true) => cat.tr("page-history-fleet-wallet"),
        (Some(w), false) => cat.render(&Msg::new("page-history-wallet").arg("amount", rupees(w))),
        (None, false) => cat.tr("page-history-no-wallet"),
    });
    if h.more {
        notes.push(cat.tr("page-history-more"));
    }
    HistoryView {
        heading: cat.render(&Msg::new("page-history-heading").arg("days", h.days)),
        rows: h.attempts.iter().map(|r| row(r, cat)).collect(),
        empty: h.attempts.is_empty().then(|| cat.tr("page-history-none")),
        notes,
        unavailable: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use instantpay::Amount;
    use rd_agent::i18n::check::english_runs;

    fn history() -> History {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 3, 45, 0).unwrap();
        let mut h = History::empty(30);
        h.attempts = vec![
            HistoryRow {
                at,
                state: AttemptState::LoggedIn,
                charged: Some(true),
                payable: Some(Amount::from_paise(118)),
                declined: false,
            },
            HistoryRow {
                at,
                state: AttemptState::Rejected,
                charged: Some(false),
                payable: None,
                declined: true,
            },
            HistoryRow {
                at,
                state: AttemptState::Unknown,
                charged: None,
                payable: None,
                declined: false,
            },
        ];
        h.charged_this_month = 1;
        h.paid_this_month = Amount::from_paise(118);
        h.charge_unknown_this_month = 1;
        h.wallet_balance = Some(Amount::from_paise(12_345_678));
        h
    }

    #[test]
    fn each_attempt_says_what_it_cost_and_the_month_its_total() {
        let v = view(Ok(&history()), false, Lang::En);
        assert_eq!(v.heading, "Logins of the last 30 days");
        assert_eq!(v.rows[0].when, "22-11-2026 09:15", "in IST");
        assert_eq!(v.rows[0].result, "Logged in");
        assert_eq!(v.rows[0].cost, "₹1.18 charged");
        assert_eq!(v.rows[1].result, "Finger not matched");
        assert_eq!(v.rows[1].cost, "Not charged");
        assert_eq!(v.rows[2].cost, "Not known");
        assert_eq!(v.notes[0], "This month: 1 charged login, ₹1.18 in all.");
        assert!(v.notes[1].contains("not known whether"), "{:?}", v.notes);
        assert_eq!(v.notes[2], "Wallet after the last charge: ₹1,23,456.78");
        let mut h = history();
        h.wallet_balance = None;
        let v = view(Ok(&h), false, Lang::En);
        assert!(
            v.notes.last().unwrap().contains("not known"),
            "{:?}",
            v.notes
        );
        let v = view(Ok(&h), true, Lang::En);
        assert!(
            v.notes.last().unwrap().contains("platform"),
            "{:?}",
            v.notes
        );
        let v = view(Ok(&History::empty(30)), false, Lang::Hi);
        assert!(v.empty.is_some() && v.rows.is_empty());
        for t in v.notes.iter().chain(v.empty.iter()) {
            assert!(english_runs(t, 3).is_empty(), "{t}");
        }
        let v = view(Ok(&history()), false, Lang::Hi);
        for r in &v.rows {
            assert!(english_runs(&r.result, 2).is_empty() && english_runs(&r.cost, 2).is_empty());
        }
    }
}
