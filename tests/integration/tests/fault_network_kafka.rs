//! Network fault between the service and Kafka, injected by a fault proxy in the test binary
//! (`flashsale_test_support::FaultProxy`): the broker keeps writing what it is sent but its
//! answers are held for longer than the delivery timeout, so acknowledgements arrive late (or
//! never, once the client gave up on the request). Buyers whose message was written but not
//! acknowledged in time are told `503 outcome-unknown`, never "nothing was taken"; the
//! reconciler re-publishes what stays pending; once drained every answer was true, the gate
//! equals the database and every buyer finds what they own.
//! Its own test binary: it starts a broker of its own that advertises the proxy's port.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::Duration;

use common::invariants::{assert_invariants, Limits};
use common::ownership::assert_buyers_find_their_orders;
use common::stampede::Stampede;
use common::{settings, start};
use flashsale_test_support::{require_stack, Direction};

/// The producer's delivery timeout (librdkafka's `message.timeout.ms`) in this test.
const DELIVERY_TIMEOUT_MS: u64 = 1_000;
/// How long the broker's answers are held: well past the delivery timeout.
const HELD_FOR: Duration = Duration::from_secs(5);
const STOCK: u32 = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledgements_after_the_delivery_timeout_get_only_true_answers_and_converge() {
    let stack = require_stack!();
    let kafka = stack.kafka_through_proxy().await.expect("proxied kafka");
    let proxy = kafka.proxy.handle();
    let mut settings = settings(stack).await;
    settings.kafka.bootstrap_servers = kafka.bootstrap_servers.clone();
    settings.kafka.delivery_timeout_ms = DELIVERY_TIMEOUT_MS;
    settings.reconciler.enabled = true;
    settings.reconciler.interval_ms = 500;
    settings.reconciler.stale_after_ms = 3_000;
    let app = Arc::new(start(settings).await);
    app.create_sale("late", STOCK, -60, 3_600).await;

    let load = Stampede::start(app.clone(), "late", 4, Duration::from_millis(20));
    let minute = Duration::from_secs(60);
    load.wait_until("30 accepted", minute, |c| c.accepted.load(SeqCst) >= 30)
        .await;

    // The broker still receives and writes every produce request; its answers are held.
    let before = load.counts().undecided.load(SeqCst);
    proxy.cut(Direction::ToClient);
    load.wait_until("a buyer told the outcome is unknown", minute, |c| {
        c.undecided.load(SeqCst) > before
    })
    .await;
    tokio::time::sleep(HELD_FOR).await;
    // The held answers are delivered now, after the delivery timeout.
    proxy.heal();
    let healed_at = load.counts().accepted.load(SeqCst);
    load.wait_until(
        "the sale resumes and sells out",
        Duration::from_secs(180),
        |c| c.accepted.load(SeqCst) > healed_at && c.sold_out.load(SeqCst) >= 5,
    )
    .await;
    let counts = load.counts();
    let (accepted, unavailable, undecided) = (
        counts.accepted.load(SeqCst),
        counts.unavailable.load(SeqCst),
        counts.undecided.load(SeqCst),
    );
    let buys = load.finish().await;

    // A 503 "unavailable" (nothing taken) owns no order, an outcome-unknown or a 202 ends
    // succeeded with its order or failed without one, and, drained, the gate equals the
    // database.
    let summary = assert_invariants(&app, "late", &buys, Limits::default()).await;
    eprintln!(
        "kafka acknowledging late: accepted {accepted}, unavailable {unavailable}, \
         outcome-unknown {undecided} (became orders {}), orders {} | {summary}",
        summary.undecided_taken, summary.orders
    );
    assert_eq!(summary.orders, i64::from(STOCK), "sold out: {summary}");
    // The fault was the one meant: only answers were held, so a message the buyer was told is
    // of unknown fate had been written, and it became an order.
    assert!(
        summary.undecided_taken >= 1,
        "a late-acknowledged message became an order: {summary}"
    );
    let checked = assert_buyers_find_their_orders(&app, "late").await;
    assert_eq!(checked, STOCK as usize);
    Arc::into_inner(app).expect("no other owner").stop().await;
}
