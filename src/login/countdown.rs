//! While the RD Service waits for the finger (up to the capture timeout), the person is told
//! how long is left, once a second: on a terminal one line counting down, in the tray its
//! tooltip (the service sends the seconds as events, src/agent/server.rs).

use std::future::Future;
use std::time::Duration;

use super::Progress;

/// One tick of the wait for the finger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Countdown {
    /// Whole seconds left before the RD Service gives up (rounded up: the first tick is the
    /// full timeout).
    Left(u32),
    /// The capture ended (finger read, error or timeout).
    Done,
}

/// Run `capture`, telling `progress` the seconds left of `timeout` once a second, then `Done`.
pub(crate) async fn counting_down<T>(
    timeout: Duration,
    progress: &dyn Progress,
    capture: impl Future<Output = T>,
) -> T {
    tokio::pin!(capture);
    let start = tokio::time::Instant::now();
    // The full wait is told at once, whatever the capture does first; then once a second.
    let whole = timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0);
    if whole > 0 {
        progress.countdown(Countdown::Left(whole.min(u64::from(u32::MAX)) as u32));
    }
    let second = Duration::from_secs(1);
    let mut tick = tokio::time::interval_at(start + second, second);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let out = loop {
        tokio::select! {
            biased;
            out = &mut capture => break out,
            _ = tick.tick() => {
                let left = timeout.saturating_sub(start.elapsed());
                let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
                if secs > 0 {
                    progress.countdown(Countdown::Left(secs.min(u64::from(u32::MAX)) as u32));
                }
            }
        }
    };
    progress.countdown(Countdown::Done);
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Seen(Mutex<Vec<Countdown>>);

    impl Progress for Seen {
        fn say(&self, _line: &str) {}
        fn countdown(&self, c: Countdown) {
            self.0.lock().unwrap().push(c);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn counts_down_each_second_until_the_capture_ends() {
        let seen = Seen::default();
        let out = counting_down(Duration::from_secs(10), &seen, async {
            tokio::time::sleep(Duration::from_millis(3_500)).await;
            "pid"
        })
        .await;
        assert_eq!(out, "pid");
        use Countdown::*;
        assert_eq!(
            *seen.0.lock().unwrap(),
            vec![Left(10), Left(9), Left(8), Left(7), Done]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_capture_past_its_timeout_stops_at_one_then_done() {
        let seen = Seen::default();
        counting_down(Duration::from_secs(2), &seen, async {
            tokio::time::sleep(Duration::from_secs(4)).await;
        })
        .await;
        use Countdown::*;
        assert_eq!(*seen.0.lock().unwrap(), vec![Left(2), Left(1), Done]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_immediate_answer_still_tells_the_wait_then_done() {
        let seen = Seen::default();
        counting_down(Duration::from_secs(10), &seen, async {}).await;
        assert_eq!(
            *seen.0.lock().unwrap(),
            vec![Countdown::Left(10), Countdown::Done]
        );
    }
}
