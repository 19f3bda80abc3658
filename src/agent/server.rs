//! The service's heart: the current state, the scheduler loop, and the IPC accept loop.
//! `run(listener, shutdown, ...)` takes its endpoint and its shutdown future (as mini-redis
//! does), so tests bind a temporary socket and stop it cleanly.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use interprocess::local_socket::tokio::{Listener, Stream, prelude::*};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{Notify, broadcast, mpsc};
use tokio::task::JoinSet;

use super::AgentState;
use super::backend::{Backend, LoginSummary};
use super::ipc::{Peer, PeerPolicy, client_token, peer_of};
use super::protocol::{BadRequest, MAX_LINE, Message, Request, encode, parse_request};
use super::schedule::{Due, Schedule, Scheduler};
use super::watchdog::Watchdog;
use crate::i18n::Msg;
use crate::ledger::Summary;
use crate::login::LoginFlags;
use crate::login::{Countdown, Progress};
use clock::Clock;

/// The longest the scheduler sleeps in one go. The wall clock can jump (suspend, NTP) while a
/// monotonic sleep does not see it, so it re-reads the clock at least this often. Idle, this is
/// the only periodic wakeup besides the hourly re-check.
pub(crate) const MAX_SLEEP: StdDuration = StdDuration::from_secs(15 * 60);

/// Something that happened inside the service, for the scheduler loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// A scanner was plugged in or out.
    Usb,
    /// Someone asked for a re-check.
    Recheck,
}

struct Current {
    state: AgentState,
    since: DateTime<Utc>,
}

/// The shared service state. Cheap to clone behind an `Arc`.
pub struct Agent {
    backend: Arc<dyn Backend>,
    clock: Arc<dyn Clock>,
    current: Mutex<Current>,
    events: broadcast::Sender<Message>,
    wake: Notify,
    triggers: mpsc::UnboundedSender<Trigger>,
    trigger_rx: Mutex<Option<mpsc::UnboundedReceiver<Trigger>>>,
    login_lock: tokio::sync::Mutex<()>,
    schedule: Schedule,
    log_dir: std::sync::OnceLock<std::path::PathBuf>,
    watchdog: std::sync::OnceLock<Watchdog>,
}

impl Agent {
    pub fn new(backend: Arc<dyn Backend>, clock: Arc<dyn Clock>, schedule: Schedule) -> Arc<Self> {
        let (events, _) = broadcast::channel(64);
        let (tx, rx) = mpsc::unbounded_channel();
        let now = clock.now();
        Arc::new(Agent {
            backend,
            clock,
            current: Mutex::new(Current {
                state: AgentState::Unknown,
                since: now,
            }),
            events,
            wake: Notify::new(),
            triggers: tx,
            trigger_rx: Mutex::new(Some(rx)),
            login_lock: tokio::sync::Mutex::new(()),
            schedule,
            log_dir: std::sync::OnceLock::new(),
            watchdog: std::sync::OnceLock::new(),
        })
    }

    /// Tell clients where the log is (set once at start).
    pub(crate) fn set_log_dir(&self, dir: std::path::PathBuf) {
        let _ = self.log_dir.set(dir);
    }

    /// Ping `watchdog` from the scheduler loop (set once, before `run`).
    pub fn set_watchdog(&self, watchdog: Watchdog) {
        let _ = self.watchdog.set(watchdog);
    }

    /// The current state and since when.
    pub(crate) fn state(&self) -> (AgentState, DateTime<Utc>) {
        let c = self.current.lock().unwrap_or_else(|e| e.into_inner());
        (c.state.clone(), c.since)
    }

    /// Ask the scheduler loop to look at the clock now (tests that set the clock call this).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Queue a trigger for the scheduler loop (the USB watcher uses this).
    pub fn trigger(&self, t: Trigger) {
        let _ = self.triggers.send(t);
    }

    /// A receiver of every event (state changes, reminders, login results).
    pub(crate) fn events(&self) -> broadcast::Receiver<Message> {
        self.events.subscribe()
    }

    fn set_state(&self, state: AgentState) {
        let now = self.clock.now();
        let mut c = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if c.state == state {
            return;
        }
        tracing::info!(from = c.state.name(), to = state.name(), "state changed");
        c.state = state.clone();
        c.since = now;
        drop(c);
        let _ = self.events.send(Message::State {
            sentence: state.sentence(),
            state,
            since: now,
        });
    }

    /// Ask the backend for today's state, unless a login is under way (it sets the state).
    pub(crate) async fn recheck(&self) {
        let Ok(_guard) = self.login_lock.try_lock() else {
            return;
        };
        let state = self.backend.check().await;
        self.set_state(state);
    }

