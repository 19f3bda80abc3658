//! The relay's records, as typed operations over [`Store`].

use chrono::{DateTime, Utc};
use instantpay::{AttemptState, OutcomeRecord};

use super::{Row, Store, StoreError, Value, to_millis};

/// An outlet of the platform, as registered by its admin.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outlet {
    pub outlet_id: String,
    pub latitude: String,
    pub longitude: String,
    pub name: String,
}

/// An enrolled PC.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Device {
    pub device_id: String,
    pub outlet_id: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// An outlet's IST day: who holds it, and in what state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub state: DayState,
    pub holder: String,
    pub claimed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayState {
    Claimed,
    LoggedIn,
    Open,
    Unknown,
}

impl DayState {
    pub fn as_str(self) -> &'static str {
        match self {
            DayState::Claimed => "claimed",
            DayState::LoggedIn => "loggedin",
            DayState::Open => "open",
            DayState::Unknown => "unknown",
        }
    }

    fn parse(s: &str) -> DayState {
        match s {
            "claimed" => DayState::Claimed,
            "loggedin" => DayState::LoggedIn,
            "open" => DayState::Open,
            _ => DayState::Unknown,
        }
    }
}

/// One login attempt that reached the relay.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AttemptRecord {
    pub external_ref: String,
    pub outlet_id: String,
    pub day: String,
    pub device_id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub state: AttemptState,
    /// `Some(true)` charged, `Some(false)` not, `None` unknown.
    pub charged: Option<bool>,
    pub statuscode: Option<String>,
    pub actcode: Option<String>,
    pub ipay_uuid: Option<String>,
    pub shared_from: Option<String>,
    /// Whether the outcome was a biometric decline (`LoginOutcome::is_biometric_decline`);
    /// `None` until known.
    pub decline: Option<bool>,
    /// The `LoginOutcome` as JSON, once known.
    #[serde(skip)]
    pub outcome: Option<String>,
}

/// How a claim on an outlet's day went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This attempt holds the day: it may send.
    Mine,
    /// Someone else holds it, or it is logged in.
    Taken(Day),
}

/// The columns [`attempt_of`] reads, in its order (a macro, so that queries stay `&'static`).
macro_rules! attempt_columns {
    () => {
        "external_ref, outlet_id, day, device_id, created_at, updated_at, state, charged, \
         statuscode, actcode, ipay_uuid, shared_from, outcome, decline"
    };
}

fn attempt_of(r: &Row) -> AttemptRecord {
    AttemptRecord {
        external_ref: r.text(0),
        outlet_id: r.text(1),
        day: r.text(2),
        device_id: r.text(3),
        created_at: r.time(4).unwrap_or_default(),
        updated_at: r.time(5).unwrap_or_default(),
        // Only the relay writes this column, always through `AttemptState`; text it cannot
        // read is taken as unknown, the state that is never resent.
        state: r.text(6).parse().unwrap_or(AttemptState::Unknown),
        charged: r.int(7).map(|n| n != 0),
        statuscode: r.opt_text(8),
        actcode: r.opt_text(9),
        ipay_uuid: r.opt_text(10),
        shared_from: r.opt_text(11),
        outcome: r.opt_text(12),
        decline: r.int(13).map(|n| n != 0),
    }
}

fn outlet_of(r: &Row) -> Outlet {
    Outlet {
        outlet_id: r.text(0),
        latitude: r.text(1),
        longitude: r.text(2),
        name: r.text(3),
    }
}

fn device_of(r: &Row) -> Device {
    Device {
        device_id: r.text(0),
        outlet_id: r.text(1),
        label: r.text(2),
        created_at: r.time(3).unwrap_or_default(),
        last_used_at: r.time(4),
        revoked_at: r.time(5),
    }
}

/// What [`Store::finish_attempt`] records: the outcome's record (instantpay's mapping,
/// crates/instantpay/src/attempt.rs) and the whole outcome as JSON.
#[derive(Debug, Clone)]
pub(crate) struct Finish {
    pub record: OutcomeRecord,
    pub outcome: Option<String>,
}

