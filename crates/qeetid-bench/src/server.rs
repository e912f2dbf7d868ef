//! The server under test: `qeetid serve` as a child process, pinned to core 0 when
//! `taskset` is there.

use std::path::{Path, PathBuf};

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The bootstrap key the bench's servers start with.
pub(crate) const ADMIN_KEY: &str = "qak_benchmark-bootstrap-key-0123456789abcdef";

/// Which binary to start, and the core to pin it to.
pub(crate) struct Target {
    pub(crate) binary: PathBuf,
    pub(crate) pin: Option<String>,
}

/// A running server; killed on drop.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    /// Seconds from spawn to the first successful `/readyz`.
    pub(crate) startup: f64,
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

impl Server {
    /// Starts `target` on `database_url` with its data under `data_dir`.
    pub(crate) async fn start(target: &Target, database_url: &str, data_dir: &Path) -> Result<Self, String> {
        let port = free_port()?;
        let binary = &target.binary;
        let mut command = match &target.pin {
            Some(core) => {
                let mut c = Command::new("taskset");
                c.args(["-c", core]).arg(binary);
                c
            }
            None => Command::new(binary),
        };
        command
            .arg("serve")
            .env("QEETID_LISTEN", format!("127.0.0.1:{port}"))
            .env("QEETID_DATABASE_URL", database_url)
            .env("QEETID_DATA_DIR", data_dir)
            .env("QEETID_BOOTSTRAP_ADMIN_KEY", ADMIN_KEY)
            .env("QEETID_LOG_LEVEL", "warn")
            .env("QEETID_WORKERS", "1")
            .env("QEETID_PASSWORD_HASHING_MAX_CONCURRENT", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        let started = Instant::now();
        let child = command.spawn().map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let base = format!("http://localhost:{port}");
        let mut server = Self { child, base, startup: 0.0 };
        let http = reqwest::Client::new();
        for _ in 0..600 {
            if let Ok(r) = http.get(format!("{}/readyz", server.base)).send().await
                && r.status().is_success()
            {
                server.startup = started.elapsed().as_secs_f64();
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("the server exited: {status}"));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Err("the server did not become ready in 6 s".into())
    }

    /// Resident memory in MiB (Linux `/proc`), of the server itself (under taskset,
    /// `taskset` execs it, so the pid is the server's).
    pub(crate) fn rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kib: f64 = status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scratch data directory, removed on drop.
pub(crate) struct Scratch(pub(crate) PathBuf);

impl Scratch {
    pub(crate) fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("qeetid-bench-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
