//! SQLite's one writer connection, with group commit: store calls that write
//! while others wait share one transaction, each in a savepoint of its own, and
//! the transaction commits when nobody else waits (or [`MAX_BATCH`] calls are in
//! it). A call returns only once the transaction that holds its writes has
//! committed, so what it wrote is on disk (as `synchronous = NORMAL` puts it) and
//! visible to every reader before its caller goes on.
//!
//! A commit costs the same for one call's writes as for many: the log frames of
//! the pages they share (the tables' and time-ordered indexes' newest leaves), the
//! locks, the write-ahead log's header. `docs/benchmarks.md` has the figures.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use diesel_async::TransactionManager as _;
use qeetid_domain::StoreError;
use tokio::sync::{Mutex, MutexGuard};

use crate::error::{from_diesel, timed_out};
use crate::pool::{SqliteConn, off_the_workers, sqlite_connect};

/// The most store calls one transaction holds before it commits even though
/// others wait: bounds how long the first of them waits for its answer.
const MAX_BATCH: usize = 64;

type Manager = diesel_async::AnsiTransactionManager;

/// The writer connection and the transaction open on it.
pub(crate) struct SqliteWriter {
    /// The database file.
    path: String,
    /// The connection, and the batch open on it; one store call at a time.
    state: Mutex<WriterState>,
    /// Store calls waiting for `state`: while any does, a finished call leaves
    /// the transaction open for it.
    queued: AtomicUsize,
    /// Transactions committed (tests count them).
    #[cfg(test)]
    commits: AtomicUsize,
}

/// What the lock guards.
struct WriterState {
    /// Opened on first use, and again after a failure closed it.
    conn: Option<SqliteConn>,
    /// The transaction open on `conn`, if any.
    batch: Option<Arc<Batch>>,
    /// Store calls whose writes the open transaction holds.
    members: usize,
}

/// One transaction shared by several store calls.
#[derive(Default)]
struct Batch {
    /// How it ended: committed, or why not. Set once, under the lock; a batch
    /// without an end is the one open on the connection.
    ended: OnceLock<Result<(), String>>,
}

/// The group transaction did not commit: the writes of every store call in it
/// are lost (and those calls answer this error).
#[derive(Debug, thiserror::Error)]
#[error("the SQLite transaction holding this write did not commit: {0}")]
struct NotCommitted(String);

/// One store call's turn on the writer: holds the lock.
pub(crate) struct WriteTurn<'a> {
    writer: &'a Arc<SqliteWriter>,
    state: MutexGuard<'a, WriterState>,
    /// Between a successful [`WriteTurn::begin`] and [`WriteTurn::end`]: the
    /// call's savepoint is open.
    in_savepoint: bool,
}

impl Drop for WriteTurn<'_> {
    /// A turn dropped inside its savepoint is a call that did not finish (its body
    /// panicked): the batch is given up and the connection closed, rather than
    /// leave a savepoint open under the calls that come next.
    fn drop(&mut self) {
        if self.in_savepoint {
            self.state.fail("a store call on the writer did not finish");
        }
    }
}

/// Counts a caller in [`SqliteWriter::queued`] while it waits for the lock,
/// also when its wait is dropped.
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl SqliteWriter {
    /// A writer on the SQLite file `path`; connects on first use.
    pub(crate) fn new(path: &str) -> Arc<Self> {
        Arc::new(Self {
            path: path.to_owned(),
            state: Mutex::new(WriterState { conn: None, batch: None, members: 0 }),
            queued: AtomicUsize::new(0),
            #[cfg(test)]
            commits: AtomicUsize::new(0),
        })
    }

    /// The database file.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// Makes `conn` the writer's connection, unless it has one.
    pub(crate) async fn adopt(&self, conn: SqliteConn) {
        let mut state = self.lock().await;
        if state.conn.is_none() {
            state.conn = Some(conn);
        }
    }

    async fn lock(&self) -> MutexGuard<'_, WriterState> {
        let _queued = Queued::enter(&self.queued);
        self.state.lock().await
    }

    /// Waits (at most `wait`) for the writer.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when another call keeps it longer.
    pub(crate) async fn turn<'a>(self: &'a Arc<Self>, wait: Duration) -> Result<WriteTurn<'a>, StoreError> {
        match tokio::time::timeout(wait, self.lock()).await {
            Ok(state) => Ok(WriteTurn { writer: self, state, in_savepoint: false }),
            Err(_) => Err(timed_out("waiting for a connection", wait)),
        }
    }
}

