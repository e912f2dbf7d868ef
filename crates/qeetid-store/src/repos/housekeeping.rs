//! `Housekeeping`: expired rows go in bounded batches, one short statement per
//! table, so a purge never holds a lock for long or blocks requests.

use diesel::{ExpressionMethods as _, QueryDsl as _};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::ports::Housekeeping;
use qeetid_domain::{StoreError, UnixTime};

use crate::DieselStore;
use crate::error::from_diesel;
use crate::pool::with_conn;
use crate::schema::{
    account_links, authorization_codes, authorization_requests, device_codes, mail_outbox, passkey_ceremonies,
    pushed_requests, refresh_tokens, revoked_access_tokens, sessions, spent_jtis, throttles, upstream_flows,
};

/// Refresh tokens are kept a day past expiry, so a late reuse is still recognised as one.
const REFRESH_GRACE: i64 = 24 * 3600;
/// Throttle counters are forgotten after a day without failures.
const THROTTLE_MEMORY: i64 = 24 * 3600;

/// Messages are kept a week at most: a failed one (six offers over about 15 minutes)
/// stays that long for an operator to see, then goes with the link it carried.
const MAIL_MEMORY: i64 = 7 * 24 * 3600;

/// Selects up to `batch` keys of rows whose `column` is before `before`, then deletes
/// those rows: two short statements, whatever the table's size.
macro_rules! purge {
    ($conn:expr, $table:ident, $key:ident, $column:ident, $before:expr, $batch:expr) => {{
        let doomed: Vec<String> = $table::table
            .select($table::$key)
            .filter($table::$column.lt($before))
            .limit($batch)
            .load($conn)
            .await
            .map_err(from_diesel)?;
        if doomed.is_empty() {
            0
        } else {
            diesel::delete($table::table.filter($table::$key.eq_any(&doomed)))
                .execute($conn)
                .await
                .map_err(from_diesel)?
        }
    }};
}

impl Housekeeping for DieselStore {
    async fn purge_expired(&self, now: UnixTime, batch: i64) -> Result<u64, StoreError> {
        let now = now.as_secs();
        let deleted = with_conn!(&self.pool, |conn| {
            purge!(conn, authorization_requests, id, expires_at, now, batch)
                + purge!(conn, authorization_codes, code_hash, expires_at, now, batch)
                + purge!(conn, sessions, id, expires_at, now, batch)
                + purge!(conn, device_codes, device_code_hash, expires_at, now, batch)
                + purge!(conn, revoked_access_tokens, jti, expires_at, now, batch)
                + purge!(conn, passkey_ceremonies, id, expires_at, now, batch)
                + purge!(conn, upstream_flows, state_hash, expires_at, now, batch)
                + purge!(conn, pushed_requests, id_hash, expires_at, now, batch)
                + purge!(conn, spent_jtis, key, expires_at, now, batch)
                + purge!(conn, account_links, token_hash, expires_at, now, batch)
                + purge!(conn, mail_outbox, id, created_at, now - MAIL_MEMORY, batch)
                + purge!(conn, refresh_tokens, id, expires_at, now - REFRESH_GRACE, batch)
                + purge!(conn, throttles, key, last_failure_at, now - THROTTLE_MEMORY, batch)
        });
        Ok(deleted as u64)
    }
}
