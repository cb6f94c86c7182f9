//! Faults of the service's own processes, with the real binary against the container stack:
//! a worker killed with SIGKILL in the middle of a batch (its transaction open), then restarted;
//! the whole service stopped with SIGTERM under load, then restarted on the same address; and
//! SIGTERM with 200 purchases held in flight, every one answered.
//! Each ends with the integration suite's invariant check.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tests/integration/tests/common/mod.rs"]
mod common;
mod held_purchases;
mod process;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::invariants::{assert_invariants, Limits};
use common::stampede::Stampede;
use common::{remote, settings, start, token};
use flashsale::Role;
use flashsale_test_support::require_stack;
use held_purchases::{finish_all_accepted, wait_until_full, wait_until_refused, HeldPurchase};
use process::Process;
use sqlx::MySqlPool;

const MINUTE: Duration = Duration::from_secs(60);

async fn scalar(db: &MySqlPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(db)
        .await
        .unwrap()
}

/// Polls `sql` until it returns at least `at_least`; panics after a minute.
async fn wait_for_count(db: &MySqlPool, sql: &str, at_least: i64) {
    let deadline = Instant::now() + MINUTE;
    while scalar(db, sql).await < at_least {
        assert!(Instant::now() < deadline, "{sql} stayed below {at_least}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_worker_killed_with_sigkill_mid_batch_and_restarted_loses_and_duplicates_nothing() {
    let stack = require_stack!();
    let mut worker_settings = settings(stack).await;
    // A static member whose session outlasts the test: only static membership can give the
    // restarted worker its partitions back in time.
    worker_settings.kafka.group_instance_id = "worker-1".into();
    worker_settings.kafka.session_timeout_ms = 240_000;
    let mut api_settings = worker_settings.clone();
    api_settings.role = Role::Api;
    let app = Arc::new(start(api_settings).await);
    app.create_sale("hot", 200, -60, 3_600).await;
    let mut worker = Process::spawn(&worker_settings, "worker");
    tokio::task::block_in_place(|| worker.wait_for_line("order consumer started", MINUTE));

    let load = Stampede::start(app.clone(), "hot", 2, Duration::from_millis(30));
    let db = app.database().await;
    wait_for_count(&db, "SELECT COUNT(*) FROM orders", 20).await;

    // Hold the sale's row: the worker's next batch blocks inside its transaction, on the lock.
    let mut lock = db.begin().await.unwrap();
    sqlx::query("SELECT remaining FROM sales WHERE product_id = 'hot' FOR UPDATE")
        .fetch_one(&mut *lock)
        .await
        .unwrap();
    wait_for_count(
        &db,
        "SELECT COUNT(*) FROM information_schema.innodb_trx t \
         JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id \
         WHERE t.trx_state = 'LOCK WAIT' AND p.db = DATABASE()",
        1,
    )
    .await;
    let orders_at_kill = scalar(&db, "SELECT COUNT(*) FROM orders").await;
    worker.kill_hard();
    lock.rollback().await.unwrap();
    let accepted_at_kill = load.counts().accepted.load(SeqCst);

    // Buyers keep coming while no worker runs; then the worker restarted under the same static
    // member name takes its partitions back at once (the killed member's session would last
    // four minutes, past the drain's patience) and gets the uncommitted batch again.
    load.wait_until("more buyers while no worker runs", MINUTE, |c| {
        c.accepted.load(SeqCst) >= accepted_at_kill + 10 || c.sold_out.load(SeqCst) > 0
    })
    .await;
    let mut successor = Process::spawn(&worker_settings, "worker");
    tokio::task::block_in_place(|| successor.wait_for_line("order consumer started", MINUTE));
    load.wait_until("the sale sells out", Duration::from_secs(120), |c| {
        c.sold_out.load(SeqCst) >= 5
    })
    .await;
    let buys = load.finish().await;

    let summary = assert_invariants(&app, "hot", &buys, Limits::default()).await;
    assert!(orders_at_kill < 200, "the kill came mid-sale: {summary}");
    assert_eq!(summary.succeeded, 200, "{summary}");
    drop(successor);
    Arc::into_inner(app).expect("no other owner").stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_under_load_drains_cleanly_and_a_restart_resumes_the_sale() {
    let stack = require_stack!();
    let settings = settings(stack).await;
    let mut service = Process::spawn(&settings, "all");
    let base = tokio::task::block_in_place(|| service.wait_listening());
    let app = Arc::new(remote(base.clone(), settings.clone()));
    app.create_sale("hot", 300, -60, 3_600).await;

    let load = Stampede::start(app.clone(), "hot", 4, Duration::from_millis(20));
    load.wait_until("60 accepted", MINUTE, |c| c.accepted.load(SeqCst) >= 60)
        .await;
    let (status, log) = service.terminate(MINUTE).await;
    assert!(status.success(), "exit status {status}");
    assert!(
        log.iter().any(|l| l.contains("stopped cleanly")),
        "{log:#?}"
    );
    let accepted_at_stop = load.counts().accepted.load(SeqCst);

    let mut restarted_settings = settings.clone();
    restarted_settings.http.bind = base.trim_start_matches("http://").to_owned();
    let mut restarted = Process::spawn(&restarted_settings, "all");
    tokio::task::block_in_place(|| restarted.wait_listening());
    load.wait_until(
        "the sale resumes and sells out",
        Duration::from_secs(120),
        |c| c.accepted.load(SeqCst) > accepted_at_stop && c.sold_out.load(SeqCst) >= 5,
    )
    .await;
    let buys = load.finish().await;

    let summary = assert_invariants(&app, "hot", &buys, Limits::default()).await;
    assert_eq!(summary.succeeded, 300, "{summary}");
    let (status, _) = restarted.terminate(MINUTE).await;
    assert!(status.success(), "exit status {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_answers_every_purchase_in_flight_and_refuses_only_new_connections() {
    const IN_FLIGHT: usize = 200;
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.http.client_ip_header = String::new();
    settings.http.max_in_flight_requests = IN_FLIGHT;
    settings.rate_limit.per_ip_per_second = 0.0;
    settings.rate_limit.per_ip_product_per_second = 0.0;
    settings.rate_limit.per_user_per_second = 0.0;
    let mut service = Process::spawn(&settings, "all");
    let base = tokio::task::block_in_place(|| service.wait_listening());
    let app = remote(base.clone(), settings.clone());
    app.create_sale("held", 1_000, -60, 3_600).await;
    let address = base.trim_start_matches("http://").to_owned();

    let mut held = Vec::with_capacity(IN_FLIGHT);
    for n in 0..IN_FLIGHT {
        let path = "/api/v1/sales/held/purchases";
        held.push(HeldPurchase::open(&address, path, &token(&format!("held-{n}"))).await);
    }
    wait_until_full(&address, &mut held).await;

    let exited = tokio::spawn(async move { service.terminate(MINUTE).await });
    wait_until_refused(&address).await;
    finish_all_accepted(held).await;
    let (status, log) = exited.await.unwrap();
    assert!(status.success(), "exit status {status}");
    assert!(
        log.iter().any(|l| l.contains("stopped cleanly")),
        "{log:#?}"
    );
}
