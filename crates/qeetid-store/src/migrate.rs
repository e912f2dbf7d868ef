//! Embedded migrations, one set per database, applied at start-up or by `qeetid migrate`.

use diesel_async::AsyncMigrationHarness;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness as _, embed_migrations};

use crate::error::SetupError;
use crate::pool::{DbPool, Pools};

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Applies every pending migration and returns the names of those applied.
///
/// The harness drives async connections with `block_on`, which panics on a
/// current-thread runtime; on a blocking thread it works everywhere.
pub(crate) async fn run_pending(pool: &DbPool) -> Result<Vec<String>, SetupError> {
    let connect =
        |e: &dyn std::error::Error| SetupError::Connect { target: pool.target.clone(), cause: crate::error::chain(e) };
    let applied = match &pool.pools {
        Pools::Pg(p) => {
            let conn = p.get().await.map_err(|e| connect(&e))?;
            tokio::task::spawn_blocking(move || {
                let mut harness = AsyncMigrationHarness::new(conn);
                applied_names(harness.run_pending_migrations(POSTGRES))
            })
            .await
        }
        Pools::Sqlite(p) => {
            // On the writer's connection, opened for them and handed over after.
            let conn = crate::pool::sqlite_connect(p.writer.path()).await.map_err(|e| connect(&e))?;
            let ran = tokio::task::spawn_blocking(move || {
                let mut conn = conn;
                let applied = applied_names(conn.inner().run_pending_migrations(SQLITE));
                (applied, conn)
            })
            .await;
            match ran {
                Ok((applied, conn)) => {
                    p.writer.adopt(conn).await;
                    Ok(applied)
                }
                Err(e) => Err(e),
            }
        }
    };
    applied.map_err(|e| SetupError::Migration(e.to_string()))?
}

fn applied_names(
    result: diesel::migration::Result<Vec<diesel::migration::MigrationVersion<'_>>>,
) -> Result<Vec<String>, SetupError> {
    result
        .map(|versions| versions.iter().map(ToString::to_string).collect())
        .map_err(|e| SetupError::Migration(e.to_string()))
}
