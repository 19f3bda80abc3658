//! PostgreSQL, for several relay instances behind one balancer: a few connections per
//! instance (crates/pgconn makes them, TLS included), each statement prepared once per
//! connection; a connection that dies is replaced on next use.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Statement};

use super::{Backend, Row, SCHEMA, StoreError, Value, pending};

/// Connections per instance unless told otherwise.
pub(crate) const DEFAULT_POOL: usize = 8;

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// `?N` placeholders (SQLite's) as `$N` (PostgreSQL's).
fn dollars(sql: &str) -> String {
    sql.replace('?', "$")
}

struct Conn {
    client: Client,
    prepared: Mutex<HashMap<&'static str, Statement>>,
}

impl Conn {
    async fn statement(&self, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(s) = self
            .prepared
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(sql)
        {
            return Ok(s.clone());
        }
        let s = self.client.prepare(&dollars(sql)).await.map_err(backend)?;
        self.prepared
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(sql, s.clone());
        Ok(s)
    }
}

impl pgconn::Pooled for Conn {
    fn client(&self) -> &Client {
        &self.client
    }
}

#[derive(Clone)]
pub struct Postgres {
    pool: Arc<pgconn::Pool<Conn>>,
}

/// Each value as the statement's parameter type wants it (a NULL needs its type too).
fn bind(stmt: &Statement, params: &[Value]) -> Vec<Box<dyn ToSql + Sync + Send>> {
    params
        .iter()
        .zip(stmt.params())
        .map(|(v, ty)| -> Box<dyn ToSql + Sync + Send> {
            let int = *ty == Type::INT8 || *ty == Type::INT4;
            match v {
                Value::Int(n) if int => Box::new(*n),
                Value::Int(n) => Box::new(n.to_string()),
                Value::Text(s) => Box::new(s.clone()),
                Value::Null if int => Box::new(None::<i64>),
                Value::Null => Box::new(None::<String>),
            }
        })
        .collect()
}

fn row_of(r: &tokio_postgres::Row) -> Row {
    let values = r
        .columns()
        .iter()
        .enumerate()
        .map(|(i, c)| match *c.type_() {
            Type::INT8 => r.get::<_, Option<i64>>(i).map_or(Value::Null, Value::Int),
            Type::INT4 => r
                .get::<_, Option<i32>>(i)
                .map_or(Value::Null, |n| Value::Int(i64::from(n))),
            _ => r
                .try_get::<_, Option<String>>(i)
                .ok()
                .flatten()
                .map_or(Value::Null, Value::Text),
        })
        .collect();
    Row(values)
}

impl Postgres {
    /// Connects `pool` connections (at least one) and creates or migrates the tables if needed,
    /// under an advisory lock so that instances starting together do not race on the DDL.
    pub async fn connect(
        url: &str,
        pool: usize,
        ca_file: Option<&Path>,
    ) -> Result<Postgres, StoreError> {
        let target = pgconn::Target::new(url, ca_file, "rd-relay").map_err(StoreError::Open)?;
        let client = pgconn::connect(&target).await.map_err(StoreError::Open)?;
        migrate(&client)
            .await
            .map_err(|e| StoreError::Open(pgconn::with_causes(&e)))?;
        Ok(Postgres {
            pool: Arc::new(pgconn::Pool::new(target, pool, open_conn).await?),
        })
    }

    async fn conn(&self) -> Result<Arc<Conn>, StoreError> {
        self.pool.get(open_conn).await
    }
}

/// The tables, then each migration not yet run, in one transaction under the advisory lock.
/// A failure drops the connection, which rolls it all back.
async fn migrate(client: &Client) -> Result<(), tokio_postgres::Error> {
    client
        .batch_execute(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock(727275); {};",
            SCHEMA.join("; ")
        ))
        .await?;
    let applied: Vec<i64> = client
        .query("SELECT id FROM relay_migrations", &[])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let now = chrono::Utc::now().timestamp_millis();
    for m in pending(&applied) {
        client.batch_execute(&m.statements.join("; ")).await?;
        client
            .execute(
                "INSERT INTO relay_migrations (id, applied_at) VALUES ($1, $2)",
                &[&m.id, &now],
            )
            .await?;
    }
    client.batch_execute("COMMIT").await
}

async fn open_conn(target: pgconn::Target) -> Result<Conn, StoreError> {
    Ok(Conn {
        client: pgconn::connect(&target).await.map_err(StoreError::Open)?,
        prepared: Mutex::new(HashMap::new()),
    })
}

impl Backend for Postgres {
    async fn execute(&self, sql: &'static str, params: Vec<Value>) -> Result<u64, StoreError> {
        let conn = self.conn().await?;
        let stmt = conn.statement(sql).await?;
        let bound = bind(&stmt, &params);
        let refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b.as_ref() as _).collect();
        conn.client.execute(&stmt, &refs).await.map_err(backend)
    }

    async fn query(&self, sql: &'static str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        let conn = self.conn().await?;
        let stmt = conn.statement(sql).await?;
        let bound = bind(&stmt, &params);
        let refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b.as_ref() as _).collect();
        let rows = conn.client.query(&stmt, &refs).await.map_err(backend)?;
        Ok(rows.iter().map(row_of).collect())
    }
}
