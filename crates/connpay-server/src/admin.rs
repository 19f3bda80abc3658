//! `connpay-server verification show|list`: what the store holds about verifications, for the
//! merchant's operator. Needs only the store (`--db` or `CONNPAY_DB_URL[_FILE]`), no key.
//! Prints no secret: no access-token digest, nonce, signature or ConnPay token.

use chrono::{DateTime, NaiveDate, Utc};

use crate::store::{CallbackRecord, ListFilter, SessionRecord, State, Store, StoreError};

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The lines `verification show` prints: the current state, then each step with its time.
pub(crate) fn show_lines(s: &SessionRecord, callbacks: &[CallbackRecord]) -> Vec<String> {
    let mut steps: Vec<(DateTime<Utc>, String)> = vec![(s.created_at, "initiated".to_owned())];
    if let Some(t) = s.consumed_at {
        steps.push((t, "checked".to_owned()));
    }
    if let (Some(t), Some(card)) = (s.mapped_at, &s.card) {
        steps.push((
            t,
            format!(
                "card mapped: client card {}, ConnPay card {} (unique reference {}, BIN {})",
                card.client_card_id, card.server_card_id, card.unique_reference_card_id, card.bin
            ),
        ));
    }
    for c in callbacks {
        let kind = if c.kind.is_empty() { "-" } else { &c.kind };
        steps.push((
            c.received_at,
            format!(
                "callback: status {}, type {kind}, orderid {}",
                c.status, c.orderid
            ),
        ));
    }
    if let (Some(t), true) = (s.final_at, s.state.is_final()) {
        let by = match &s.orderid {
            Some(o) if s.state != State::Expired => format!(" (orderid {o})"),
            _ => String::new(),
        };
        steps.push((t, format!("{}{by}", s.state)));
    }
    // Stable: a step recorded in the same millisecond keeps its place in the flow.
    steps.sort_by_key(|(t, _)| *t);
    let mut lines = vec![s.state.to_string()];
    lines.extend(
        steps
            .into_iter()
            .map(|(t, what)| format!("{}  {what}", time(t))),
    );
    lines
}

/// One line of `verification list`.
pub(crate) fn list_line(s: &SessionRecord) -> String {
    let last = [s.consumed_at, s.mapped_at, s.final_at]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(s.created_at);
    format!(
        "{}  {:<9}  initiated {}  last step {}",
        s.invoice_id,
        s.state.as_str(),
        time(s.created_at),
        time(last)
    )
}

/// Why `verification show` printed nothing.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AdminError {
    #[error("No verification with invoice id {0} is held in this store")]
    Unknown(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub(crate) async fn show(store: &Store, invoice_id: &str) -> Result<Vec<String>, AdminError> {
    let session = store
        .session(invoice_id)
        .await?
        .ok_or_else(|| AdminError::Unknown(invoice_id.to_owned()))?;
    let callbacks = store.callbacks(invoice_id).await?;
    Ok(show_lines(&session, &callbacks))
}

/// The filter for `--state` and `--day` (a UTC day, as every time in the store is UTC).
pub(crate) fn filter(state: Option<State>, day: Option<NaiveDate>) -> ListFilter {
    let from = day.map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc());
    ListFilter {
        state,
        from,
        to: from.map(|f| f + chrono::Duration::days(1)),
    }
}

pub(crate) async fn list(store: &Store, filter: &ListFilter) -> Result<Vec<String>, AdminError> {
    Ok(store.list(filter).await?.iter().map(list_line).collect())
}

/// `--state`'s parser.
pub(crate) fn parse_state(text: &str) -> Result<State, String> {
    State::parse(text).ok_or_else(|| {
        let names: Vec<&str> = State::ALL.iter().map(|s| s.as_str()).collect();
        format!("one of {}", names.join(", "))
    })
}

/// `--day`'s parser: `YYYY-MM-DD`.
pub(crate) fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| "a day written YYYY-MM-DD".to_owned())
}
