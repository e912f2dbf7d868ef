//! Expired codes, requests, sessions, device codes, revoked `jti`s and old refresh
//! tokens are purged in the background, in bounded batches.

use std::time::Duration;

use qeetid_domain::ports::{Clock, Housekeeping};
use qeetid_store::DieselStore;

use crate::SystemClock;

/// How often a purge round starts.
const EVERY: Duration = Duration::from_secs(300);
/// Rows per table per statement: small enough that no statement holds a lock for long.
const BATCH: i64 = 500;
/// Statements per round at most, so one round never runs away.
const MAX_BATCHES: usize = 100;

/// Starts the purge loop on the current runtime.
pub(crate) fn spawn(store: DieselStore) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            let mut total = 0;
            for _ in 0..MAX_BATCHES {
                match store.purge_expired(SystemClock.now(), BATCH).await {
                    Ok(0) => break,
                    Ok(n) => total += n,
                    Err(e) => {
                        tracing::warn!(error = %e, "housekeeping failed; will retry");
                        break;
                    }
                }
                // Let requests through between batches.
                tokio::task::yield_now().await;
            }
            if total > 0 {
                tracing::info!(rows = total, "purged expired rows");
            }
        }
    });
}
