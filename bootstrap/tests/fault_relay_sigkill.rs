//! The order-events relay killed with SIGKILL, with the real binary against the container stack:
//! after the broker acknowledged a round of events and before they were marked published (the
//! mark held on a row lock, and its connection killed in the server with the process, so it never
//! commits), while other changes are committed and not yet published. The
//! successor publishes everything: no event lost, each order's events in order, and the only
//! duplicates are the round the killed relay had published and not marked (at least once).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tests/integration/tests/common/mod.rs"]
mod common;
#[allow(dead_code)] // this binary never stops the process gently
mod process;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use common::{address_of, settings, start, token, App, WEBHOOK_SECRET};
use flashsale::Role;
use flashsale_http::{sign_webhook, WebhookSecret};
use flashsale_kafka::OrderEventMessage;
use flashsale_test_support::require_stack;
use process::Process;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::{ClientConfig, Message};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::MySqlPool;

const MINUTE: Duration = Duration::from_secs(60);
const BUYERS: usize = 10;
/// Buyers 0..PAID pay, PAID..PAID + CANCELLED cancel, the rest leave their order pending.
const PAID: usize = 5;
const CANCELLED: usize = 3;

async fn scalar(db: &MySqlPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(db)
        .await
        .unwrap()
}

/// Polls `sql` until it returns `wanted`; panics after a minute.
async fn wait_for(db: &MySqlPool, sql: &str, wanted: i64) {
    let deadline = Instant::now() + MINUTE;
    loop {
        let now = scalar(db, sql).await;
        if now == wanted {
            return;
        }
        assert!(Instant::now() < deadline, "{sql} is {now}, not {wanted}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Buys as buyer `n` and waits for the order; its id.
async fn order_of(app: &App, n: usize) -> String {
    let user = format!("buyer-{n}");
    let answer = app.buy_from("relayed", &user, &address_of(n)).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
    let request_id = answer.body["requestId"].as_str().unwrap().to_owned();
    let result = app.settled(&user, &request_id).await;
    assert_eq!(result["status"], "succeeded", "{result}");
    result["orderId"].as_str().unwrap().to_owned()
}

async fn pay(app: &App, order_id: &str, n: usize) {
    let body = json!({ "orderId": order_id, "paymentId": format!("pi_{n}") }).to_string();
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
    assert_eq!(response.status(), StatusCode::OK);
}

async fn cancel(app: &App, order_id: &str, n: usize) {
    let response = app
        .client
        .post(format!("{}/api/v1/orders/{order_id}/cancel", app.base))
        .bearer_auth(token(&format!("buyer-{n}")))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), StatusCode::OK);
}

/// A reader of the order-events topic from its start, in consumer group `group`.
fn reader(app: &App, group: &str) -> StreamConsumer {
    let topic = &app.settings.kafka.order_events_topic;
    let reader: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &app.settings.kafka.bootstrap_servers)
        .set("group.id", format!("{topic}-{group}"))
        .set("auto.offset.reset", "earliest")
        .create()
        .expect("a reader");
    reader.subscribe(&[topic]).expect("subscribes");
    reader
}

/// Reads the topic until `wanted` distinct `paid` events are seen (or a minute passed): how
/// many were.
async fn paid_events_seen(app: &App, wanted: usize) -> usize {
    let reader = reader(app, "watcher");
    let mut paid = HashSet::new();
    let deadline = tokio::time::Instant::now() + MINUTE;
    while paid.len() < wanted {
        let Ok(Ok(message)) = tokio::time::timeout_at(deadline, reader.recv()).await else {
            break;
        };
        let event: OrderEventMessage =
            serde_json::from_slice(message.payload().expect("a payload")).expect("an event");
        if event.status == "paid" {
            paid.insert(event.event_id);
        }
    }
    paid.len()
}

