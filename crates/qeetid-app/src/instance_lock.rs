//! One server per SQLite database. SQLite is the embedded store of a single instance
//! (PostgreSQL is the one several instances share): a second `qeetid serve` on the same
//! database file refuses to start instead of two servers writing one file, each with
//! its own caches and timers. `migrate`, `seed` and `admin` may still run beside it.

use std::fs::{File, TryLockError};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

use crate::AppError;

/// The lock on a SQLite database, held until dropped (for the process's life).
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
}

/// The SQLite database file `url` names (`sqlite://path`), if it names one.
fn sqlite_file(url: &str) -> Option<&Path> {
    url.strip_prefix("sqlite://").map(|rest| Path::new(rest.split('?').next().unwrap_or(rest)))
}

/// Where the lock of `database` is kept: beside it, `…/qeetid.db.lock`.
fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes the lock of the SQLite database `url` names (nothing for other databases).
///
/// # Errors
/// [`AppError::Startup`] when another process holds it, naming the database, the lock
/// file and that process; [`AppError::Io`] when the lock file cannot be made.
pub fn acquire(url: &str) -> Result<Option<InstanceLock>, AppError> {
    let Some(database) = sqlite_file(url) else { return Ok(None) };
    let path = lock_path(database);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|source| AppError::Io { what: format!("create data directory {}", dir.display()), source })?;
    }
    let io = |what: &str| {
        let what = format!("{what} {}", path.display());
        move |source| AppError::Io { what, source }
    };
    let mut file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io("open lock file"))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            let who = if holder.is_empty() { String::new() } else { format!(" (process {holder})") };
            return Err(AppError::Startup(format!(
                "another Qeet ID server{who} is using the SQLite database {}: the lock {} is held. Stop it first; \
                 to run several instances, share a PostgreSQL database (database_url)",
                database.display(),
                path.display()
            )));
        }
        Err(TryLockError::Error(source)) => return Err(io("lock")(source)),
    }
    file.set_len(0).map_err(io("write lock file"))?;
    file.rewind().map_err(io("write lock file"))?;
    write!(file, "{}", std::process::id()).map_err(io("write lock file"))?;
    Ok(Some(InstanceLock { _file: file }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_server_on_one_sqlite_database_is_refused_until_the_first_stops() {
        let dir = std::env::temp_dir().join(format!("qeetid-lock-test-{}", std::process::id()));
        let url = format!("sqlite://{}/qeetid.db", dir.display());
        let first = acquire(&url).unwrap().expect("a SQLite database is locked");
        let refused = acquire(&url).unwrap_err().to_string();
        assert!(refused.contains("another Qeet ID server") && refused.contains("qeetid.db.lock"), "{refused}");
        assert!(refused.contains(&format!("process {}", std::process::id())), "names the holder: {refused}");
        drop(first);
        assert!(acquire(&url).unwrap().is_some(), "free again once the first stopped");
        assert!(acquire("postgres://postgres@127.0.0.1/x").unwrap().is_none(), "PostgreSQL is shared on purpose");
        let _ = std::fs::remove_dir_all(dir);
    }
}
