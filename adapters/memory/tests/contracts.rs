//! The in-memory adapters honour the same port contracts as the Redis and MySQL adapters.

use flashsale_domain::RatePolicy;
use flashsale_memory::{
    MemoryDatabase, MemoryRateLimiter, MemoryResultStore, MemoryStockGate, RateLimits, SystemClock,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_memory_stock_gate_honours_the_contract() {
    flashsale_contracts::stock_gate_contract(MemoryStockGate::default(), "mem").await;
}

#[tokio::test]
async fn the_memory_database_honours_the_order_store_contract() {
    flashsale_contracts::order_store_contract(MemoryDatabase::default(), "mem").await;
}

#[tokio::test]
async fn the_memory_result_store_honours_the_contract() {
    flashsale_contracts::result_store_contract(MemoryResultStore::default(), "mem").await;
}

#[tokio::test]
async fn the_memory_rate_limiter_honours_the_contract() {
    let policy = RatePolicy::new(0.001, 3).ok();
    let limiter = MemoryRateLimiter::new(
        RateLimits {
            per_ip: policy,
            per_user: policy,
        },
        SystemClock,
    );
    flashsale_contracts::rate_limiter_contract(limiter, "mem", 3).await;
}
