//! Fault: the Redis Cluster master that holds a sale's slot is killed with SIGKILL mid-sale. Its
//! replica takes over after the nodes' timeout; meanwhile buyers get 503s (nothing taken, or
//! outcome unknown), then the sale resumes on the promoted replica and sells out. Replication is
//! asynchronous, so the last writes the dead master acknowledged may be lost (as when Redis
//! loses its data): the database stays exact, and the invariants hold with that relaxation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::invariants::{assert_invariants, Limits};
use common::stampede::Stampede;
use common::{settings, start};
use flashsale_test_support::require_stack;

const STOCK: u32 = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sale_survives_the_failover_of_its_redis_master() {
    let stack = require_stack!();
    let nodes = stack.redis_cluster().await.expect("a cluster");
    let mut settings = settings(stack).await;
    settings.redis.cluster_nodes = flashsale::settings::Secret::new(nodes.join(","));
    settings.redis.url = flashsale::settings::Secret::new("redis://:unused@127.0.0.1:1/");
    settings.reconciler.interval_ms = 500;
    settings.reconciler.stale_after_ms = 3_000;
    let app = Arc::new(start(settings).await);
    app.create_sale("hot", STOCK, -60, 3_600).await;

    let load = Stampede::start(app.clone(), "hot", 4, Duration::from_millis(20));
    let minute = Duration::from_secs(60);
    load.wait_until("30 accepted", minute, |c| c.accepted.load(SeqCst) >= 30)
        .await;
    let killed = stack
        .kill_redis_cluster_master_of(&nodes[0], "hot")
        .await
        .expect("killed");
    let at_kill = load.counts().accepted.load(SeqCst);
    eprintln!("killed the master at {killed} after {at_kill} accepted");
    load.wait_until("the sale resumes on the promoted replica", minute, |c| {
        c.accepted.load(SeqCst) >= at_kill + 20 || c.sold_out.load(SeqCst) > 0
    })
    .await;
    // The gate may run ahead of the database after a lost write: wait until the database is
    // sold out.
    let db = app.database().await;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let remaining: i64 = sqlx::query_scalar(
            "SELECT CAST(remaining AS SIGNED) FROM sales WHERE product_id = 'hot'",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        if remaining == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the sale never sold out: {remaining} left"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let buys = load.finish().await;

    let limits = Limits {
        redis_lost_data: true,
    };
    let summary = assert_invariants(&app, "hot", &buys, limits).await;
    assert_eq!(summary.orders, i64::from(STOCK), "{summary}");
    Arc::into_inner(app).expect("no other owner").stop().await;
}