    /// Run the daily login; one at a time. A second request waits for the first (or for a
    /// status check) to end, then runs: its own status check sees the first one's result, so
    /// it never sends a second chargeable request.
    pub(crate) async fn login(&self, flags: LoginFlags) -> LoginSummary {
        let _guard = self.login_lock.lock().await;
        let before = self.state().0;
        self.set_state(AgentState::LoggingIn);
        let progress = ServiceProgress {
            events: &self.events,
        };
        let outcome = self.backend.login(flags, &progress).await;
        tracing::info!(
            ok = outcome.ok,
            state = outcome.state.name(),
            "login finished"
        );
        // An unknown outcome (the charge may have happened) is settled by asking again.
        let after = match &outcome.state {
            AgentState::Unknown => match self.backend.check().await {
                AgentState::Unknown => before,
                s => s,
            },
            s => s.clone(),
        };
        self.set_state(after);
        let _ = self.events.send(Message::Login(outcome.clone()));
        outcome
    }

    /// Until the end of a settle window, when the state is waiting on one.
    fn settle_wait(&self) -> StdDuration {
        match self.state().0 {
            AgentState::Settling { until } => (until - self.clock.now())
                .to_std()
                .unwrap_or(StdDuration::ZERO),
            _ => MAX_SLEEP,
        }
    }

    fn status_message(&self, summary: Option<Summary>) -> Message {
        let (state, since) = self.state();
        Message::Status {
            sentence: state.sentence(),
            state,
            since,
            summary: summary.map(Box::new),
            log_dir: self.log_dir.get().map(|d| d.display().to_string()),
        }
    }

    /// The scheduler loop: wakes for midnight, the re-check, reminders, triggers and `wake()`.
    async fn schedule_loop(self: Arc<Self>) {
        let Some(mut triggers) = self
            .trigger_rx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        else {
            return;
        };
        self.recheck().await;
        let mut sched = Scheduler::new(self.schedule.clone(), self.clock.now());
        loop {
            // Alive: this loop came round. A check that hangs stops the pings (watchdog.rs).
            if let Some(w) = self.watchdog.get() {
                w.ping();
            }
            let now = self.clock.now();
            if let Some(next) = self.state().0.expire(now) {
                self.set_state(next);
            }
            // The earlier attempt's settle window is over: ask InstantPay how it ended.
            if let AgentState::Settling { until } = self.state().0
                && now >= until
            {
                self.recheck().await;
                sched.rechecked(self.clock.now());
            }
            for due in sched.due(now, self.state().0.needs_login()) {
                match due {
                    Due::Midnight | Due::Recheck => {
                        tracing::debug!(?due, "scheduled re-check");
                        self.recheck().await;
                        sched.rechecked(self.clock.now());
                    }
                    Due::Reminder => {
                        tracing::info!("reminding the operator to log in");
                        let _ = self.events.send(Message::reminder());
                    }
                }
            }
            let wait = (sched.next_wake() - self.clock.now())
                .to_std()
                .unwrap_or(StdDuration::ZERO)
                .min(MAX_SLEEP)
                .min(self.watchdog.get().map_or(MAX_SLEEP, Watchdog::every))
                .min(self.settle_wait());
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.wake.notified() => {}
                t = triggers.recv() => {
                    let Some(t) = t else { return };
                    tracing::debug!(?t, "triggered re-check");
                    self.recheck().await;
                    sched.rechecked(self.clock.now());
                }
            }
        }
    }
}

/// The service's login progress: steps go to the log (they name ports and steps, never data),
/// the wait for the finger to subscribers, whose tray shows it.
struct ServiceProgress<'a> {
    events: &'a broadcast::Sender<Message>,
}

impl Progress for ServiceProgress<'_> {
    fn say(&self, line: &str) {
        tracing::info!("{line}");
    }

    fn countdown(&self, tick: Countdown) {
        let seconds_left = match tick {
            Countdown::Left(s) => Some(s),
            Countdown::Done => None,
        };
        let _ = self.events.send(Message::Capture { seconds_left });
    }
}

/// How long a stop waits for a login in progress: the capture (10 s and its margin) plus the
/// read timeout (30 s) plus slack. installer/linux/rd-agent.service's TimeoutStopSec is above it.
pub(crate) const LOGIN_DRAIN: StdDuration = StdDuration::from_secs(60);

/// Clients served at once: a tray per desktop user and a few commands. Past it a new
/// connection is told to retry and closed, so idle connections cannot exhaust the service.
pub const MAX_CLIENTS: usize = 64;

