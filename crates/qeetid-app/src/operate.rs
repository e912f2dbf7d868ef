//! Commands for operators beside a running server: `qeetid backup` (the database and
//! the key-encryption key, together) and `qeetid probe` (is the server ready?).

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

use qeetid_store::DieselStore;

use crate::{AppError, Settings};

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupReport {
    /// The database copy (`None` on PostgreSQL: use `pg_dump`).
    pub database: Option<std::path::PathBuf>,
    /// The key file copied (`None` when the key comes from configuration).
    pub key_file: Option<std::path::PathBuf>,
}

/// Writes `dir/qeetid.db` (a consistent copy of the SQLite database, taken while
/// the server runs) and `dir/key-encryption-key` (when the key lives in the data
/// directory), both readable by the owner only. `dir` is made; its files must not
/// exist yet.
pub async fn backup(settings: &Settings, store: &DieselStore, dir: &Path) -> Result<BackupReport, AppError> {
    let io = |what: String| move |source| AppError::Io { what, source };
    std::fs::create_dir_all(dir).map_err(io(format!("create {}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(io(format!("restrict {}", dir.display())))?;
    }
    let database = dir.join("qeetid.db");
    if database.exists() {
        return Err(AppError::Startup(format!("{} exists already: back up into a new directory", database.display())));
    }
    let target = database.to_str().ok_or_else(|| AppError::Startup(format!("{} is not UTF-8", database.display())))?;
    let copied = store
        .backup_sqlite(target)
        .await
        .map_err(|e| AppError::Startup(format!("back up the database to {}: {e}", database.display())))?;
    let key_file = if settings.key_encryption_key.is_empty() {
        let source = settings.data_dir.join("key-encryption-key");
        let copy = dir.join("key-encryption-key");
        std::fs::copy(&source, &copy).map_err(io(format!("copy {} to {}", source.display(), copy.display())))?;
        restrict(&copy)?;
        Some(copy)
    } else {
        None
    };
    if copied {
        restrict(&database)?;
    }
    Ok(BackupReport { database: copied.then_some(database), key_file })
}

fn restrict(path: &Path) -> Result<(), AppError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|source| AppError::Io { what: format!("restrict {}", path.display()), source })?;
    }
    Ok(())
}

/// Asks the server at `listen` for `/readyz` (on loopback when it listens on every
/// address): `Ok` when it answers 200 within three seconds.
pub fn probe(listen: SocketAddr) -> Result<(), String> {
    let target = match listen.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => SocketAddr::from(([127, 0, 0, 1], listen.port())),
        ip if ip.is_unspecified() => SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, listen.port())),
        _ => listen,
    };
    let timeout = Duration::from_secs(3);
    let mut stream = TcpStream::connect_timeout(&target, timeout).map_err(|e| format!("{target}: {e}"))?;
    stream.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let request = format!("GET /readyz HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).map_err(|e| format!("{target}: {e}"))?;
    let mut answer = Vec::new();
    let _ = stream.take(4096).read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    let status = text.lines().next().unwrap_or("").to_owned();
    if status.split_whitespace().nth(1) == Some("200") { Ok(()) } else { Err(format!("{target}/readyz: {status}")) }
}
