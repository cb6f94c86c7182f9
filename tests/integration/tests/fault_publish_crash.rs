//! Fault: the API dies between the reservation and the publish. A `fail` crate failpoint
//! (feature `failpoints` of flashsale-application, enabled for this suite) panics the request's
//! task right there: the units are taken (the in-flight record is the pending state), nothing
//! is queued, the buyer gets no answer. The reconciler finds the reservations once they are
//! stale and queues them again; they become orders and the invariants hold.
//! Its own test binary: failpoints are global to the process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::Duration;

use common::invariants::{assert_invariants, gate, Limits};
use common::stampede::{Outcome, Stampede};
use common::{settings, start, token};
use flashsale_application::ports::StockGate;
use flashsale_domain::ProductId;
use flashsale_test_support::require_stack;
use serde_json::Value;

const CRASHES: usize = 5;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reservations_orphaned_by_a_crash_before_publishing_are_queued_again_by_the_reconciler() {
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.reconciler.enabled = true;
    settings.reconciler.interval_ms = 500;
    settings.reconciler.stale_after_ms = 3_000;
    let app = Arc::new(start(settings).await);
    app.create_sale("hot", 100, -60, 3_600).await;

    fail::cfg(
        "place_purchase::before_publish",
        &format!("{CRASHES}*panic"),
    )
    .unwrap();
    let load = Stampede::start(app.clone(), "hot", 2, Duration::from_millis(30));
    let minute = Duration::from_secs(60);
    load.wait_until("the crashes", minute, |c| c.unknown.load(SeqCst) >= CRASHES)
        .await;
    let orphans = gate(&app)
        .await
        .in_flight(&ProductId::parse("hot").unwrap())
        .await
        .unwrap();
    assert!(orphans.len() >= CRASHES, "the crashed reservations hang");
    load.wait_until("the sale sells out", minute, |c| {
        c.sold_out.load(SeqCst) >= 5
    })
    .await;
    let buys = load.finish().await;
    fail::remove("place_purchase::before_publish");

    let summary = assert_invariants(&app, "hot", &buys, Limits::default()).await;
    assert_eq!(summary.unknown, CRASHES, "{summary}");
    assert_eq!(
        summary.orders, 100,
        "the orphaned units were sold: {summary}"
    );
    for buy in &buys {
        if let Outcome::Unknown { .. } = buy.outcome {
            let mine: Value = app
                .client
                .get(format!("{}/api/v1/sales/hot/purchase", app.base))
                .bearer_auth(token(&buy.user))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(mine["status"], "succeeded", "{}: {mine}", buy.user);
        }
    }
    Arc::into_inner(app).expect("no other owner").stop().await;
}
