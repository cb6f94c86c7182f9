//! Order events against real MariaDB, Redis and Kafka: the production service relays every
//! change of an order's status from its outbox to the order-events topic, keyed by order id,
//! each order's events in order and none missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use common::{address_of, settings, start, token, App, WEBHOOK_SECRET};
use flashsale_application::ports::{NewOrder, OrderEvents, OrderStore, SaleCatalog};
use flashsale_application::{EventRelay, Exclusive, EVENT_RELAY_LEASE};
use flashsale_domain::{
    OrderId, ProductId, Quantity, RequestId, Reservation, Sale, SaleWindow, Timestamp, UserId,
};
use flashsale_http::{sign_webhook, WebhookSecret};
use flashsale_kafka::{
    ensure_service_topics, KafkaEventPublisher, KafkaSettings, OrderEventMessage,
};
use flashsale_memory::MemoryLease;
use flashsale_mysql::{MySqlSettings, MySqlStore};
use flashsale_test_support::{require_stack, unique_topic};
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::{ClientConfig, Message};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// How long the events may take to arrive.
const PATIENCE: Duration = Duration::from_secs(30);

/// Buys as `user` and waits for the purchase to succeed; the order's id.
async fn order_of(app: &App, product: &str, user: &str, n: usize) -> String {
    let answer = app.buy_from(product, user, &address_of(n)).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
    let request_id = answer.body["requestId"].as_str().unwrap().to_owned();
    let result = app.settled(user, &request_id).await;
    assert_eq!(result["status"], "succeeded", "{result}");
    result["orderId"].as_str().unwrap().to_owned()
}

/// Pays the order through the webhook, signed as the payment provider signs.
async fn pay(app: &App, order_id: &str, payment_id: &str) {
    let body = json!({ "orderId": order_id, "paymentId": payment_id }).to_string();
    let secret = WebhookSecret::new(WEBHOOK_SECRET).unwrap();
    let signature = sign_webhook(&secret, chrono::Utc::now().timestamp(), body.as_bytes());
    let response = app
        .client
        .post(format!("{}/api/v1/payments/webhook", app.base))
        .header("content-type", "application/json")
        .header("Flashsale-Signature", signature)
        .body(body)
        .send()
        .await
        .expect("answers");
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
}

async fn cancel(app: &App, user: &str, order_id: &str) {
    let response = app
        .client
        .post(format!("{}/api/v1/orders/{order_id}/cancel", app.base))
        .bearer_auth(token(user))
        .send()
        .await
        .expect("answers");
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "cancelled", "{body}");
}

/// One order event as read from the topic: the message key, the partition, the event.
struct Received {
    key: String,
    partition: i32,
    event: OrderEventMessage,
}

