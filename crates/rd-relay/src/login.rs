//! One charge per outlet per IST day, across every relay instance (docs/relay.md).
//!
//! A login first claims its outlet's day row (one statement). The holder asks
//! outletLoginStatus, records its attempt as `sending`, and only then sends outletLogin; no
//! transaction or connection is held across either call. Everyone else waits for the holder's
//! outcome: a login answers them all (`shared_from`, nothing charged), a refusal opens the
//! day again for the next capture, and an unknown outcome is settled the way the agent settles
//! its own (src/login/mod.rs): ask the status; logged in settles it; login required settles it
//! only once the attempt is older than the settle window. Nothing unknown is ever resent.
//! Before it sends, the holder runs the guards before a charge (crate::guard).

// States and outcomes are matched by name: a new one must be placed, not caught by `_`.
#![warn(clippy::wildcard_enum_match_arm)]

use std::time::Duration;

use chrono::{DateTime, Utc};
use instantpay::Aadhaar;
use instantpay::{
    ApiError, AttemptState, BiometricData, LoginOutcome, LoginStatus, OutcomeRecord,
    OutletLoginRequest,
};
use relay_api::{LoginReply, LoginRequest, codes};

use crate::Relay;
use crate::refusal::Refuse;
use crate::store::{AttemptRecord, Claim, DayState, Device, Finish, Outlet};

const POLL: Duration = Duration::from_millis(200);

/// The outlet's day this login holds: its claim, in the store's terms.
struct Hold<'a> {
    outlet_id: &'a str,
    day: String,
    ext: &'a str,
}

/// What a held login has learnt before the send: who asks, for which outlet, with what status.
struct Ready<'a> {
    device: &'a Device,
    aadhaar: &'a Aadhaar,
    status: &'a LoginStatus,
    outlet: &'a Outlet,
    now: DateTime<Utc>,
}

/// Every refused attempt id gets these words, malformed or another device's alike.
const UNUSABLE_EXTERNAL_REF: &str =
    "this external_ref cannot be used: make a new one of 1 to 40 letters and digits";

/// The outlet's IST day, as the rows key it.
pub fn day_of(t: DateTime<Utc>) -> String {
    clock::ist_date(t).format("%Y-%m-%d").to_string()
}

/// The store's record of an outcome: instantpay's mapping (crates/instantpay/src/attempt.rs),
/// which the agent's ledger uses too, and the whole reply.
fn finish_of(o: &LoginOutcome) -> Finish {
    Finish {
        record: OutcomeRecord::of(o),
        outcome: serde_json::to_string(o).ok(),
    }
}

/// An outcome as a PC may see it: what its login cost, never the platform wallet's balance
/// (the relay's own record keeps the whole reply).
pub(crate) fn for_device(mut o: LoginOutcome) -> LoginOutcome {
    let meta = match &mut o {
        LoginOutcome::LoggedIn { meta }
        | LoginOutcome::LoginRequired { meta, .. }
        | LoginOutcome::Rejected { meta, .. } => meta,
        LoginOutcome::Unknown { .. } => return o,
    };
    meta.pool = meta.pool.as_ref().map(instantpay::Pool::charge_only);
    o
}

/// The outcome an attempt's record holds, once final.
pub fn recorded_outcome(a: &AttemptRecord) -> Option<LoginOutcome> {
    let o: LoginOutcome = serde_json::from_str(a.outcome.as_deref()?).ok()?;
    (!matches!(o, LoginOutcome::Unknown { .. })).then_some(o)
}

impl Relay {
    /// outletLoginStatus for the device's outlet: free.
    pub async fn status(&self, device: &Device) -> Result<LoginStatus, Refuse> {
        self.metrics.status_calls.inc();
        self.upstream(&device.outlet_id)?
            .outlet_login_status()
            .await
            .map_err(upstream_refusal)
    }

    fn upstream(&self, outlet_id: &str) -> Result<instantpay::Client, Refuse> {
        self.instantpay
            .for_outlet(outlet_id)
            .map_err(|_| Refuse::bad_request("the outlet id cannot be sent to InstantPay"))
    }

