//! Fault: the Redis adapter's pooled connection (the `Bb8` set-up) is broken by a Redis
//! restart, or hangs while Redis is paused. Requests fail (at once, or after the response
//! timeout) instead of hanging, the pool replaces the connection, and requests succeed again.
//! Its own test binary: it restarts and pauses the Redis container of its stack.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use flashsale_redis::{RedisConnectionKind, RedisPool, RedisSettings};
use flashsale_test_support::{key_prefix, require_stack, Stack};
use tokio::sync::Mutex;

/// The two tests disturb the same container: one at a time.
static SERIAL: Mutex<()> = Mutex::const_new(());

/// How long the server may take to be back and the pool to replace its connection.
const RECOVERY: Duration = Duration::from_secs(60);

/// A script, so the request after the restart also proves scripts reload (EVALSHA gets
/// NOSCRIPT from the new server; redis-rs loads it and retries).
fn script() -> redis::Script {
    redis::Script::new("return redis.call('INCR', KEYS[1])")
}

async fn pool(stack: &Stack) -> RedisPool {
    RedisPool::connect(&RedisSettings {
        url: stack.redis_url(),
        cluster_nodes: Vec::new(),
        pool_size: 1,
        connection_timeout: Duration::from_secs(1),
        connection: RedisConnectionKind::Bb8,
        key_prefix: key_prefix(),
        result_ttl: Duration::from_secs(600),
    })
    .await
    .expect("redis answers")
}

async fn count(pool: &RedisPool) -> Result<i64, String> {
    let key = format!("{}connection-probe", key_prefix());
    let mut connection = pool.connection().await.map_err(|e| e.to_string())?;
    script()
        .key(key)
        .invoke_async(&mut *connection)
        .await
        .map_err(|e| e.to_string())
}

/// Sends requests until one succeeds; the test fails after [`RECOVERY`].
async fn until_answered(pool: &RedisPool) {
    let deadline = Instant::now() + RECOVERY;
    loop {
        match count(pool).await {
            Ok(_) => return,
            Err(error) => assert!(
                Instant::now() < deadline,
                "requests still fail after {RECOVERY:?}: {error}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_broken_by_a_redis_restart_is_replaced_from_the_pool() {
    let stack = require_stack!();
    let _serial = SERIAL.lock().await;
    let pool = pool(stack).await;
    count(&pool).await.expect("answers before the restart");
    assert_eq!(pool.replacements(), 0);

    stack.redis().restart().await.expect("redis restarts");
    let failed = count(&pool).await;
    assert!(failed.is_err(), "the old connection died with the server");
    until_answered(&pool).await;

    assert_eq!(pool.replacements(), 1, "one replacement, from the pool");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_hangs_while_redis_is_paused_times_out_and_is_replaced() {
    let stack = require_stack!();
    let _serial = SERIAL.lock().await;
    let pool = pool(stack).await;
    count(&pool).await.expect("answers before the pause");

    stack.redis().pause().await.expect("redis pauses");
    // A guard against hanging only: the response timeout (1 s) ends the request.
    let hung = tokio::time::timeout(RECOVERY, count(&pool)).await;
    let refused = tokio::time::timeout(RECOVERY, count(&pool)).await;
    stack.redis().unpause().await.expect("redis resumes");
    assert!(
        matches!(hung, Ok(Err(_))),
        "the request timed out: {hung:?}"
    );
    assert!(
        matches!(refused, Ok(Err(_))),
        "the next one is refused while the connection is replaced: {refused:?}"
    );
    until_answered(&pool).await;

    assert!(pool.replacements() >= 1, "the hung connection was replaced");
}
