//! `/readyz` in the production profile waits for Kafka: green only once the producer has its
//! idempotence producer id (and, in a process that runs the worker, once the consumer has
//! joined its group), so the first purchases after green do not wait for it. An API process
//! (no consumer) whose broker is blackholed by a fault proxy once its topics exist stays red, naming the producer,
//! whatever else is up; healed, it turns green, and with a delivery timeout shorter than
//! obtaining the producer id, every purchase sent right after green gets 202.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{address_of, settings, start};
use flashsale::Role;
use flashsale_test_support::{require_stack, Direction, Fault};
use reqwest::StatusCode;

const FIRST_BUYS: usize = 100;

/// How long `/readyz` must stay red while the broker is blackholed.
const RED_WHILE_BLACKHOLED: Duration = Duration::from_secs(4);

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

    // A fresh API process with a fresh producer, whose purchases may wait 400 ms at most, on a
    // broker of its own behind a proxy that forwards nothing once the topics are created: the
    // process starts, but its producer cannot get an id.
    let kafka = stack.kafka_through_proxy().await.expect("proxied kafka");
    let proxy = kafka.proxy.handle();
    proxy.arm(
        Direction::ToClient,
        settings.kafka.dead_letter_topic.clone(),
        Fault::Blackhole,
    );
    settings.role = Role::Api;
    settings.kafka.bootstrap_servers = kafka.bootstrap_servers.clone();
    settings.kafka.delivery_timeout_ms = 400;
    let app = start(settings).await;
    assert!(!proxy.armed(), "the topics were created through the proxy");
    let red_until = Instant::now() + RED_WHILE_BLACKHOLED;
    while Instant::now() < red_until {
        let ready = app
            .client
            .get(format!("{}/readyz", app.base))
            .send()
            .await
            .expect("answers");
        let status = ready.status();
        let detail = ready.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{detail}");
        assert!(detail.contains("producer"), "names the producer: {detail}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    proxy.heal();
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
