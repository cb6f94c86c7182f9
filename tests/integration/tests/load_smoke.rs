//! A small run of the load generator against the production profile: every invariant the
//! benchmarks rely on is checked in CI too (no throughput threshold here).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{settings, start, SECRET};
use flashsale_load::{Model, RunConfig};
use flashsale_test_support::require_stack;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_hundred_buyers_racing_for_two_products_leave_every_invariant_intact() {
    let stack = require_stack!();
    let settings = settings(stack).await;
    let mysql_url = settings.mysql.url.expose().to_owned();
    let app = start(settings).await;

    let mut config = RunConfig::closed(&app.base, SECRET, "smoke", 300);
    config.products = 2;
    config.stock = 50;
    config.model = Model::Closed {
        requests_per_user: 2,
        duration: None,
    };
    config.mysql_url = Some(mysql_url);
    let report = flashsale_load::run(&config)
        .await
        .expect("the run completes");

    assert!(report.passed(), "{}", report.human());
    let summary = &report.summary;
    assert_eq!(summary.requests, 600, "{}", report.human());
    assert_eq!(summary.counts["accepted"], 100, "{}", report.human());
    assert_eq!(summary.counts["sold_out"], 500, "{}", report.human());
    assert_eq!(summary.errors, 0, "{}", report.human());
    for product in &report.invariants.products {
        assert_eq!(product.source, "mariadb");
        assert_eq!((product.orders, product.remaining), (50, 0));
        assert_eq!(product.gate_remaining, Some(0));
    }
    assert_eq!(report.invariants.results.succeeded, 100);
    app.stop().await;
}