/// How long a client may stay silent before sending its request (a subscription, which only
/// listens, is exempt). A connection that never speaks is closed.
pub(crate) const IDLE_TIMEOUT: StdDuration = StdDuration::from_secs(30);

/// Serve until `shutdown` completes: the scheduler loop and one task per client. On shutdown
/// a login in progress is let finish, then the listener is dropped (its socket file removed)
/// and every task is stopped.
pub async fn run(
    listener: Listener,
    shutdown: impl Future<Output = ()>,
    agent: Arc<Agent>,
    policy: PeerPolicy,
) {
    let mut tasks = JoinSet::new();
    tasks.spawn(agent.clone().schedule_loop());
    let policy = Arc::new(policy);
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CLIENTS));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            conn = listener.accept() => match conn {
                Ok(stream) => match slots.clone().try_acquire_owned() {
                    Ok(slot) => {
                        let (agent, policy) = (agent.clone(), policy.clone());
                        tasks.spawn(async move {
                            serve_client(stream, agent, policy).await;
                            drop(slot);
                        });
                    }
                    Err(_) => {
                        tracing::warn!(max = MAX_CLIENTS, "too many IPC clients; refusing one");
                        tasks.spawn(refuse_busy(stream));
                    }
                },
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(StdDuration::from_millis(100)).await;
                }
            },
            // Reap finished client tasks so the set does not grow.
            Some(_) = tasks.join_next(), if tasks.len() > 1 => {}
        }
    }
    tracing::info!("shutting down");
    // A login in flight may have sent its chargeable request: let it finish and record the
    // outcome first, so a stop never leaves a `sending` row behind (bounded, and inside the
    // unit's TimeoutStopSec).
    if agent.login_lock.try_lock().is_err() {
        tracing::info!("waiting for the login in progress to finish");
        if tokio::time::timeout(LOGIN_DRAIN, agent.login_lock.lock())
            .await
            .is_err()
        {
            tracing::warn!("the login in progress did not finish in time; stopping anyway");
        }
    }
    tasks.shutdown().await;
    drop(listener);
}

async fn write_msg<W: AsyncWriteExt + Unpin>(w: &mut W, msg: &Message) -> std::io::Result<()> {
    w.write_all(&encode(msg)).await?;
    w.flush().await
}

async fn read_capped<R: AsyncBufReadExt + Unpin>(
    r: &mut R,
    buf: &mut Vec<u8>,
) -> std::io::Result<usize> {
    r.take(MAX_LINE as u64).read_until(b'\n', buf).await
}

/// Over the cap: say so and hang up (bounded, so a client that does not read cannot hold it).
/// The client's first line is read (within the same bound) before the answer: a Windows pipe
/// closed by its server fails the client's write and drops what was not yet read, where a Unix
/// socket keeps it.
async fn refuse_busy(stream: Stream) {
    let (r, mut w) = tokio::io::split(stream);
    let msg = Message::error(Msg::new("agent-busy"));
    let _ = tokio::time::timeout(StdDuration::from_secs(2), async {
        let mut first = Vec::new();
        let _ = read_capped(&mut BufReader::new(r), &mut first).await;
        write_msg(&mut w, &msg).await
    })
    .await;
}

async fn serve_client(stream: Stream, agent: Arc<Agent>, policy: Arc<PeerPolicy>) {
    let mut peer = peer_of(&stream);
    let token = client_token(&stream);
    let (r, mut w) = tokio::io::split(stream);
    if !policy.allows(&peer) {
        tracing::warn!(uid = ?peer.uid, pid = ?peer.pid, "refused an IPC client");
        let _ = write_msg(&mut w, &Message::error(Msg::new("agent-permission-denied"))).await;
        return;
    }
    tracing::debug!(uid = ?peer.uid, pid = ?peer.pid, "IPC client connected");
    let mut reader = BufReader::new(r);
    let mut line = Vec::new();
    loop {
        let req = match next_request(&mut reader, &mut line).await {
            Next::Request(req) => req,
            Next::Bad(bad) => {
                if write_msg(&mut w, &bad.reply()).await.is_err() {
                    return;
                }
                continue;
            }
            Next::TooLong => {
                let _ =
                    write_msg(&mut w, &Message::error(Msg::new("agent-request-too-long"))).await;
                return;
            }
            Next::Gone => return,
        };
        // Windows: the token is read now that a request has been (src/platform/windows/ipc.rs).
        if matches!(
            req,
            Request::Login { .. } | Request::ConfigShow | Request::ConfigChange(_)
        ) {
            peer.token = token.rights();
        }
        let reply = match req {
            Request::Subscribe => {
                return stream_events(&agent, &mut reader, &mut line, &mut w).await;
            }
            other => answer(&agent, &policy, &peer, other).await,
        };
        if write_msg(&mut w, &reply).await.is_err() {
            return;
        }
    }
}