/// Reads the order-events topic from the start until `wanted` distinct events have arrived
/// (duplicates kept), or `PATIENCE` has passed.
async fn read_events(app: &App, wanted: usize) -> Vec<Received> {
    let topic = &app.settings.kafka.order_events_topic;
    let reader: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &app.settings.kafka.bootstrap_servers)
        .set("group.id", format!("{topic}-reader"))
        .set("auto.offset.reset", "earliest")
        .create()
        .expect("an order-events reader");
    reader.subscribe(&[topic]).expect("subscribes");
    let mut received = Vec::new();
    let mut distinct = HashSet::new();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while distinct.len() < wanted {
        let Ok(message) = tokio::time::timeout_at(deadline, reader.recv()).await else {
            break;
        };
        let message = message.expect("a message");
        let event: OrderEventMessage =
            serde_json::from_slice(message.payload().expect("a payload")).expect("an event");
        distinct.insert(event.event_id);
        received.push(Received {
            key: String::from_utf8(message.key().expect("a key").to_vec()).unwrap(),
            partition: message.partition(),
            event,
        });
    }
    received
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_status_change_reaches_the_order_events_topic_in_order_per_order() {
    let stack = require_stack!();
    let app = start(settings(stack).await).await;
    app.create_sale("evented", 2, -60, 3_600).await;
    let alices = order_of(&app, "evented", "alice", 1).await;
    let bobs = order_of(&app, "evented", "bob", 2).await;
    pay(&app, &alices, "pi_alice_1").await;
    cancel(&app, "bob", &bobs).await;

    let received = read_events(&app, 4).await;

    // At least once: dedupe by event id, keeping each event's first arrival.
    let mut seen = HashSet::new();
    let mut per_order: BTreeMap<String, Vec<&OrderEventMessage>> = BTreeMap::new();
    let mut partitions: BTreeMap<String, HashSet<i32>> = BTreeMap::new();
    for message in &received {
        assert_eq!(message.key, message.event.order_id, "keyed by order id");
        partitions
            .entry(message.key.clone())
            .or_default()
            .insert(message.partition);
        if seen.insert(message.event.event_id) {
            per_order
                .entry(message.event.order_id.clone())
                .or_default()
                .push(&message.event);
        }
    }
    let statuses = |order: &str| -> Vec<&str> {
        per_order
            .get(order)
            .map(|events| events.iter().map(|e| e.status.as_str()).collect())
            .unwrap_or_default()
    };
    assert_eq!(per_order.len(), 2, "events of exactly the two orders");
    assert_eq!(statuses(&alices), vec!["pending_payment", "paid"]);
    assert_eq!(statuses(&bobs), vec!["pending_payment", "cancelled"]);
    for events in per_order.values() {
        assert!(events.windows(2).all(|w| w[0].event_id < w[1].event_id));
        assert!(events
            .iter()
            .all(|e| e.schema_version == 1 && e.quantity == 1));
    }
    assert!(
        partitions.values().all(|p| p.len() == 1),
        "one order, one partition: {partitions:?}"
    );
    let paid = per_order[&alices][1];
    assert_eq!(paid.payment_id.as_deref(), Some("pi_alice_1"));
    assert_eq!(paid.user_id, "alice");
    assert_eq!(paid.product_id, "evented");
    assert_eq!(per_order[&bobs][1].payment_id, None);
    assert_eq!(per_order[&bobs][0].user_id, "bob");

    // The outbox marks each one published once the broker acknowledged it.
    let db = app.database().await;
    let mut unpublished = i64::MAX;
    for _ in 0..100 {
        unpublished =
            sqlx::query_scalar("SELECT COUNT(*) FROM order_events WHERE published_at_ms IS NULL")
                .fetch_one(&db)
                .await
                .unwrap();
        if unpublished == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(unpublished, 0, "every event marked published");
    let written: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM order_events")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(written, 4, "one row per change");
    app.stop().await;
}

/// Not a check but a measurement, for choosing `orders.events_relay_batch`: `cargo test -p
/// flashsale-integration --test order_events -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a throughput measurement, run on demand"]
async fn a_backlog_of_events_is_relayed_to_kafka() {
    const ORDERS: usize = 5_000;
    const BATCH: u32 = 500;
    let stack = require_stack!();
    let store = MySqlStore::connect(&MySqlSettings::new(stack.fresh_database().await.unwrap()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let start = Timestamp::from_millis(chrono::Utc::now().timestamp_millis());
    let window = SaleWindow::new(start, start.plus(Duration::from_secs(3_600))).unwrap();
    let product = ProductId::parse("backlog").unwrap();
    let sale = Sale::new(product.clone(), "Backlog", ORDERS as u32, window).unwrap();
    store.create(&sale).await.unwrap();
    let batch: Vec<NewOrder> = (0..ORDERS)
        .map(|n| NewOrder {
            order_id: OrderId::parse(format!("o-{n}")).unwrap(),
            reservation: Reservation {
                request_id: RequestId::parse(format!("backlog.r{n}")).unwrap(),
                user_id: UserId::parse(format!("u{n}")).unwrap(),
                product_id: product.clone(),
                quantity: Quantity::ONE,
                reserved_at: start,
            },
            created_at: start,
        })
        .collect();
    for chunk in batch.chunks(500) {
        store.persist(chunk).await.unwrap();
    }
    let settings = KafkaSettings {
        order_events_topic: unique_topic(),
        partitions: 4,
        ..KafkaSettings::new(stack.kafka_bootstrap_servers())
    };
    ensure_service_topics(&settings).await.unwrap();
    let publisher = KafkaEventPublisher::new(&settings).unwrap();
    let exclusive = Exclusive::new(
        MemoryLease::new(),
        EVENT_RELAY_LEASE,
        "measure".to_owned(),
        Duration::from_secs(60),
    );
    let relay = EventRelay::new(store.clone(), publisher, exclusive, BATCH);

    let started = Instant::now();
    let mut published = 0;
    loop {
        let report = relay.relay(start).await.unwrap();
        assert_eq!(report.failed, 0, "{report:?}");
        published += report.published;
        if report.read == 0 {
            break;
        }
    }
    let elapsed = started.elapsed();
    assert_eq!(published, ORDERS);
    assert!(store.unpublished(1).await.unwrap().is_empty());
    println!(
        "{ORDERS} events relayed in batches of {BATCH} in {elapsed:?} ({:.0}/s)",
        ORDERS as f64 / elapsed.as_secs_f64()
    );
}
