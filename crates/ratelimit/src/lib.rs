//! Token-bucket rate limits, kept in memory per key (a client host, a verified access token, an
//! invoice, a relay device or outlet). Per instance: with several instances behind a balancer
//! each enforces its own share.
//!
//! At most `MAX_KEYS` buckets are kept; past that the least recently used is forgotten, so a
//! flood of new keys costs bounded memory and never refuses a real client. Forgetting a bucket
//! only gives its key a fresh burst, and the keys that matter (tokens, invoices) exist only after
//! the store has vouched for them.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::Instant;

use lru::LruCache;

/// Buckets kept per limiter (about 100 bytes each).
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Allows `rate` requests per second per key on average, and bursts of `burst`.
/// A rate of zero turns the limiter off.
#[derive(Debug)]
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<LruCache<String, Bucket>>,
}

impl RateLimiter {
    pub fn new(rate_per_sec: f64, burst: f64) -> Self {
        RateLimiter::with_capacity(rate_per_sec, burst, MAX_KEYS)
    }

    fn with_capacity(rate_per_sec: f64, burst: f64, keys: usize) -> Self {
        RateLimiter {
            rate: rate_per_sec.max(0.0),
            burst: burst.max(1.0),
            buckets: Mutex::new(LruCache::new(
                NonZeroUsize::new(keys).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    pub fn is_off(&self) -> bool {
        self.rate == 0.0
    }

    /// Takes one request from `key`'s bucket; false when the bucket is empty.
    pub fn allow(&self, key: &str) -> bool {
        self.allow_at(key, Instant::now())
    }

    fn allow_at(&self, key: &str, now: Instant) -> bool {
        if self.is_off() {
            return true;
        }
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let b = match map.get_mut(key) {
            Some(b) => {
                let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
                b.tokens = (b.tokens + elapsed * self.rate).min(self.burst);
                b
            }
            None => {
                map.push(
                    key.to_owned(),
                    Bucket {
                        tokens: self.burst,
                        last: now,
                    },
                );
                map.get_mut(key).expect("just pushed")
            }
        };
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Whether `key`'s bucket holds a request now, without taking it: for limits counted only
    /// on failure (rd-relay's wrong enrolment codes and bad tokens per address).
    pub fn available(&self, key: &str) -> bool {
        if self.is_off() {
            return true;
        }
        let now = Instant::now();
        let map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        match map.peek(key) {
            None => true,
            Some(b) => {
                let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
                (b.tokens + elapsed * self.rate).min(self.burst) >= 1.0
            }
        }
    }

    /// Forgets keys whose bucket has refilled: they carry no state worth keeping.
    pub fn prune(&self) {
        let now = Instant::now();
        let refill = self.burst / self.rate.max(f64::MIN_POSITIVE);
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        // Least recently used first: stop at the first bucket still refilling.
        while let Some((_, b)) = map.peek_lru() {
            if now.saturating_duration_since(b.last).as_secs_f64() < refill {
                break;
            }
            map.pop_lru();
        }
    }

    pub fn tracked(&self) -> usize {
        self.buckets.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bursts_then_refills() {
        let l = RateLimiter::new(2.0, 3.0);
        let t0 = Instant::now();
        assert!(l.allow_at("a", t0));
        assert!(l.allow_at("a", t0));
        assert!(l.allow_at("a", t0));
        assert!(!l.allow_at("a", t0));
        // Another key has its own bucket.
        assert!(l.allow_at("b", t0));
        // Half a second at 2/s gives one request back.
        assert!(l.allow_at("a", t0 + Duration::from_millis(500)));
        assert!(!l.allow_at("a", t0 + Duration::from_millis(500)));
    }

    #[test]
    fn available_takes_nothing() {
        let l = RateLimiter::new(0.001, 2.0);
        assert!(l.available("a"));
        assert!(l.available("a"));
        assert!(l.allow("a"));
        assert!(l.available("a"));
        assert!(l.allow("a"));
        assert!(!l.available("a"));
        assert!(l.available("b"));
    }

    #[test]
    fn zero_rate_is_off() {
        let l = RateLimiter::new(0.0, 1.0);
        for _ in 0..1000 {
            assert!(l.allow("x"));
        }
        assert_eq!(l.tracked(), 0);
    }

    #[test]
    fn prune_forgets_full_buckets() {
        let l = RateLimiter::new(1000.0, 1.0);
        assert!(l.allow("a"));
        std::thread::sleep(Duration::from_millis(5));
        l.prune();
        assert_eq!(l.tracked(), 0);
    }

    #[test]
    fn a_flood_of_new_keys_evicts_the_oldest_and_refuses_no_one() {
        let l = RateLimiter::with_capacity(1.0, 2.0, 3);
        let t0 = Instant::now();
        assert!(l.allow_at("real", t0));
        assert!(l.allow_at("real", t0));
        assert!(!l.allow_at("real", t0));
        for i in 0..1000 {
            assert!(l.allow_at(&format!("made-up-{i}"), t0), "key {i} refused");
        }
        assert_eq!(l.tracked(), 3);
        // A key in use stays: touching it keeps it most recently used.
        let l = RateLimiter::with_capacity(1.0, 1.0, 2);
        assert!(l.allow_at("kept", t0));
        assert!(l.allow_at("x", t0));
        assert!(!l.allow_at("kept", t0));
        assert!(l.allow_at("y", t0));
        assert!(!l.allow_at("kept", t0), "the bucket in use was evicted");
    }
}
