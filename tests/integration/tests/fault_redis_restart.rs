//! Fault: Redis is restarted without persistence in the middle of a sale, forgetting stock,
//! buyer markers, reservations in flight and results. Buyers are refused while it is down and
//! until the reconciler has reloaded the sale from MariaDB; then the sale resumes. The database
//! never oversells nor sells twice to a buyer, and every accepted order that reached it is there.
//! Its own test binary: it restarts the Redis container of its stack.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::invariants::{assert_invariants, Limits};
use common::stampede::Stampede;
use common::{count, settings, start};
use flashsale_test_support::require_stack;

const DB_REMAINING: &str = "SELECT CAST(remaining AS SIGNED) FROM sales WHERE product_id = ?";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn restarting_redis_without_persistence_mid_sale_oversells_nothing_once_reconciled() {
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.reconciler.enabled = true;
    settings.reconciler.interval_ms = 500;
    settings.reconciler.stale_after_ms = 10_000;
    let app = Arc::new(start(settings).await);
    app.create_sale("hot", 200, -60, 3_600).await;

    let load = Stampede::start(app.clone(), "hot", 2, Duration::from_millis(50));
    let minute = Duration::from_secs(60);
    load.wait_until("50 accepted", minute, |c| c.accepted.load(SeqCst) >= 50)
        .await;
    stack.redis().restart().await.expect("redis restarts empty");
    let restarted_at = load.counts().accepted.load(SeqCst);
    load.wait_until("the sale resumes after reloading", minute, |c| {
        c.accepted.load(SeqCst) > restarted_at
    })
    .await;
    // The gate may run ahead of the database after the loss (see Limits): wait until the
    // database, not the gate, is sold out.
    let db = app.database().await;
    let deadline = Instant::now() + Duration::from_secs(120);
    while count(&db, DB_REMAINING, "hot").await > 0 {
        assert!(Instant::now() < deadline, "the sale never sold out");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let buys = load.finish().await;

    let limits = Limits {
        redis_lost_data: true,
    };
    let summary = assert_invariants(&app, "hot", &buys, limits).await;
    assert_eq!(summary.orders, 200, "{summary}");
    Arc::into_inner(app).expect("no other owner").stop().await;
}
