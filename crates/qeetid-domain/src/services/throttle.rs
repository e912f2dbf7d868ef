//! Throttles on guessing (OWASP Authentication Cheat Sheet, "Protect against
//! automated attacks"; RFC 8628 §5.1 for device user codes).
//!
//! An attempt is reserved on every key that guards it *before* the expensive or
//! secret-revealing check runs (the password hash, the code lookup), atomically in
//! the database, so concurrent attempts cannot all run before the first failure is
//! counted, and every instance sharing the database sees the same counts. Then it is
//! settled: a failure may block the keys for a while (1 s, 2 s, 4 s … after the free
//! attempts), a success clears the keys that belong to the account and refunds the
//! attempt on the keys that belong to an address or to the whole deployment.
//!
//! Password sign-in is keyed on the account and the source address together, so a
//! stranger elsewhere cannot lock the user out; on the source address, so one
//! address cannot spray passwords over many accounts; and, for browsers the account
//! has not signed in from before, on the account alone and on a deployment-wide
//! ceiling of failures per minute. A browser the account has signed in from before
//! carries a device token (a signed cookie bound to the account) and is throttled
//! on its own key only: an attack elsewhere never refuses the right password there.

use std::net::IpAddr;

use super::authorization::FlowError;
use crate::error::StoreError;
use crate::ports::{Clock, Reservation, ThrottleRepository, ThrottleRule};
use crate::time::UnixTime;

/// Seconds an attempt past the free ones holds its key while it runs.
const HOLD_SECONDS: i64 = 30;

/// Failures of one account from one source (or one known browser).
pub(crate) const ACCOUNT_AND_SOURCE: ThrottleRule =
    ThrottleRule { free: 5, window_seconds: 900, hold_seconds: HOLD_SECONDS, max_delay_seconds: 900 };
/// Failures of one account from browsers it never signed in from, wherever they are.
pub(crate) const ACCOUNT: ThrottleRule =
    ThrottleRule { free: 20, window_seconds: 900, hold_seconds: HOLD_SECONDS, max_delay_seconds: 900 };
/// Failures from one source address, over every account.
pub(crate) const SOURCE: ThrottleRule =
    ThrottleRule { free: 30, window_seconds: 900, hold_seconds: HOLD_SECONDS, max_delay_seconds: 300 };
/// Wrong codes (TOTP, recovery codes, the current password) for one user.
pub(crate) const USER_CODES: ThrottleRule =
    ThrottleRule { free: 5, window_seconds: 900, hold_seconds: HOLD_SECONDS, max_delay_seconds: 900 };
/// Wrong device user codes from one source address.
pub(crate) const DEVICE_CODES_FROM_SOURCE: ThrottleRule =
    ThrottleRule { free: 5, window_seconds: 900, hold_seconds: HOLD_SECONDS, max_delay_seconds: 900 };

/// Open registrations from one source address: ten an hour, then growing delays.
const REGISTRATIONS_FROM_SOURCE: ThrottleRule =
    ThrottleRule { free: 10, window_seconds: 3600, hold_seconds: HOLD_SECONDS, max_delay_seconds: 3600 };

/// The deployment-wide ceiling: `per_minute` failures a minute, then one attempt at
/// a time with growing delays (at most a minute).
pub(crate) fn deployment_ceiling(per_minute: u32) -> ThrottleRule {
    ThrottleRule { free: per_minute.max(1), window_seconds: 60, hold_seconds: HOLD_SECONDS, max_delay_seconds: 60 }
}

/// Where an attempt comes from, as the throttles key it: an IPv4 address, or the
/// /64 network of an IPv6 address (one subscriber usually holds a whole /64).
/// Unknown sources share one key.
pub fn source_key(address: Option<IpAddr>) -> String {
    match address {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        None => "unknown".to_owned(),
    }
}

/// What a success does to a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnSuccess {
    /// Forget the key's failures (the account's own keys).
    Clear,
    /// Take back this attempt only (keys shared by many accounts).
    Refund,
}

/// One key guarding an attempt.
#[derive(Debug, Clone)]
pub(crate) struct Guard {
    key: String,
    rule: ThrottleRule,
    on_success: OnSuccess,
}

impl Guard {
    /// A key, its rule, and what a success does to it.
    pub(crate) fn new(key: String, rule: ThrottleRule, on_success: OnSuccess) -> Self {
        Self { key, rule, on_success }
    }
}

/// An attempt reserved on every key that guards it; settle it with
/// `settle_failure` or `settle_success`.
#[derive(Debug)]
#[must_use = "a reserved attempt must be settled"]
pub(crate) struct Reserved {
    granted: Vec<(Guard, u32)>,
}

/// How a guarded check ended.
pub(crate) enum Verdict<T, E> {
    /// The guess was right.
    Success(T),
    /// The guess was wrong: counts against the keys.
    Failure(E),
    /// Something else failed (the database): counts for nothing.
    Broken(E),
}

