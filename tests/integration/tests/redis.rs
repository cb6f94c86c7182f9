//! The Redis adapters against a real Redis: the port contracts (idempotency store included),
//! script reloading, expiring rate-limit state, in-flight records, and "sold out" answered from
//! memory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use flashsale_application::ports::Clock;
use flashsale_application::ports::{
    GateLimits, KeyTimes, StockGate, StockGateError, StockSnapshot,
};
use flashsale_domain::{
    ProductId, Quantity, RatePolicy, Refusal, RequestId, ReservationRequest, Sale, SaleWindow,
    Timestamp, UserId,
};
use flashsale_memory::SystemClock;
use flashsale_redis::{
    RedisConnectionKind, RedisIdempotencyStore, RedisLease, RedisPool, RedisResultStore,
    RedisSettings, RedisStockGate,
};
use flashsale_test_support::{key_prefix, require_stack, Stack};

async fn pool(stack: &Stack) -> RedisPool {
    let settings = RedisSettings {
        url: stack.redis_url(),
        cluster_nodes: Vec::new(),
        pool_size: 8,
        connection_timeout: Duration::from_secs(5),
        connection: RedisConnectionKind::default(),
        key_prefix: key_prefix(),
        result_ttl: Duration::from_secs(600),
    };
    RedisPool::connect(&settings).await.expect("redis answers")
}

/// A gate without rate limits whose sold-out memory lasts far longer than any test waits: a
/// unit sold again quickly was announced over pub/sub, not forgotten by the safety bound.
fn gate(pool: RedisPool) -> RedisStockGate {
    RedisStockGate::new(pool, GateLimits::default(), Duration::from_secs(60))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_redis_stock_gate_honours_the_contract() {
    let stack = require_stack!();
    flashsale_contracts::stock_gate_contract(gate(pool(stack).await), "redis").await;
}

#[tokio::test]
async fn the_redis_stock_gate_honours_the_rate_limits_contract() {
    let stack = require_stack!();
    let policy = RatePolicy::new(0.001, 3).ok();
    let limits = GateLimits {
        per_client: policy,
        per_buyer: policy,
    };
    let gate = RedisStockGate::new(pool(stack).await, limits, Duration::from_secs(60));
    flashsale_contracts::gate_limits_contract(gate, "redis", 3).await;
}

#[tokio::test]
async fn the_redis_result_store_honours_the_contract() {
    let stack = require_stack!();
    let store = RedisResultStore::new(pool(stack).await, Duration::from_secs(600));
    flashsale_contracts::result_store_contract(store, "redis").await;
}

#[tokio::test]
async fn the_redis_idempotency_store_honours_the_contract() {
    let stack = require_stack!();
    let times = KeyTimes {
        ttl: Duration::from_secs(60),
        lease: Duration::from_secs(5),
    };
    let store = RedisIdempotencyStore::new(pool(stack).await, times);
    flashsale_contracts::idempotency_store_contract(store, times, "redis").await;
}

#[tokio::test]
async fn the_redis_lease_honours_the_contract() {
    let stack = require_stack!();
    let lease = RedisLease::new(pool(stack).await);
    flashsale_contracts::lease_contract(lease, "redis").await;
}

/// A connection of the test's own, to act on Redis behind the adapters' back.
async fn direct(stack: &Stack) -> redis::aio::MultiplexedConnection {
    let client = redis::Client::open(stack.redis_url()).unwrap();
    client.get_multiplexed_async_connection().await.unwrap()
}

/// Tries `user`'s buy of `product` until it is reserved; fails if the gate still says sold out
/// after `limit`, or anything else.
async fn sells_within(gate: &RedisStockGate, product: &ProductId, user: &str, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        match gate
            .reserve(ask(product, user), None, SystemClock.now())
            .await
        {
            Ok(Ok(_)) => return,
            Ok(Err(Refusal::SoldOut)) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            other => panic!("the returned unit was not sold within {limit:?}: {other:?}"),
        }
    }
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
    let gate = gate(pool.clone());
    let sale = open_sale("reload", 5);
    gate.load(&StockSnapshot {
        remaining: 5,
        sale: sale.clone(),
        buyers: Vec::new(),
        barred: Vec::new(),
    })
    .await
    .unwrap();

    let mut direct = direct(stack).await;
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
    let reserved = gate
        .reserve(request, None, SystemClock.now())
        .await
        .unwrap();
    assert!(
        reserved.is_ok(),
        "EVALSHA fell back to loading the script: {reserved:?}"
    );
}

#[tokio::test]
async fn rate_limit_buckets_expire_once_they_would_be_full() {
    let stack = require_stack!();
    let pool = pool(stack).await;
    let limits = GateLimits {
        per_client: None,
        per_buyer: RatePolicy::new(10.0, 5).ok(),
    };
    let gate = RedisStockGate::new(pool.clone(), limits, Duration::ZERO);
    let sale = open_sale("bucket-ttl", 5);
    gate.load(&StockSnapshot {
        remaining: 5,
        sale: sale.clone(),
        buyers: Vec::new(),
        barred: Vec::new(),
    })
    .await
    .unwrap();
    let user = UserId::parse("ttl").unwrap();
    let request = ReservationRequest {
        request_id: RequestId::parse("ttl-1").unwrap(),
        user_id: user.clone(),
        product_id: sale.product_id().clone(),
        quantity: Quantity::ONE,
    };
    gate.reserve(request, None, SystemClock.now())
        .await
        .unwrap()
        .unwrap();
    let bucket = pool.keys().buyer_bucket(sale.product_id(), &user);
    let mut direct = direct(stack).await;
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&bucket)
        .query_async(&mut direct)
        .await
        .unwrap();
    assert!(
        ttl > 0 && ttl <= 1_500,
        "the bucket expires after its refill time: {ttl} ms"
    );
}