/// Every message of the order-events topic, read until none comes for three seconds.
async fn every_event(app: &App) -> Vec<OrderEventMessage> {
    let reader = reader(app, "reader");
    let mut events = Vec::new();
    let mut wait = Duration::from_secs(30);
    while let Ok(Ok(message)) = tokio::time::timeout(wait, reader.recv()).await {
        let event: OrderEventMessage =
            serde_json::from_slice(message.payload().expect("a payload")).expect("an event");
        assert_eq!(
            message.key(),
            Some(event.order_id.as_bytes()),
            "keyed by order"
        );
        events.push(event);
        wait = Duration::from_secs(3);
    }
    events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_relay_killed_between_acknowledgement_and_mark_loses_nothing_and_repeats_only_that_round()
{
    let stack = require_stack!();
    let mut worker_settings = settings(stack).await;
    // Five seconds between passes: after one pass, the test has time to commit and lock.
    worker_settings.orders.events_relay_interval_ms = 5_000;
    let mut api_settings = worker_settings.clone();
    api_settings.role = Role::Api;
    let app = start(api_settings).await;
    app.create_sale("relayed", BUYERS as u32, -60, 3_600).await;
    let mut worker = Process::spawn(&worker_settings, "worker");
    tokio::task::block_in_place(|| worker.wait_for_line("order consumer started", MINUTE));
    let db = app.database().await;

    let mut orders = Vec::new();
    for n in 0..BUYERS {
        orders.push(order_of(&app, n).await);
    }
    // A relay pass published and marked the ten creations; the next pass is five seconds away.
    wait_for(
        &db,
        "SELECT COUNT(*) FROM order_events WHERE published_at_ms IS NOT NULL",
        BUYERS as i64,
    )
    .await;
    for (n, order) in orders.iter().enumerate().take(PAID) {
        pay(&app, order, n).await;
    }
    let paid_ids: Vec<u64> =
        sqlx::query_scalar("SELECT event_id FROM order_events WHERE status = 'paid'")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(paid_ids.len(), PAID);
    // Hold the paid events' rows: the relay reads them (a plain read does not wait), the broker
    // acknowledges them, and the relay's mark waits on the lock.
    let mut lock = db.begin().await.unwrap();
    let locked: Vec<u64> = sqlx::query_scalar(
        "SELECT event_id FROM order_events WHERE status = 'paid' \
         AND published_at_ms IS NULL FOR UPDATE",
    )
    .fetch_all(&mut *lock)
    .await
    .unwrap();
    assert_eq!(locked.len(), PAID, "locked before the next pass");
    // The broker holds the whole round once a reader sees it: the relay now waits to mark it.
    let seen = paid_events_seen(&app, PAID).await;
    assert_eq!(seen, PAID, "the relay published its round");
    worker.kill_hard();
    // The dead process's mark still waits in the server; end it there too, as if it had never
    // been sent (a process killed a moment earlier).
    let marks: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM information_schema.processlist \
         WHERE db = DATABASE() AND info LIKE 'UPDATE order_events%'",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(marks.len(), 1, "the relay's mark waits on the lock");
    sqlx::query(&format!("KILL {}", marks[0]))
        .execute(&db)
        .await
        .unwrap();
    lock.rollback().await.unwrap();
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM order_events WHERE published_at_ms IS NULL"
        )
        .await,
        PAID as i64,
        "the killed relay marked none of its round"
    );

    // Changes committed while no relay runs, then a successor.
    for (n, order) in orders.iter().enumerate().skip(PAID).take(CANCELLED) {
        cancel(&app, order, n).await;
    }
    let mut successor_settings = worker_settings.clone();
    successor_settings.orders.events_relay_interval_ms = 200;
    let mut successor = Process::spawn(&successor_settings, "worker");
    tokio::task::block_in_place(|| successor.wait_for_line("order consumer started", MINUTE));
    let written = (BUYERS + PAID + CANCELLED) as i64;
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM order_events").await,
        written
    );
    wait_for(
        &db,
        "SELECT COUNT(*) FROM order_events WHERE published_at_ms IS NULL",
        0,
    )
    .await;

    let events = every_event(&app).await;
    let mut times: HashMap<u64, usize> = HashMap::new();
    let mut per_order: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for event in &events {
        let seen = times.entry(event.event_id).or_default();
        *seen += 1;
        if *seen == 1 {
            per_order
                .entry(event.order_id.clone())
                .or_default()
                .push(event.status.clone());
        }
    }
    assert_eq!(times.len() as i64, written, "every event, none invented");
    let repeated: HashSet<u64> = times
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(
        repeated,
        paid_ids.iter().copied().collect(),
        "only the round acknowledged and not marked came twice"
    );
    assert!(times.values().all(|n| *n <= 2), "{times:?}");
    for (n, order) in orders.iter().enumerate() {
        let wanted: &[&str] = match n {
            n if n < PAID => &["pending_payment", "paid"],
            n if n < PAID + CANCELLED => &["pending_payment", "cancelled"],
            _ => &["pending_payment"],
        };
        assert_eq!(per_order[order], wanted, "buyer-{n}'s order");
    }
    println!(
        "{} messages for {} events; {} published twice",
        events.len(),
        times.len(),
        repeated.len()
    );
    drop(successor);
    app.stop().await;
}