/// What the next line from a client was.
enum Next {
    Request(Request),
    Bad(BadRequest),
    TooLong,
    /// Hung up, failed, or silent for [`IDLE_TIMEOUT`].
    Gone,
}

async fn next_request<R: AsyncBufReadExt + Unpin>(reader: &mut R, line: &mut Vec<u8>) -> Next {
    line.clear();
    let mut capped = reader.take(MAX_LINE as u64 + 1);
    let read = capped.read_until(b'\n', line);
    match tokio::time::timeout(IDLE_TIMEOUT, read).await {
        Ok(Ok(0)) | Ok(Err(_)) | Err(_) => Next::Gone,
        Ok(Ok(_)) if line.len() > MAX_LINE => Next::TooLong,
        Ok(Ok(_)) => match parse_request(line.trim_ascii()) {
            Ok(req) => Next::Request(req),
            Err(bad) => Next::Bad(bad),
        },
    }
}

/// The reply to one request other than `subscribe`.
async fn answer(agent: &Agent, policy: &PeerPolicy, peer: &Peer, req: Request) -> Message {
    match req {
        Request::Status => agent.status_message(agent.backend.summary().await),
        // The charged call: on Windows any logged-on user's tray may watch, but only an
        // operator may spend (src/platform/windows/token.rs).
        Request::Login { .. } if !policy.may_login(peer) => {
            tracing::warn!(pid = ?peer.pid, token = ?peer.token, "refused a login request");
            Message::error(Msg::new("agent-login-not-allowed"))
        }
        Request::Login {
            force,
            accept_new_device,
            despite_declines,
        } => Message::Login(
            agent
                .login(LoginFlags {
                    force,
                    accept_new_device,
                    despite_declines,
                })
                .await,
        ),
        Request::Devices => Message::Devices(agent.backend.devices().await),
        // What `status` shows of the money, over more days: the same peers may ask.
        Request::History { days } => match agent.backend.history(days.clamp(1, 62)).await {
            Some(h) => Message::History(Box::new(h)),
            None => Message::error(Msg::new("agent-history-unreadable")),
        },
        Request::Recheck => {
            agent.recheck().await;
            agent.status_message(None)
        }
        // Setup's values are the operators' (and on Windows any logged-on user may connect).
        Request::ConfigShow | Request::ConfigChange(_) if !policy.may_login(peer) => {
            tracing::warn!(pid = ?peer.pid, uid = ?peer.uid, "refused a configuration request");
            Message::error(Msg::new("agent-login-not-allowed"))
        }
        Request::ConfigShow => match agent.backend.config_view().await {
            Ok(view) => Message::Config(Box::new(view)),
            Err(said) => Message::error(said),
        },
        Request::ConfigChange(req) => {
            let Some(standing) = policy.standing(peer) else {
                return Message::error(Msg::new("agent-login-not-allowed"));
            };
            let change = match req.to_change() {
                Ok(c) => c,
                Err(said) => return Message::error(said),
            };
            tracing::info!(pid = ?peer.pid, uid = ?peer.uid, ?req, "configuration change asked");
            match agent.backend.change_config(change, standing).await {
                Ok(view) => {
                    // A service set up now can say what the day needs.
                    agent.recheck().await;
                    Message::Config(Box::new(view))
                }
                Err(said) => Message::error(said),
            }
        }
        // Served by `stream_events`; answered here only if called for it.
        Request::Subscribe => agent.status_message(None),
    }
}

/// A subscription: where things stand, then every event until the client hangs up.
async fn stream_events<R, W>(agent: &Agent, reader: &mut R, line: &mut Vec<u8>, w: &mut W)
where
    R: AsyncBufReadExt + Unpin,
    W: AsyncWriteExt + Unpin,
{
    // Subscribe before reading the state, so no change falls between the two.
    let mut rx = agent.events();
    if write_msg(w, &agent.status_message(None)).await.is_err() {
        return;
    }
    loop {
        let event = tokio::select! {
            ev = rx.recv() => ev,
            // The client hung up (or sent something: a subscription is one-way).
            n = read_capped(reader, line) => {
                if matches!(n, Ok(0) | Err(_)) || line.len() >= MAX_LINE { return }
                line.clear();
                continue;
            }
        };
        let sent = match event {
            Ok(m) => write_msg(w, &m).await,
            // Too slow to keep up: send where things stand now.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                write_msg(w, &agent.status_message(None)).await
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if sent.is_err() {
            return;
        }
    }
}