#[tokio::test]
async fn a_retired_sale_s_keys_expire_at_its_deadline() {
    let stack = require_stack!();
    let pool = pool(stack).await;
    let gate = RedisStockGate::new(pool.clone(), GateLimits::default(), Duration::ZERO);
    let sale = open_sale("retire-ttl", 5);
    gate.load(&StockSnapshot {
        remaining: 5,
        sale: sale.clone(),
        buyers: Vec::new(),
        barred: Vec::new(),
    })
    .await
    .unwrap();
    let product = sale.product_id();
    gate.reserve(ask(product, "keeper"), None, SystemClock.now())
        .await
        .unwrap()
        .unwrap();
    let now = SystemClock.now();
    gate.retire(product, now.plus(Duration::from_secs(600)), now)
        .await
        .unwrap();
    let mut direct = direct(stack).await;
    let keys = pool.keys();
    for key in [
        keys.sale(product),
        keys.buyers(product),
        keys.in_flight(product),
    ] {
        let ttl: i64 = redis::cmd("PTTL")
            .arg(&key)
            .query_async(&mut direct)
            .await
            .unwrap();
        assert!(
            ttl > 590_000 && ttl <= 600_000,
            "{key} expires with the sale: {ttl} ms"
        );
    }
    // Extended: kept again until it is retired anew.
    let extended = SaleWindow::new(
        sale.window().starts_at(),
        now.plus(Duration::from_secs(3_600)),
    )
    .unwrap();
    assert!(gate.set_window(product, extended).await.unwrap());
    for key in [keys.sale(product), keys.buyers(product)] {
        let ttl: i64 = redis::cmd("PTTL")
            .arg(&key)
            .query_async(&mut direct)
            .await
            .unwrap();
        assert_eq!(ttl, -1, "{key} no longer expires");
    }
}

fn ask(product: &ProductId, user: &str) -> ReservationRequest {
    ReservationRequest {
        request_id: RequestId::parse(format!("{product}-{user}")).unwrap(),
        user_id: UserId::parse(user).unwrap(),
        product_id: product.clone(),
        quantity: Quantity::ONE,
    }
}

/// Sells the only unit of a fresh sale, then has the gate say "sold out" once.
async fn sell_out(gate: &RedisStockGate, product: &str) -> Sale {
    let sale = open_sale(product, 1);
    gate.load(&StockSnapshot {
        remaining: 1,
        sale: sale.clone(),
        buyers: Vec::new(),
        barred: Vec::new(),
    })
    .await
    .unwrap();
    let p = sale.product_id();
    gate.reserve(ask(p, "winner"), None, SystemClock.now())
        .await
        .unwrap()
        .unwrap();
    let refused = gate.reserve(ask(p, "late"), None, SystemClock.now()).await;
    assert_eq!(refused, Ok(Err(Refusal::SoldOut)));
    sale
}

#[tokio::test]
async fn a_known_sell_out_is_answered_without_redis_until_stock_is_announced() {
    let stack = require_stack!();
    let pool = pool(stack).await;
    let gate = gate(pool.clone());
    // The memory is used once the listener is subscribed; give it a moment after start.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let sale = sell_out(&gate, "memo").await;
    let p = sale.product_id();
    // Behind the gate's back, the sale disappears from Redis: asking Redis would now answer
    // "unknown product", so "sold out" can only come from the process's memory.
    let mut direct = direct(stack).await;
    let _: () = redis::cmd("DEL")
        .arg(pool.keys().sale(p))
        .query_async(&mut direct)
        .await
        .unwrap();
    for n in 0..100 {
        let refused = gate
            .reserve(ask(p, &format!("mem-{n}")), None, SystemClock.now())
            .await;
        assert_eq!(refused, Ok(Err(Refusal::SoldOut)), "answered from memory");
    }
    // A load announces the product: the next buys ask Redis again.
    gate.load(&StockSnapshot {
        remaining: 1,
        sale: sale.clone(),
        buyers: Vec::new(),
        barred: Vec::new(),
    })
    .await
    .unwrap();
    sells_within(&gate, p, "after", Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_unit_returned_without_an_announcement_sells_again_within_the_safety_bound() {
    let stack = require_stack!();
    let pool = pool(stack).await;
    let bound = Duration::from_millis(500);
    let gate = RedisStockGate::new(pool.clone(), GateLimits::default(), bound);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let sale = sell_out(&gate, "bound").await;
    let p = sale.product_id();
    // A unit comes back with no announcement (as if the message were lost).
    let mut direct = direct(stack).await;
    let _: () = redis::cmd("HINCRBY")
        .arg(pool.keys().sale(p))
        .arg("remaining")
        .arg(1)
        .query_async(&mut direct)
        .await
        .unwrap();
    sells_within(&gate, p, "again", bound * 4).await;
}

#[tokio::test]
async fn an_unknown_product_is_reported_not_remembered() {
    let stack = require_stack!();
    let gate = gate(pool(stack).await);
    let ghost = ProductId::parse("ghost-product").unwrap();
    for _ in 0..2 {
        let outcome = gate
            .reserve(ask(&ghost, "u"), None, SystemClock.now())
            .await;
        assert_eq!(outcome, Err(StockGateError::UnknownProduct(ghost.clone())));
    }
}

#[tokio::test]
async fn a_reservation_leaves_an_in_flight_record_until_settled() {
    let stack = require_stack!();
    let gate = gate(pool(stack).await);
    let sale = open_sale("inflight", 5);
    let product = sale.product_id().clone();
    gate.load(&StockSnapshot {
        remaining: 5,
        sale,
        buyers: Vec::new(),
        barred: Vec::new(),
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
        .reserve(request, None, SystemClock.now())
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
