//! Network faults between the service and MariaDB, injected by a fault proxy in the test binary
//! (`flashsale_test_support::FaultProxy`), in the middle of a batch commit: the answers are cut
//! right after a `COMMIT` went through, so the database commits while the worker waits. Once the
//! answer is delivered late (healed); once it is lost (the connections are reset) and the worker
//! retries a batch that is already in the database. No order is lost or duplicated.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::Duration;

use common::invariants::{assert_invariants, Limits};
use common::stampede::Stampede;
use common::{settings, start};
use flashsale::settings::Secret;
use flashsale_test_support::{require_stack, Direction, Fault, FaultHandle};
use tokio::time::Instant;

/// Units on sale.
const STOCK: u32 = 2_000;

/// Arms "cut the answers once a `COMMIT` went through" and waits until it fired.
async fn cut_answers_after_a_commit(proxy: &FaultHandle) {
    proxy.arm(
        Direction::ToUpstream,
        b"COMMIT".to_vec(),
        Fault::Cut(Direction::ToClient),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while proxy.armed() {
        assert!(Instant::now() < deadline, "no batch committed within 60 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mariadb_blackholed_mid_commit_loses_and_duplicates_no_order() {
    let stack = require_stack!();
    let proxied = stack.fresh_database_through_proxy().await.expect("proxy");
    let proxy = proxied.proxy.handle();
    let mut settings = settings(stack).await;
    settings.mysql.url = Secret::new(proxied.url);
    let app = Arc::new(start(settings).await);
    // Enough stock that the two faults happen before the sale sells out (about 100 buys a
    // second: some 20 s of selling).
    app.create_sale("commit", STOCK, -60, 3_600).await;

    let load = Stampede::start(app.clone(), "commit", 2, Duration::from_millis(20));
    let minute = Duration::from_secs(60);
    load.wait_until("30 accepted", minute, |c| c.accepted.load(SeqCst) >= 30)
        .await;

    // The commit's answer is held, then delivered.
    cut_answers_after_a_commit(&proxy).await;
    let cut_at = load.counts().accepted.load(SeqCst);
    load.wait_until("buyers accepted while the answer is held", minute, |c| {
        c.accepted.load(SeqCst) >= cut_at + 10
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.heal();

    // The commit's answer is lost: the connections are reset while it is held.
    load.wait_until("more accepted", minute, |c| {
        c.accepted.load(SeqCst) >= cut_at + 40
    })
    .await;
    cut_answers_after_a_commit(&proxy).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let connections = proxy.accepted();
    proxy.reset();
    tokio::time::sleep(Duration::from_secs(1)).await;
    proxy.heal();

    load.wait_until("the sale sells out", Duration::from_secs(120), |c| {
        c.sold_out.load(SeqCst) >= 5
    })
    .await;
    let buys = load.finish().await;
    assert!(
        proxy.accepted() > connections,
        "the worker reconnected after its commit's answer was lost"
    );

    let summary = assert_invariants(&app, "commit", &buys, Limits::default()).await;
    assert_eq!(summary.orders, i64::from(STOCK), "sold out: {summary}");
    assert_eq!(summary.succeeded, STOCK as usize, "{summary}");
    Arc::into_inner(app).expect("no other owner").stop().await;
}
