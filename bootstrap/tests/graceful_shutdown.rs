//! SIGTERM with 200 purchases in flight (the real binary, embedded profile): every request
//! the server had received gets its HTTP response before the process exits, and only new
//! connections are refused. The purchases are held in flight by their bodies, which are sent
//! after the signal; a 201st request answered `503 overloaded` (the limit in flight is 200)
//! proves the server holds all 200 before the signal is sent.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

mod embedded_binary;

use std::time::Duration;

use embedded_binary::start;
use flashsale_http::{mint_token, TokenSecret};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SECRET: &str = "graceful-shutdown-test-secret";
const IN_FLIGHT: usize = 200;

/// A purchase whose request line, headers and first body byte are sent; `finish` sends the
/// rest and reads the whole response.
struct HeldPurchase(TcpStream);

impl HeldPurchase {
    async fn open(address: &str, user: &str) -> Self {
        let token = mint_token(
            &TokenSecret::new(SECRET),
            user,
            false,
            Duration::from_secs(600),
        )
        .unwrap();
        let mut stream = TcpStream::connect(address).await.expect("connects");
        let head = format!(
            "POST /api/v1/sales/demo-phone/purchases HTTP/1.1\r\nHost: {address}\r\n\
             Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
             Content-Length: 2\r\nConnection: close\r\n\r\n{{"
        );
        stream.write_all(head.as_bytes()).await.expect("sends");
        Self(stream)
    }

    /// The response's status line, or what went wrong.
    async fn finish(mut self) -> Result<String, String> {
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

/// The status of `GET /api/v1/sales` on a new connection.
async fn listing_status(client: &reqwest::Client, address: &str) -> u16 {
    client
        .get(format!("http://{address}/api/v1/sales"))
        .send()
        .await
        .expect("answers")
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_answers_every_purchase_in_flight_and_refuses_only_new_connections() {
    let in_flight = IN_FLIGHT.to_string();
    let mut service = start(&[
        ("FLASHSALE__AUTH__TOKEN_SECRET", SECRET),
        (
            "FLASHSALE__HTTP__MAX_IN_FLIGHT_REQUESTS",
            in_flight.as_str(),
        ),
        ("FLASHSALE__RATE_LIMIT__PER_IP_PER_SECOND", "0"),
        ("FLASHSALE__RATE_LIMIT__PER_IP_PRODUCT_PER_SECOND", "0"),
        ("FLASHSALE__RATE_LIMIT__PER_USER_PER_SECOND", "0"),
        ("FLASHSALE__DEMO__SEED", "true"),
        ("FLASHSALE__DEMO__STOCK", "1000"),
    ]);
    let address = service.address.clone();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    assert_eq!(listing_status(&client, &address).await, 200);

    let mut held = Vec::with_capacity(IN_FLIGHT);
    for n in 0..IN_FLIGHT {
        held.push(HeldPurchase::open(&address, &format!("buyer-{n}")).await);
    }
    // The server has taken all 200 once the next request is refused for the limit in flight.
    let mut overloaded = false;
    for _ in 0..600 {
        if listing_status(&client, &address).await == 503 {
            overloaded = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(overloaded, "the server never held {IN_FLIGHT} requests");

    let exited = tokio::task::spawn_blocking(move || service.terminate());
    // The listener closes at once; the purchases in flight are still being waited for.
    let mut refused = false;
    for _ in 0..600 {
        if TcpStream::connect(&address).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "new connections are refused once SIGTERM came");

    let answers: Vec<Result<String, String>> =
        futures_join_all(held.into_iter().map(HeldPurchase::finish)).await;
    let failed: Vec<_> = answers.iter().filter(|a| a.is_err()).collect();
    assert!(
        failed.is_empty(),
        "{} of {IN_FLIGHT}: {:?}",
        failed.len(),
        &failed[..failed.len().min(5)]
    );
    for answer in &answers {
        let status = answer.as_ref().unwrap();
        assert!(status.starts_with("HTTP/1.1 202"), "{status}");
    }
    let status = exited.await.unwrap();
    assert!(status.success(), "exit status {status}");
}

/// Runs every future at once and collects their outputs in order.
async fn futures_join_all<F, T>(futures: impl Iterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.expect("does not panic"));
    }
    outputs
}
