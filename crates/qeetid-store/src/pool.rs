//! The one place that knows there are two databases: a pool that is either
//! SQLite or PostgreSQL, and the macro that runs a query written once on either.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection as _, TransactionManager as _};
use tokio::runtime::{Handle, RuntimeFlavor};

use crate::error::SetupError;
pub(crate) use crate::sqlite_conn::SqliteConn;
use crate::writer::SqliteWriter;

/// Runs `work`, a store call on an SQLite connection (its statements block the
/// thread they run on), to completion off the async workers: on a multi-threaded
/// runtime the worker's other tasks are handed to another thread while this one
/// waits for the file (`block_in_place`), once per store call rather than once per
/// statement; the call cannot be dropped half-way. A current-thread runtime (an
/// HTTP worker answering a read, tests, tools) runs it in place.
pub(crate) async fn off_the_workers<F: Future>(work: F) -> F::Output {
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(|| handle.block_on(work))
        }
        _ => work.await,
    }
}

/// A pool of connections to one of the two supported databases, and how long a
/// request waits for it.
#[derive(Clone)]
pub(crate) struct DbPool {
    /// The connections.
    pub(crate) pools: Pools,
    /// The limits on waiting.
    pub(crate) timeouts: Timeouts,
    /// What the pool connects to, for messages (never a password).
    pub(crate) target: String,
}

/// The pool of one of the two databases.
#[derive(Clone)]
pub(crate) enum Pools {
    /// PostgreSQL, the production store.
    Pg(Pool<AsyncPgConnection>),
    /// SQLite, the embedded default.
    Sqlite(SqlitePools),
}

/// SQLite's connections: readers, and one writer. SQLite lets one transaction
/// write at a time; several connections writing at once wait for each other in
/// `busy_timeout`'s sleeps (1, 2, 5, 10… ms) and invalidate each other's page
/// caches. Writes queue for the one writer in the process instead, without
/// sleeping, and share its commits ([`SqliteWriter`]).
#[derive(Clone)]
pub(crate) struct SqlitePools {
    /// Reads (and the few writes not marked as such), `max_size` connections.
    pub(crate) readers: Pool<SqliteConn>,
    /// Every write marked `with_conn!(writer …)`: one connection.
    pub(crate) writer: Arc<SqliteWriter>,
}

/// How long the store waits before it tells the caller the database is
/// unavailable ([`StoreError::Unavailable`](qeetid_domain::StoreError), answered
/// 503): a sick database gives fast, honest answers instead of hung requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Waiting for a free connection from the pool.
    pub acquire: Duration,
    /// Opening a new connection (PostgreSQL).
    pub connect: Duration,
    /// One database call, from sending it to its answer (PostgreSQL; the server
    /// is also told to stop statements that run longer). SQLite calls run on a
    /// local file and are bounded by its `busy_timeout` instead.
    pub statement: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { acquire: Duration::from_secs(3), connect: Duration::from_secs(3), statement: Duration::from_secs(5) }
    }
}

/// Which database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `postgres://…` or `postgresql://…`, passed to the driver as is.
    Postgres(String),
    /// `sqlite://PATH` (or `sqlite:PATH`): the database file.
    Sqlite(String),
}

impl DatabaseUrl {
    /// For messages: `PostgreSQL at HOST:PORT, database DB` or `SQLite file PATH`.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("SQLite file {path}"),
            Self::Postgres(url) => {
                let (address, database) = pg_address(url);
                format!("PostgreSQL at {address}, database {database}")
            }
        }
    }

    /// Tells the database from the URL scheme.
    pub fn parse(url: &str) -> Result<Self, SetupError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err(SetupError::UnsupportedUrl(url.to_owned()));
            }
            Ok(Self::Sqlite(path.to_owned()))
        } else {
            Err(SetupError::UnsupportedUrl(url.to_owned()))
        }
    }
}

