//! With Kafka stopped, buying answers 503 with Retry-After and the reserved unit is back in
//! stock. Its own test binary: it stops the Kafka container of its stack.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{settings, start};
use flashsale_test_support::require_stack;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_kafka_stopped_buying_returns_503_and_the_stock_is_back() {
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.kafka.delivery_timeout_ms = 2_000;
    let app = start(settings).await;
    app.create_sale("phone", 10, -60, 3_600).await;
    assert_eq!(
        app.buy_from("phone", "before", "10.0.0.1").await.status,
        StatusCode::ACCEPTED
    );

    stack.kafka().stop().await.expect("kafka stops");
    let answer = app.buy_from("phone", "during", "10.0.0.2").await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );
    assert_eq!(answer.body["type"], "urn:flashsale:problem:unavailable");
    assert!(answer.retry_after.unwrap() >= 1);
    assert_eq!(
        app.listed_remaining("phone").await,
        9,
        "the unit reserved for 'during' is back"
    );

    stack.kafka().start().await.expect("kafka starts");
    stack.kafka().wait_ready().await.expect("kafka ready");
    // The producer reconnects with a backoff; the buyer retries as Retry-After says.
    let mut retry = app.buy_from("phone", "during", "10.0.0.2").await;
    for _ in 0..30 {
        if retry.status != StatusCode::SERVICE_UNAVAILABLE {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_secs(
            retry.retry_after.unwrap_or(1),
        ))
        .await;
        retry = app.buy_from("phone", "during", "10.0.0.2").await;
    }
    assert_eq!(
        retry.status,
        StatusCode::ACCEPTED,
        "the buyer may retry: {}",
        retry.body
    );
    assert_eq!(app.listed_remaining("phone").await, 8);
    app.stop().await;
}
