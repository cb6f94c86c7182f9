//! With Kafka stopped, buying answers 503 with Retry-After: "nothing was taken" with the
//! reserved unit back in stock, or, when librdkafka cannot tell in time, "outcome unknown" with
//! the request to poll, which settles once Kafka is back. Its own test binary: it stops the Kafka container of its stack.
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
    // An unknown outcome is settled by the reconciler once Kafka is back; `settled` waits 30 s.
    settings.reconciler.interval_ms = 1_000;
    settings.reconciler.stale_after_ms = 5_000;
    let app = start(settings).await;
    app.create_sale("phone", 10, -60, 3_600).await;
    assert_eq!(
        app.buy_from("phone", "before", "10.0.0.1").await.status,
        StatusCode::ACCEPTED
    );

    stack.kafka().stop().await.expect("kafka stops");
    let answer = app.buy_from("phone", "during", "10.0.0.2").await;
    eprintln!("during, Kafka stopped: {} {}", answer.status, answer.body);
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );
    assert!(answer.retry_after.unwrap() >= 1);
    // Two answers are true here. Usually librdkafka knows the message never left: nothing was
    // taken and the unit is back at once. On a starved machine its report may come too late
    // to be sure: then the outcome is unknown, the unit stays held, and the purchase settles
    // once Kafka is back (the reconciler re-publishes it).
    let unknown = match answer.body["type"].as_str() {
        Some("urn:flashsale:problem:unavailable") => {
            assert_eq!(
                app.listed_remaining("phone").await,
                9,
                "the unit reserved for 'during' is back"
            );
            None
        }
        Some("urn:flashsale:problem:outcome-unknown") => Some(
            answer.body["requestId"]
                .as_str()
                .expect("an unknown outcome names the request to poll")
                .to_owned(),
        ),
        other => panic!("a 503 of another type: {other:?}"),
    };

    stack.kafka().start().await.expect("kafka starts");
    stack.kafka().wait_ready().await.expect("kafka ready");
    if let Some(request_id) = unknown {
        let settled = app.settled("during", &request_id).await;
        eprintln!("the unknown outcome settled as {settled}");
        if settled["status"] == "succeeded" {
            assert_eq!(app.listed_remaining("phone").await, 8);
            app.stop().await;
            return;
        }
    }
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
        eprintln!("retry: {} {}", retry.status, retry.body);
    }
    if retry.status == StatusCode::CONFLICT {
        // An attempt sent while the producer reconnected was stored after all (its late
        // acknowledgement superseded the failure): the 409 names it, and it must be the
        // buyer's order. Seen once in about seven runs; which attempt it was is not recorded.
        let holder = retry.body["requestId"]
            .as_str()
            .expect("already-purchased names the request holding the unit");
        let settled = app.settled("during", holder).await;
        eprintln!("the retry found an earlier attempt stored: {settled}");
        assert_eq!(settled["status"], "succeeded", "{settled}");
    } else {
        assert_eq!(
            retry.status,
            StatusCode::ACCEPTED,
            "the buyer may retry: {}",
            retry.body
        );
    }
    assert_eq!(app.listed_remaining("phone").await, 8);
    app.stop().await;
}
