//! Fault: the Kafka broker is stopped and started again in the middle of a sale. Buyers get
//! `503` (stock returned) while it is down, the sale resumes after, and the invariants hold.
//! Its own test binary: it restarts the Kafka container of its stack.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::Duration;

use common::invariants::{assert_invariants, Limits};
use common::stampede::Stampede;
use common::{settings, start};
use flashsale_test_support::require_stack;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn restarting_the_kafka_broker_mid_sale_loses_no_accepted_order_and_oversells_nothing() {
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.kafka.delivery_timeout_ms = 2_000;
    let app = Arc::new(start(settings).await);
    app.create_sale("hot", 300, -60, 3_600).await;

    let load = Stampede::start(app.clone(), "hot", 2, Duration::from_millis(100));
    let minute = Duration::from_secs(60);
    load.wait_until("60 accepted", minute, |c| c.accepted.load(SeqCst) >= 60)
        .await;
    stack.kafka().stop().await.expect("kafka stops");
    load.wait_until("a 503 while Kafka is down", minute, |c| {
        c.unavailable.load(SeqCst) >= 1
    })
    .await;
    stack.kafka().start().await.expect("kafka starts");
    let resumed_from = load.counts().accepted.load(SeqCst);
    load.wait_until(
        "the sale resumes and sells out",
        Duration::from_secs(120),
        |c| c.accepted.load(SeqCst) > resumed_from && c.sold_out.load(SeqCst) >= 5,
    )
    .await;
    let buys = load.finish().await;

    let summary = assert_invariants(&app, "hot", &buys, Limits::default()).await;
    assert!(summary.refused.contains_key("503 unavailable"), "{summary}");
    assert_eq!(summary.orders, 300, "sold out: {summary}");
    Arc::into_inner(app).expect("no other owner").stop().await;
}
