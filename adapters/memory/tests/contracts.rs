//! The in-memory adapters honour the same port contracts as the Redis and MySQL adapters.

use std::time::Duration;

use flashsale_application::ports::{GateLimits, KeyTimes};
use flashsale_domain::RatePolicy;
use flashsale_memory::{
    MemoryDatabase, MemoryIdempotencyStore, MemoryLease, MemoryRateLimiter, MemoryResultStore,
    MemoryStockGate, SystemClock,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_memory_stock_gate_honours_the_contract() {
    flashsale_contracts::stock_gate_contract(MemoryStockGate::default(), "mem").await;
}

#[tokio::test]
async fn the_memory_database_honours_the_order_store_contract() {
    flashsale_contracts::order_store_contract(MemoryDatabase::default(), "mem").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_memory_database_honours_the_order_closing_contract() {
    flashsale_contracts::order_closing_contract(MemoryDatabase::default(), "mem").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_memory_database_honours_the_sale_orders_contract() {
    flashsale_contracts::sale_orders_contract(MemoryDatabase::default(), "mem").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_memory_database_honours_the_order_payment_contract() {
    flashsale_contracts::order_payment_contract(MemoryDatabase::default(), "mem").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_memory_database_honours_the_order_events_contract() {
    flashsale_contracts::order_events_contract(MemoryDatabase::default(), "mem").await;
}

#[tokio::test]
async fn the_memory_catalog_remembers_an_operators_controls() {
    flashsale_contracts::catalog_controls_contract(MemoryDatabase::default(), "mem").await;
}

#[tokio::test]
async fn the_memory_result_store_honours_the_contract() {
    flashsale_contracts::result_store_contract(MemoryResultStore::default(), "mem").await;
}

#[tokio::test]
async fn the_memory_rate_limiter_honours_the_contract() {
    let limiter = MemoryRateLimiter::new(RatePolicy::new(0.001, 3).ok(), SystemClock);
    flashsale_contracts::rate_limiter_contract(limiter, 3).await;
}

#[tokio::test]
async fn the_memory_stock_gate_honours_the_rate_limits_contract() {
    let policy = RatePolicy::new(0.001, 3).ok();
    let gate = MemoryStockGate::new(GateLimits {
        per_client: policy,
        per_buyer: policy,
    });
    flashsale_contracts::gate_limits_contract(gate, "mem", 3).await;
}

#[tokio::test]
async fn the_memory_idempotency_store_honours_the_contract() {
    let times = KeyTimes {
        ttl: Duration::from_secs(60),
        lease: Duration::from_secs(5),
    };
    let store = MemoryIdempotencyStore::new(times);
    flashsale_contracts::idempotency_store_contract(store, times, "mem").await;
}

#[tokio::test]
async fn the_memory_lease_honours_the_contract() {
    flashsale_contracts::lease_contract(MemoryLease::new(), "mem").await;
}