/// `HOST:PORT` (5432 when none is given) and the database of a PostgreSQL URL,
/// without the user or password.
fn pg_address(url: &str) -> (String, String) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let (authority, database) = rest.split_once('/').unwrap_or((rest, ""));
    let database = database.split('?').next().unwrap_or("").to_owned();
    let authority = if authority.rsplit_once(':').is_some_and(|(_, port)| port.parse::<u16>().is_ok()) {
        authority.to_owned()
    } else {
        format!("{authority}:5432")
    };
    (authority, database)
}

/// The write-ahead log's length, in pages, at which a commit copies it into the
/// database file itself (SQLite's default is 1,000): 64 MiB of log. The server
/// also checkpoints in the background
/// ([`DieselStore::checkpoint_sqlite`](crate::DieselStore::checkpoint_sqlite)), but
/// under a steady stream of writes that never lets the log start over (the writer
/// appends while it copies), so the commit that reaches this length does the
/// checkpoint the log restarts after, with the writer waiting. Longer, it comes less
/// often (`docs/benchmarks.md`: a quarter as often as at 4,000 pages).
pub const SQLITE_AUTOCHECKPOINT_PAGES: u32 = 16_000;

/// SQLite reader connections per core the process may run on, at most. A read is
/// B-tree work in memory, on a thread of its own while it runs, with a page cache
/// of its connection's own, so readers beyond a few per core add threads and
/// caches and no throughput: with 4 readers on the benchmark's one server core
/// instead of 16, the same throughput and 7 MiB less at the peak
/// (`docs/benchmarks.md`).
pub const SQLITE_READERS_PER_CORE: usize = 4;

/// How many reader connections an SQLite pool of `pool_size` opens on `cores`:
/// `pool_size`, at most [`SQLITE_READERS_PER_CORE`] per core, at least one.
fn sqlite_readers(pool_size: usize, cores: usize) -> usize {
    pool_size.min(SQLITE_READERS_PER_CORE.saturating_mul(cores)).max(1)
}

/// Per-connection SQLite settings. `busy_timeout` comes first so that the
/// others wait for a lock instead of failing.
const SQLITE_PRAGMAS: [&str; 5] = [
    "PRAGMA busy_timeout = 5000",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA wal_autocheckpoint = 16000",
];

type SetupFuture<'a> = Pin<Box<dyn Future<Output = diesel::ConnectionResult<SqliteConn>> + Send + 'a>>;

/// Opens a connection and applies the PRAGMAs (the readers' pool).
fn sqlite_setup(path: &str) -> SetupFuture<'_> {
    Box::pin(off_the_workers(sqlite_connect(path)))
}

/// Opens a connection to the SQLite file `path` and applies the PRAGMAs.
pub(crate) async fn sqlite_connect(path: &str) -> diesel::ConnectionResult<SqliteConn> {
    let mut conn = SqliteConn::establish(path).await?;
    for pragma in SQLITE_PRAGMAS {
        conn.batch_execute(pragma).await.map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
    }
    Ok(conn)
}

impl DbPool {
    /// Builds a pool of at most `max_size` connections. The cheap recycling check
    /// is used: the default `SELECT 1` per checkout halves throughput.
    pub(crate) fn build(url: &DatabaseUrl, max_size: usize, timeouts: Timeouts) -> Result<Self, SetupError> {
        let pool_err = |e: diesel_async::pooled_connection::deadpool::BuildError| SetupError::Pool(e.to_string());
        let pools = match url {
            DatabaseUrl::Postgres(url) => {
                let mut config = ManagerConfig::default();
                config.recycling_method = RecyclingMethod::Fast;
                let home = Handle::try_current().ok();
                config.custom_setup = Box::new(move |url| pg_setup(url, timeouts, home.clone()));
                let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
                Pools::Pg(Pool::builder(manager).max_size(max_size).build().map_err(pool_err)?)
            }
            DatabaseUrl::Sqlite(path) => {
                let pool_of = |size: usize| {
                    let mut config = ManagerConfig::<SqliteConn>::default();
                    config.recycling_method = RecyclingMethod::Fast;
                    config.custom_setup = Box::new(sqlite_setup);
                    let manager = AsyncDieselConnectionManager::<SqliteConn>::new_with_config(path, config);
                    Pool::builder(manager).max_size(size).build().map_err(pool_err)
                };
                let readers = sqlite_readers(max_size, std::thread::available_parallelism().map_or(1, usize::from));
                Pools::Sqlite(SqlitePools { readers: pool_of(readers)?, writer: SqliteWriter::new(path) })
            }
        };
        Ok(Self { pools, timeouts, target: url.describe() })
    }
}

