//! Fault: the whole service (API and worker, the real binary) killed with SIGKILL while about
//! 150 purchases are in flight, then a service started again with its reconciler: every order
//! that exists is visible to its buyer both by product and by request id, and the invariants
//! hold. The buyers whose requests were cut off got no answer; what became of their units is
//! what the check proves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tests/integration/tests/common/mod.rs"]
mod common;
#[allow(dead_code)] // this binary never stops the process gently
mod process;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::Duration;

use common::invariants::{assert_invariants, Limits};
use common::ownership::assert_buyers_find_their_orders;
use common::stampede::Stampede;
use common::{remote, settings, start};
use flashsale_test_support::require_stack;
use process::Process;

const MINUTE: Duration = Duration::from_secs(60);
/// Buyers sending at once, each waiting for their answer before the next request.
const IN_FLIGHT: usize = 150;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_api_killed_with_buys_in_flight_leaves_every_order_visible_to_its_buyer() {
    let stack = require_stack!();
    let settings = settings(stack).await;
    let mut service = Process::spawn(&settings, "all");
    let base = tokio::task::block_in_place(|| service.wait_listening());
    let killed_app = Arc::new(remote(base, settings.clone()));
    killed_app.create_sale("hot", 5_000, -60, 3_600).await;

    let load = Stampede::start(killed_app.clone(), "hot", IN_FLIGHT, Duration::ZERO);
    load.wait_until("300 accepted", MINUTE, |c| c.accepted.load(SeqCst) >= 300)
        .await;
    service.kill_hard();
    load.wait_until("the requests in flight are cut off", MINUTE, |c| {
        c.unknown.load(SeqCst) >= 1
    })
    .await;
    let buys = load.finish().await;

    // A service started again (in this process) runs the reconciler often, so reservations
    // the dead process had taken but not queued are re-published quickly.
    let mut restarted = settings.clone();
    restarted.reconciler.enabled = true;
    restarted.reconciler.interval_ms = 500;
    restarted.reconciler.stale_after_ms = 3_000;
    let app = start(restarted).await;
    let summary = assert_invariants(&app, "hot", &buys, Limits::default()).await;
    assert!(summary.unknown >= 1, "requests were in flight: {summary}");
    let checked = assert_buyers_find_their_orders(&app, "hot").await;
    assert_eq!(checked as i64, summary.orders);
    eprintln!("{checked} orders visible to their buyers; {summary}");
    app.stop().await;
}
