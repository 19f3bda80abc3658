//! The SQLite store: one file in WAL mode. Writes go to one writer thread that owns the write
//! connection and commits whatever has queued up in one transaction (group commit), so many
//! concurrent requests cost one commit; reads use a few reader connections directly (a
//! primary-key read from WAL is a few microseconds, cheaper than a hop to another thread).
//!
//! `synchronous = NORMAL` in WAL mode: a committed row survives a crash or kill of the process;
//! only a power cut may lose the last commits (the database stays consistent).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, LazyLock, Mutex};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

mod life;

use super::{
    ADDED_COLUMNS, Consume, LaterColumns, SESSION_COLUMNS, SessionRecord, State, StoreError,
    TokenRecord, from_millis, to_millis,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS connpay_access_tokens (
    token_hash BLOB PRIMARY KEY,
    serial_number TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS connpay_access_tokens_expiry ON connpay_access_tokens (expires_at);
CREATE TABLE IF NOT EXISTS connpay_sessions (
    invoice_id TEXT PRIMARY KEY,
    serial_number TEXT NOT NULL,
    access_token_hash BLOB NOT NULL,
    nonce TEXT NOT NULL,
    signature TEXT NOT NULL,
    currency TEXT NOT NULL,
    held TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    token TEXT,
    consumed_at INTEGER
);
CREATE TABLE IF NOT EXISTS connpay_callbacks (
    client_orderid TEXT NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    orderid TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (client_orderid, status, kind, orderid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS connpay_callbacks_received ON connpay_callbacks (received_at);
";

/// After `ADDED_COLUMNS`: unchecked sessions are swept by expiry, checked ones by the time of
/// their check (kept for the retention), open ones expired by their initiate time, and the
/// notification finds a session by ConnPay's token. Partial, so each index holds only the rows
/// its query looks at.
const INDEXES: &str = "
DROP INDEX IF EXISTS connpay_sessions_expiry;
CREATE INDEX IF NOT EXISTS connpay_sessions_unchecked ON connpay_sessions (expires_at)
    WHERE token IS NULL;
CREATE INDEX IF NOT EXISTS connpay_sessions_checked ON connpay_sessions (consumed_at)
    WHERE token IS NOT NULL;
CREATE INDEX IF NOT EXISTS connpay_sessions_open ON connpay_sessions (created_at)
    WHERE state IN ('checked', 'mapped');
CREATE INDEX IF NOT EXISTS connpay_sessions_token ON connpay_sessions (token)
    WHERE token IS NOT NULL;
";

/// Adds the columns a database from before them lacks.
fn add_columns(conn: &Connection) -> rusqlite::Result<()> {
    let mut have = Vec::new();
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('connpay_sessions')")?;
    for name in stmt.query_map([], |row| row.get::<_, String>(0))? {
        have.push(name?);
    }
    for (column, kind) in ADDED_COLUMNS {
        if !have.iter().any(|h| h == column) {
            conn.execute_batch(&format!(
                "ALTER TABLE connpay_sessions ADD COLUMN {column} {kind}"
            ))?;
            if *column == "state" {
                // Sessions an older version checked are checked.
                conn.execute_batch(
                    "UPDATE connpay_sessions SET state = 'checked' WHERE token IS NOT NULL",
                )?;
            }
        }
    }
    Ok(())
}

const READERS: usize = 4;
/// Most writes committed together.
const BATCH: usize = 512;

/// Called once the batch holding the write has committed (`None`) or failed.
type Done = Box<dyn FnOnce(Option<&str>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> Done + Send>;

struct Inner {
    jobs: Mutex<mpsc::Sender<Job>>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    /// Dropped with the store, which ends the checkpoint thread.
    _checkpoints: Mutex<mpsc::Sender<()>>,
}

/// How often the checkpoint thread copies the WAL into the database.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Past this many frames in the WAL (64 MiB of 4 KiB pages) the checkpoint thread also makes
/// the next commit write the WAL from its start again. Under steady load a passive checkpoint
/// never finds the WAL fully copied with no reader in it, which is when SQLite starts it over,
/// so the file only grew: 1.5 GB in 12 s at 4,000 verifications/s (BENCHMARKS.md,
/// connpay-server). A WAL that size fills the disk, and SQLite reads all of it again when it
/// opens the file after a crash.
const WAL_RESTART_FRAMES: i64 = 16_384;

/// How long a restart may keep writers waiting for readers to leave the WAL before it gives
/// up until the next round; readers here are primary-key reads of microseconds.
const RESTART_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

/// The checkpoint thread: copies committed pages from the WAL into the database, and fsyncs,
/// on its own connection (PASSIVE: it never waits for or blocks the writer). SQLite's automatic
/// checkpoint would run inside a commit of the writer thread, and every write queued behind it
/// would wait for its fsyncs (BENCHMARKS.md, connpay-server: seconds on a busy disk).
fn checkpoint_loop(conn: Connection, stop: mpsc::Receiver<()>) {
    if let Err(e) = conn.busy_timeout(RESTART_WAIT) {
        tracing::warn!("setting the checkpoint's wait failed: {e}");
    }
    while let Err(mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(CHECKPOINT_EVERY) {
        if let Err(e) = checkpoint(&conn, WAL_RESTART_FRAMES) {
            tracing::warn!("checkpointing the session database failed: {e}");
        }
    }
}

/// One round of the checkpoint thread. A passive checkpoint copies what it can; when the WAL
/// holds more than `restart_past` frames, a RESTART checkpoint copies the rest and waits (at
/// most the connection's busy timeout, writers held meanwhile) until no reader is in the WAL,
/// so that the next commit writes it from its start. If a reader stays, it answers "busy" and
/// the next round tries again.
fn checkpoint(conn: &Connection, restart_past: i64) -> rusqlite::Result<()> {
    // The row: busy, frames in the WAL, frames copied.
    let frames: i64 = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get(1))?;
    if frames > restart_past {
        conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()))?;
    }
    Ok(())
}

#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(|e| StoreError::Open(e.to_string()))?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|e| StoreError::Open(e.to_string()))?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(|e| StoreError::Open(e.to_string()))?;
    // Readers and the writers of other instances on the same file wait instead of failing.
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| StoreError::Open(e.to_string()))?;
    Ok(conn)
}

/// The database holds consumers' e-mail, birthday and billing data: owner only. Files already
/// there (from an older version, or a WAL left behind) are tightened.
fn make_private(path: &Path) -> Result<(), StoreError> {
    // crates/server-base, os/mod.rs: the same rule for rd-relay's database.
    server_base::os::make_database_private(path).map_err(|e| StoreError::Open(e.to_string()))?;
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave SQLite half-written (it has its own
    // transactions), so a poisoned lock is still usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The writer thread: takes the queued writes, runs them in one transaction, commits, then
/// answers each. Ends when the last store handle is dropped.
fn writer_loop(conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // If the transaction cannot start (another process holds the lock past the busy
        // timeout), each write runs on its own and reports its own outcome. Cached statements:
        // `execute_batch` would parse the SQL again for every batch.
        let run = |sql: &str| conn.prepare_cached(sql).and_then(|mut s| s.execute([]));
        let in_tx = run("BEGIN IMMEDIATE").is_ok();
        let done: Vec<Done> = batch.into_iter().map(|job| job(&conn)).collect();
        let failure = if in_tx {
            match run("COMMIT") {
                Ok(_) => None,
                Err(e) => {
                    let _ = run("ROLLBACK");
                    tracing::error!("committing to the session database failed: {e}");
                    Some(e.to_string())
                }
            }
        } else {
            None
        };
        for d in done {
            d(failure.as_deref());
        }
    }
}

fn session_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(SessionRecord, LaterColumns)> {
    Ok((
        SessionRecord {
            invoice_id: row.get(0)?,
            serial_number: row.get(1)?,
            access_token_hash: row.get(2)?,
            nonce: row.get(3)?,
            signature: row.get(4)?,
            currency: row.get(5)?,
            held: row.get(6)?,
            created_at: from_millis(row.get(7)?),
            expires_at: from_millis(row.get(8)?),
            token: row.get(9)?,
            consumed_at: row.get::<_, Option<i64>>(10)?.map(from_millis),
            state: State::Initiated,
            mapped_at: None,
            card: None,
            final_at: None,
            orderid: None,
        },
        LaterColumns {
            state: row.get(11)?,
            mapped_at: row.get(12)?,
            server_card_id: row.get(13)?,
            unique_reference_card_id: row.get(14)?,
            card_bin: row.get(15)?,
            client_card_id: row.get(16)?,
            final_at: row.get(17)?,
            orderid: row.get(18)?,
        },
    ))
}

/// The records of `sql`'s rows (`SESSION_COLUMNS`, in order).
fn sessions(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<SessionRecord>, StoreError> {
    let mut stmt = c.prepare_cached(sql).map_err(backend)?;
    let rows = stmt.query_map(params, session_from_row).map_err(backend)?;
    let mut out = Vec::new();
    for row in rows {
        let (mut record, later) = row.map_err(backend)?;
        later.apply(&mut record)?;
        out.push(record);
    }
    Ok(out)
}

impl SqliteStore {
    pub async fn open(path: &str) -> Result<SqliteStore, StoreError> {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || {
            let path = Path::new(&path);
            make_private(path)?;
            let writer = open_connection(path)?;
            writer
                .execute_batch(SCHEMA)
                .and_then(|()| add_columns(&writer))
                .and_then(|()| writer.execute_batch(INDEXES))
                .map_err(|e| StoreError::Open(e.to_string()))?;
            let mut readers = Vec::with_capacity(READERS);
            for _ in 0..READERS {
                readers.push(Mutex::new(open_connection(path)?));
            }
            // The checkpoint thread does what the writer's commits would otherwise do.
            writer
                .pragma_update(None, "wal_autocheckpoint", 0)
                .map_err(|e| StoreError::Open(e.to_string()))?;
            let checkpointer = open_connection(path)?;
            let (stop, stopped) = mpsc::channel::<()>();
            std::thread::Builder::new()
                .name("connpay-sqlite-checkpoint".into())
                .spawn(move || checkpoint_loop(checkpointer, stopped))
                .map_err(|e| StoreError::Open(e.to_string()))?;
            let (tx, rx) = mpsc::channel::<Job>();
            std::thread::Builder::new()
                .name("connpay-sqlite-writer".into())
                .spawn(move || writer_loop(writer, rx))
                .map_err(|e| StoreError::Open(e.to_string()))?;
            Ok(SqliteStore {
                inner: Arc::new(Inner {
                    jobs: Mutex::new(tx),
                    readers,
                    next_reader: AtomicUsize::new(0),
                    _checkpoints: Mutex::new(stop),
                }),
            })
        })
        .await
        .map_err(backend)?
    }

    /// Whether both the readers and the writer thread answer.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.read(|c| c.query_row("SELECT 1", [], |_| Ok(())).map_err(backend))?;
        self.write(|_| Ok(())).await
    }

    /// Queues a write for the writer thread and waits until its batch has committed.
    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = f(conn);
            Box::new(move |failure: Option<&str>| {
                let result = match failure {
                    Some(e) => Err(StoreError::Backend(e.to_owned())),
                    None => result,
                };
                let _ = tx.send(result);
            })
        });
        lock(&self.inner.jobs)
            .send(job)
            .map_err(|_| StoreError::Backend("the writer thread has stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Backend("the writer thread has stopped".into()))?
    }

    /// Runs a read on a free reader connection, on this thread: a primary-key read from WAL is
    /// a few microseconds, less than a hop to another thread would cost.
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        for reader in &self.inner.readers {
            if let Ok(conn) = reader.try_lock() {
                return f(&conn);
            }
        }
        let i = self.inner.next_reader.fetch_add(1, Ordering::Relaxed) % self.inner.readers.len();
        f(&lock(&self.inner.readers[i]))
    }

    pub async fn put_token(&self, t: &TokenRecord) -> Result<(), StoreError> {
        let t = t.clone();
        self.write(move |c| {
            c.prepare_cached(
                "INSERT INTO connpay_access_tokens (token_hash, serial_number, expires_at)
                 VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    t.token_hash,
                    t.serial_number,
                    to_millis(t.expires_at)
                ])
            })
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    pub fn token(&self, hash: &[u8]) -> Result<Option<TokenRecord>, StoreError> {
        let hash = hash.to_vec();
        self.read(move |c| {
            c.prepare_cached(
                "SELECT serial_number, expires_at FROM connpay_access_tokens WHERE token_hash = ?1",
            )
            .and_then(|mut s| {
                s.query_row(params![hash], |row| {
                    Ok(TokenRecord {
                        token_hash: hash.clone(),
                        serial_number: row.get(0)?,
                        expires_at: from_millis(row.get(1)?),
                    })
                })
                .optional()
            })
            .map_err(backend)
        })
    }

    pub async fn put_session(&self, r: &SessionRecord) -> Result<(), StoreError> {
        let r = r.clone();
        self.write(move |c| {
            let result = c
                .prepare_cached(
                    "INSERT INTO connpay_sessions (invoice_id, serial_number, access_token_hash,
                       nonce, signature, currency, held, created_at, expires_at, token, consumed_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        r.invoice_id,
                        r.serial_number,
                        r.access_token_hash,
                        r.nonce,
                        r.signature,
                        r.currency,
                        r.held,
                        to_millis(r.created_at),
                        to_millis(r.expires_at),
                        r.token,
                        r.consumed_at.map(to_millis),
                    ])
                });
            match result {
                Ok(_) => Ok(()),
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Err(StoreError::Duplicate)
                }
                Err(e) => Err(backend(e)),
            }
        })
        .await
    }

    pub fn session(&self, invoice_id: &str) -> Result<Option<SessionRecord>, StoreError> {
        let id = invoice_id.to_owned();
        // Built once: the statement cache finds a statement by its text.
        static SQL: LazyLock<String> = LazyLock::new(|| {
            format!("SELECT {SESSION_COLUMNS} FROM connpay_sessions WHERE invoice_id = ?1")
        });
        self.read(move |c| Ok(sessions(c, &SQL, params![id])?.pop()))
    }

    pub fn sessions_by_token(&self, token: &str) -> Result<Vec<SessionRecord>, StoreError> {
        let token = token.to_owned();
        static SQL: LazyLock<String> = LazyLock::new(|| {
            format!("SELECT {SESSION_COLUMNS} FROM connpay_sessions WHERE token = ?1 LIMIT 4")
        });
        self.read(move |c| sessions(c, &SQL, params![token]))
    }

    pub async fn consume(
        &self,
        invoice_id: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Consume, StoreError> {
        let id = invoice_id.to_owned();
        let token = token.to_owned();
        // Both statements run on the one writer connection under its lock: nothing can slip
        // between the conditional update and the read-back.
        self.write(move |c| {
            let changed = c
                .prepare_cached(
                    "UPDATE connpay_sessions SET token = ?1, consumed_at = ?2,
                       state = CASE WHEN state = 'initiated' THEN 'checked' ELSE state END
                     WHERE invoice_id = ?3 AND token IS NULL",
                )
                .and_then(|mut s| s.execute(params![token, to_millis(now), id]))
                .map_err(backend)?;
            if changed == 1 {
                return Ok(Consume::Consumed);
            }
            let stored: Option<Option<String>> = c
                .prepare_cached("SELECT token FROM connpay_sessions WHERE invoice_id = ?1")
                .and_then(|mut s| s.query_row(params![id], |row| row.get(0)).optional())
                .map_err(backend)?;
            Ok(match stored {
                Some(Some(t)) => Consume::Already(t),
                _ => Consume::Missing,
            })
        })
        .await
    }

    pub fn counts(&self) -> Result<(u64, u64), StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT (SELECT count(*) FROM connpay_access_tokens),
                        (SELECT count(*) FROM connpay_sessions)",
                [],
                |row| Ok((row.get::<_, i64>(0)? as u64, row.get::<_, i64>(1)? as u64)),
            )
            .map_err(backend)
        })
    }

    pub async fn sweep(
        &self,
        now: DateTime<Utc>,
        kept_since: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        self.write(move |c| {
            let now = to_millis(now);
            let kept_since = to_millis(kept_since);
            let mut n = 0;
            for (sql, at) in [
                (
                    "DELETE FROM connpay_access_tokens WHERE expires_at <= ?1",
                    now,
                ),
                (
                    "DELETE FROM connpay_sessions WHERE token IS NULL AND expires_at <= ?1",
                    now,
                ),
                (
                    "DELETE FROM connpay_sessions WHERE token IS NOT NULL AND consumed_at <= ?1",
                    kept_since,
                ),
                (
                    "DELETE FROM connpay_callbacks WHERE received_at <= ?1",
                    kept_since,
                ),
            ] {
                n += c.execute(sql, params![at]).map_err(backend)?;
            }
            Ok(n as u64)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(path: &Path) -> Connection {
        let conn = open_connection(path).expect("open");
        conn.pragma_update(None, "wal_autocheckpoint", 0)
            .expect("no automatic checkpoint");
        conn
    }

    fn insert(conn: &Connection, rows: std::ops::Range<i64>) {
        for i in rows {
            conn.execute("INSERT INTO t VALUES (?1, zeroblob(3000))", [i])
                .expect("insert");
        }
    }

    /// Frames in the WAL now, as a passive checkpoint reports them.
    fn wal_frames(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get(1))
            .expect("checkpoint")
    }

    /// Set by the checkpoint's busy handler: a restart is waiting for the reader to leave.
    static RESTART_WAITS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

    fn note_the_wait(_tries: i32) -> bool {
        RESTART_WAITS.store(true, Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(1));
        true
    }

    /// The situation of a steady load: a reader is in the WAL while the checkpoint copies. A
    /// passive checkpoint alone then leaves the WAL to grow on the next commit; past the bound
    /// the round waits for the reader to leave, and the next commit writes the WAL from its
    /// start. `restart_past` of `i64::MAX` is the passive checkpoint alone.
    fn frames_after_a_busy_round(restart_past: i64) -> i64 {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("wal.sqlite3");
        let writer = open(&path);
        writer
            .execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)")
            .expect("table");
        insert(&writer, 0..20);
        let reader = open(&path);
        reader.execute_batch("BEGIN").expect("begin");
        let _: i64 = reader
            .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
            .expect("read");
        insert(&writer, 20..40);
        // The reader leaves once the restart waits for it, or after the round.
        RESTART_WAITS.store(false, Ordering::SeqCst);
        let leaves = std::thread::spawn(move || {
            while !RESTART_WAITS.load(Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            reader.execute_batch("COMMIT").expect("end the read");
        });
        let mut checkpointer = open(&path);
        checkpointer
            .busy_handler(Some(note_the_wait))
            .expect("busy handler");
        checkpoint(&checkpointer, restart_past).expect("round");
        RESTART_WAITS.store(true, Ordering::SeqCst);
        leaves.join().expect("reader");
        insert(&writer, 40..41);
        wal_frames(&checkpointer)
    }

    #[test]
    fn a_long_wal_starts_over_at_the_next_commit() {
        let bounded = frames_after_a_busy_round(10);
        let unbounded = frames_after_a_busy_round(i64::MAX);
        // One row of 3,000 bytes: its page and the table's, a handful of frames.
        assert!(
            bounded <= 5,
            "after a restart the WAL holds {bounded} frames"
        );
        // Forty such rows stay in the WAL when nothing restarts it.
        assert!(
            unbounded >= 40,
            "without a restart the WAL holds {unbounded} frames"
        );
    }
}
