//! SQLite for a relay on one machine (a trial, a small platform): WAL, a busy timeout, one
//! connection used from blocking threads.

use std::sync::{Arc, Mutex};

use rusqlite::types::ValueRef;

use super::{Backend, Row, SCHEMA, StoreError, Value, pending};

#[derive(Clone)]
pub struct Sqlite {
    conn: Arc<Mutex<rusqlite::Connection>>,
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn bind(params: &[Value]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|v| match v {
            Value::Null => rusqlite::types::Value::Null,
            Value::Int(n) => rusqlite::types::Value::Integer(*n),
            Value::Text(s) => rusqlite::types::Value::Text(s.clone()),
        })
        .collect()
}

impl Sqlite {
    pub async fn open(path: &str) -> Result<Sqlite, StoreError> {
        let path = path.to_string();
        tokio::task::spawn_blocking(move || {
            let open = |e: rusqlite::Error| StoreError::Open(format!("{path}: {e}"));
            // The registry, devices' token digests and every outlet's charges: owner only
            // (crates/server-base, os/mod.rs), before SQLite creates the file 0644.
            let file = std::path::Path::new(path.strip_prefix("file:").unwrap_or(&path));
            if path != ":memory:" {
                server_base::os::make_database_private(file)
                    .map_err(|e| StoreError::Open(e.to_string()))?;
            }
            let mut conn = rusqlite::Connection::open(&path).map_err(open)?;
            conn.busy_timeout(std::time::Duration::from_secs(5))
                .map_err(open)?;
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(open)?;
            conn.pragma_update(None, "synchronous", "NORMAL")
                .map_err(open)?;
            migrate(&mut conn).map_err(open)?;
            Ok(Sqlite {
                conn: Arc::new(Mutex::new(conn)),
            })
        })
        .await
        .map_err(backend)?
    }

    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let c = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&c).map_err(backend)
        })
        .await
        .map_err(backend)?
    }
}

/// The tables, then each migration not yet run, in one transaction: a relay that stops
/// half-way leaves the file as it was.
fn migrate(conn: &mut rusqlite::Connection) -> Result<(), rusqlite::Error> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for stmt in SCHEMA {
        tx.execute(stmt, [])?;
    }
    let applied: Vec<i64> = tx
        .prepare("SELECT id FROM relay_migrations")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let now = chrono::Utc::now().timestamp_millis();
    for m in pending(&applied) {
        for stmt in m.statements {
            tx.execute(stmt, [])?;
        }
        tx.execute(
            "INSERT INTO relay_migrations (id, applied_at) VALUES (?1, ?2)",
            rusqlite::params![m.id, now],
        )?;
    }
    tx.commit()
}

impl Backend for Sqlite {
    async fn execute(&self, sql: &'static str, params: Vec<Value>) -> Result<u64, StoreError> {
        self.with(move |c| {
            let mut stmt = c.prepare_cached(sql)?;
            let n = stmt.execute(rusqlite::params_from_iter(bind(&params)))?;
            Ok(n as u64)
        })
        .await
    }

    async fn query(&self, sql: &'static str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        self.with(move |c| {
            let mut stmt = c.prepare_cached(sql)?;
            let n = stmt.column_count();
            let mut rows = stmt.query(rusqlite::params_from_iter(bind(&params)))?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let mut row = Vec::with_capacity(n);
                for i in 0..n {
                    row.push(match r.get_ref(i)? {
                        ValueRef::Null => Value::Null,
                        ValueRef::Integer(v) => Value::Int(v),
                        ValueRef::Real(v) => Value::Int(v as i64),
                        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Blob(b) => Value::Text(hex::encode(b)),
                    });
                }
                out.push(Row(row));
            }
            Ok(out)
        })
        .await
    }
}
