//! An SQLite connection that diesel-async drives, running each statement where
//! it is called, through diesel's own statement cache.
//!
//! diesel-async's `SyncConnectionWrapper` moves every statement to another
//! thread, so it renders the statement's SQL text and copies its bind values
//! before each run, and the statement cache then finds the prepared statement by
//! that text. Here the store call is already off the async workers
//! ([`off_the_workers`](crate::pool::off_the_workers)), so the query runs on
//! the calling thread as it is, and the cache finds it by its Rust type: no SQL
//! is rendered for a statement prepared before (`perf` of refresh rotation on
//! SQLite: 10 % of the server core went to rendering SQL; `docs/benchmarks.md`).

use std::future::{Ready, ready};

use diesel::backend::Backend;
use diesel::connection::{CacheSize, Connection as _, Instrumentation, LoadConnection, SimpleConnection as _};
use diesel::query_builder::{AsQuery, AstPass, Query, QueryFragment, QueryId};
use diesel::row::IntoOwnedRow;
use diesel::sqlite::{Sqlite, SqliteQueryBuilder};
use diesel::{ConnectionResult, QueryResult, SqliteConnection};
use diesel_async::pooled_connection::PoolableConnection;
use diesel_async::{AnsiTransactionManager, AsyncConnection, AsyncConnectionCore, SimpleAsyncConnection};
use futures_util::stream::{self, Iter};

/// A row read off SQLite and copied out of the statement, so that the statement
/// can run again while the row is used.
type OwnedRow =
    <<SqliteConnection as LoadConnection>::Row<'static, 'static> as IntoOwnedRow<'static, Sqlite>>::OwnedRow;

/// One SQLite connection. Its futures are ready when created: each statement
/// has run, on the calling thread, by the time its future is returned.
pub(crate) struct SqliteConn {
    /// diesel's connection, with its statement cache.
    inner: SqliteConnection,
    /// The transactions and savepoints open on it.
    transactions: AnsiTransactionManager,
}

impl SqliteConn {
    /// diesel's connection, for work that has no async form (migrations).
    pub(crate) fn inner(&mut self) -> &mut SqliteConnection {
        &mut self.inner
    }

    /// Runs `query` and copies out its rows.
    fn load_rows<Q>(&mut self, query: Q) -> QueryResult<Vec<QueryResult<OwnedRow>>>
    where
        Q: QueryFragment<Sqlite> + QueryId,
    {
        let mut cache = Default::default();
        let mut rows = Vec::new();
        for row in self.inner.load(Untyped(query))? {
            rows.push(Ok(row?.into_owned(&mut cache)));
        }
        Ok(rows)
    }
}

/// A query whose rows are read without its result's SQL type, as
/// diesel-async reads them (SQLite's values carry their own types); its query
/// id, which finds its prepared statement, is kept.
struct Untyped<Q>(Q);

impl<Q> Query for Untyped<Q> {
    type SqlType = diesel::sql_types::Untyped;
}

/// Every method is the query's own, those with a default too: a query may
/// answer them without walking its tree (whether it may be cached, say).
impl<Q: QueryFragment<Sqlite>> QueryFragment<Sqlite> for Untyped<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn to_sql(&self, out: &mut SqliteQueryBuilder, backend: &Sqlite) -> QueryResult<()> {
        self.0.to_sql(out, backend)
    }

    fn collect_binds<'b>(
        &'b self,
        out: &mut <Sqlite as Backend>::BindCollector<'b>,
        metadata_lookup: &mut <Sqlite as diesel::sql_types::TypeMetadata>::MetadataLookup,
        backend: &'b Sqlite,
    ) -> QueryResult<()> {
        self.0.collect_binds(out, metadata_lookup, backend)
    }

    fn is_safe_to_cache_prepared(&self, backend: &Sqlite) -> QueryResult<bool> {
        self.0.is_safe_to_cache_prepared(backend)
    }

    fn is_noop(&self, backend: &Sqlite) -> QueryResult<bool> {
        self.0.is_noop(backend)
    }
}