/// A batch this call's writes are in, not yet committed when its turn ended.
/// Dropped before [`PendingCommit::settled`] has answered, it leaves the commit
/// to a task of its own, so an open transaction never waits for a caller that
/// went away.
#[must_use = "the call's writes are not committed until `settled` says so"]
pub(crate) struct PendingCommit {
    writer: Arc<SqliteWriter>,
    batch: Option<Arc<Batch>>,
}

impl PendingCommit {
    /// Returns once the batch has ended: at once when it has, else when another
    /// call commits it, else when this call takes the writer and commits it.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the batch did not commit.
    pub(crate) async fn settled(mut self) -> Result<(), StoreError> {
        let outcome = self.settle().await;
        self.batch = None;
        outcome
    }

    async fn settle(&self) -> Result<(), StoreError> {
        let Some(batch) = &self.batch else { return Ok(()) };
        if let Some(ended) = batch.ended.get() {
            return outcome(ended);
        }
        let state = self.writer.lock().await;
        let mut turn = WriteTurn { writer: &self.writer, state, in_savepoint: false };
        if batch.ended.get().is_none() {
            // Not ended, so still the one open, and nobody else holds the writer.
            off_the_workers(turn.commit()).await;
        }
        batch.ended.get().map_or(Ok(()), outcome)
    }
}

impl Drop for PendingCommit {
    fn drop(&mut self) {
        let Some(batch) = self.batch.take() else { return };
        if batch.ended.get().is_some() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let pending = PendingCommit { writer: Arc::clone(&self.writer), batch: Some(batch) };
            runtime.spawn(async move {
                let _ = pending.settled().await;
            });
        }
    }
}

fn outcome(ended: &Result<(), String>) -> Result<(), StoreError> {
    ended.as_ref().map_err(|why| not_committed(why)).copied()
}

fn not_committed(why: &str) -> StoreError {
    StoreError::Unavailable(Box::new(NotCommitted(why.to_owned())))
}

impl WriteTurn<'_> {
    /// Opens the batch's transaction if none is open (`BEGIN IMMEDIATE`, so the
    /// file's write lock is taken, or waited for, at once), then this call's
    /// savepoint; returns the connection to write on.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when SQLite cannot be opened or locked.
    pub(crate) async fn begin(&mut self) -> Result<&mut SqliteConn, StoreError> {
        self.open().await?;
        self.state.conn.as_mut().ok_or_else(|| not_committed("the writer connection closed"))
    }

    async fn open(&mut self) -> Result<(), StoreError> {
        let state = &mut *self.state;
        let conn = match &mut state.conn {
            Some(conn) => conn,
            closed => closed
                .insert(sqlite_connect(&self.writer.path).await.map_err(|e| StoreError::Unavailable(Box::new(e)))?),
        };
        if state.batch.is_none() {
            let opened = Manager::begin_transaction_sql(conn, "BEGIN IMMEDIATE").await;
            if let Err(e) = opened {
                state.close(&e.to_string());
                return Err(from_diesel(e));
            }
            state.batch = Some(Arc::new(Batch::default()));
            state.members = 0;
        }
        if let Err(e) = Manager::begin_transaction(conn).await {
            state.fail(&e.to_string());
            return Err(from_diesel(e));
        }
        self.in_savepoint = true;
        Ok(())
    }

    /// Ends this call's savepoint: keeps its writes (`kept`) or undoes them. Then
    /// commits the batch if nobody waits for the writer or it is full. `None`
    /// when nothing is left to wait for (committed, or nothing kept); else the
    /// batch to wait for ([`PendingCommit::settled`]) once the turn is dropped.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the batch could not be kept or committed.
    pub(crate) async fn end(&mut self, kept: bool) -> Result<Option<PendingCommit>, StoreError> {
        self.in_savepoint = false;
        let (Some(batch), Some(conn)) = (self.state.batch.clone(), self.state.conn.as_mut()) else { return Ok(None) };
        let closed =
            if kept { Manager::commit_transaction(conn).await } else { Manager::rollback_transaction(conn).await };
        if let Err(e) = closed {
            self.state.fail(&e.to_string());
            return if kept { Err(from_diesel(e)) } else { Ok(None) };
        }
        if kept {
            self.state.members += 1;
        }
        // A transaction with nothing kept in it is closed at once: none stays open
        // without a call to commit it.
        let idle = self.writer.queued.load(Ordering::SeqCst) == 0;
        if self.state.members == 0 || self.state.members >= MAX_BATCH || idle {
            self.commit().await;
            return match (kept, batch.ended.get()) {
                (true, Some(ended)) => outcome(ended).map(|()| None),
                _ => Ok(None),
            };
        }
        Ok(kept.then(|| PendingCommit { writer: Arc::clone(self.writer), batch: Some(batch) }))
    }

    /// Commits the open batch, and records how that went.
    async fn commit(&mut self) {
        let (Some(batch), Some(conn)) = (self.state.batch.take(), self.state.conn.as_mut()) else { return };
        match Manager::commit_transaction(conn).await {
            Ok(()) => {
                #[cfg(test)]
                self.writer.commits.fetch_add(1, Ordering::SeqCst);
                let _ = batch.ended.set(Ok(()));
                self.state.members = 0;
            }
            Err(e) => {
                self.state.batch = Some(batch);
                self.state.fail(&e.to_string());
            }
        }
    }
}

