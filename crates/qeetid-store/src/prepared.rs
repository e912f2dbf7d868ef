//! Statements kept prepared although diesel would prepare them anew each time.
//!
//! diesel keeps no UPDATE (its SET list can change with the values: an `Option`
//! left out) and no raw SQL in its prepared-statement cache, so SQLite parses
//! and plans such a statement on every run (`perf` of refresh rotation on
//! SQLite: 4 % of the server core re-preparing the rotation's UPDATE). A
//! statement wrapped in [`KeepPrepared`] is cached under its SQL text and its
//! bind types, so each form of its text is prepared once per connection; wrap
//! only statements whose text takes a few forms at most.

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
    use diesel::query_builder::QueryFragment as _;
    use diesel::sqlite::Sqlite;
    use diesel::{ExpressionMethods as _, QueryDsl as _};

    use super::KeepPrepared;
    use crate::schema::refresh_tokens as t;

    #[test]
    fn an_update_diesel_would_not_cache_is_cached_and_says_the_same_sql() {
        let update =
            || diesel::update(t::table.find("id").filter(t::rotated_at.is_null())).set(t::rotated_at.eq(1_i64));
        assert!(!update().is_safe_to_cache_prepared(&Sqlite).expect("walks"));
        assert!(KeepPrepared(update()).is_safe_to_cache_prepared(&Sqlite).expect("walks"));
        let sql = |q: &dyn diesel::query_builder::QueryFragment<Sqlite>| {
            let mut builder = diesel::sqlite::SqliteQueryBuilder::new();
            q.to_sql(&mut builder, &Sqlite).expect("renders");
            diesel::query_builder::QueryBuilder::finish(builder)
        };
        assert_eq!(sql(&KeepPrepared(update())), sql(&update()));
    }
}
