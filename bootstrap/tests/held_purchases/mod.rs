//! Purchases held in flight by their bodies, for the SIGTERM tests: the request line, headers
//! and first body byte are sent; the rest only when the test says. The server holds one
//! permit of its limit in flight per held purchase, so a request refused as overloaded proves
//! it holds them all.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One purchase whose body is not yet complete.
pub struct HeldPurchase {
    stream: TcpStream,
    address: String,
    path: String,
    token: String,
}

impl HeldPurchase {
    /// Opens a connection to `address` and sends all of `POST path` but its last body byte.
    pub async fn open(address: &str, path: &str, token: &str) -> Self {
        let mut stream = TcpStream::connect(address).await.expect("connects");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{"
        );
        stream.write_all(head.as_bytes()).await.expect("sends");
        Self {
            stream,
            address: address.to_owned(),
            path: path.to_owned(),
            token: token.to_owned(),
        }
    }

    /// Whether the server answered already (it refused the request, e.g. as overloaded when a
    /// probe overtook it): such a purchase is not held.
    fn answered(&self) -> bool {
        let mut byte = [0_u8; 1];
        !matches!(self.stream.try_read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
    }

    /// Sends the rest of the body; the response's status line, or what went wrong.
    pub async fn finish(mut self) -> Result<String, String> {
        self.stream
            .write_all(b"}")
            .await
            .map_err(|e| format!("sending the rest: {e}"))?;
        let mut response = Vec::new();
        self.stream
            .read_to_end(&mut response)
            .await
            .map_err(|e| format!("reading: {e}"))?;
        let text = String::from_utf8_lossy(&response);
        match text.lines().next() {
            Some(status) if status.starts_with("HTTP/1.1 2") => Ok(status.to_owned()),
            // A refusal with its problem's detail, to tell why.
            Some(status) if status.starts_with("HTTP/1.1 ") => {
                let detail = text.split("\"detail\":").nth(1).unwrap_or_default();
                Ok(format!(
                    "{status} {}",
                    detail.split(',').next().unwrap_or_default()
                ))
            }
            _ => Err(format!("no HTTP response: {text:?}")),
        }
    }
}

/// Waits until a new `GET /api/v1/sales` is refused with 503 (the limit in flight is reached);
/// after 30 s, finishes the held purchases and panics with what they got. A held purchase that
/// the server reached after a probe (the connections are served concurrently) may be refused
/// as overloaded while the probe holds a place: it is opened again.
pub async fn wait_until_full(address: &str, held: &mut Vec<HeldPurchase>) {
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
        for purchase in held.iter_mut() {
            if purchase.answered() {
                *purchase =
                    HeldPurchase::open(&purchase.address, &purchase.path, &purchase.token).await;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut answers = std::collections::BTreeMap::<String, usize>::new();
    for purchase in held.drain(..) {
        let answer = purchase.finish().await.unwrap_or_else(|error| error);
        *answers.entry(answer).or_default() += 1;
    }
    panic!("the server never held its limit in flight; the held purchases got {answers:?}");
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
