//! Fault: MariaDB is frozen (`docker pause`) for several seconds in the middle of a sale. The
//! purchase path does not touch it, so buyers are still accepted; the worker's batches wait and
//! are retried, then everything drains and the invariants hold. Its own test binary: it pauses
//! the MariaDB container of its stack.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::Duration;

use common::invariants::{assert_invariants, Limits};
use common::stampede::Stampede;
use common::{settings, start};
use flashsale_test_support::require_stack;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pausing_mariadb_mid_sale_delays_orders_but_loses_none() {
    let stack = require_stack!();
    let app = Arc::new(start(settings(stack).await).await);
    app.create_sale("hot", 200, -60, 3_600).await;

    let load = Stampede::start(app.clone(), "hot", 2, Duration::from_millis(50));
    let minute = Duration::from_secs(60);
    load.wait_until("40 accepted", minute, |c| c.accepted.load(SeqCst) >= 40)
        .await;
    stack.mariadb().pause().await.expect("mariadb pauses");
    let paused_at = load.counts().accepted.load(SeqCst);
    load.wait_until(
        "buyers accepted while the database is frozen",
        minute,
        |c| c.accepted.load(SeqCst) >= paused_at + 20,
    )
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    stack.mariadb().unpause().await.expect("mariadb thaws");
    load.wait_until("the sale sells out", Duration::from_secs(120), |c| {
        c.sold_out.load(SeqCst) >= 5
    })
    .await;
    let buys = load.finish().await;

    let summary = assert_invariants(&app, "hot", &buys, Limits::default()).await;
    assert_eq!(summary.orders, 200, "sold out: {summary}");
    assert_eq!(summary.succeeded, 200, "{summary}");
    Arc::into_inner(app).expect("no other owner").stop().await;
}
