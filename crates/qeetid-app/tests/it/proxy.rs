//! A TCP proxy in front of PostgreSQL that the test can pause (bytes stop flowing
//! both ways, new connections hang) and resume: a database that stops answering
//! without going away, as a stalled server or a broken network looks to the client.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// The proxy's switch.
pub(crate) struct Proxy {
    /// Where clients connect instead of the database.
    pub(crate) port: u16,
    paused: Arc<AtomicBool>,
    resumed: Arc<Notify>,
}

impl Proxy {
    /// Listens on `127.0.0.1:0` and forwards to `upstream` (`host:port`).
    pub(crate) async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (paused, resumed) = (Arc::new(AtomicBool::new(false)), Arc::new(Notify::new()));
        let (p, r) = (paused.clone(), resumed.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (p, r, upstream) = (p.clone(), r.clone(), upstream.clone());
                tokio::spawn(async move {
                    wait_while_paused(&p, &r).await;
                    let Ok(server) = TcpStream::connect(&upstream).await else { return };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::spawn(pump(client_read, server_write, p.clone(), r.clone()));
                    pump(server_read, client_write, p, r).await;
                });
            }
        });
        Self { port, paused, resumed }
    }

    /// Stops every byte.
    pub(crate) fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
    }

    /// Lets bytes flow again.
    pub(crate) fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
        self.resumed.notify_waiters();
    }
}

async fn wait_while_paused(paused: &AtomicBool, resumed: &Notify) {
    while paused.load(Ordering::SeqCst) {
        let wake = resumed.notified();
        if !paused.load(Ordering::SeqCst) {
            break;
        }
        // Re-check now and then: a notification may race the flag.
        let _ = tokio::time::timeout(std::time::Duration::from_millis(50), wake).await;
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    paused: Arc<AtomicBool>,
    resumed: Arc<Notify>,
) {
    let mut buffer = vec![0_u8; 16 * 1024];
    loop {
        wait_while_paused(&paused, &resumed).await;
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        wait_while_paused(&paused, &resumed).await;
        if to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
}
