//! The one place that knows there are two databases: a pool that is either
//! SQLite or PostgreSQL, and the macro that runs a query written once on either.

use std::future::Future;
use std::pin::Pin;

use diesel::connection::SimpleConnection as _;
use diesel::{Connection as _, SqliteConnection};
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::sync_connection_wrapper::{SpawnBlocking, SyncConnectionWrapper};

use crate::error::SetupError;

/// An SQLite connection driven from async code: each call runs on a blocking
/// thread of the runtime that opened the store.
pub(crate) type SqliteConn = SyncConnectionWrapper<SqliteConnection, DetachedBlocking>;

/// Runs SQLite calls on a blocking thread of a fixed multi-threaded runtime, and
/// lets a call finish in the background when its caller goes away.
///
/// diesel-async's default waits for a cancelled call with `block_in_place`, which
/// panics on a current-thread runtime, such as each actix-web worker's: a client
/// that disconnected during a query would take the worker's connection down with
/// it. Letting the call finish is safe: the connection sits behind a mutex that the
/// next call takes on its own blocking thread.
pub(crate) struct DetachedBlocking(tokio::runtime::Handle);

impl SpawnBlocking for DetachedBlocking {
    fn spawn_blocking<'a, R>(
        &mut self,
        task: impl FnOnce() -> R + Send + 'static,
    ) -> Pin<Box<dyn Future<Output = Result<R, Box<dyn std::error::Error + Send + Sync + 'static>>> + Send + 'a>>
    where
        R: Send + 'static,
    {
        let joined = self.0.spawn_blocking(task);
        Box::pin(async move { joined.await.map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>) })
    }

    /// Only used by `AsyncConnection::establish`, which this crate does not call:
    /// connections are made by `sqlite_setup` with the store's runtime.
    fn get_runtime() -> Self {
        Self(tokio::runtime::Handle::current())
    }
}

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

/// Opens a connection on a blocking thread of `runtime`, applies the PRAGMAs, and
/// wraps it so that its calls run on that runtime.
fn sqlite_setup(runtime: tokio::runtime::Handle) -> impl Fn(&str) -> SetupFuture<'_> + Send + Sync {
    move |path: &str| {
        let path = path.to_owned();
        let runtime = runtime.clone();
        Box::pin(async move {
            let opened = runtime.spawn_blocking(move || {
                let mut conn = SqliteConnection::establish(&path)?;
                for pragma in SQLITE_PRAGMAS {
                    conn.batch_execute(pragma).map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                }
                Ok::<_, diesel::ConnectionError>(conn)
            });
            let conn = opened.await.map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))??;
            Ok(SqliteConn::with_runtime(conn, DetachedBlocking(runtime)))
        })
    }
}

impl DbPool {
    /// Builds a pool of at most `max_size` connections. The cheap recycling check
    /// is used: the default `SELECT 1` per checkout halves throughput (DESIGN §3).
    pub(crate) fn build(
        url: &DatabaseUrl,
        max_size: usize,
        runtime: tokio::runtime::Handle,
    ) -> Result<Self, SetupError> {
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
                config.custom_setup = Box::new(sqlite_setup(runtime));
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
