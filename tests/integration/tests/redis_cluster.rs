//! The Redis adapters against a real Redis Cluster (three masters, three replicas, built from the
//! same local image): the port contracts pass unchanged, so every script's keys share a slot and
//! every pipeline stays within one, and the scripts load on every master.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use flashsale_application::ports::{GateLimits, KeyTimes};
use flashsale_domain::RatePolicy;
use flashsale_redis::{
    RedisConnectionKind, RedisIdempotencyStore, RedisLease, RedisPool, RedisResultStore,
    RedisSettings, RedisStockGate,
};
use flashsale_test_support::{key_prefix, require_stack};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_redis_adapter_honours_its_contract_on_a_cluster() {
    let stack = require_stack!();
    let nodes = stack.redis_cluster().await.expect("a cluster");
    let pool = RedisPool::connect(&RedisSettings {
        url: String::new(),
        cluster_nodes: nodes,
        pool_size: 1,
        connection_timeout: Duration::from_secs(5),
        connection: RedisConnectionKind::default(),
        key_prefix: key_prefix(),
        result_ttl: Duration::from_secs(600),
    })
    .await
    .expect("the cluster answers");

    let gate = RedisStockGate::new(pool.clone(), GateLimits::default(), Duration::from_secs(60));
    flashsale_contracts::stock_gate_contract(gate, "cluster").await;
    let policy = RatePolicy::new(0.001, 3).ok();
    let limits = GateLimits {
        per_client: policy,
        per_buyer: policy,
    };
    let limited = RedisStockGate::new(pool.clone(), limits, Duration::from_secs(60));
    flashsale_contracts::gate_limits_contract(limited, "cluster", 3).await;
    let results = RedisResultStore::new(pool.clone(), Duration::from_secs(600));
    flashsale_contracts::result_store_contract(results, "cluster").await;
    let times = KeyTimes {
        ttl: Duration::from_secs(60),
        lease: Duration::from_secs(5),
    };
    let keys = RedisIdempotencyStore::new(pool.clone(), times);
    flashsale_contracts::idempotency_store_contract(keys, times, "cluster").await;
    flashsale_contracts::lease_contract(RedisLease::new(pool), "cluster").await;
}