    /// A device's login (`POST /v1/login`): answered from its record if seen before; else the
    /// outlet's day is claimed, the status asked, the guards run, the attempt recorded as
    /// `sending`, and only then sent, once.
    pub async fn login(
        &self,
        device: &Device,
        mut req: LoginRequest,
    ) -> Result<LoginReply, Refuse> {
        let aadhaar = check_request(&req)?;
        let outlet = self.outlet_of(device).await?;
        if let Some(reply) = self.replay(device, &req.external_ref).await? {
            return Ok(reply);
        }
        let ext = req.external_ref.clone();
        if let Some(reply) = self.claim_day(device, &outlet.outlet_id, &ext).await? {
            return Ok(reply);
        }

        // This attempt holds the day. Ask first (free): logged in already costs nothing.
        let now = self.clock.now();
        let hold = Hold {
            outlet_id: &outlet.outlet_id,
            day: day_of(now),
            ext: &ext,
        };
        let upstream = self.upstream(&outlet.outlet_id)?;
        let status = match upstream.outlet_login_status().await {
            Ok(s) => s,
            Err(e) => return self.open_again(&hold, upstream_refusal(e)).await,
        };
        if status.logged_in {
            return self.already_logged_in(device, &hold, status).await;
        }
        let ready = Ready {
            device,
            aadhaar: &aadhaar,
            status: &status,
            outlet: &outlet,
            now,
        };
        let send = match self.prepare(&ready, &mut req, &hold).await {
            Ok(send) => send,
            Err(r) => return self.open_again(&hold, r).await,
        };
        if let Some(reply) = self.begin_attempt(device, &hold, now).await? {
            return Ok(reply);
        }
        self.send_once(&upstream, send, &hold).await
    }

    /// The device's outlet, still registered.
    async fn outlet_of(&self, device: &Device) -> Result<Outlet, Refuse> {
        self.store.outlet(&device.outlet_id).await?.ok_or_else(|| {
            Refuse::new(
                codes::DEVICE_UNKNOWN,
                "this device's outlet is no longer registered",
            )
        })
    }

    /// The idempotency key: an attempt seen before is answered from its record, never resent.
    async fn replay(&self, device: &Device, ext: &str) -> Result<Option<LoginReply>, Refuse> {
        let Some(a) = self.store.attempt(ext).await? else {
            return Ok(None);
        };
        if a.device_id != device.device_id {
            // The same words as any unusable id: whether an id exists is not told.
            return Err(Refuse::bad_request(UNUSABLE_EXTERNAL_REF));
        }
        Ok(Some(self.answer_recorded(&a)))
    }

