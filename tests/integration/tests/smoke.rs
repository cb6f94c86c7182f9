//! Smoke tests: each server of the container stack is the real thing, reached from the
//! host through its published port, and isolated per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use flashsale_test_support::{key_prefix, require_stack};
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Message};
use sqlx::mysql::MySqlPoolOptions;

const RECEIVE_TIMEOUT: Duration = Duration::from_secs(30);

/// Takes stock only if enough is left; answers the remaining stock, or -1 when sold out.
const TAKE_STOCK: &str = r"
local stock = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = tonumber(ARGV[1])
if stock < wanted then return -1 end
return redis.call('DECRBY', KEYS[1], wanted)
";

#[tokio::test]
async fn redis_runs_a_lua_script_loaded_once_and_called_by_its_sha() {
    let stack = require_stack!();
    let client = redis::Client::open(stack.redis_url()).unwrap();
    let mut redis = client.get_multiplexed_async_connection().await.unwrap();
    let stock = format!("{}stock", key_prefix());
    let _: () = redis::cmd("SET")
        .arg(&stock)
        .arg(3)
        .query_async(&mut redis)
        .await
        .unwrap();

    let sha: String = redis::cmd("SCRIPT")
        .arg("LOAD")
        .arg(TAKE_STOCK)
        .query_async(&mut redis)
        .await
        .unwrap();
    let take = |n: i64| {
        let mut cmd = redis::cmd("EVALSHA");
        cmd.arg(&sha).arg(1).arg(&stock).arg(n);
        cmd
    };
    let first: i64 = take(2).query_async(&mut redis).await.unwrap();
    let second: i64 = take(2).query_async(&mut redis).await.unwrap();
    let left: i64 = redis::cmd("GET")
        .arg(&stock)
        .query_async(&mut redis)
        .await
        .unwrap();

    assert_eq!(sha.len(), 40, "SCRIPT LOAD answers a SHA-1");
    assert_eq!(first, 1, "two of three taken, one left");
    assert_eq!(second, -1, "not enough left: refused");
    assert_eq!(left, 1, "a refused take changes nothing");
}

#[tokio::test]
async fn mariadb_rejects_a_duplicate_inside_a_transaction_and_rolls_it_back() {
    let stack = require_stack!();
    let url = stack.fresh_database().await.unwrap();
    let db = MySqlPoolOptions::new()
        .max_connections(2)
        .connect(&url)
        .await
        .unwrap();
    sqlx::query(
        "CREATE TABLE orders (
            id BIGINT AUTO_INCREMENT PRIMARY KEY,
            user_id BIGINT NOT NULL,
            sale_id BIGINT NOT NULL,
            UNIQUE KEY one_order_per_user_and_sale (user_id, sale_id)
        ) ENGINE = InnoDB",
    )
    .execute(&db)
    .await
    .unwrap();
    let insert = "INSERT INTO orders (user_id, sale_id) VALUES (?, ?)";

    let mut tx = db.begin().await.unwrap();
    sqlx::query(insert)
        .bind(1)
        .bind(7)
        .execute(&mut *tx)
        .await
        .unwrap();
    let duplicate = sqlx::query(insert).bind(1).bind(7).execute(&mut *tx).await;
    let error = duplicate.expect_err("the unique key refuses a second order");
    assert!(
        error
            .as_database_error()
            .is_some_and(|e| e.is_unique_violation()),
        "unexpected error: {error}"
    );
    tx.rollback().await.unwrap();
    let after_rollback: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(&db)
        .await
        .unwrap();

    let mut tx = db.begin().await.unwrap();
    sqlx::query(insert)
        .bind(1)
        .bind(7)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let after_commit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(&db)
        .await
        .unwrap();

    assert_eq!(
        after_rollback, 0,
        "the rolled-back transaction left nothing"
    );
    assert_eq!(after_commit, 1, "the committed transaction left one order");
}

#[tokio::test]
async fn each_test_gets_a_database_of_its_own() {
    let stack = require_stack!();
    let first = stack.fresh_database().await.unwrap();
    let second = stack.fresh_database().await.unwrap();
    let db = MySqlPoolOptions::new()
        .max_connections(1)
        .connect(&first)
        .await
        .unwrap();
    sqlx::query("CREATE TABLE only_here (id INT PRIMARY KEY)")
        .execute(&db)
        .await
        .unwrap();
    let other = MySqlPoolOptions::new()
        .max_connections(1)
        .connect(&second)
        .await
        .unwrap();
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()",
    )
    .fetch_one(&other)
    .await
    .unwrap();

    assert_ne!(first, second);
    assert_eq!(
        tables, 0,
        "the second database does not see the first one's table"
    );
}

#[tokio::test]
async fn kafka_advertises_the_port_published_on_the_host() {
    let stack = require_stack!();
    let bootstrap = stack.kafka_bootstrap_servers();
    let brokers = tokio::task::spawn_blocking(move || {
        let consumer: rdkafka::consumer::BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &bootstrap)
            .create()
            .unwrap();
        let metadata = consumer
            .fetch_metadata(None, Duration::from_secs(10))
            .unwrap();
        metadata
            .brokers()
            .iter()
            .map(|b| format!("{}:{}", b.host(), b.port()))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();

    assert_eq!(brokers, vec![stack.kafka_bootstrap_servers()]);
}

#[tokio::test]
async fn kafka_consumer_in_the_same_group_resumes_after_the_offsets_committed_by_the_previous_one()
{
    let stack = require_stack!();
    let topic = stack.fresh_topic(1).await.unwrap();
    let group = format!("{topic}-group");
    let sent: Vec<String> = (0..10).map(|i| format!("order-{i}")).collect();
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", stack.kafka_bootstrap_servers())
        .set("enable.idempotence", "true")
        .create()
        .unwrap();
    for payload in &sent {
        producer
            .send(
                FutureRecord::to(&topic).key(payload).payload(payload),
                Duration::from_secs(10),
            )
            .await
            .unwrap();
    }

    let first = group_member(&stack.kafka_bootstrap_servers(), &group, &topic);
    let mut taken_by_first = Vec::new();
    for _ in 0..4 {
        let message = receive(&first).await;
        taken_by_first.push(payload_of(&message));
        first.commit_message(&message, CommitMode::Sync).unwrap();
    }
    drop(first);

    let second = group_member(&stack.kafka_bootstrap_servers(), &group, &topic);
    let mut taken_by_second = Vec::new();
    for _ in 0..6 {
        taken_by_second.push(payload_of(&receive(&second).await));
    }
    let nothing_more = tokio::time::timeout(Duration::from_secs(2), second.recv()).await;

    assert_eq!(taken_by_first, sent[..4].to_vec());
    assert_eq!(
        taken_by_second,
        sent[4..].to_vec(),
        "the second member starts after the committed offset"
    );
    assert!(nothing_more.is_err(), "no message is delivered twice");
}

fn group_member(bootstrap: &str, group: &str, topic: &str) -> StreamConsumer {
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    consumer.subscribe(&[topic]).unwrap();
    consumer
}

async fn receive(consumer: &StreamConsumer) -> rdkafka::message::BorrowedMessage<'_> {
    tokio::time::timeout(RECEIVE_TIMEOUT, consumer.recv())
        .await
        .expect("a message within the timeout")
        .unwrap()
}

fn payload_of(message: &rdkafka::message::BorrowedMessage<'_>) -> String {
    String::from_utf8(message.payload().unwrap().to_vec()).unwrap()
}
