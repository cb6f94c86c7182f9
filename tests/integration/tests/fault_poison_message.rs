//! Fault: poison messages land on the orders topic in the middle of a sale, in the partition of
//! the product on sale. The worker dead-letters them (with their reason) and keeps processing the
//! orders around and after them; the invariants hold.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::Duration;

use common::dead_letters::{dead_letters, header};
use common::invariants::{assert_invariants, Limits};
use common::stampede::Stampede;
use common::{settings, start, App};
use flashsale_kafka::dead_letter::CODE_HEADER;
use flashsale_test_support::require_stack;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Message};

const PATIENCE: Duration = Duration::from_secs(30);

/// Writes `payload` to the orders topic with the product as key, as a broken producer would.
async fn inject(app: &App, product: &str, payload: &[u8]) {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &app.settings.kafka.bootstrap_servers)
        .create()
        .unwrap();
    producer
        .send(
            FutureRecord::to(&app.settings.kafka.topic)
                .key(product)
                .payload(payload),
            PATIENCE,
        )
        .await
        .expect("poison acknowledged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn poison_messages_mid_sale_are_dead_lettered_and_do_not_block_later_orders() {
    let stack = require_stack!();
    let app = Arc::new(start(settings(stack).await).await);
    app.create_sale("hot", 150, -60, 3_600).await;

    let load = Stampede::start(app.clone(), "hot", 2, Duration::from_millis(30));
    let minute = Duration::from_secs(60);
    load.wait_until("30 accepted", minute, |c| c.accepted.load(SeqCst) >= 30)
        .await;
    inject(&app, "hot", b"\x00\xffnot an order").await;
    inject(&app, "hot", br#"{"schemaVersion":1,"requestId":"r-1"}"#).await;
    let poisoned_at = load.counts().accepted.load(SeqCst);
    load.wait_until("the sale goes on and sells out", minute, |c| {
        c.accepted.load(SeqCst) > poisoned_at && c.sold_out.load(SeqCst) >= 5
    })
    .await;
    let buys = load.finish().await;

    let summary = assert_invariants(&app, "hot", &buys, Limits::default()).await;
    assert_eq!(summary.succeeded, 150, "{summary}");
    let dead = dead_letters(&app).await;
    let codes: Vec<_> = dead
        .iter()
        .map(|message| header(message, CODE_HEADER))
        .collect();
    assert_eq!(
        codes,
        [Some("malformed".to_owned()), Some("malformed".to_owned())],
        "exactly the two poison messages, in order"
    );
    assert_eq!(dead[0].payload(), Some(&b"\x00\xffnot an order"[..]));
    Arc::into_inner(app).expect("no other owner").stop().await;
}
