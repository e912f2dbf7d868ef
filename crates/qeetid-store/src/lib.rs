//! Qeet ID's store: the diesel adapter of the domain's repository ports.
//!
//! One query code base serves SQLite (the embedded default) and PostgreSQL (the
//! production store): every query is written once with the diesel DSL over the
//! portable schema in `schema.rs`, and `pool.rs`'s `with_conn!` runs it on
//! whichever connection the URL chose. Only this crate knows diesel.

#[cfg(feature = "contract-suite")]
pub mod contract;
mod error;
mod migrate;
mod pool;
mod prepared;
mod repos;
#[allow(missing_docs, unreachable_pub)]
mod schema;
mod sqlite_conn;
#[cfg(feature = "test-support")]
pub mod testing;
mod writer;

use qeetid_domain::StoreError;
use qeetid_domain::ports::Store;

pub use error::SetupError;
pub use pool::{DatabaseUrl, SQLITE_AUTOCHECKPOINT_PAGES, SQLITE_READERS_PER_CORE, Timeouts};

use pool::{DbPool, with_conn};

/// Connection pool size when the configuration does not say.
pub const DEFAULT_POOL_SIZE: usize = 16;

/// Every repository port over one database. Cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct DieselStore {
    pool: DbPool,
    backend: Backend,
    audit_echo: bool,
    on_event: Option<std::sync::Arc<dyn Fn(&'static str) + Send + Sync>>,
}

/// The connection pool at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections handed out.
    pub in_use: usize,
    /// Connections open and free.
    pub idle: usize,
    /// Callers waiting for a connection.
    pub waiting: usize,
}

/// Which database a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

impl DieselStore {
    /// Opens a pool on `url` (`sqlite://PATH` or `postgres://…`) of `pool_size`
    /// connections (on SQLite: readers, at most [`SQLITE_READERS_PER_CORE`] per
    /// core, beside the one writer). No connection is made until first use; call
    /// [`DieselStore::migrate`] to check and prepare the database.
    ///
    /// Await its futures to completion on a multi-threaded tokio runtime: an SQLite
    /// call dropped half-way on a current-thread runtime panics (diesel-async).
    pub fn open(url: &str, pool_size: usize) -> Result<Self, SetupError> {
        Self::open_with(url, pool_size, Timeouts::default())
    }

    /// [`DieselStore::open`] with the given [`Timeouts`].
    pub fn open_with(url: &str, pool_size: usize, timeouts: Timeouts) -> Result<Self, SetupError> {
        let url = DatabaseUrl::parse(url)?;
        let backend = match url {
            DatabaseUrl::Postgres(_) => Backend::Postgres,
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
        };
        Ok(Self { pool: DbPool::build(&url, pool_size.max(1), timeouts)?, backend, audit_echo: false, on_event: None })
    }

    /// Calls `count` with the type of every audit event stored (the server's metrics).
    pub fn with_event_counter(mut self, count: impl Fn(&'static str) + Send + Sync + 'static) -> Self {
        self.on_event = Some(std::sync::Arc::new(count));
        self
    }

    /// The pool now: connections in use and idle, callers waiting.
    pub fn pool_status(&self) -> PoolStatus {
        let status = match &self.pool.pools {
            pool::Pools::Pg(p) => p.status(),
            pool::Pools::Sqlite(p) => p.readers.status(),
        };
        PoolStatus {
            in_use: status.size.saturating_sub(status.available),
            idle: status.available,
            waiting: status.waiting,
        }
    }

    /// Also writes every audit event to the log (target `qeetid::audit`), one line
    /// each, for collectors (`audit_log_stderr`).
    pub fn with_audit_echo(mut self, on: bool) -> Self {
        self.audit_echo = on;
        self
    }

    /// Applies pending migrations; returns the versions applied.
    pub async fn migrate(&self) -> Result<Vec<String>, SetupError> {
        migrate::run_pending(&self.pool).await
    }

    /// Which database this store uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl DieselStore {
    /// Writes a consistent copy of an SQLite database to `target` while it is in use
    /// (`VACUUM INTO`); `target` must not exist. `Ok(false)` on PostgreSQL, which is
    /// backed up with its own tools (`pg_dump`).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when SQLite cannot write the copy (the target exists,
    /// the directory is not writable) or does not answer in time.
    pub async fn backup_sqlite(&self, target: &str) -> Result<bool, StoreError> {
        use diesel_async::RunQueryDsl as _;
        if self.backend != Backend::Sqlite {
            return Ok(false);
        }
        with_conn!(&self.pool, |conn| {
            diesel::sql_query("VACUUM INTO ?")
                .bind::<diesel::sql_types::Text, _>(target)
                .execute(conn)
                .await
                .map_err(error::from_diesel)?;
        });
        Ok(true)
    }
}

impl DieselStore {
    /// Copies what SQLite's write-ahead log holds into the database file, without
    /// waiting for readers or the writer (`PRAGMA wal_checkpoint(PASSIVE)`); does
    /// nothing on PostgreSQL. Run in the background (the app does, every
    /// [`CHECKPOINT_EVERY`]), it keeps the copying and its `fsync` off the writer's
    /// commits, which otherwise run it in line once the log reaches
    /// [`SQLITE_AUTOCHECKPOINT_PAGES`] pages; under a steady stream of writes it
    /// never catches up, and that bound is what restarts the log.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when SQLite cannot be read or written.
    pub async fn checkpoint_sqlite(&self) -> Result<(), StoreError> {
        use diesel_async::SimpleAsyncConnection as _;
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        with_conn!(&self.pool, |conn| {
            conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)").await.map_err(error::from_diesel)?;
        });
        Ok(())
    }
}

/// How often the app asks SQLite for a background checkpoint
/// ([`DieselStore::checkpoint_sqlite`]).
pub const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

impl Store for DieselStore {
    async fn ping(&self) -> Result<(), StoreError> {
        use diesel_async::RunQueryDsl as _;
        with_conn!(&self.pool, |conn| {
            diesel::sql_query("SELECT 1").execute(conn).await.map_err(error::from_diesel)?;
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::TestDatabase;

    #[tokio::test(flavor = "multi_thread")]
    async fn a_background_checkpoint_copies_the_log_into_the_database_file() {
        let db = TestDatabase::sqlite();
        let store = db.store().await;
        let file = db.url.strip_prefix("sqlite://").unwrap().to_owned();
        let size = || std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let before = size();
        store.checkpoint_sqlite().await.unwrap();
        // The migrations' pages sat in the log (fewer than the autocheckpoint's pages);
        // now the file holds them.
        assert!(size() > before, "the file grew from {before} bytes to {}", size());
    }
}
