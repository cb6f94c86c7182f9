//! Network faults between the API and Redis, injected by a fault proxy in the test binary
//! (`flashsale_test_support::FaultProxy`): Redis slower than the response timeout, and the API
//! cut off from Redis (blackhole, then reset). Every answer must be true: a `503` that says
//! "nothing was taken" owns no order, an `outcome-unknown` `503` is settled either way and its
//! result URL says which, and the invariants hold once drained.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::Duration;

use common::invariants::{assert_invariants, Limits};
use common::stampede::Stampede;
use common::{settings, start, App};
use flashsale::settings::Secret;
use flashsale_test_support::{require_stack, FaultProxy, Stack};

/// The service's Redis response timeout in these tests.
const RESPONSE_TIMEOUT_MS: u64 = 500;

/// A production service whose every Redis connection goes through a fresh fault proxy.
async fn app_behind_proxy(stack: &Stack) -> (Arc<App>, FaultProxy) {
    let proxied = stack.redis_through_proxy().await.expect("proxy");
    let mut settings = settings(stack).await;
    settings.redis.url = Secret::new(proxied.url);
    settings.redis.connection_timeout_ms = RESPONSE_TIMEOUT_MS;
    settings.reconciler.enabled = true;
    settings.reconciler.interval_ms = 500;
    settings.reconciler.stale_after_ms = 3_000;
    (Arc::new(start(settings).await), proxied.proxy)
}

/// Answers that said a dependency failed: `503 unavailable` (nothing taken) or
/// `503 outcome-unknown`.
fn failures(load: &Stampede) -> usize {
    load.counts().unavailable.load(SeqCst) + load.counts().undecided.load(SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_slower_than_the_response_timeout_gets_only_true_answers_and_loses_nothing() {
    let stack = require_stack!();
    let (app, proxy) = app_behind_proxy(stack).await;
    app.create_sale("slow", 100, -60, 3_600).await;

    let load = Stampede::start(app.clone(), "slow", 4, Duration::from_millis(20));
    let minute = Duration::from_secs(60);
    load.wait_until("20 accepted", minute, |c| c.accepted.load(SeqCst) >= 20)
        .await;
    // Each way, so a round trip takes twice the response timeout.
    proxy
        .handle()
        .latency(Duration::from_millis(RESPONSE_TIMEOUT_MS));
    let before = failures(&load);
    load.wait_until("buyers told Redis failed", minute, |c| {
        c.unavailable.load(SeqCst) + c.undecided.load(SeqCst) >= before + 10
    })
    .await;
    proxy.handle().heal();
    load.wait_until("the sale sells out", Duration::from_secs(120), |c| {
        c.sold_out.load(SeqCst) >= 5
    })
    .await;
    let buys = load.finish().await;

    let summary = assert_invariants(&app, "slow", &buys, Limits::default()).await;
    assert_eq!(summary.orders, 100, "sold out: {summary}");
    Arc::into_inner(app).expect("no other owner").stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_api_cut_off_from_redis_answers_truthfully_and_sells_again_once_reconnected() {
    let stack = require_stack!();
    let (app, proxy) = app_behind_proxy(stack).await;
    app.create_sale("cut", 150, -60, 3_600).await;

    let load = Stampede::start(app.clone(), "cut", 4, Duration::from_millis(20));
    let minute = Duration::from_secs(60);
    load.wait_until("20 accepted", minute, |c| c.accepted.load(SeqCst) >= 20)
        .await;

    // Blackholed for 10 s: requests and answers held, nothing closed.
    let before = failures(&load);
    proxy.handle().blackhole();
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert!(failures(&load) > before, "buyers were told Redis failed");
    proxy.handle().heal();
    let healed_at = load.counts().accepted.load(SeqCst);
    load.wait_until("buyers buy again", minute, |c| {
        c.accepted.load(SeqCst) >= healed_at + 20
    })
    .await;

    // Reset for 5 s: every connection closed, new ones refused.
    let before = failures(&load);
    proxy.handle().reset();
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(failures(&load) > before, "buyers were told Redis failed");
    proxy.handle().heal();
    load.wait_until("the sale sells out", Duration::from_secs(120), |c| {
        c.sold_out.load(SeqCst) >= 5
    })
    .await;
    let buys = load.finish().await;

    let summary = assert_invariants(&app, "cut", &buys, Limits::default()).await;
    assert_eq!(summary.orders, 150, "sold out: {summary}");
    Arc::into_inner(app).expect("no other owner").stop().await;
}
