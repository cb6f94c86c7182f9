//! The connection set-ups against a fake Redis: sharing without a check per request, and the
//! `Bb8` set-up replacing a broken connection then and only then.

use std::time::{Duration, Instant};

use super::fake_redis::FakeRedis;
use super::*;

const PATIENCE: Duration = Duration::from_secs(10);

fn settings(url: String, pool_size: u32, connection: RedisConnectionKind) -> RedisSettings {
    RedisSettings {
        url,
        cluster_nodes: Vec::new(),
        pool_size,
        connection_timeout: Duration::from_millis(500),
        connection,
        key_prefix: "test:".to_owned(),
        result_ttl: Duration::from_secs(60),
    }
}

async fn get(pool: &RedisPool) -> Result<String, String> {
    let mut connection = pool.connection().await.map_err(|e| e.to_string())?;
    redis::cmd("GET")
        .arg("key")
        .query_async(&mut *connection)
        .await
        .map_err(|e| e.to_string())
}

/// Sends requests until one succeeds, failing the test after [`PATIENCE`].
async fn until_answered(pool: &RedisPool) {
    let deadline = Instant::now() + PATIENCE;
    while get(pool).await.is_err() {
        assert!(Instant::now() < deadline, "requests never succeeded again");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn requests_share_the_pooled_connections_without_a_ping_each() {
    let redis = FakeRedis::start().await;
    let pool = RedisPool::connect(&settings(redis.url(), 2, RedisConnectionKind::Bb8))
        .await
        .unwrap();
    let pings = redis.count("PING");
    for _ in 0..20 {
        assert_eq!(get(&pool).await.unwrap(), "OK");
    }
    assert_eq!(redis.count("GET"), 20);
    assert_eq!(redis.count("PING"), pings, "no PING per request");
    assert_eq!(redis.accepted(), 2, "one connection per slot");
    assert_eq!(pool.replacements(), 0);
}

#[tokio::test]
async fn a_dropped_connection_is_given_back_to_the_pool_and_replaced() {
    let redis = FakeRedis::start().await;
    let pool = RedisPool::connect(&settings(redis.url(), 1, RedisConnectionKind::Bb8))
        .await
        .unwrap();
    get(&pool).await.unwrap();
    let pings = redis.count("PING");

    redis.drop_connections();
    until_answered(&pool).await;

    assert_eq!(pool.replacements(), 1);
    assert_eq!(redis.accepted(), 2, "one new connection");
    assert!(redis.count("PING") > pings, "bb8 checked the replacement");
    let pings = redis.count("PING");
    get(&pool).await.unwrap();
    assert_eq!(redis.count("PING"), pings, "and checks nothing afterwards");
}

#[tokio::test]
async fn a_failure_seen_on_a_replaced_connection_leaves_its_replacement_alone() {
    let redis = FakeRedis::start().await;
    let pool = RedisPool::connect(&settings(redis.url(), 1, RedisConnectionKind::Bb8))
        .await
        .unwrap();
    let mut first = pool.connection().await.unwrap();
    let mut second = pool.connection().await.unwrap();

    redis.drop_connections();
    let ping = redis::cmd("PING");
    assert!(ping.query_async::<()>(&mut *first).await.is_err());
    until_answered(&pool).await;
    assert!(ping.query_async::<()>(&mut *second).await.is_err());

    assert_eq!(pool.replacements(), 1);
    get(&pool).await.unwrap();
}

#[tokio::test]
async fn a_command_the_server_refuses_does_not_replace_the_connection() {
    let redis = FakeRedis::start().await;
    let pool = RedisPool::connect(&settings(redis.url(), 1, RedisConnectionKind::Bb8))
        .await
        .unwrap();
    let mut connection = pool.connection().await.unwrap();
    let refused = redis::cmd("FAIL").query_async::<()>(&mut *connection).await;
    assert!(refused.is_err());
    get(&pool).await.unwrap();
    assert_eq!(pool.replacements(), 0);
    assert_eq!(redis.accepted(), 1);
}

#[tokio::test]
async fn while_its_only_connection_is_replaced_a_request_fails_at_once() {
    let redis = FakeRedis::start().await;
    let pool = RedisPool::connect(&settings(redis.url(), 1, RedisConnectionKind::Bb8))
        .await
        .unwrap();
    redis.stop();
    let deadline = Instant::now() + PATIENCE;
    while get(&pool).await.is_ok() {
        assert!(Instant::now() < deadline, "the server never looked gone");
    }
    // The server is gone, so the replacement cannot come: requests are refused without
    // waiting for a connection.
    let refused = tokio::time::timeout(PATIENCE, pool.connection()).await;
    assert!(matches!(refused, Ok(Err(_))), "refused at once");
    assert_eq!(pool.replacements(), 0);
}

#[tokio::test]
async fn the_manager_set_up_shares_its_connections_too() {
    let redis = FakeRedis::start().await;
    let pool = RedisPool::connect(&settings(redis.url(), 2, RedisConnectionKind::Manager))
        .await
        .unwrap();
    for _ in 0..10 {
        assert_eq!(get(&pool).await.unwrap(), "OK");
    }
    assert_eq!(redis.accepted(), 2);
    assert_eq!(pool.replacements(), 0);
}

#[tokio::test]
async fn an_unreachable_server_fails_the_connect() {
    let redis = FakeRedis::start().await;
    let url = redis.url();
    redis.stop();
    drop(redis);
    let connected = RedisPool::connect(&settings(url, 1, RedisConnectionKind::Bb8)).await;
    assert!(connected.is_err());
}
