//! Token-bucket rate limits, kept in memory per key (a client address, an access token, an
//! invoice). Per instance: with several instances behind a balancer each enforces its own share.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// How many keys one limiter tracks before it refuses newcomers (after pruning idle ones), so a
/// flood of addresses cannot grow memory without bound.
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
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub fn new(rate_per_sec: f64, burst: f64) -> Self {
        RateLimiter {
            rate: rate_per_sec.max(0.0),
            burst: burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
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
        if !map.contains_key(key) && map.len() >= MAX_KEYS {
            self.prune_locked(&mut map, now);
            if map.len() >= MAX_KEYS {
                return false;
            }
        }
        let b = map.entry(key.to_owned()).or_insert(Bucket {
            tokens: self.burst,
            last: now,
        });
        let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.rate).min(self.burst);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Forgets keys whose bucket has refilled: they carry no state worth keeping.
    pub fn prune(&self) {
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        self.prune_locked(&mut map, Instant::now());
    }

    fn prune_locked(&self, map: &mut HashMap<String, Bucket>, now: Instant) {
        let refill = self.burst / self.rate.max(f64::MIN_POSITIVE);
        map.retain(|_, b| now.saturating_duration_since(b.last).as_secs_f64() < refill);
    }

    pub fn tracked(&self) -> usize {
        self.buckets.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// The key for a client address: the address itself for IPv4, its /64 for IPv6 (one host
/// usually owns a whole /64).
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
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
    fn ipv6_keys_by_prefix() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_eq!(address_key("127.0.0.1".parse().unwrap()), "127.0.0.1");
        assert_eq!(address_key("::ffff:10.0.0.1".parse().unwrap()), "10.0.0.1");
    }
}