impl Finish {
    /// A finish with no reply to record: a state and whether it was charged.
    pub(crate) fn bare(state: AttemptState, charged: Option<bool>) -> Finish {
        Finish {
            record: OutcomeRecord {
                state,
                charged,
                statuscode: None,
                actcode: None,
                ipay_uuid: None,
                message: None,
                pool: None,
                biometric_decline: false,
            },
            outcome: None,
        }
    }

    /// The `decline` column: whether a reply was a biometric decline, empty where no reply
    /// was read (unknown, not sent, settled by the status).
    pub(crate) fn decline(&self) -> Option<bool> {
        matches!(
            self.record.state,
            AttemptState::LoggedIn | AttemptState::Rejected
        )
        .then_some(self.record.biometric_decline)
    }
}

/// The bounds of `day >= ?1 AND day < ?2` for the days whose text starts with `prefix`.
fn days_from(prefix: &str) -> Vec<Value> {
    vec![prefix.into(), format!("{prefix}\u{7f}").into()]
}

pub(super) fn flag(b: Option<bool>) -> Value {
    b.map_or(Value::Null, |b| Value::Int(i64::from(b)))
}

impl Store {
    /// Add or update an outlet of the registry.
    pub async fn put_outlet(&self, o: &Outlet, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO relay_outlets (outlet_id, latitude, longitude, name, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (outlet_id) DO UPDATE SET latitude = excluded.latitude,
                longitude = excluded.longitude, name = excluded.name",
            vec![
                o.outlet_id.as_str().into(),
                o.latitude.as_str().into(),
                o.longitude.as_str().into(),
                o.name.as_str().into(),
                to_millis(now).into(),
            ],
        )
        .await
        .map(drop)
    }

    pub async fn outlet(&self, outlet_id: &str) -> Result<Option<Outlet>, StoreError> {
        let rows = self
            .query(
                "SELECT outlet_id, latitude, longitude, name FROM relay_outlets WHERE outlet_id = ?1",
                vec![outlet_id.into()],
            )
            .await?;
        Ok(rows.first().map(outlet_of))
    }

    pub async fn outlets(&self) -> Result<Vec<Outlet>, StoreError> {
        let rows = self
            .query(
                "SELECT outlet_id, latitude, longitude, name FROM relay_outlets ORDER BY outlet_id",
                vec![],
            )
            .await?;
        Ok(rows.iter().map(outlet_of).collect())
    }

    pub(crate) async fn put_code(
        &self,
        code_hash: &str,
        outlet_id: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO relay_codes (code_hash, outlet_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            vec![
                code_hash.into(),
                outlet_id.into(),
                to_millis(now).into(),
                to_millis(expires_at).into(),
            ],
        )
        .await
        .map(drop)
    }

    /// Spend a code: its outlet, if it was unused and unexpired. One statement, so two PCs
    /// racing with one code cannot both have it.
    pub(crate) async fn redeem_code(
        &self,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let rows = self
            .query(
                "UPDATE relay_codes SET used_at = ?2
                 WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2
                 RETURNING outlet_id",
                vec![code_hash.into(), to_millis(now).into()],
            )
            .await?;
        Ok(rows.first().map(|r| r.text(0)))
    }

