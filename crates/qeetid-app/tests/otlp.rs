//! OpenTelemetry export, received: a collector stand-in on a loopback port takes
//! the OTLP/HTTP posts of a real server's request spans. A test binary of its own,
//! since it installs the process's global subscriber.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Accepts OTLP posts and keeps each request's head and body.
async fn collector() -> (std::net::SocketAddr, Arc<Mutex<Vec<(String, Vec<u8>)>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&received);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let kept = Arc::clone(&kept);
            tokio::spawn(async move {
                let mut data = Vec::new();
                let mut buffer = [0u8; 8192];
                // Read the head, then as many body bytes as Content-Length says.
                loop {
                    let n = stream.read(&mut buffer).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    data.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&data).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned())
                            })
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0);
                        if data.len() >= end + 4 + length {
                            let head = text[..end].to_owned();
                            kept.lock().unwrap().push((head, data[end + 4..end + 4 + length].to_vec()));
                            break;
                        }
                    }
                }
                let reply = "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    (address, received)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_spans_reach_the_otlp_endpoint() {
    let (address, received) = collector().await;
    let mut telemetry = qeetid_app::telemetry::init("json", "info", &format!("http://{address}"));

    let dir = std::env::temp_dir().join(format!("qeetid-otlp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut settings = qeetid_app::Settings::load(None, |_| None).unwrap();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.data_dir = dir.clone();
    settings.key_encryption_key = "A".repeat(43);
    settings.workers = 1;
    let app = qeetid_app::Application::build(settings).await.unwrap();
    let base = format!("http://{}", app.address());
    tokio::spawn(app.run());
    let http = reqwest::Client::new();
    assert_eq!(http.get(format!("{base}/v1/tenants")).send().await.unwrap().status(), 401);
    http.get(format!("{base}/healthz")).send().await.unwrap();

    // Shutting down sends what the batch holds; it blocks, so off the runtime's threads.
    tokio::task::spawn_blocking(move || telemetry.shutdown()).await.unwrap();
    let posts = received.lock().unwrap().clone();
    assert!(!posts.is_empty(), "no OTLP post arrived");
    let (head, body) =
        posts.iter().find(|(head, _)| head.starts_with("POST /v1/traces ")).expect("a post to /v1/traces");
    assert!(head.to_ascii_lowercase().contains("content-type: application/x-protobuf"), "{head}");
    let contains = |needle: &str| body.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(contains("qeetid"), "the service name");
    assert!(contains("HTTP request"), "the request span");
    assert!(contains("/v1/tenants"), "its route");
    let _ = std::fs::remove_dir_all(&dir);
}
