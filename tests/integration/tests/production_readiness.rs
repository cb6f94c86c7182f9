//! `/readyz` in the production profile waits for Kafka: green only once the producer has its
//! idempotence producer id (and, in a process that runs the worker, once the consumer has
//! joined its group), so the first purchases after green do not wait for it. With a delivery
//! timeout shorter than obtaining the producer id, a purchase sent before would get 503; every
//! purchase sent right after green gets 202.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{address_of, settings, start};
use flashsale::Role;
use flashsale_test_support::require_stack;
use reqwest::StatusCode;

const FIRST_BUYS: usize = 100;

/// Polls `/readyz` until it answers 200; panics after a minute.
async fn wait_ready(app: &common::App) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = app
            .client
            .get(format!("{}/readyz", app.base))
            .send()
            .await
            .expect("answers");
        if ready.status() == StatusCode::OK {
            return;
        }
        let detail = ready.text().await.unwrap_or_default();
        assert!(Instant::now() < deadline, "never ready: {detail}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn readiness_waits_for_the_kafka_producer_and_the_first_buys_after_it_succeed() {
    let stack = require_stack!();
    let settings = settings(stack).await;

    // A process with the worker becomes ready: its producer has an id, its consumer a group.
    let first = start(settings.clone()).await;
    wait_ready(&first).await;
    first.create_sale("phone", 1_000, -60, 3_600).await;
    let mut settings = first.stop().await;

    // A fresh API process with a fresh producer, whose purchases may wait 400 ms at most.
    settings.role = Role::Api;
    settings.kafka.delivery_timeout_ms = 400;
    let app = start(settings).await;
    wait_ready(&app).await;
    let buys = (0..FIRST_BUYS).map(|n| {
        let app = &app;
        async move {
            app.buy_from("phone", &format!("early-{n}"), &address_of(n))
                .await
        }
    });
    let answers = futures::future::join_all(buys).await;
    let refused: Vec<_> = answers
        .iter()
        .filter(|answer| answer.status != StatusCode::ACCEPTED)
        .map(|answer| (answer.status, answer.body.clone()))
        .collect();
    assert!(
        refused.is_empty(),
        "{} of the first {FIRST_BUYS} buys after ready were refused: {:?}",
        refused.len(),
        refused.first()
    );
    app.stop().await;
}
