//! Throw-away databases for tests (feature `test-support`).
//!
//! PostgreSQL tests create a database with a random name on the server at
//! `QEETID_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`)
//! and drop it afterwards, so runs never collide. SQLite tests use a
//! fresh file under the system's temporary directory.

use std::hash::{BuildHasher as _, RandomState};
use std::path::PathBuf;

use diesel_async::{AsyncConnection as _, AsyncPgConnection, RunQueryDsl as _};

use crate::{DEFAULT_POOL_SIZE, DieselStore};

/// The server tests create their databases on, when `QEETID_TEST_DATABASE_URL` is not set.
pub const DEFAULT_TEST_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database that exists for the life of this value.
pub struct TestDatabase {
    /// `sqlite://…` or `postgres://…` of the new database.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(PathBuf),
    PgDatabase { server: String, name: String },
}

fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let hash = RandomState::new().hash_one((nanos, std::process::id()));
    format!("{hash:016x}")
}

fn server_url() -> String {
    std::env::var("QEETID_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_TEST_SERVER.to_owned())
}

/// `url` with its database (the last path segment) replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl TestDatabase {
    /// A new, empty SQLite file.
    pub fn sqlite() -> Self {
        let path = std::env::temp_dir().join(format!("qeetid-test-{}.db", unique_suffix()));
        Self { url: format!("sqlite://{}", path.display()), cleanup: Cleanup::SqliteFile(path) }
    }

    /// A new, empty PostgreSQL database.
    ///
    /// # Panics
    /// When no PostgreSQL server answers: a test that needs one must fail, not pass.
    pub async fn postgres() -> Self {
        let server = server_url();
        let name = format!("qeetid_test_{}", unique_suffix());
        let mut conn = AsyncPgConnection::establish(&server).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is needed for this test and did not answer at {server} ({e}). \
                 Start one (user postgres, trust auth) or set QEETID_TEST_DATABASE_URL."
            )
        });
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name} failed: {e}"));
        Self { url: with_database(&server, &name), cleanup: Cleanup::PgDatabase { server, name } }
    }

    /// A migrated store on this database.
    pub async fn store(&self) -> DieselStore {
        let store =
            DieselStore::open(&self.url, DEFAULT_POOL_SIZE).unwrap_or_else(|e| panic!("open {}: {e}", self.url));
        store.migrate().await.unwrap_or_else(|e| panic!("migrate {}: {e}", self.url));
        store
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Cleanup::PgDatabase { server, name } => {
                let (server, name) = (server.clone(), name.clone());
                // Drop may run inside a runtime: drop the database from a thread of its own.
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                    runtime.block_on(async {
                        let mut conn = AsyncPgConnection::establish(&server).await.ok()?;
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn)
                            .await
                            .ok()
                    })
                });
                let _ = dropped.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_of_a_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(with_database("postgres://h/db?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
    }
}
