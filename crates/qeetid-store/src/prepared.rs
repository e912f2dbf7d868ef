//! Statements kept prepared although diesel would prepare them anew each time.
//!
//! diesel keeps no UPDATE (its SET list can change with the values: an `Option`
//! left out) and no raw SQL in its prepared-statement cache, so SQLite parses
//! and plans such a statement on every run (`perf` of refresh rotation on
//! SQLite: 4 % of the server core re-preparing the rotation's UPDATE). A
//! statement wrapped in [`KeepPrepared`] is cached under its SQL text and its
//! bind types, so each form of its text is prepared once per connection; wrap
//! only statements whose text takes a few forms at most.
//!
//! Only a statement that is loaded (a SELECT, or a write with `RETURNING`) keeps
//! the mark: diesel runs `execute` on a reference to the statement, and asks
//! the reference, which answers as the statement inside it would.

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};

/// `query`, cached under its SQL text by the connection's prepared-statement
/// cache (see the module).
pub(crate) struct KeepPrepared<Q>(pub(crate) Q);

impl<Q: Query> Query for KeepPrepared<Q> {
    type SqlType = Q::SqlType;
}

impl<Q: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for KeepPrepared<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

/// No static id: the cache finds the statement by its text, so two texts are
/// never taken for one.
impl<Q> QueryId for KeepPrepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use diesel::connection::{Instrumentation, InstrumentationEvent};
    use diesel::{ExpressionMethods as _, OptionalExtension as _, QueryDsl as _};
    use diesel_async::{AsyncConnection as _, RunQueryDsl as _, SimpleAsyncConnection as _};

    use super::KeepPrepared;
    use crate::pool::SqliteConn;
    use crate::schema::refresh_tokens as t;

    /// Counts the statements the connection prepares for its cache.
    struct CacheCount(Arc<AtomicUsize>);

    impl Instrumentation for CacheCount {
        fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
            if matches!(event, InstrumentationEvent::CacheQuery { .. }) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    #[tokio::test]
    async fn an_update_diesel_would_prepare_each_time_is_prepared_once() {
        let mut conn = SqliteConn::establish(":memory:").await.expect("open");
        conn.batch_execute("CREATE TABLE refresh_tokens (id TEXT PRIMARY KEY, rotated_at BIGINT, revoked_at BIGINT)")
            .await
            .expect("create");
        let cached = Arc::new(AtomicUsize::new(0));
        conn.set_instrumentation(CacheCount(Arc::clone(&cached)));
        let spend = |id: &'static str| {
            diesel::update(t::table.find(id).filter(t::rotated_at.is_null()))
                .set(t::rotated_at.eq(1_i64))
                .returning(t::id)
        };
        for id in ["a", "b", "c"] {
            let plain: Option<String> = spend(id).get_result(&mut conn).await.optional().expect("runs");
            assert_eq!(plain, None);
        }
        assert_eq!(AtomicUsize::load(&cached, Ordering::SeqCst), 0, "diesel caches no UPDATE of its own accord");
        for id in ["a", "b", "c"] {
            let kept: Option<String> = KeepPrepared(spend(id)).get_result(&mut conn).await.optional().expect("runs");
            assert_eq!(kept, None);
        }
        assert_eq!(AtomicUsize::load(&cached, Ordering::SeqCst), 1, "prepared once, then found in the cache");
    }
}
