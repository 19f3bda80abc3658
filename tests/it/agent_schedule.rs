//! The service's scheduler with a set clock, in-process with the fake backend of
//! agent_ipc.rs: the morning reminder, the midnight rollover, and the watchdog's pings.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::Duration;
use rd_agent::agent::AgentState;
use rd_agent::agent::Watchdog;
use rd_agent::agent::protocol::Message;

use crate::agent_ipc::{SetClock, ist_at, own_policy, start, start_with};
use crate::support::{connect, next_event, subscribed, within};

#[tokio::test]
async fn midnight_rollover_and_reminders_with_a_set_clock() {
    let clock = SetClock::new(ist_at(22, 7, 59));
    let (svc, _backend) = start(clock.clone(), own_policy()).await;
    let (mut sub, first) = subscribed(&svc.sock).await;
    assert_eq!(first, AgentState::LoginRequired);

    // 08:00 IST, login still required: the reminder.
    clock.set(ist_at(22, 8, 0));
    svc.agent.wake();
    assert!(matches!(
        next_event(&mut sub).await,
        Message::Reminder { .. }
    ));

    // Log in at 08:30: logged in until midnight IST.
    clock.set(ist_at(22, 8, 30));
    let mut c = connect(&svc.sock).await.unwrap();
    assert!(within(c.login(false)).await.unwrap().ok);
    assert!(matches!(
        next_event(&mut sub).await,
        Message::State {
            state: AgentState::LoggingIn,
            ..
        }
    ));
    assert!(matches!(
        next_event(&mut sub).await,
        Message::Capture { .. }
    ));
    assert!(matches!(
        next_event(&mut sub).await,
        Message::Capture { .. }
    ));
    assert!(matches!(
        next_event(&mut sub).await,
        Message::State {
            state: AgentState::LoggedIn { .. },
            ..
        }
    ));
    assert!(matches!(next_event(&mut sub).await, Message::Login(_)));

    // 09:00: logged in, so the 09:00 slot passes without a reminder. Then midnight: the next
    // event is the state falling back to login required (no stale reminder before it).
    clock.set(ist_at(22, 9, 0));
    svc.agent.wake();
    let _ = within(c.status()).await.unwrap();
    clock.set(ist_at(23, 0, 0) + Duration::seconds(1));
    svc.agent.wake();
    match next_event(&mut sub).await {
        Message::State { state, since, .. } => {
            assert_eq!(state, AgentState::LoginRequired);
            assert_eq!(since, ist_at(23, 0, 0) + Duration::seconds(1));
        }
        m => panic!("expected the midnight rollover, got {m:?}"),
    }

    // The next morning's reminder comes at 08:00 again.
    clock.set(ist_at(23, 8, 0));
    svc.agent.wake();
    assert!(matches!(
        next_event(&mut sub).await,
        Message::Reminder { .. }
    ));
    svc.stop().await;
}

/// The watchdog's view: pinged at least every `every` while the scheduler loop turns; once a
/// check hangs the pings stop, so the manager, waiting twice `every` (WatchdogSec), sees a hung
/// service and restarts it.
#[tokio::test]
async fn the_scheduler_loop_pings_the_watchdog_and_a_hung_check_stops_the_pings() {
    let every = StdDuration::from_millis(20);
    let pings = Arc::new(Mutex::new(Vec::<std::time::Instant>::new()));
    let record = pings.clone();
    let watchdog = Watchdog::new(every, move || {
        record.lock().unwrap().push(std::time::Instant::now())
    });
    let clock = SetClock::new(ist_at(22, 10, 0));
    let (svc, backend) = start_with(clock, own_policy(), Some(watchdog)).await;

    // Idle (the next scheduled wake is hours away), the loop still comes round to ping.
    within(async {
        while pings.lock().unwrap().len() < 10 {
            tokio::time::sleep(every).await;
        }
    })
    .await;

    // A check that never returns: the loop is stuck inside it and pings no more.
    backend
        .hang
        .store(true, std::sync::atomic::Ordering::SeqCst);
    svc.agent.trigger(rd_agent::agent::Trigger::Recheck);
    within(backend.hung.notified()).await;
    let before = pings.lock().unwrap().len();
    let last = *pings.lock().unwrap().last().unwrap();
    tokio::time::sleep(every * 10).await;
    assert_eq!(
        pings.lock().unwrap().len(),
        before,
        "a hung loop does not ping"
    );
    assert!(
        last.elapsed() > every * 2,
        "past WatchdogSec without a ping: the manager sees the service as hung"
    );
    // IPC still answers (its tasks are not the loop): the hang is only visible to the watchdog.
    let mut c = connect(&svc.sock).await.unwrap();
    assert!(within(c.status()).await.is_ok());
    // The hung check holds the login lock, so a stop would wait out the login drain: abort.
    svc.task.abort();
}
