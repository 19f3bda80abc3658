//! An attempt's life: written `sending` before the request leaves, finished with its outcome,
//! settled by outletLoginStatus when the outcome stayed unknown.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use clock::{ist, ist_date};
use instantpay::{Amount, Pool};

use super::summary::ist_day_start;
use super::{Ledger, LedgerError, bad_row, parse_ts, ts};

/// Longest API message text kept (it is shown to the operator, not parsed).
pub(super) const MAX_MESSAGE: usize = 200;

/// Where an attempt stands: the type the relay's store uses too (crates/instantpay/src/attempt.rs).
pub use instantpay::AttemptState;

/// What is known before sending: the reference and the device/capture identity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewAttempt {
    pub external_ref: String,
    /// The process that sends it: pid and start time (src/platform, `ProcessId`).
    pub owner_pid: Option<u32>,
    pub owner_started: Option<String>,
    pub dp_id: String,
    pub mi: String,
    pub srno: String,
    pub q_score: String,
    pub nm_points: String,
    /// The PID's `Skey ci`: the expiry date of the UIDAI key it was encrypted with.
    pub ci: String,
}

/// What is known after: the final state and the API's codes, mapped from the outcome by
/// instantpay (crates/instantpay/src/attempt.rs), as the relay maps it.
pub use instantpay::OutcomeRecord as Outcome;

/// How an unresolved (`sending`/`unknown`) attempt was settled by outletLoginStatus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// The status says logged in today: the attempt went through (and was charged).
    LoggedIn,
    /// The status says login required: the attempt did not log in; whether it was charged
    /// stays unknown.
    NotLoggedIn,
    /// The attempt was on an earlier IST day: today's status says nothing about it.
    Stale,
}

impl Resolution {
    fn as_str(self) -> &'static str {
        match self {
            Resolution::LoggedIn => "status_loggedin",
            Resolution::NotLoggedIn => "status_loginrequired",
            Resolution::Stale => "stale",
        }
    }
}

/// One row of the ledger, as `status` and `login` print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub external_ref: String,
    pub created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub state: AttemptState,
    pub statuscode: Option<String>,
    pub actcode: Option<String>,
    pub(crate) ipay_uuid: Option<String>,
    pub(crate) message: Option<String>,
    pub dp_id: String,
    pub mi: String,
    pub srno: String,
    pub(crate) q_score: String,
    pub(crate) nm_points: String,
    pub charged: Option<bool>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
    /// The process that sent it (none for attempts written before schema 2).
    #[serde(default)]
    pub owner_pid: Option<u32>,
    #[serde(default)]
    pub owner_started: Option<String>,
    /// What it cost, when InstantPay's reply said (schema 3).
    #[serde(default)]
    pub(crate) pool: Option<Pool>,
    /// The PID's `Skey ci` (schema 5; empty before).
    #[serde(default)]
    pub ci: String,
    /// The outcome was a biometric decline (schema 5).
    #[serde(default)]
    pub biometric_decline: bool,
}

impl Attempt {
    /// Still waiting for outletLoginStatus to settle it.
    pub fn is_unresolved(&self) -> bool {
        matches!(self.state, AttemptState::Sending | AttemptState::Unknown)
            && self.resolved_at.is_none()
    }

    /// One line for the terminal, in English.
    #[cfg(test)]
    pub(crate) fn line(&self) -> String {
        self.msg().english()
    }

    /// One line for the terminal, in the catalogue: the codes, the device and the reference
    /// stay as they are in every language; the state and the charge are words.
    pub(crate) fn msg(&self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        let payable = self.pool.as_ref().and_then(|p| p.payable_value.as_ref());
        let charged = match (self.charged, payable) {
            (Some(true), Some(a)) => {
                Msg::new("ledger-charged-amount").arg("amount", format!("₹{a}"))
            }
            (Some(true), None) => Msg::new("ledger-charged"),
            (Some(false), _) => Msg::new("ledger-not-charged"),
            (None, _) => Msg::new("ledger-charge-unknown"),
        };
        let line = Msg::new("ledger-line")
            .arg(
                "time",
                self.created_at
                    .with_timezone(&ist())
                    .format("%Y-%m-%d %H:%M:%S IST")
                    .to_string(),
            )
            .arg("attempt", self.external_ref.as_str())
            .arg(
                "state",
                Msg::new("ledger-state").arg("state", self.state.as_str()),
            )
            .arg(
                "codes",
                format!(
                    "{}/{}",
                    self.statuscode.as_deref().unwrap_or("-"),
                    self.actcode.as_deref().unwrap_or("-")
                ),
            )
            .arg("device", nonempty(&self.mi))
            .arg("serial", nonempty(&self.srno))
            .arg("qscore", nonempty(&self.q_score))
            .arg("charged", charged);
        let Some(r) = &self.resolution else {
            return line;
        };
        // The ledger's own codes have words; anything else is shown as it was stored.
        let resolution = match r.as_str() {
            "status_loggedin" | "status_loginrequired" | "stale" => {
                Msg::new("ledger-resolution").arg("resolution", r.as_str())
            }
            _ => Msg::verbatim(r.as_str()),
        };
        Msg::new("ledger-line-resolved").arg("line", line).arg(
            "resolved",
            Msg::new("ledger-resolved").arg("resolution", resolution),
        )
    }
}

