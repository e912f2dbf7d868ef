//! `ThrottleRepository` over `throttles`.
//!
//! The reservation is one `INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING`
//! statement, atomic on both databases: the row lock (PostgreSQL) or the write lock
//! (SQLite) serialises concurrent reservations of one key. It is written in SQL
//! once: `$n` placeholders are positional on PostgreSQL and, numbered in order of
//! first use, bind the same way on SQLite.

use diesel::sql_types::{BigInt, Text};
use diesel::{ExpressionMethods as _, OptionalExtension as _, QueryDsl as _};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::ports::{Reservation, ThrottleRepository, ThrottleRule};
use qeetid_domain::{StoreError, UnixTime};

use crate::DieselStore;
use crate::error::from_diesel;
use crate::pool::with_conn;
use crate::schema::throttles as t;

/// $1 key, $2 now, $3 blocked-until of a new row, $4 window, $5 free, $6 hold until.
/// (Each `$n` first appears in order: SQLite numbers named parameters that way.)
const RESERVE: &str = "\
INSERT INTO throttles (key, failures, last_failure_at, blocked_until) VALUES ($1, 1, $2, $3) \
ON CONFLICT (key) DO UPDATE SET \
  failures = CASE WHEN throttles.last_failure_at + $4 <= $2 THEN 1 ELSE throttles.failures + 1 END, \
  last_failure_at = $2, \
  blocked_until = CASE \
    WHEN (CASE WHEN throttles.last_failure_at + $4 <= $2 THEN 1 ELSE throttles.failures + 1 END) >= $5 THEN $6 \
    ELSE throttles.blocked_until END \
WHERE throttles.blocked_until <= $2 \
RETURNING failures";

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    failures: i64,
}

impl ThrottleRepository for DieselStore {
    async fn reserve_attempt(&self, key: &str, rule: &ThrottleRule, now: UnixTime) -> Result<Reservation, StoreError> {
        let now_s = now.as_secs();
        let hold_until = now_s + rule.hold_seconds;
        let first_blocked = if rule.free <= 1 { hold_until } else { 0 };
        let granted: Option<Count> = with_conn!(&self.pool, |conn| {
            diesel::sql_query(RESERVE)
                .bind::<Text, _>(key)
                .bind::<BigInt, _>(now_s)
                .bind::<BigInt, _>(first_blocked)
                .bind::<BigInt, _>(rule.window_seconds)
                .bind::<BigInt, _>(i64::from(rule.free))
                .bind::<BigInt, _>(hold_until)
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        if let Some(count) = granted {
            return Ok(Reservation::Granted { attempt: u32::try_from(count.failures).unwrap_or(u32::MAX) });
        }
        let until: Option<i64> = with_conn!(&self.pool, |conn| {
            t::table.find(key).select(t::blocked_until).get_result(conn).await.optional().map_err(from_diesel)?
        });
        // Gone meanwhile (cleared by a success): blocked no longer, but this attempt
        // lost its race; the caller tries again later.
        Ok(Reservation::Blocked { until: UnixTime::from_secs(until.unwrap_or(now_s).max(now_s)) })
    }

    async fn block_until(&self, key: &str, until: UnixTime) -> Result<(), StoreError> {
        with_conn!(writer & self.pool, |conn| {
            diesel::update(t::table.find(key))
                .set(t::blocked_until.eq(until.as_secs()))
                .execute(conn)
                .await
                .map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn refund_attempt(&self, key: &str, now: UnixTime) -> Result<(), StoreError> {
        with_conn!(writer & self.pool, |conn| {
            diesel::update(t::table.find(key).filter(t::failures.gt(0_i64)))
                .set((t::failures.eq(t::failures - 1_i64), t::blocked_until.eq(now.as_secs())))
                .execute(conn)
                .await
                .map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        with_conn!(writer & self.pool, |conn| {
            diesel::delete(t::table.find(key)).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }
}