/// Seconds to block a key after its `attempt`-th failure under `rule`: nothing while
/// free, then 1, 2, 4 … up to the rule's maximum.
fn delay(rule: &ThrottleRule, attempt: u32) -> i64 {
    if attempt < rule.free {
        return 0;
    }
    2_i64.saturating_pow(attempt - rule.free).min(rule.max_delay_seconds)
}

/// Reserves the attempt on every guard, in order; when one is blocked, the
/// attempts already reserved are taken back and the caller is told how long to wait.
async fn reserve<S: ThrottleRepository>(store: &S, guards: Vec<Guard>, now: UnixTime) -> Result<Reserved, FlowError> {
    let mut granted: Vec<(Guard, u32)> = Vec::with_capacity(guards.len());
    for guard in guards {
        match store.reserve_attempt(&guard.key, &guard.rule, now).await? {
            Reservation::Granted { attempt } => granted.push((guard, attempt)),
            Reservation::Blocked { until } => {
                for (taken, _) in &granted {
                    store.refund_attempt(&taken.key, now).await?;
                }
                return Err(FlowError::Throttled { retry_after: (until.as_secs() - now.as_secs()).max(1) });
            }
        }
    }
    Ok(Reserved { granted })
}

/// The attempt failed: each key past its free attempts waits before the next.
async fn settle_failure<S: ThrottleRepository>(store: &S, reserved: Reserved, now: UnixTime) -> Result<(), StoreError> {
    for (guard, attempt) in reserved.granted {
        let wait = delay(&guard.rule, attempt);
        if wait > 0 {
            store.block_until(&guard.key, now.plus_secs(wait)).await?;
        }
    }
    Ok(())
}

/// The attempt succeeded: the account's keys forget, the shared keys take the
/// attempt back.
async fn settle_success<S: ThrottleRepository>(store: &S, reserved: Reserved, now: UnixTime) -> Result<(), StoreError> {
    for (guard, _) in reserved.granted {
        match guard.on_success {
            OnSuccess::Clear => store.clear_failures(&guard.key).await?,
            OnSuccess::Refund => store.refund_attempt(&guard.key, now).await?,
        }
    }
    Ok(())
}

/// Counts one use on every guard, refused when one is blocked: a rate limit on
/// uses rather than failures (every use settles like a failure, so past the free
/// ones each waits longer).
pub(crate) async fn count_use<S: ThrottleRepository>(
    store: &S,
    clock: &dyn Clock,
    guards: Vec<Guard>,
) -> Result<(), FlowError> {
    let now = clock.now();
    let reserved = reserve(store, guards, now).await?;
    settle_failure(store, reserved, now).await?;
    Ok(())
}

/// Counts one open registration from `source` (a registration without a token,
/// or a client first known by its metadata document): ten an hour, then growing
/// waits ([`REGISTRATIONS_FROM_SOURCE`]).
pub(crate) async fn count_open_registration<S: ThrottleRepository>(
    store: &S,
    clock: &dyn Clock,
    source: Option<IpAddr>,
) -> Result<(), FlowError> {
    // Refund is never used: `count_use` settles every use like a failure.
    let guard =
        Guard::new(format!("register-from:{}", source_key(source)), REGISTRATIONS_FROM_SOURCE, OnSuccess::Refund);
    count_use(store, clock, vec![guard]).await
}

/// Runs `check` under `guards`: reserved before, settled after by its verdict.
pub(crate) async fn guarded<S: ThrottleRepository, T, E>(
    store: &S,
    clock: &dyn Clock,
    guards: Vec<Guard>,
    check: impl Future<Output = Verdict<T, E>>,
) -> Result<Result<T, E>, FlowError> {
    let now = clock.now();
    let reserved = reserve(store, guards, now).await?;
    match check.await {
        Verdict::Success(value) => {
            settle_success(store, reserved, now).await?;
            Ok(Ok(value))
        }
        Verdict::Failure(e) => {
            settle_failure(store, reserved, now).await?;
            Ok(Err(e))
        }
        Verdict::Broken(e) => {
            // Infrastructure failed half-way: the attempt proved nothing.
            settle_success(store, reserved, now).await?;
            Ok(Err(e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_after_the_free_attempts_up_to_the_maximum() {
        let rule = ACCOUNT_AND_SOURCE;
        assert_eq!((1..5).map(|n| delay(&rule, n)).collect::<Vec<_>>(), [0, 0, 0, 0]);
        assert_eq!((5..9).map(|n| delay(&rule, n)).collect::<Vec<_>>(), [1, 2, 4, 8]);
        assert_eq!(delay(&rule, 40), 900);
    }

    #[test]
    fn sources_are_addresses_or_ipv6_networks() {
        assert_eq!(source_key(Some("203.0.113.9".parse().unwrap())), "203.0.113.9");
        assert_eq!(source_key(Some("2001:db8:1:2:3:4:5:6".parse().unwrap())), "2001:db8:1:2::/64");
        assert_eq!(source_key(Some("2001:db8:1:2:ffff::1".parse().unwrap())), "2001:db8:1:2::/64");
        assert_eq!(source_key(Some("::ffff:203.0.113.9".parse().unwrap())), "203.0.113.9");
        assert_eq!(source_key(None), "unknown");
    }
}