impl WriterState {
    /// Gives up the open batch: its calls are told `why`, and the connection is
    /// closed, which rolls back whatever it held.
    fn fail(&mut self, why: &str) {
        if let Some(batch) = self.batch.take() {
            let _ = batch.ended.set(Err(why.to_owned()));
        }
        self.close(why);
    }

    fn close(&mut self, why: &str) {
        tracing::warn!(reason = why, "closing the SQLite writer connection");
        self.conn = None;
        self.members = 0;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use diesel::{Connection as _, QueryableByName, SqliteConnection};
    use diesel_async::RunQueryDsl as _;
    use qeetid_domain::StoreError;

    use crate::error::from_diesel;
    use crate::pool::{DatabaseUrl, DbPool, Pools, Timeouts, off_the_workers, with_conn};
    use crate::testing::TestDatabase;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }

    /// A pool on a new SQLite file with a table `t (v TEXT UNIQUE)`.
    async fn pool_with_table(db: &TestDatabase) -> (DbPool, String) {
        let path = db.url.strip_prefix("sqlite://").unwrap().to_owned();
        let pool = DbPool::build(&DatabaseUrl::Sqlite(path.clone()), 2, Timeouts::default()).unwrap();
        with_conn_write(&pool, "CREATE TABLE t (v TEXT UNIQUE)").await.unwrap();
        (pool, path)
    }