type PgSetupFuture<'a> = Pin<Box<dyn Future<Output = diesel::ConnectionResult<AsyncPgConnection>> + Send + 'a>>;

/// Opens a PostgreSQL connection within the connect timeout, and asks the server
/// to stop any statement that runs longer than the statement timeout.
///
/// The connection's driver (the task that reads and writes its socket) is spawned
/// where the connection is opened: on `home`, the runtime that built the pool, so
/// that a connection first needed by a read answered on an HTTP worker does not
/// live on that worker's runtime (and stop with it).
fn pg_setup(url: &str, timeouts: Timeouts, home: Option<Handle>) -> PgSetupFuture<'_> {
    let Some(home) = home else { return Box::pin(pg_open(url.to_owned(), timeouts)) };
    let url = url.to_owned();
    Box::pin(async move {
        home.spawn(pg_open(url, timeouts))
            .await
            .unwrap_or_else(|e| Err(diesel::ConnectionError::BadConnection(format!("opening a connection: {e}"))))
    })
}

/// [`pg_setup`]'s work, on the runtime it runs on.
async fn pg_open(url: String, timeouts: Timeouts) -> diesel::ConnectionResult<AsyncPgConnection> {
    let connect = AsyncPgConnection::establish(&url);
    let established = tokio::time::timeout(timeouts.connect, connect).await.map_err(|_| {
        diesel::ConnectionError::BadConnection(format!(
            "no connection within {} ms (connect timeout)",
            timeouts.connect.as_millis()
        ))
    })?;
    let mut conn = match established {
        Ok(conn) => conn,
        // The driver's message can stop at "error connecting to server": say why
        // the address cannot be reached, when that is the reason.
        Err(e) => {
            let (address, _) = pg_address(&url);
            let reach = tokio::time::timeout(timeouts.connect, tokio::net::TcpStream::connect(&address)).await;
            return Err(match reach {
                Ok(Err(why)) => diesel::ConnectionError::BadConnection(format!("{e}: {address}: {why}")),
                _ => e,
            });
        }
    };
    let limit = format!("SET statement_timeout = {}", timeouts.statement.as_millis());
    conn.batch_execute(&limit).await.map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
    Ok(conn)
}

/// A PostgreSQL connection checked out for one store call. Dropped before
/// [`PgCheckout::finish`], the call was cut off half-way (its caller went away, or
/// the statement timeout struck) and the connection may be mid-conversation: it is
/// marked broken, so the pool closes it rather than hand it to the next call.
pub(crate) struct PgCheckout {
    conn: Object<AsyncPgConnection>,
    finished: bool,
}

impl PgCheckout {
    /// Starts a call on `conn`.
    pub(crate) fn new(conn: Object<AsyncPgConnection>) -> Self {
        Self { conn, finished: false }
    }

    /// The connection.
    pub(crate) fn conn(&mut self) -> &mut AsyncPgConnection {
        &mut self.conn
    }

    /// The call ran to its end: the connection goes back to the pool as it is.
    pub(crate) fn finish(&mut self) {
        self.finished = true;
    }
}

impl Drop for PgCheckout {
    fn drop(&mut self) {
        if !self.finished {
            <AsyncPgConnection as AsyncConnection>::TransactionManager::transaction_manager_status_mut(&mut *self.conn)
                .set_in_error();
        }
    }
}

