//! Failed client authentication at the token, introspection and revocation
//! endpoints, throttled per client id, per (client id, address) and per address,
//! in memory.
//!
//! Client secrets are 256-bit random values, so the throttle is about noise and
//! abuse, not about making a guess feasible. It lives in each instance's memory (no
//! database write on the hot path of the token endpoint); with N instances behind a
//! load balancer an address gets up to N times the allowance. The per-client-id key
//! holds back only addresses the client never authenticated from (on this
//! instance): anyone who knows a confidential client's id could otherwise lock the
//! client's own servers out, the way device cookies spare a user's own browser.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};

use crate::services::throttle::source_key;
use crate::time::UnixTime;

/// Failures of one client from one address before it waits.
const FREE_PER_CLIENT_AND_SOURCE: u32 = 10;
/// Failures from one address, over every client, before it waits.
const FREE_PER_SOURCE: u32 = 30;
/// Failures for one client id, over every address, before unknown addresses wait.
const FREE_PER_CLIENT: u32 = 100;
/// Seconds without a failure after which a key's count starts again.
const WINDOW_SECONDS: i64 = 900;
/// Longest wait after a failure.
const MAX_DELAY_SECONDS: i64 = 300;
/// Keys kept at most; when full, those out of their window go first.
const CAPACITY: usize = 50_000;

#[derive(Debug, Clone, Copy)]
struct Counter {
    failures: u32,
    last: UnixTime,
    blocked_until: UnixTime,
}

/// Per-instance counters of failed client authentication, and the addresses each
/// client authenticated from.
#[derive(Debug, Default)]
pub(crate) struct ClientAuthThrottle {
    counters: Mutex<HashMap<String, Counter>>,
    known: Mutex<HashMap<String, UnixTime>>,
}

/// The client id as a key (bounded length).
fn client_key(client_id: &str) -> String {
    format!("client:{}", client_id.chars().take(128).collect::<String>())
}

fn keys(client_id: &str, source: Option<IpAddr>) -> [(String, u32); 3] {
    let (client, source) = (client_key(client_id), source_key(source));
    [(format!("{client}@{source}"), FREE_PER_CLIENT_AND_SOURCE), (source, FREE_PER_SOURCE), (client, FREE_PER_CLIENT)]
}

impl ClientAuthThrottle {
    fn counters(&self) -> std::sync::MutexGuard<'_, HashMap<String, Counter>> {
        self.counters.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn known(&self) -> std::sync::MutexGuard<'_, HashMap<String, UnixTime>> {
        self.known.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `Err(seconds to wait)` while `client_id` from `source` must wait.
    pub(crate) fn check(&self, client_id: &str, source: Option<IpAddr>, now: UnixTime) -> Result<(), i64> {
        let [pair, address, client] = keys(client_id, source);
        let counters = self.counters();
        let blocked = |key: &str| counters.get(key).map_or(0, |c| c.blocked_until.as_secs() - now.as_secs());
        let mut wait = blocked(&pair.0).max(blocked(&address.0));
        let client_wait = blocked(&client.0);
        if client_wait > 0 && !self.known().contains_key(&pair.0) {
            wait = wait.max(client_wait);
        }
        if wait > 0 { Err(wait) } else { Ok(()) }
    }

    /// Remembers that `client_id` authenticated from `source`: the client-id key
    /// never holds that address back.
    pub(crate) fn succeeded(&self, client_id: &str, source: Option<IpAddr>, now: UnixTime) {
        let key = format!("{}@{}", client_key(client_id), source_key(source));
        let mut known = self.known();
        if known.contains_key(&key) {
            return;
        }
        if known.len() >= CAPACITY {
            known.clear();
        }
        known.insert(key, now);
    }

    /// Counts a failure: past the free ones, each key waits 1 s, 2 s, 4 s …
    pub(crate) fn failed(&self, client_id: &str, source: Option<IpAddr>, now: UnixTime) {
        let mut counters = self.counters();
        if counters.len() >= CAPACITY {
            counters.retain(|_, c| c.last.plus_secs(WINDOW_SECONDS) > now);
            if counters.len() >= CAPACITY {
                counters.clear();
            }
        }
        for (key, free) in keys(client_id, source) {
            let counter = counters.entry(key).or_insert(Counter {
                failures: 0,
                last: now,
                blocked_until: UnixTime::from_secs(0),
            });
            if counter.last.plus_secs(WINDOW_SECONDS) <= now {
                counter.failures = 0;
            }
            counter.failures += 1;
            counter.last = now;
            if counter.failures >= free {
                let wait = 2_i64.saturating_pow(counter.failures - free).min(MAX_DELAY_SECONDS);
                counter.blocked_until = now.plus_secs(wait);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_and_address_wait_after_ten_failures_and_others_do_not() {
        let throttle = ClientAuthThrottle::default();
        let (here, there) = (Some("203.0.113.1".parse().unwrap()), Some("198.51.100.1".parse().unwrap()));
        let now = UnixTime::from_secs(1_000);
        for _ in 0..9 {
            throttle.failed("qci_a", here, now);
        }
        assert!(throttle.check("qci_a", here, now).is_ok());
        throttle.failed("qci_a", here, now);
        assert_eq!(throttle.check("qci_a", here, now), Err(1));
        assert!(throttle.check("qci_a", there, now).is_ok(), "the client itself is not locked out elsewhere");
        assert!(throttle.check("qci_b", here, now).is_ok(), "the address has failures to spare");
        assert!(throttle.check("qci_a", here, now.plus_secs(1)).is_ok());
        // An address that tries many clients waits too.
        for n in 0..30 {
            throttle.failed(&format!("qci_{n}"), there, now);
        }
        assert!(throttle.check("qci_new", there, now).is_err());
    }

    #[test]
    fn a_client_under_attack_keeps_working_from_where_it_authenticated_before() {
        let throttle = ClientAuthThrottle::default();
        let now = UnixTime::from_secs(1_000);
        let home = Some("203.0.113.10".parse().unwrap());
        throttle.succeeded("qci_a", home, now);
        // Guesses from many addresses, each under its own limits.
        for n in 0..100_u32 {
            let elsewhere = Some(IpAddr::from([198, 51, (n / 250) as u8, (n % 250) as u8]));
            throttle.failed("qci_a", elsewhere, now);
        }
        let stranger = Some("192.0.2.1".parse().unwrap());
        assert!(throttle.check("qci_a", stranger, now).is_err(), "the client id is throttled");
        assert!(throttle.check("qci_a", home, now).is_ok(), "its own servers are not");
    }
}