    async fn with_conn_write(pool: &DbPool, sql: &str) -> Result<(), StoreError> {
        with_conn!(writer pool, |conn| {
            diesel::sql_query(sql).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn insert(pool: &DbPool, value: &str) -> Result<(), StoreError> {
        with_conn_write(pool, &format!("INSERT INTO t (v) VALUES ('{value}')")).await
    }

    /// Rows of `t` as another connection sees them: what has committed.
    fn committed_rows(path: &str) -> i64 {
        let mut conn = SqliteConnection::establish(path).unwrap();
        diesel::RunQueryDsl::get_result::<Count>(diesel::sql_query("SELECT COUNT(*) AS n FROM t"), &mut conn).unwrap().n
    }

    fn writer(pool: &DbPool) -> &std::sync::Arc<super::SqliteWriter> {
        match &pool.pools {
            Pools::Sqlite(pools) => &pools.writer,
            Pools::Pg(_) => unreachable!("an SQLite pool"),
        }
    }

    /// A turn on the writer that has written `value` into `t` and not ended.
    async fn holding<'a>(w: &'a std::sync::Arc<super::SqliteWriter>, value: &str) -> super::WriteTurn<'a> {
        let mut turn = w.turn(Duration::from_secs(3)).await.unwrap();
        let sql = format!("INSERT INTO t (v) VALUES ('{value}')");
        off_the_workers(async {
            let conn = turn.begin().await.unwrap();
            diesel::sql_query(sql).execute(conn).await.unwrap();
        })
        .await;
        turn
    }

    fn count(counter: &std::sync::atomic::AtomicUsize) -> usize {
        std::sync::atomic::AtomicUsize::load(counter, std::sync::atomic::Ordering::SeqCst)
    }

    /// Waits until `n` calls wait for the writer.
    async fn until_queued(pool: &DbPool, n: usize) {
        while count(&writer(pool).queued) < n {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn calls_that_queue_behind_one_share_its_commit_and_answer_after_it() {
        let db = TestDatabase::sqlite();
        let (pool, path) = pool_with_table(&db).await;
        let w = writer(&pool).clone();
        let commits_before = count(&w.commits);

        // One call holds the writer, with its row written but its turn not ended.
        let mut turn = holding(&w, "first").await;
        let queued: Vec<_> = (0..8)
            .map(|i| {
                let pool = pool.clone();
                tokio::spawn(async move { insert(&pool, &format!("v{i}")).await })
            })
            .collect();
        until_queued(&pool, 8).await;
        let pending = off_the_workers(turn.end(true)).await.unwrap().expect("others wait: the batch stays open");
        assert_eq!(committed_rows(&path), 0, "nothing is committed before the batch ends");
        drop(turn);
        pending.settled().await.unwrap();
        for call in queued {
            call.await.unwrap().unwrap();
        }
        assert_eq!(committed_rows(&path), 9);
        assert_eq!(count(&w.commits) - commits_before, 1, "one commit for nine calls");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_call_takes_back_only_its_own_writes() {
        let db = TestDatabase::sqlite();
        let (pool, path) = pool_with_table(&db).await;
        insert(&pool, "taken").await.unwrap();
        let w = writer(&pool).clone();

        let mut turn = holding(&w, "a").await;
        let calls: Vec<_> = ["b", "taken", "c"]
            .into_iter()
            .map(|v| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    // Two statements: the second fails on the duplicate, and the
                    // first must go with it.
                    with_conn!(writer & pool, |conn| {
                        diesel::sql_query(format!("INSERT INTO t (v) VALUES ('{v}-1')"))
                            .execute(conn)
                            .await
                            .map_err(from_diesel)?;
                        diesel::sql_query(format!("INSERT INTO t (v) VALUES ('{v}')"))
                            .execute(conn)
                            .await
                            .map_err(from_diesel)?;
                    });
                    Ok::<_, StoreError>(())
                })
            })
            .collect();
        until_queued(&pool, 3).await;
        let pending = off_the_workers(turn.end(true)).await.unwrap();
        drop(turn);
        if let Some(pending) = pending {
            pending.settled().await.unwrap();
        }
        let outcomes: Vec<_> = futures_util::future::join_all(calls).await.into_iter().map(|r| r.unwrap()).collect();
        assert!(outcomes[0].is_ok() && outcomes[2].is_ok());
        assert!(matches!(outcomes[1], Err(StoreError::Conflict(_))), "{:?}", outcomes[1]);
        // taken, a, b-1, b, c-1, c: not taken-1.
        assert_eq!(committed_rows(&path), 6);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_whose_caller_went_away_still_commits() {
        let db = TestDatabase::sqlite();
        let (pool, path) = pool_with_table(&db).await;
        let w = writer(&pool).clone();

        let mut turn = holding(&w, "orphan").await;
        // Another caller waits for the writer, then gives it up without writing.
        let passer = {
            let w = w.clone();
            tokio::spawn(async move { drop(w.turn(Duration::from_secs(3)).await.unwrap()) })
        };
        until_queued(&pool, 1).await;
        let pending = off_the_workers(turn.end(true)).await.unwrap().expect("a caller waits: the batch stays open");
        drop(turn);
        passer.await.unwrap();
        assert_eq!(committed_rows(&path), 0);
        // The caller goes away before its write is committed.
        drop(pending);
        for _ in 0..500 {
            if committed_rows(&path) == 1 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the orphaned batch was never committed");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_call_that_panics_leaves_the_writer_usable() {
        let db = TestDatabase::sqlite();
        let (pool, path) = pool_with_table(&db).await;
        let crashing = {
            let pool = pool.clone();
            tokio::spawn(async move {
                with_conn!(writer & pool, |conn| {
                    diesel::sql_query("INSERT INTO t (v) VALUES ('lost')").execute(conn).await.map_err(from_diesel)?;
                    assert!(std::hint::black_box(false), "a body that does not finish");
                });
                Ok::<_, StoreError>(())
            })
        };
        assert!(crashing.await.is_err(), "the call panicked");
        insert(&pool, "after").await.unwrap();
        assert_eq!(committed_rows(&path), 1, "the next call commits, without the unfinished call's row");
    }
}