fn nonempty(s: &str) -> &str {
    if s.is_empty() { "-" } else { s }
}

impl Ledger {
    /// Record an attempt as `sending`. Call BEFORE the request leaves. Refused while an
    /// earlier attempt of the same IST day is `sending` or `unknown` and not settled: its
    /// charge may still land, and a second request could pay twice. The check and the insert
    /// are one write transaction, so two processes cannot both pass it.
    pub fn begin(&mut self, a: &NewAttempt, now: DateTime<Utc>) -> Result<(), LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let open: Option<String> = tx
            .query_row(
                "SELECT external_ref FROM attempts
                 WHERE state IN ('sending','unknown') AND resolved_at IS NULL AND created_at >= ?1
                 ORDER BY id LIMIT 1",
                params![ts(ist_day_start(ist_date(now)))],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(external_ref) = open {
            return Err(LedgerError::OpenAttempt(external_ref));
        }
        tx.execute(
            "INSERT INTO attempts (external_ref, created_at, updated_at, state, dp_id, mi, srno,
                q_score, nm_points, owner_pid, owner_started, ci)
             VALUES (?1, ?2, ?2, 'sending', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                a.external_ref,
                ts(now),
                a.dp_id,
                a.mi,
                a.srno,
                a.q_score,
                a.nm_points,
                a.owner_pid,
                a.owner_started,
                a.ci
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Record the outcome of an attempt.
    pub(crate) fn finish(
        &self,
        external_ref: &str,
        o: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        let message = o
            .message
            .as_deref()
            .map(|m| m.chars().take(MAX_MESSAGE).collect::<String>());
        let pool = o.pool.clone().unwrap_or_default();
        let text = |a: &Option<Amount>| a.as_ref().map(Amount::to_string);
        let n = self.conn.execute(
            "UPDATE attempts SET state = ?2, statuscode = ?3, actcode = ?4, ipay_uuid = ?5,
                message = ?6, charged = ?7, updated_at = ?8, opening_balance = ?9,
                transaction_value = ?10, payable = ?11, closing_balance = ?12,
                biometric_decline = ?13
             WHERE external_ref = ?1",
            params![
                external_ref,
                o.state.as_str(),
                o.statuscode,
                o.actcode,
                o.ipay_uuid,
                message,
                o.charged,
                ts(now),
                text(&pool.opening_balance),
                text(&pool.transaction_value),
                text(&pool.payable_value),
                text(&pool.closing_balance),
                o.biometric_decline,
            ],
        )?;
        if n == 0 {
            return Err(LedgerError::NoSuchAttempt(external_ref.to_string()));
        }
        Ok(())
    }

    /// Record the outcome of an unresolved attempt as the relay that forwarded it recorded it
    /// (`GET /v1/attempts/{ref}`, docs/relay.md): its real outcome, marked settled by the relay.
    pub(crate) fn finish_from_relay(
        &self,
        external_ref: &str,
        o: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.finish(external_ref, o, now)?;
        self.conn.execute(
            "UPDATE attempts SET resolved_at = ?2, resolution = 'relay_record' WHERE external_ref = ?1",
            params![external_ref, ts(now)],
        )?;
        Ok(())
    }

    /// Attempts still `sending` or `unknown` and not yet settled, oldest first.
    pub fn unresolved(&self) -> Result<Vec<Attempt>, LedgerError> {
        self.query(
            "WHERE state IN ('sending','unknown') AND resolved_at IS NULL ORDER BY id",
            [],
        )
    }

    /// Settle an unresolved attempt with what outletLoginStatus said. A `sending` row becomes
    /// `unknown` first: its request may have left.
    pub(crate) fn resolve(
        &self,
        external_ref: &str,
        r: Resolution,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        let (state, charged) = match r {
            Resolution::LoggedIn => ("loggedin", Some(true)),
            Resolution::NotLoggedIn | Resolution::Stale => ("unknown", None),
        };
        let n = self.conn.execute(
            "UPDATE attempts SET state = ?2, charged = COALESCE(?3, charged), resolved_at = ?4,
                resolution = ?5, updated_at = ?4
             WHERE external_ref = ?1",
            params![external_ref, state, charged, ts(now), r.as_str()],
        )?;
        if n == 0 {
            return Err(LedgerError::NoSuchAttempt(external_ref.to_string()));
        }
        Ok(())
    }

    /// Remember what outletLoginStatus said (it is free, and it wins over our own rows).
    pub(crate) fn record_status(
        &self,
        statuscode: &str,
        actcode: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LedgerError> {
        self.conn.execute(
            "INSERT INTO status_checks (checked_at, statuscode, actcode) VALUES (?1, ?2, ?3)",
            params![ts(now), statuscode, actcode],
        )?;
        Ok(())
    }
    pub fn get(&self, external_ref: &str) -> Result<Option<Attempt>, LedgerError> {
        Ok(self
            .query("WHERE external_ref = ?1", [external_ref])?
            .into_iter()
            .next())
    }

    pub(crate) fn last_attempt(&self) -> Result<Option<Attempt>, LedgerError> {
        Ok(self
            .query("ORDER BY id DESC LIMIT 1", [])?
            .into_iter()
            .next())
    }

    /// Every attempt, oldest first.
    pub fn all(&self) -> Result<Vec<Attempt>, LedgerError> {
        self.query("ORDER BY id", [])
    }

    pub(super) fn query<P: rusqlite::Params>(
        &self,
        tail: &str,
        p: P,
    ) -> Result<Vec<Attempt>, LedgerError> {
        let sql = format!(
            "SELECT external_ref, created_at, updated_at, state, statuscode, actcode, ipay_uuid,
                    message, dp_id, mi, srno, q_score, nm_points, charged, resolved_at, resolution,
                    owner_pid, owner_started, opening_balance, transaction_value, payable,
                    closing_balance, ci, biometric_decline
             FROM attempts {tail}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(p, |r| {
            let external_ref: String = r.get(0)?;
            let text = |i: usize| r.get::<_, String>(i);
            let (created, updated, state) = (text(1)?, text(2)?, text(3)?);
            let resolved = r.get::<_, Option<String>>(14)?;
            let parsed = || -> Result<_, LedgerError> {
                Ok((
                    parse_ts(&external_ref, "created_at", &created)?,
                    parse_ts(&external_ref, "updated_at", &updated)?,
                    state
                        .parse::<AttemptState>()
                        .map_err(|_| bad_row(&external_ref, "state", &state))?,
                    resolved
                        .as_deref()
                        .map(|s| parse_ts(&external_ref, "resolved_at", s))
                        .transpose()?,
                ))
            };
            let (created_at, updated_at, state, resolved_at) = match parsed() {
                Ok(v) => v,
                Err(e) => return Ok(Err(e)),
            };
            let mut amounts = Vec::with_capacity(4);
            for (i, column) in [
                (18, "opening_balance"),
                (19, "transaction_value"),
                (20, "payable"),
                (21, "closing_balance"),
            ] {
                let text: Option<String> = r.get(i)?;
                match text
                    .map(|t| Amount::parse(&t).ok_or_else(|| bad_row(&external_ref, column, &t)))
                {
                    Some(Err(e)) => return Ok(Err(e)),
                    Some(Ok(a)) => amounts.push(Some(a)),
                    None => amounts.push(None),
                }
            }
            let mut amounts = amounts.into_iter();
            let mut next = || amounts.next().flatten();
            let pool = Pool {
                opening_balance: next(),
                transaction_value: next(),
                payable_value: next(),
                closing_balance: next(),
            };
            let pool = (pool != Pool::default()).then_some(pool);
            Ok(Ok(Attempt {
                external_ref,
                created_at,
                updated_at,
                state,
                statuscode: r.get(4)?,
                actcode: r.get(5)?,
                ipay_uuid: r.get(6)?,
                message: r.get(7)?,
                dp_id: r.get(8)?,
                mi: r.get(9)?,
                srno: r.get(10)?,
                q_score: r.get(11)?,
                nm_points: r.get(12)?,
                charged: r.get(13)?,
                resolved_at,
                resolution: r.get(15)?,
                owner_pid: r.get(16)?,
                owner_started: r.get(17)?,
                pool,
                ci: r.get(22)?,
                biometric_decline: r.get(23)?,
            }))
        })?;
        rows.map(|row| row?).collect()
    }
}
