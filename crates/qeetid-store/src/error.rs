//! Errors of the store: setting it up, and mapping diesel's errors to the domain's.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use qeetid_domain::StoreError;

/// Why the store could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The URL is neither `sqlite://…` nor `postgres://…`.
    #[error("unsupported database_url `{0}`: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// The pool could not be built.
    #[error("could not build the connection pool: {0}")]
    Pool(String),
    /// No connection could be made.
    #[error("cannot connect to {target}: {cause}")]
    Connect {
        /// The database: `PostgreSQL at HOST:PORT, database DB` or `SQLite file PATH`.
        target: String,
        /// Why, with every underlying cause.
        cause: String,
    },
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(String),
}

/// `err` and each of its sources, joined: "error connecting to server: Connection refused".
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.contains(&next) {
            text = format!("{text}: {next}");
        }
        source = cause.source();
    }
    text
}

/// Maps a diesel error to the domain's: unique and foreign-key violations are
/// conflicts; everything else is the database being unavailable.
pub(crate) fn from_diesel(err: DieselError) -> StoreError {
    match err {
        DieselError::DatabaseError(
            kind @ (DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ForeignKeyViolation),
            info,
        ) => {
            let what = if matches!(kind, DatabaseErrorKind::UniqueViolation) {
                "already exists"
            } else {
                "refers to a missing object"
            };
            StoreError::Conflict(format!("{what}: {}", info.message()))
        }
        other => StoreError::Unavailable(Box::new(other)),
    }
}

/// Maps a pool checkout failure.
pub(crate) fn from_pool(err: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Unavailable(Box::new(err))
}

/// The database did not answer within `limit`.
#[derive(Debug, thiserror::Error)]
#[error("the database did not answer: timed out after {} ms {what}", limit.as_millis())]
pub(crate) struct TimedOut {
    what: &'static str,
    limit: std::time::Duration,
}

/// `Unavailable`, because the database did not answer within `limit`.
pub(crate) fn timed_out(what: &'static str, limit: std::time::Duration) -> StoreError {
    StoreError::Unavailable(Box::new(TimedOut { what, limit }))
}

/// A stored value that does not parse.
pub(crate) fn corrupt(what: &str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {err}"))
}
