//! Fault: the Kafka broker is killed with SIGKILL in the middle of a sale, then started again.
//! Messages sent but not acknowledged are of unknown fate: their buyers get `503
//! outcome-unknown` and a request to poll, never "nothing was taken" for an order that ends up
//! existing; the reconciler re-publishes what is still pending; once drained the gate equals
//! the database and every buyer finds what they own, by request id and by product.
//! Its own test binary: it kills the Kafka container of its stack.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::Duration;

use common::invariants::{assert_invariants, Limits};
use common::ownership::assert_buyers_find_their_orders;
use common::stampede::Stampede;
use common::{settings, start};
use flashsale_test_support::require_stack;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_broker_killed_mid_sale_never_denies_an_order_that_exists_and_the_gate_converges() {
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.kafka.delivery_timeout_ms = 2_000;
    settings.reconciler.enabled = true;
    settings.reconciler.interval_ms = 500;
    settings.reconciler.stale_after_ms = 3_000;
    let app = Arc::new(start(settings).await);
    app.create_sale("hot", 300, -60, 3_600).await;

    let load = Stampede::start(app.clone(), "hot", 4, Duration::from_millis(20));
    let minute = Duration::from_secs(60);
    load.wait_until("60 accepted", minute, |c| c.accepted.load(SeqCst) >= 60)
        .await;
    let killed = Command::new("docker")
        .args(["kill", "--signal", "KILL", stack.kafka().id()])
        .status()
        .expect("docker runs");
    assert!(killed.success(), "the broker is killed");
    load.wait_until("a 503 while Kafka is dead", minute, |c| {
        c.unavailable.load(SeqCst) + c.undecided.load(SeqCst) >= 1
    })
    .await;
    stack.kafka().start().await.expect("kafka starts");
    let resumed_from = load.counts().accepted.load(SeqCst);
    load.wait_until(
        "the sale resumes and sells out",
        Duration::from_secs(180),
        |c| c.accepted.load(SeqCst) > resumed_from && c.sold_out.load(SeqCst) >= 5,
    )
    .await;
    let buys = load.finish().await;

    // Every answer against the system of record: a 503 "unavailable" (nothing taken) owns no
    // order, an outcome-unknown or a 202 ends succeeded with its order or failed without one,
    // and, drained, the gate equals the database.
    let summary = assert_invariants(&app, "hot", &buys, Limits::default()).await;
    assert_eq!(summary.orders, 300, "sold out: {summary}");
    let checked = assert_buyers_find_their_orders(&app, "hot").await;
    assert_eq!(checked, 300);
    Arc::into_inner(app).expect("no other owner").stop().await;
}