impl<Q: QueryId> QueryId for Untyped<Q> {
    type QueryId = Untyped<Q::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

impl SimpleAsyncConnection for SqliteConn {
    async fn batch_execute(&mut self, query: &str) -> QueryResult<()> {
        self.inner.batch_execute(query)
    }
}

impl AsyncConnectionCore for SqliteConn {
    type ExecuteFuture<'conn, 'query> = Ready<QueryResult<usize>>;
    type LoadFuture<'conn, 'query> = Ready<QueryResult<Self::Stream<'conn, 'query>>>;
    type Stream<'conn, 'query> = Iter<std::vec::IntoIter<QueryResult<OwnedRow>>>;
    type Row<'conn, 'query> = OwnedRow;
    type Backend = Sqlite;

    fn load<'conn, 'query, T>(&'conn mut self, source: T) -> Self::LoadFuture<'conn, 'query>
    where
        T: AsQuery + 'query,
        T::Query: QueryFragment<Self::Backend> + QueryId + 'query,
    {
        ready(self.load_rows(source.as_query()).map(stream::iter))
    }

    fn execute_returning_count<'conn, 'query, T>(&'conn mut self, source: T) -> Self::ExecuteFuture<'conn, 'query>
    where
        T: QueryFragment<Self::Backend> + QueryId + 'query,
    {
        ready(self.inner.execute_returning_count(&source))
    }
}

impl AsyncConnection for SqliteConn {
    type TransactionManager = AnsiTransactionManager;

    async fn establish(database_url: &str) -> ConnectionResult<Self> {
        let inner = SqliteConnection::establish(database_url)?;
        Ok(Self { inner, transactions: AnsiTransactionManager::default() })
    }

    fn transaction_state(&mut self) -> &mut AnsiTransactionManager {
        &mut self.transactions
    }

    fn instrumentation(&mut self) -> &mut dyn Instrumentation {
        self.inner.instrumentation()
    }

    fn set_instrumentation(&mut self, instrumentation: impl Instrumentation) {
        self.inner.set_instrumentation(instrumentation);
    }

    fn set_prepared_statement_cache_size(&mut self, size: CacheSize) {
        self.inner.set_prepared_statement_cache_size(size);
    }
}

impl PoolableConnection for SqliteConn {}

#[cfg(test)]
mod tests {
    use diesel::sql_types::{BigInt, Text};
    use diesel::{QueryableByName, sql_query};
    use diesel_async::{AsyncConnection as _, RunQueryDsl as _, SimpleAsyncConnection as _};

    use super::SqliteConn;

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        n: i64,
        #[diesel(sql_type = Text)]
        s: String,
    }

    #[tokio::test]
    async fn statements_rows_and_transactions_work_through_the_async_interface() {
        let mut conn = SqliteConn::establish(":memory:").await.expect("open");
        conn.batch_execute("CREATE TABLE t (n BIGINT NOT NULL, s TEXT NOT NULL)").await.expect("create");
        let inserted = sql_query("INSERT INTO t VALUES (1, 'a'), (2, 'b')").execute(&mut conn).await.expect("insert");
        assert_eq!(inserted, 2);
        // A transaction that fails leaves nothing behind; its connection stays usable.
        let failed = conn
            .transaction(async |c| {
                sql_query("INSERT INTO t VALUES (3, 'c')").execute(c).await?;
                Err::<(), _>(diesel::result::Error::RollbackTransaction)
            })
            .await;
        assert!(failed.is_err());
        let rows: Vec<Row> = sql_query("SELECT n, s FROM t ORDER BY n").load(&mut conn).await.expect("select");
        assert_eq!(rows, vec![Row { n: 1, s: "a".into() }, Row { n: 2, s: "b".into() }]);
        // A statement that fails answers an error, not a panic.
        assert!(sql_query("SELECT nope FROM t").execute(&mut conn).await.is_err());
    }
}
