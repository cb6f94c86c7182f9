//! The Redis adapters against a real Redis: the port contracts, script reloading, expiring
//! rate-limit state and in-flight records.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use flashsale_application::ports::Clock;
use flashsale_application::ports::{StockGate, StockSnapshot};
use flashsale_domain::{
    ProductId, Quantity, RatePolicy, RequestId, ReservationRequest, Sale, SaleWindow, Timestamp,
    UserId,
};
use flashsale_memory::SystemClock;
use flashsale_redis::{
    RedisConnectionKind, RedisPool, RedisRateLimiter, RedisResultStore, RedisSettings,
    RedisStockGate,
};
use flashsale_test_support::{key_prefix, require_stack, Stack};

async fn pool(stack: &Stack) -> RedisPool {
    let settings = RedisSettings {
        url: stack.redis_url(),
        pool_size: 8,
        connection_timeout: Duration::from_secs(5),
        connection: RedisConnectionKind::default(),
        key_prefix: key_prefix(),
        result_ttl: Duration::from_secs(600),
    };
    RedisPool::connect(&settings).await.expect("redis answers")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_redis_stock_gate_honours_the_contract() {
    let stack = require_stack!();
    flashsale_contracts::stock_gate_contract(RedisStockGate::new(pool(stack).await), "redis").await;
}

#[tokio::test]
async fn the_redis_result_store_honours_the_contract() {
    let stack = require_stack!();
    let store = RedisResultStore::new(pool(stack).await, Duration::from_secs(600));
    flashsale_contracts::result_store_contract(store, "redis").await;
}

#[tokio::test]
async fn the_redis_rate_limiter_honours_the_contract() {
    let stack = require_stack!();
    let policy = RatePolicy::new(0.001, 3).ok();
    let limiter = RedisRateLimiter::new(pool(stack).await, policy, policy);
    flashsale_contracts::rate_limiter_contract(limiter, "redis", 3).await;
}

fn open_sale(product: &str, stock: u32) -> Sale {
    let now = SystemClock.now();
    let window = SaleWindow::new(
        Timestamp::from_millis(now.as_millis() - 1_000),
        now.plus(Duration::from_secs(3_600)),
    )
    .unwrap();
    Sale::new(ProductId::parse(product).unwrap(), "Phone", stock, window).unwrap()
}

#[tokio::test]
async fn scripts_are_reloaded_after_the_server_forgot_them() {
    let stack = require_stack!();
    let pool = pool(stack).await;
    let gate = RedisStockGate::new(pool.clone());
    let sale = open_sale("reload", 5);
    gate.load(&StockSnapshot {
        remaining: 5,
        sale: sale.clone(),
        buyers: Vec::new(),
    })
    .await
    .unwrap();

    let client = redis::Client::open(stack.redis_url()).unwrap();
    let mut direct = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query_async(&mut direct)
        .await
        .unwrap();

    let request = ReservationRequest {
        request_id: RequestId::parse("reload-1").unwrap(),
        user_id: UserId::parse("u1").unwrap(),
        product_id: sale.product_id().clone(),
        quantity: Quantity::ONE,
    };
    let reserved = gate.reserve(request, SystemClock.now()).await.unwrap();
    assert!(
        reserved.is_ok(),
        "EVALSHA fell back to loading the script: {reserved:?}"
    );
}

#[tokio::test]
async fn rate_limit_buckets_expire_once_they_would_be_full() {
    let stack = require_stack!();
    let pool = pool(stack).await;
    let prefix = pool.keys().user_bucket(&UserId::parse("ttl").unwrap());
    let limiter = RedisRateLimiter::new(pool, None, RatePolicy::new(10.0, 5).ok());
    use flashsale_application::ports::{RateKey, RateLimiter};
    limiter
        .check(&RateKey::User(UserId::parse("ttl").unwrap()))
        .await
        .unwrap();
    let client = redis::Client::open(stack.redis_url()).unwrap();
    let mut direct = client.get_multiplexed_async_connection().await.unwrap();
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&prefix)
        .query_async(&mut direct)
        .await
        .unwrap();
    assert!(
        ttl > 0 && ttl <= 1_500,
        "the bucket expires after its refill time: {ttl} ms"
    );
}

#[tokio::test]
async fn a_reservation_leaves_an_in_flight_record_until_settled() {
    let stack = require_stack!();
    let gate = RedisStockGate::new(pool(stack).await);
    let sale = open_sale("inflight", 5);
    let product = sale.product_id().clone();
    gate.load(&StockSnapshot {
        remaining: 5,
        sale,
        buyers: Vec::new(),
    })
    .await
    .unwrap();
    let request = ReservationRequest {
        request_id: RequestId::parse("if-1").unwrap(),
        user_id: UserId::parse("u1").unwrap(),
        product_id: product.clone(),
        quantity: Quantity::ONE,
    };
    let reservation = gate
        .reserve(request, SystemClock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        gate.in_flight(&product).await.unwrap(),
        vec![reservation.clone()]
    );
    gate.settle(&[reservation]).await.unwrap();
    assert!(gate.in_flight(&product).await.unwrap().is_empty());
}
