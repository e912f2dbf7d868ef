//! `ThrottleRepository` over `throttles`.

use diesel::upsert::excluded;
use diesel::{ExpressionMethods as _, OptionalExtension as _, QueryDsl as _};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::ports::ThrottleRepository;
use qeetid_domain::{StoreError, UnixTime};

use crate::DieselStore;
use crate::error::from_diesel;
use crate::pool::with_conn;
use crate::schema::throttles as t;

impl ThrottleRepository for DieselStore {
    async fn failures(&self, key: &str) -> Result<Option<(u32, UnixTime)>, StoreError> {
        let row: Option<(i64, i64)> = with_conn!(&self.pool, |conn| {
            t::table
                .find(key)
                .select((t::failures, t::last_failure_at))
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        Ok(row.map(|(n, at)| (u32::try_from(n).unwrap_or(u32::MAX), UnixTime::from_secs(at))))
    }

    async fn record_failure(&self, key: &str, now: UnixTime) -> Result<(), StoreError> {
        with_conn!(&self.pool, |conn| {
            diesel::insert_into(t::table)
                .values((t::key.eq(key), t::failures.eq(1_i64), t::last_failure_at.eq(now.as_secs())))
                .on_conflict(t::key)
                .do_update()
                .set((t::failures.eq(t::failures + 1_i64), t::last_failure_at.eq(excluded(t::last_failure_at))))
                .execute(conn)
                .await
                .map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        with_conn!(&self.pool, |conn| {
            diesel::delete(t::table.find(key)).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }
}
