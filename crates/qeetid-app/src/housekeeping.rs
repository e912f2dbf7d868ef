//! Expired codes, requests, sessions, device codes, revoked `jti`s and old refresh
//! tokens, and audit events past their retention, are purged in the background, in
//! bounded batches; SQLite's write-ahead log is checkpointed in the background.

use std::time::Duration;

use qeetid_domain::ports::{AuditRepository as _, Clock, Housekeeping};
use qeetid_store::{Backend, CHECKPOINT_EVERY, DieselStore};

use crate::SystemClock;

/// How often a purge round starts.
const EVERY: Duration = Duration::from_secs(300);
/// Rows per table per statement: small enough that no statement holds a lock for long.
const BATCH: i64 = 500;
/// Statements per round at most, so one round never runs away.
const MAX_BATCHES: usize = 100;

/// Starts the purge loop on the current runtime.
pub(crate) fn spawn(store: DieselStore, audit_retention_days: i64) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            let mut total = 0;
            let now = SystemClock.now();
            let events_before = now.plus_secs(-audit_retention_days.saturating_mul(86_400));
            for _ in 0..MAX_BATCHES {
                let purged = match store.purge_expired(now, BATCH).await {
                    Ok(n) => store.purge_events(events_before, BATCH).await.map(|m| n + m),
                    Err(e) => Err(e),
                };
                match purged {
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

/// Starts SQLite's background checkpoints on the current runtime (nothing on
/// PostgreSQL): requests' commits then only append to the log.
pub(crate) fn spawn_checkpointer(store: DieselStore) {
    if store.backend() != Backend::Sqlite {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = store.checkpoint_sqlite().await {
                tracing::warn!(error = %e, "SQLite checkpoint failed; will retry");
            }
        }
    });
}
