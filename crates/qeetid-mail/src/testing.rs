//! A small SMTP server for tests (feature `testing`): it speaks enough of RFC 5321
//! for a real client (the server's lettre transport) to hand it messages, and keeps
//! them, so a test reads what a user would receive.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::missing_panics_doc)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpListener;

/// One message as received: the envelope's recipients and the data.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope's recipients (`RCPT TO`).
    pub to: Vec<String>,
    /// The message with quoted-printable undone (soft breaks joined, `=XX` decoded).
    pub text: String,
}

impl Received {
    /// The first link in the message to `issuer` + `path` (`…/password/reset?token=…`).
    pub fn link(&self, issuer: &str, path: &str) -> String {
        let start = format!("{issuer}{path}");
        let at = self.text.find(&start).unwrap_or_else(|| panic!("no link to {start} in:\n{}", self.text));
        self.text[at..].chars().take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '<')).collect()
    }
}

/// A running sink.
pub struct SmtpSink {
    /// `smtp://127.0.0.1:PORT` (no TLS), for `smtp_url`.
    pub url: String,
    messages: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    /// Listens on a free loopback port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let messages = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&messages);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = Arc::clone(&kept);
                tokio::spawn(async move {
                    let _ = converse(stream, kept).await;
                });
            }
        });
        Self { url, messages }
    }

    /// Every message received so far for `to`.
    pub fn received_for(&self, to: &str) -> Vec<Received> {
        let all = self.messages.lock().unwrap();
        all.iter().filter(|m| m.to.iter().any(|t| t == to)).cloned().collect()
    }

    /// Waits (up to 15 s) until `count` messages for `to` arrived; returns them.
    pub async fn wait_for(&self, to: &str, count: usize) -> Vec<Received> {
        for _ in 0..150 {
            let got = self.received_for(to);
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{count} message(s) for {to} did not arrive; got {:?}", self.received_for(to));
    }
}

/// One SMTP session: greeting, EHLO, MAIL, RCPT…, DATA, QUIT (RSET and NOOP too,
/// which a pooling client sends).
async fn converse(stream: tokio::net::TcpStream, kept: Arc<Mutex<Vec<Received>>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let mut to = Vec::new();
    while let Some(line) = lines.next_line().await? {
        let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" | "HELO" => write.write_all(b"250-sink\r\n250 8BITMIME\r\n").await?,
            "MAIL" | "RSET" | "NOOP" => {
                if verb != "NOOP" {
                    to.clear();
                }
                write.write_all(b"250 OK\r\n").await?;
            }
            "RCPT" => {
                let address = line.split_once('<').and_then(|(_, r)| r.split_once('>')).map(|(a, _)| a.to_owned());
                to.extend(address);
                write.write_all(b"250 OK\r\n").await?;
            }
            "DATA" => {
                write.write_all(b"354 go ahead\r\n").await?;
                let mut data = Vec::new();
                while let Some(line) = lines.next_line().await? {
                    if line == "." {
                        break;
                    }
                    data.push(line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line).to_owned());
                }
                let text = unquote(&data.join("\r\n"));
                kept.lock().unwrap().push(Received { to: std::mem::take(&mut to), text });
                write.write_all(b"250 OK queued\r\n").await?;
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                break;
            }
            _ => write.write_all(b"502 not here\r\n").await?,
        }
    }
    Ok(())
}

/// Quoted-printable undone over the whole message (headers are plain ASCII here).
fn unquote(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
