//! The Redis adapters against a real Redis Cluster (three masters, three replicas, built from the
//! same local image): the port contracts pass unchanged, so every script's keys share a slot and
//! every pipeline stays within one, and the scripts load on every master; and the whole
//! production service on the cluster sells several products out with the invariants holding.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::Duration;

use common::invariants::{assert_invariants, Limits};
use common::stampede::Stampede;
use common::{settings, start};
use tokio::sync::OnceCell;

use flashsale_application::ports::{GateLimits, KeyTimes};
use flashsale_domain::RatePolicy;
use flashsale_redis::{
    RedisConnectionKind, RedisIdempotencyStore, RedisLease, RedisPool, RedisResultStore,
    RedisSettings, RedisStockGate,
};
use flashsale_test_support::{key_prefix, require_stack, Stack};

/// One cluster for the tests of this binary.
static CLUSTER: OnceCell<Vec<String>> = OnceCell::const_new();

async fn cluster(stack: &Stack) -> Vec<String> {
    CLUSTER
        .get_or_init(|| async { stack.redis_cluster().await.expect("a cluster") })
        .await
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_redis_adapter_honours_its_contract_on_a_cluster() {
    let stack = require_stack!();
    let nodes = cluster(stack).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_production_service_on_a_cluster_sells_out_without_overselling() {
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.redis.cluster_nodes = flashsale::settings::Secret::new(cluster(stack).await.join(","));
    // Nothing listens here: the service can only be using the cluster.
    settings.redis.url = flashsale::settings::Secret::new("redis://:unused@127.0.0.1:1/");
    let app = Arc::new(start(settings).await);
    // Three products: their keys land on different masters.
    for product in ["alpha", "bravo", "charlie"] {
        app.create_sale(product, 30, -60, 3_600).await;
    }
    let loads: Vec<_> = ["alpha", "bravo", "charlie"]
        .into_iter()
        .map(|product| {
            let load = Stampede::start(app.clone(), product, 2, Duration::from_millis(5));
            (product, load)
        })
        .collect();
    let mut sold = Vec::new();
    for (product, load) in loads {
        load.wait_until("sold out", Duration::from_secs(60), |c| {
            c.sold_out.load(SeqCst) >= 3
        })
        .await;
        sold.push((product, load.finish().await));
    }
    for (product, buys) in &sold {
        let summary = assert_invariants(&app, product, buys, Limits::default()).await;
        assert_eq!(summary.succeeded, 30, "{product}: {summary}");
    }
    Arc::into_inner(app).expect("no other owner").stop().await;
}
