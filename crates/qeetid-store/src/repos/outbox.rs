//! What the two outboxes (back-channel logouts, e-mail) share: a claim that gives
//! each due row to one sender, and settling an offer. Both tables have `id`,
//! `failed`, `attempts`, `next_attempt_at` and `last_error`.

/// Claims at most `$limit` rows of `$table` due at `$now` (not failed), oldest due
/// first: `attempts` grows by one and `next_attempt_at` becomes `$lease`; answers
/// the claimed rows as `$row`. The due condition is checked again by the UPDATE on
/// each row as it is then (PostgreSQL waits for a concurrent claim of the row, then
/// re-checks), so a row another sender has just claimed is skipped, never claimed twice.
macro_rules! claim_due {
    ($conn:expr, $table:ident, $row:ty, $now:expr, $lease:expr, $limit:expr) => {{
        use diesel::{BoolExpressionMethods as _, ExpressionMethods as _, QueryDsl as _, SelectableHelper as _};
        use $crate::schema::$table as t;
        let due: Vec<String> = t::table
            .filter(t::failed.eq(false).and(t::next_attempt_at.le($now)))
            .order(t::next_attempt_at)
            .limit($limit)
            .select(t::id)
            .load($conn)
            .await
            .map_err(from_diesel)?;
        if due.is_empty() {
            Vec::new()
        } else {
            diesel::update(
                t::table.filter(t::id.eq_any(&due)).filter(t::failed.eq(false)).filter(t::next_attempt_at.le($now)),
            )
            .set((t::next_attempt_at.eq($lease), t::attempts.eq(t::attempts + 1)))
            .returning(<$row>::as_returning())
            .load::<$row>($conn)
            .await
            .map_err(from_diesel)?
        }
    }};
}
pub(crate) use claim_due;

/// Records what became of an offer of row `$id` of `$table`: delivered rows are
/// deleted; a retry sets `next_attempt_at` and `last_error`; giving up marks the
/// row failed.
macro_rules! settle_offer {
    ($conn:expr, $table:ident, $id:expr, $outcome:expr) => {{
        use diesel::{ExpressionMethods as _, QueryDsl as _};
        use qeetid_domain::logout::DeliveryOutcome;
        use $crate::schema::$table as t;
        let row = t::table.find($id);
        match $outcome {
            DeliveryOutcome::Delivered => diesel::delete(row).execute($conn).await,
            DeliveryOutcome::Retry { at, error } => {
                diesel::update(row)
                    .set((t::next_attempt_at.eq(at.as_secs()), t::last_error.eq(Some(error.as_str()))))
                    .execute($conn)
                    .await
            }
            DeliveryOutcome::GaveUp { error } => {
                diesel::update(row)
                    .set((t::failed.eq(true), t::last_error.eq(Some(error.as_str()))))
                    .execute($conn)
                    .await
            }
        }
        .map_err(from_diesel)?
    }};
}
pub(crate) use settle_offer;