/// Runs `$body` with `$conn` bound to a pooled connection of whichever database
/// the store uses. The body is written once and compiled for both connection
/// types, so a query that does not work on both does not compile.
///
/// `with_conn!(writer pool, |conn| …)` marks a body that writes: on SQLite it runs
/// on the one writer connection ([`SqlitePools`]); on PostgreSQL, which takes
/// concurrent writers, it is the same as the plain form.
macro_rules! with_conn {
    (writer $pool:expr, |$conn:ident| $body:expr) => {{
        let db: &$crate::pool::DbPool = $pool;
        match &db.pools {
            $crate::pool::Pools::Pg(pool) => $crate::pool::with_conn!(@pg pool, db.timeouts, |$conn| $body),
            // One store call at a time on the writer, in a savepoint of the shared
            // transaction; the answer waits for that transaction's commit.
            $crate::pool::Pools::Sqlite(pools) => {
                let mut turn = pools.writer.turn(db.timeouts.acquire).await?;
                let (answer, pending) = $crate::pool::off_the_workers(async {
                    let answer = match turn.begin().await {
                        Ok($conn) => async { Ok::<_, ::qeetid_domain::StoreError>($body) }.await,
                        Err(e) => return (Err(e), Ok(None)),
                    };
                    let pending = turn.end(answer.is_ok()).await;
                    (answer, pending)
                })
                .await;
                drop(turn);
                let answer = answer?;
                if let Some(pending) = pending? {
                    pending.settled().await?;
                }
                answer
            }
        }
    }};
    ($pool:expr, |$conn:ident| $body:expr) => {{
        let db: &$crate::pool::DbPool = $pool;
        match &db.pools {
            $crate::pool::Pools::Pg(pool) => $crate::pool::with_conn!(@pg pool, db.timeouts, |$conn| $body),
            // SQLite calls run off the async workers, to completion; the file's
            // busy_timeout bounds them.
            $crate::pool::Pools::Sqlite(pools) => {
                let mut pooled = match ::tokio::time::timeout(db.timeouts.acquire, pools.readers.get()).await {
                    Ok(got) => got.map_err($crate::error::from_pool)?,
                    Err(_) => return Err($crate::error::timed_out("waiting for a connection", db.timeouts.acquire)),
                };
                $crate::pool::off_the_workers(async {
                    let $conn = &mut *pooled;
                    Ok::<_, ::qeetid_domain::StoreError>($body)
                })
                .await?
            }
        }
    }};
    (@pg $pool:expr, $timeouts:expr, |$conn:ident| $body:expr) => {{
        let timeouts: $crate::pool::Timeouts = $timeouts;
        let mut pooled = match ::tokio::time::timeout(timeouts.acquire, $pool.get()).await {
            Ok(got) => $crate::pool::PgCheckout::new(got.map_err($crate::error::from_pool)?),
            Err(_) => return Err($crate::error::timed_out("waiting for a connection", timeouts.acquire)),
        };
        // A stalled server or network: give up after the statement timeout (the
        // checkout, dropped unfinished, throws the connection away).
        let outcome = ::tokio::time::timeout(timeouts.statement, async {
            let $conn = pooled.conn();
            Ok::<_, ::qeetid_domain::StoreError>($body)
        })
        .await;
        match outcome {
            Ok(answer) => {
                pooled.finish();
                answer?
            }
            Err(_) => return Err($crate::error::timed_out("waiting for the database's answer", timeouts.statement)),
        }
    }};
}
pub(crate) use with_conn;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_readers_are_the_pool_size_within_a_few_per_core() {
        assert_eq!(sqlite_readers(16, 1), 4);
        assert_eq!(sqlite_readers(16, 2), 8);
        assert_eq!(sqlite_readers(16, 8), 16);
        assert_eq!(sqlite_readers(2, 8), 2);
        assert_eq!(sqlite_readers(1, 0), 1);
    }

    #[test]
    fn the_autocheckpoint_pragma_says_the_documented_length() {
        let pragma = format!("PRAGMA wal_autocheckpoint = {SQLITE_AUTOCHECKPOINT_PAGES}");
        assert!(SQLITE_PRAGMAS.contains(&pragma.as_str()));
    }

    #[test]
    fn postgres_urls_are_described_without_credentials() {
        let url = DatabaseUrl::parse("postgres://qeetid:hunter2@db.internal/qeetid?sslmode=require").unwrap();
        assert_eq!(url.describe(), "PostgreSQL at db.internal:5432, database qeetid");
        let url = DatabaseUrl::parse("postgresql://u@10.0.0.5:6432/id").unwrap();
        assert_eq!(url.describe(), "PostgreSQL at 10.0.0.5:6432, database id");
        assert_eq!(DatabaseUrl::parse("sqlite://data/q.db").unwrap().describe(), "SQLite file data/q.db");
    }

    #[derive(diesel::QueryableByName)]
    struct Backend {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pid: i32,
    }

    /// The server process behind the connection a read is given.
    async fn backend_pid(pool: &DbPool) -> Result<i32, qeetid_domain::StoreError> {
        use diesel_async::RunQueryDsl as _;
        let backend = with_conn!(pool, |conn| {
            diesel::sql_query("SELECT pg_backend_pid() AS pid")
                .get_result::<Backend>(conn)
                .await
                .map_err(crate::error::from_diesel)?
        });
        Ok(backend.pid)
    }

    /// A read answered on an HTTP worker (a current-thread runtime of its own) may
    /// open the pool's connection; the connection must not die with that runtime.
    #[test]
    fn a_postgres_connection_opened_on_a_worker_outlives_the_worker() {
        let home = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let (_db, pool) = home.block_on(async {
            let db = crate::testing::TestDatabase::postgres().await;
            let pool = DbPool::build(&DatabaseUrl::parse(&db.url).unwrap(), 1, Timeouts::default()).unwrap();
            (db, pool)
        });
        let worker = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let opened_for_the_worker = worker.block_on(backend_pid(&pool)).unwrap();
        drop(worker);
        // The pool's one connection, opened for the worker, still answers: the
        // same server process, not a connection opened again.
        assert_eq!(home.block_on(backend_pid(&pool)).unwrap(), opened_for_the_worker);
    }

    /// A call cut off half-way (here: its caller stops waiting during a long
    /// statement) does not hand its connection, mid-conversation, to the next call.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_postgres_call_cut_off_half_way_does_not_pass_its_connection_on() {
        use diesel_async::RunQueryDsl as _;
        let db = crate::testing::TestDatabase::postgres().await;
        let pool = DbPool::build(&DatabaseUrl::parse(&db.url).unwrap(), 1, Timeouts::default()).unwrap();
        let before = backend_pid(&pool).await.unwrap();
        let slow = async {
            with_conn!(&pool, |conn| {
                diesel::sql_query("SELECT pg_sleep(2)").execute(conn).await.map_err(crate::error::from_diesel)?;
            });
            Ok::<_, qeetid_domain::StoreError>(())
        };
        assert!(tokio::time::timeout(std::time::Duration::from_millis(100), slow).await.is_err());
        assert_ne!(backend_pid(&pool).await.unwrap(), before, "a new connection, not the one cut off");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn an_unreachable_server_is_named_with_the_reason() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = DatabaseUrl::parse(&format!("postgres://postgres:hunter2@127.0.0.1:{port}/qeetid")).unwrap();
        let pool = DbPool::build(&url, 1, Timeouts::default()).unwrap();
        let message = crate::migrate::run_pending(&pool).await.unwrap_err().to_string();
        assert!(message.contains(&format!("PostgreSQL at 127.0.0.1:{port}, database qeetid")), "{message}");
        assert!(message.to_lowercase().contains("refused"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
}