    pub async fn put_device(&self, d: &Device, token_hash: &str) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO relay_devices (device_id, token_hash, outlet_id, label, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            vec![
                d.device_id.as_str().into(),
                token_hash.into(),
                d.outlet_id.as_str().into(),
                d.label.as_str().into(),
                to_millis(d.created_at).into(),
            ],
        )
        .await
        .map(drop)
    }

    /// The device a token belongs to (revoked or not), and the stored digest to compare.
    pub(crate) async fn device_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<(Device, String)>, StoreError> {
        let rows = self
            .query(
                "SELECT device_id, outlet_id, label, created_at, last_used_at, revoked_at, token_hash
                 FROM relay_devices WHERE token_hash = ?1",
                vec![token_hash.into()],
            )
            .await?;
        Ok(rows.first().map(|r| (device_of(r), r.text(6))))
    }

    pub(crate) async fn touch_device(
        &self,
        device_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.execute(
            "UPDATE relay_devices SET last_used_at = ?2 WHERE device_id = ?1",
            vec![device_id.into(), to_millis(now).into()],
        )
        .await
        .map(drop)
    }

    /// Revoke a device; false when there is no such device.
    pub async fn revoke(&self, device_id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let n = self
            .execute(
                "UPDATE relay_devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE device_id = ?1",
                vec![device_id.into(), to_millis(now).into()],
            )
            .await?;
        Ok(n > 0)
    }

    pub async fn devices(&self, outlet_id: Option<&str>) -> Result<Vec<Device>, StoreError> {
        // The CAST: PostgreSQL cannot type a parameter it first meets in `IS NULL`.
        let rows = self
            .query(
                "SELECT device_id, outlet_id, label, created_at, last_used_at, revoked_at
                 FROM relay_devices WHERE (CAST(?1 AS TEXT) IS NULL OR outlet_id = ?1)
                 ORDER BY outlet_id, created_at",
                vec![outlet_id.into()],
            )
            .await?;
        Ok(rows.iter().map(device_of).collect())
    }

    /// Claim `(outlet, day)` for `holder`: taken if nobody holds it or it is open again.
    pub async fn claim(
        &self,
        outlet_id: &str,
        day: &str,
        holder: &str,
        now: DateTime<Utc>,
    ) -> Result<Claim, StoreError> {
        let won = self
            .query(
                "INSERT INTO relay_days (outlet_id, day, state, holder, claimed_at, updated_at)
                 VALUES (?1, ?2, 'claimed', ?3, ?4, ?4)
                 ON CONFLICT (outlet_id, day) DO UPDATE SET state = 'claimed',
                    holder = excluded.holder, claimed_at = excluded.claimed_at,
                    updated_at = excluded.updated_at
                 WHERE relay_days.state = 'open'
                 RETURNING holder",
                vec![
                    outlet_id.into(),
                    day.into(),
                    holder.into(),
                    to_millis(now).into(),
                ],
            )
            .await?;
        if won.first().is_some_and(|r| r.text(0) == holder) {
            return Ok(Claim::Mine);
        }
        match self.day(outlet_id, day).await? {
            Some(d) if d.holder == holder && d.state == DayState::Claimed => Ok(Claim::Mine),
            Some(d) => Ok(Claim::Taken(d)),
            // Removed meanwhile (it never is): try again as taken-by-nobody.
            None => Ok(Claim::Taken(Day {
                state: DayState::Open,
                holder: String::new(),
                claimed_at: now,
            })),
        }
    }

    pub async fn day(&self, outlet_id: &str, day: &str) -> Result<Option<Day>, StoreError> {
        let rows = self
            .query(
                "SELECT state, holder, claimed_at FROM relay_days WHERE outlet_id = ?1 AND day = ?2",
                vec![outlet_id.into(), day.into()],
            )
            .await?;
        Ok(rows.first().map(|r| Day {
            state: DayState::parse(&r.text(0)),
            holder: r.text(1),
            claimed_at: r.time(2).unwrap_or_default(),
        }))
    }

    /// Move the day from `holder`'s hands to `state`; false when someone else holds it now.
    pub(crate) async fn set_day(
        &self,
        outlet_id: &str,
        day: &str,
        holder: &str,
        state: DayState,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = self
            .execute(
                "UPDATE relay_days SET state = ?4, updated_at = ?5
                 WHERE outlet_id = ?1 AND day = ?2 AND holder = ?3 AND state <> 'loggedin'",
                vec![
                    outlet_id.into(),
                    day.into(),
                    holder.into(),
                    state.as_str().into(),
                    to_millis(now).into(),
                ],
            )
            .await?;
        Ok(n > 0)
    }

    /// A logged-in day the status no longer confirms (the bank cancelled it): open again.
    pub(crate) async fn reopen(
        &self,
        outlet_id: &str,
        day: &str,
        holder: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = self
            .execute(
                "UPDATE relay_days SET state = 'open', updated_at = ?4
                 WHERE outlet_id = ?1 AND day = ?2 AND holder = ?3 AND state = 'loggedin'",
                vec![
                    outlet_id.into(),
                    day.into(),
                    holder.into(),
                    to_millis(now).into(),
                ],
            )
            .await?;
        Ok(n > 0)
    }

    /// Record an attempt; false if one with this id exists already.
    pub async fn insert_attempt(&self, a: &AttemptRecord) -> Result<bool, StoreError> {
        let n = self
            .execute(
                concat!(
                    "INSERT INTO relay_attempts (",
                    attempt_columns!(),
                    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                     ON CONFLICT (external_ref) DO NOTHING"
                ),
                vec![
                    a.external_ref.as_str().into(),
                    a.outlet_id.as_str().into(),
                    a.day.as_str().into(),
                    a.device_id.as_str().into(),
                    to_millis(a.created_at).into(),
                    to_millis(a.updated_at).into(),
                    a.state.as_str().into(),
                    flag(a.charged),
                    a.statuscode.clone().into(),
                    a.actcode.clone().into(),
                    a.ipay_uuid.clone().into(),
                    a.shared_from.clone().into(),
                    a.outcome.clone().into(),
                    flag(a.decline),
                ],
            )
            .await?;
        Ok(n > 0)
    }

    pub(crate) async fn finish_attempt(
        &self,
        external_ref: &str,
        f: &Finish,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.execute(
            "UPDATE relay_attempts SET state = ?2, charged = ?3, statuscode = ?4, actcode = ?5,
                ipay_uuid = ?6, outcome = ?7, updated_at = ?8, decline = ?9
             WHERE external_ref = ?1",
            vec![
                external_ref.into(),
                f.record.state.as_str().into(),
                flag(f.record.charged),
                f.record.statuscode.clone().into(),
                f.record.actcode.clone().into(),
                f.record.ipay_uuid.clone().into(),
                f.outcome.clone().into(),
                to_millis(now).into(),
                flag(f.decline()),
            ],
        )
        .await
        .map(drop)
    }

    pub async fn attempt(&self, external_ref: &str) -> Result<Option<AttemptRecord>, StoreError> {
        let rows = self
            .query(
                concat!(
                    "SELECT ",
                    attempt_columns!(),
                    " FROM relay_attempts WHERE external_ref = ?1"
                ),
                vec![external_ref.into()],
            )
            .await?;
        Ok(rows.first().map(attempt_of))
    }

    /// Every attempt whose IST day starts with `day_prefix` (`2026-12-02`, or `2026-12-` for
    /// a month), oldest first.
    pub async fn attempts_on(&self, day_prefix: &str) -> Result<Vec<AttemptRecord>, StoreError> {
        let rows = self
            .query(
                concat!(
                    "SELECT ",
                    attempt_columns!(),
                    " FROM relay_attempts WHERE day >= ?1 AND day < ?2 ORDER BY created_at"
                ),
                days_from(day_prefix),
            )
            .await?;
        Ok(rows.iter().map(attempt_of).collect())
    }

    /// Charged attempts per outlet over the days starting with `day_prefix` (`2026-12-` for a
    /// month), counted by the database: a month of a large fleet is hundreds of thousands of
    /// rows, of which `/fleet/today` needs one number per outlet.
    pub async fn charges_on(&self, day_prefix: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = self
            .query(
                "SELECT outlet_id, COUNT(*) FROM relay_attempts
                 WHERE day >= ?1 AND day < ?2 AND charged = 1 GROUP BY outlet_id",
                days_from(day_prefix),
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.text(0), r.int(1).map_or(0, |n| n.max(0) as u64)))
            .collect())
    }

    /// Today's day rows: outlet id and state.
    pub(crate) async fn days_on(&self, day: &str) -> Result<Vec<(String, DayState)>, StoreError> {
        let rows = self
            .query(
                "SELECT outlet_id, state FROM relay_days WHERE day = ?1",
                vec![day.into()],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.text(0), DayState::parse(&r.text(1))))
            .collect())
    }
}
