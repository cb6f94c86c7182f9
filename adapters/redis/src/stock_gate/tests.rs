//! The gate's failures keep Redis's error as their cause, against a fake Redis that goes away.

use std::error::Error;
use std::time::{Duration, Instant};

use flashsale_application::ErrorChain;

use super::*;
use crate::connection::fake_redis::FakeRedis;
use crate::{RedisConnectionKind, RedisSettings};

const PATIENCE: Duration = Duration::from_secs(10);

fn settings(url: String) -> RedisSettings {
    RedisSettings {
        url,
        cluster_nodes: Vec::new(),
        pool_size: 1,
        connection_timeout: Duration::from_millis(500),
        connection: RedisConnectionKind::Manager,
        key_prefix: "test:".to_owned(),
        result_ttl: Duration::from_secs(60),
    }
}

/// The first error in `error`'s source chain that is a Redis error.
fn redis_cause<'a>(error: &'a (dyn Error + 'static)) -> Option<&'a redis::RedisError> {
    std::iter::successors(Some(error), |&e| e.source()).find_map(|e| e.downcast_ref())
}

#[tokio::test]
async fn a_gate_whose_server_is_gone_is_unavailable_with_the_redis_error_as_its_cause() {
    let redis = FakeRedis::start().await;
    let pool = RedisPool::connect(&settings(redis.url())).await.unwrap();
    let gate = RedisStockGate::new(pool, GateLimits::default(), Duration::ZERO);
    let product = ProductId::parse("phone").unwrap();
    redis.stop();

    // The fake answers HLEN with a status, which the gate cannot count either: wait for the
    // failure the closed connection causes.
    let deadline = Instant::now() + PATIENCE;
    let error = loop {
        let error = gate.in_flight_count(&product).await.unwrap_err();
        let cause = redis_cause(&error).expect("a Redis error in the chain");
        if cause.is_io_error() || cause.is_connection_dropped() || cause.is_connection_refusal() {
            break error;
        }
        assert!(Instant::now() < deadline, "the server never looked gone");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };

    assert!(matches!(error, StockGateError::Unavailable(_)), "{error:?}");
    let chain = ErrorChain(&error).to_string();
    assert!(
        chain.starts_with("the stock gate is unavailable: redis: counting the in-flight records: "),
        "{chain}"
    );
}
