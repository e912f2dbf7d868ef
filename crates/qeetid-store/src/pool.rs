//! The one place that knows there are two databases: a pool that is either
//! SQLite or PostgreSQL, and the macro that runs a query written once on either.

use std::future::Future;
use std::pin::Pin;

use diesel::SqliteConnection;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection as _, AsyncPgConnection, SimpleAsyncConnection as _};

use crate::error::SetupError;

/// An SQLite connection driven from async code (each call runs on a blocking thread).
///
/// Its futures must not be dropped half-way on a current-thread runtime: diesel-async
/// then waits for the call with `block_in_place`, which panics there. Callers on
/// actix-web workers therefore run store calls as tasks of the multi-threaded
/// application runtime (see `qeetid-http`'s `run`).
pub(crate) type SqliteConn = SyncConnectionWrapper<SqliteConnection>;

/// A pool of connections to one of the two supported databases.
#[derive(Clone)]
pub(crate) enum DbPool {
    /// PostgreSQL, the production store.
    Pg(Pool<AsyncPgConnection>),
    /// SQLite, the embedded default.
    Sqlite(Pool<SqliteConn>),
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

/// Per-connection SQLite settings. `busy_timeout` comes first so that the
/// others wait for a lock instead of failing (DESIGN §3).
const SQLITE_PRAGMAS: [&str; 4] = [
    "PRAGMA busy_timeout = 5000",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
];

type SetupFuture<'a> = Pin<Box<dyn Future<Output = diesel::ConnectionResult<SqliteConn>> + Send + 'a>>;

/// Opens a connection and applies the PRAGMAs.
fn sqlite_setup(path: &str) -> SetupFuture<'_> {
    Box::pin(async move {
        let mut conn = SqliteConn::establish(path).await?;
        for pragma in SQLITE_PRAGMAS {
            conn.batch_execute(pragma).await.map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
        }
        Ok(conn)
    })
}

impl DbPool {
    /// Builds a pool of at most `max_size` connections. The cheap recycling check
    /// is used: the default `SELECT 1` per checkout halves throughput (DESIGN §3).
    pub(crate) fn build(url: &DatabaseUrl, max_size: usize) -> Result<Self, SetupError> {
        let pool_err = |e: diesel_async::pooled_connection::deadpool::BuildError| SetupError::Pool(e.to_string());
        match url {
            DatabaseUrl::Postgres(url) => {
                let mut config = ManagerConfig::default();
                config.recycling_method = RecyclingMethod::Fast;
                let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
                Ok(Self::Pg(Pool::builder(manager).max_size(max_size).build().map_err(pool_err)?))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut config = ManagerConfig::<SqliteConn>::default();
                config.recycling_method = RecyclingMethod::Fast;
                config.custom_setup = Box::new(sqlite_setup);
                let manager = AsyncDieselConnectionManager::<SqliteConn>::new_with_config(path, config);
                Ok(Self::Sqlite(Pool::builder(manager).max_size(max_size).build().map_err(pool_err)?))
            }
        }
    }
}

/// Runs `$body` with `$conn` bound to a pooled connection of whichever database
/// the store uses. The body is written once and compiled for both connection
/// types, so a query that does not work on both does not compile.
macro_rules! with_conn {
    ($pool:expr, |$conn:ident| $body:expr) => {
        match $pool {
            $crate::pool::DbPool::Pg(pool) => {
                let mut pooled = pool.get().await.map_err($crate::error::from_pool)?;
                let $conn = &mut *pooled;
                $body
            }
            $crate::pool::DbPool::Sqlite(pool) => {
                let mut pooled = pool.get().await.map_err($crate::error::from_pool)?;
                let $conn = &mut *pooled;
                $body
            }
        }
    };
}
pub(crate) use with_conn;
