//! Purchases held in flight by their bodies, for the SIGTERM tests: the request line, headers
//! and first body byte are sent; the rest only when the test says. The server holds one
//! permit of its limit in flight per held purchase, so a request refused as overloaded proves
//! it holds them all.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One purchase whose body is not yet complete.
pub struct HeldPurchase(TcpStream);

impl HeldPurchase {
    /// Opens a connection to `address` and sends all of `POST path` but its last body byte.
    pub async fn open(address: &str, path: &str, token: &str) -> Self {
        let mut stream = TcpStream::connect(address).await.expect("connects");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{"
        );
        stream.write_all(head.as_bytes()).await.expect("sends");
        Self(stream)
    }

    /// Sends the rest of the body; the response's status line, or what went wrong.
    pub async fn finish(mut self) -> Result<String, String> {
        self.0
            .write_all(b"}")
            .await
            .map_err(|e| format!("sending the rest: {e}"))?;
        let mut response = Vec::new();
        self.0
            .read_to_end(&mut response)
            .await
            .map_err(|e| format!("reading: {e}"))?;
        let text = String::from_utf8_lossy(&response);
        match text.lines().next() {
            Some(status) if status.starts_with("HTTP/1.1 ") => Ok(status.to_owned()),
            _ => Err(format!("no HTTP response: {text:?}")),
        }
    }
}

/// Waits until a new `GET /api/v1/sales` is refused with 503 (the limit in flight is reached);
/// panics after 30 s.
pub async fn wait_until_full(address: &str) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    for _ in 0..600 {
        let status = client
            .get(format!("http://{address}/api/v1/sales"))
            .send()
            .await
            .expect("answers")
            .status()
            .as_u16();
        if status == 503 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server never held its limit in flight");
}

/// Waits until connecting to `address` is refused; panics after about 6 s.
pub async fn wait_until_refused(address: &str) {
    for _ in 0..600 {
        if TcpStream::connect(address).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("new connections are still accepted");
}

/// Finishes every held purchase at once; asserts each got `202`.
pub async fn finish_all_accepted(held: Vec<HeldPurchase>) {
    let count = held.len();
    let tasks: Vec<_> = held
        .into_iter()
        .map(|purchase| tokio::spawn(purchase.finish()))
        .collect();
    let mut answers = Vec::with_capacity(count);
    for task in tasks {
        answers.push(task.await.expect("does not panic"));
    }
    let failed: Vec<_> = answers.iter().filter_map(|a| a.as_ref().err()).collect();
    assert!(
        failed.is_empty(),
        "{} of {count} got no response: {:?}",
        failed.len(),
        &failed[..failed.len().min(5)]
    );
    for status in answers.iter().flatten() {
        assert!(status.starts_with("HTTP/1.1 202"), "{status}");
    }
}
