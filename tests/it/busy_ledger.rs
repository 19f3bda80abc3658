//! A busy ledger does not stall the service. While another process holds the ledger's write
//! lock, the service's status check waits for it on a blocking thread, and the runtime that
//! answers the tray and the commands goes on answering them.
//!
//! The test runs the service on a single-threaded runtime: a ledger opened on the runtime's
//! own thread would hold that thread, and with it every client, until SQLite gave up.

use std::sync::Arc;
use std::sync::mpsc;

use rd_agent::agent::LiveBackend;
use rd_agent::agent::Schedule;
use rd_agent::agent::protocol::Message;
use rd_agent::agent::{Agent, AgentState, ipc};
use rd_agent::config::Paths;
use rd_agent::ledger::Ledger;

use crate::agent_ipc::own_policy;
use crate::support::{TestEnv, connect, settled_subscription, within};

#[tokio::test(flavor = "current_thread")]
async fn a_busy_ledger_does_not_stall_the_service() {
    let env = TestEnv::start_async().await;
    let ledger_file = env.state().join("ledger.sqlite3");
    drop(Ledger::open(&ledger_file).unwrap());

    // Another process's write transaction, held until the test lets go.
    let (release, held) = mpsc::channel::<()>();
    let (locked_tx, locked) = mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(&ledger_file).unwrap();
        conn.execute_batch("BEGIN EXCLUSIVE").unwrap();
        locked_tx.send(()).unwrap();
        let _ = held.recv();
        conn.execute_batch("COMMIT").unwrap();
    });
    locked.recv().unwrap();

    let paths = Paths::of(env.config(), env.state());
    let clock = Arc::new(clock::SystemClock);
    let backend = Arc::new(LiveBackend::new(paths, clock.clone()));
    let agent = Agent::new(backend, clock, Schedule::default());
    let listener = ipc::bind(&env.socket()).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let service = tokio::spawn(rd_agent::agent::run(
        listener,
        async move {
            let _ = stopped.await;
        },
        agent,
        own_policy(),
    ));

    // The start-up check is waiting for the ledger now; the service still answers.
    let mut client = connect(&env.socket()).await.unwrap();
    match within(client.status()).await.unwrap() {
        Message::Status { state, .. } => assert_eq!(state, AgentState::Unknown),
        m => panic!("unexpected {m:?}"),
    }

    // Once the lock is gone the check finishes, with the ledger it waited for.
    release.send(()).unwrap();
    let mut sub = connect(&env.socket()).await.unwrap();
    assert_eq!(
        settled_subscription(&mut sub).await,
        AgentState::LoginRequired
    );
    holder.join().unwrap();
    let _ = stop.send(());
    within(service).await.unwrap();
}