    /// Claim the outlet's IST day for `ext`, waiting up to `busy_wait` for another holder.
    /// `Some` answers the login without sending it: the outlet is logged in today already.
    async fn claim_day(
        &self,
        device: &Device,
        outlet_id: &str,
        ext: &str,
    ) -> Result<Option<LoginReply>, Refuse> {
        let deadline = tokio::time::Instant::now() + self.settings.busy_wait;
        loop {
            let now = self.clock.now();
            let day = day_of(now);
            match self.store.claim(outlet_id, &day, ext, now).await? {
                Claim::Mine => return Ok(None),
                Claim::Taken(d) if d.state == DayState::LoggedIn => {
                    // Logged in today by another attempt, unless the bank has cancelled it
                    // since: then the day is open again (the status is free to ask).
                    let status = self
                        .upstream(outlet_id)?
                        .outlet_login_status()
                        .await
                        .map_err(upstream_refusal)?;
                    if status.logged_in {
                        return self.share(device, ext, &day, &d.holder).await.map(Some);
                    }
                    self.store
                        .reopen(outlet_id, &day, &d.holder, self.clock.now())
                        .await?;
                    continue;
                }
                Claim::Taken(d) => {
                    let stale = d.state == DayState::Claimed
                        && now - d.claimed_at > self.settings.stale_after();
                    if d.state == DayState::Unknown || stale {
                        self.settle(outlet_id, &day, &d.holder).await?;
                        continue;
                    }
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Refuse::new(
                    codes::OUTLET_BUSY,
                    "another computer of this outlet is logging in; try again in a minute",
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Leave the held day in `state`.
    async fn release(&self, hold: &Hold<'_>, state: DayState) -> Result<(), Refuse> {
        self.store
            .set_day(hold.outlet_id, &hold.day, hold.ext, state, self.clock.now())
            .await?;
        Ok(())
    }

    /// Nothing was sent: open the day again for the next capture, and refuse with `r`.
    async fn open_again(&self, hold: &Hold<'_>, r: Refuse) -> Result<LoginReply, Refuse> {
        self.release(hold, DayState::Open).await?;
        Err(r)
    }

    /// The status says logged in: the day is, and the login is answered without a charge.
    async fn already_logged_in(
        &self,
        device: &Device,
        hold: &Hold<'_>,
        status: LoginStatus,
    ) -> Result<LoginReply, Refuse> {
        self.release(hold, DayState::LoggedIn).await?;
        let outcome = LoginOutcome::LoggedIn { meta: status.meta };
        self.record(
            device,
            hold.ext,
            &hold.day,
            AttemptState::Shared,
            Some(false),
            Some("outletLoginStatus"),
            &outcome,
        )
        .await?;
        self.metrics.login("already_logged_in");
        Ok(LoginReply {
            outcome,
            shared_from: Some("outletLoginStatus".into()),
        })
    }

    /// Whether it can succeed and the outlet is not held (crate::guard), still free; then the
    /// request InstantPay gets, with the Aadhaar encrypted under the platform's key. An
    /// operator's override of the decline guard is recorded (who, when) before the send.
    async fn prepare(
        &self,
        ready: &Ready<'_>,
        req: &mut LoginRequest,
        hold: &Hold<'_>,
    ) -> Result<OutletLoginRequest, Refuse> {
        let lift = self
            .guard(
                ready.device,
                req,
                ready.aadhaar,
                ready.status,
                &hold.day,
                ready.now,
            )
            .await?;
        let encrypted = ready
            .aadhaar
            .encrypt(self.key.expose().as_bytes())
            .map_err(|_| {
                Refuse::new(
                    codes::RELAY_FAILED,
                    "the relay's encryption key is unusable",
                )
            })?;
        let biometric = std::mem::take(&mut req.biometric_data);
        let send = OutletLoginRequest {
            latitude: ready.outlet.latitude.clone(),
            longitude: ready.outlet.longitude.clone(),
            external_ref: hold.ext.to_string(),
            biometric_data: BiometricData {
                encrypted_aadhaar: encrypted,
                ..biometric
            },
        };
        if let Some(lift) = &lift {
            self.store.put_lift(lift).await?;
        }
        Ok(send)
    }

    /// The record first, as `sending`, then the chargeable call. `Some` when the same attempt
    /// id is already recorded: a retry in flight, answered from its record, never sent twice.
    async fn begin_attempt(
        &self,
        device: &Device,
        hold: &Hold<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<LoginReply>, Refuse> {
        let begun = self
            .store
            .insert_attempt(&AttemptRecord {
                external_ref: hold.ext.to_string(),
                outlet_id: hold.outlet_id.to_string(),
                day: hold.day.clone(),
                device_id: device.device_id.clone(),
                created_at: now,
                updated_at: now,
                state: AttemptState::Sending,
                charged: None,
                statuscode: None,
                actcode: None,
                ipay_uuid: None,
                shared_from: None,
                outcome: None,
                decline: None,
            })
            .await;
        match begun {
            Ok(true) => Ok(None),
            // The same attempt id arrived twice at once (a retry in flight): both hold the
            // one claim, and the other request is the one that sends. Never a second send.
            Ok(false) => {
                let a = self.store.attempt(hold.ext).await?;
                Ok(Some(a.map_or_else(
                    || LoginReply {
                        outcome: LoginOutcome::Unknown {
                            reason:
                                "this attempt is in flight at the relay; it is not resent".into(),
                        },
                        shared_from: None,
                    },
                    |a| self.answer_recorded(&a),
                )))
            }
            Err(e) => {
                self.release(hold, DayState::Open).await?;
                Err(e.into())
            }
        }
    }

    /// Send the login once and record its outcome; the day follows it.
    async fn send_once(
        &self,
        upstream: &instantpay::Client,
        send: OutletLoginRequest,
        hold: &Hold<'_>,
    ) -> Result<LoginReply, Refuse> {
        let started = std::time::Instant::now();
        let sent = upstream.outlet_login(&send).await;
        drop(send);
        self.metrics
            .upstream_seconds
            .observe(started.elapsed().as_secs_f64());
        let now = self.clock.now();
        let outcome = match sent {
            Ok(o) => o,
            Err(e) => {
                // Certainly not sent: nothing charged, the day is free again.
                self.store
                    .finish_attempt(
                        hold.ext,
                        &Finish::bare(AttemptState::NotSent, Some(false)),
                        now,
                    )
                    .await?;
                self.release(hold, DayState::Open).await?;
                self.metrics.login("not_sent");
                return Err(upstream_refusal(e));
            }
        };
        self.store
            .finish_attempt(hold.ext, &finish_of(&outcome), now)
            .await?;
        let (next, label) = match &outcome {
            LoginOutcome::LoggedIn { .. } => (DayState::LoggedIn, "loggedin"),
            LoginOutcome::LoginRequired { .. } => (DayState::Open, "login_required"),
            LoginOutcome::Rejected { .. } => (DayState::Open, "rejected"),
            LoginOutcome::Unknown { .. } => (DayState::Unknown, "unknown"),
        };
        self.release(hold, next).await?;
        self.metrics.login(label);
        Ok(LoginReply {
            outcome,
            shared_from: None,
        })
    }

    /// Answer from an attempt's record (a retry with the same id).
    fn answer_recorded(&self, a: &AttemptRecord) -> LoginReply {
        let outcome = recorded_outcome(a).unwrap_or_else(|| LoginOutcome::Unknown {
            reason: "the relay has no outcome for this attempt yet; it is not resent".into(),
        });
        LoginReply {
            outcome,
            shared_from: a.shared_from.clone(),
        }
    }

    /// Another attempt logged the outlet in today: answer with its login, charge nothing.
    async fn share(
        &self,
        device: &Device,
        ext: &str,
        day: &str,
        holder: &str,
    ) -> Result<LoginReply, Refuse> {
        let meta = match self.store.attempt(holder).await? {
            Some(first) => match recorded_outcome(&first) {
                Some(LoginOutcome::LoggedIn { meta }) => meta,
                _ => Default::default(),
            },
            None => Default::default(),
        };
        let outcome = LoginOutcome::LoggedIn { meta };
        self.record(
            device,
            ext,
            day,
            AttemptState::Shared,
            Some(false),
            Some(holder),
            &outcome,
        )
        .await?;
        self.metrics.login("shared");
        Ok(LoginReply {
            outcome,
            shared_from: Some(holder.to_string()),
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn record(
        &self,
        device: &Device,
        ext: &str,
        day: &str,
        state: AttemptState,
        charged: Option<bool>,
        shared_from: Option<&str>,
        outcome: &LoginOutcome,
    ) -> Result<(), Refuse> {
        let now = self.clock.now();
        let f = finish_of(outcome);
        self.store
            .insert_attempt(&AttemptRecord {
                external_ref: ext.to_string(),
                outlet_id: device.outlet_id.clone(),
                day: day.to_string(),
                device_id: device.device_id.clone(),
                created_at: now,
                updated_at: now,
                state,
                charged,
                decline: f.decline(),
                statuscode: f.record.statuscode,
                actcode: f.record.actcode,
                ipay_uuid: f.record.ipay_uuid,
                shared_from: shared_from.map(str::to_string),
                outcome: f.outcome,
            })
            .await?;
        Ok(())
    }

    /// Settle the day `holder` left without a known outcome: logged in by the status, or
    /// opened again once the attempt is older than the settle window. Refuses with SETTLING
    /// while it is too young to judge.
    pub async fn settle(
        &self,
        outlet_id: &str,
        day: &str,
        holder: &str,
    ) -> Result<DayState, Refuse> {
        let asked_at = self.clock.now();
        let status = self
            .upstream(outlet_id)?
            .outlet_login_status()
            .await
            .map_err(upstream_refusal)?;
        let now = self.clock.now();
        let attempt = self.store.attempt(holder).await?;
        if status.logged_in {
            if let Some(a) = &attempt
                && recorded_outcome(a).is_none()
            {
                let outcome = LoginOutcome::LoggedIn { meta: status.meta };
                let mut f = finish_of(&outcome);
                f.record.charged = Some(true);
                self.store.finish_attempt(holder, &f, now).await?;
            }
            self.store
                .set_day(outlet_id, day, holder, DayState::LoggedIn, now)
                .await?;
            return Ok(DayState::LoggedIn);
        }
        let born = attempt.as_ref().map_or(asked_at, |a| a.created_at);
        let age = asked_at - born;
        if attempt.is_some() && age < self.settings.settle_window {
            let wait = (self.settings.settle_window - age).num_seconds().max(10);
            return Err(Refuse::new(
                codes::SETTLING,
                &format!(
                    "an earlier login of this outlet is not settled yet; try again in {wait} s"
                ),
            ));
        }
        if let Some(a) = &attempt
            && recorded_outcome(a).is_none()
        {
            self.store
                .finish_attempt(
                    holder,
                    &Finish {
                        outcome: a.outcome.clone(),
                        ..Finish::bare(AttemptState::NotLoggedIn, a.charged)
                    },
                    now,
                )
                .await?;
        }
        self.store
            .set_day(outlet_id, day, holder, DayState::Open, now)
            .await?;
        Ok(DayState::Open)
    }

    /// `GET /v1/attempts/{ref}`: the recorded outcome, settling an unknown one first.
    pub async fn attempt(
        &self,
        device: &Device,
        ext: &str,
    ) -> Result<Option<LoginOutcome>, Refuse> {
        let Some(a) = self.store.attempt(ext).await? else {
            return Ok(None);
        };
        if a.outlet_id != device.outlet_id {
            return Ok(None);
        }
        if let Some(o) = recorded_outcome(&a) {
            return Ok(Some(o));
        }
        let unsettled = a.state == AttemptState::Unknown
            || (a.state == AttemptState::Sending
                && self.clock.now() - a.updated_at > self.settings.stale_after());
        if !unsettled {
            return Ok(None);
        }
        match self.settle(&a.outlet_id, &a.day, ext).await {
            Ok(DayState::LoggedIn) => Ok(self
                .store
                .attempt(ext)
                .await?
                .as_ref()
                .and_then(recorded_outcome)),
            Ok(_) => Ok(None),
            Err(r) if r.code == codes::SETTLING => Ok(None),
            Err(r) => Err(r),
        }
    }
}

/// A login body's own checks, before anything is looked up: the attempt id InstantPay will
/// take, and a valid Aadhaar (which is never quoted back).
pub fn check_request(req: &LoginRequest) -> Result<Aadhaar, Refuse> {
    if !instantpay::valid_external_ref(&req.external_ref) {
        return Err(Refuse::bad_request(UNUSABLE_EXTERNAL_REF));
    }
    Aadhaar::parse(&req.aadhaar)
        .map_err(|_| Refuse::bad_request("aadhaar is not a valid 12-digit Aadhaar number"))
}

/// InstantPay could not be asked or the login was certainly not sent: the agent is told so,
/// in InstantPay's words where InstantPay answered.
fn upstream_refusal(e: ApiError) -> Refuse {
    Refuse::new(codes::UPSTREAM, &e.to_string())
}
