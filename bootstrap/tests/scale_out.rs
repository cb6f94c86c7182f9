//! Scale-out with the real binary against the container stack: two API processes and two
//! worker processes in one consumer group sell one sale, every buyer sending one request to
//! each API at once; then a worker killed with SIGKILL mid-sale hands its partitions to the
//! survivor. Each ends with the integration suite's invariant check (no oversell, one order per
//! user, no lost acceptance, the gate equal to the database once drained).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tests/integration/tests/common/mod.rs"]
mod common;
#[allow(dead_code)] // this binary never stops a process gently
mod process;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::Duration;

use common::invariants::{assert_invariants, Limits};
use common::stampede::{Buy, Stampede};
use common::{remote, settings};
use flashsale::Settings;
use flashsale_test_support::require_stack;
use process::Process;

const MINUTE: Duration = Duration::from_secs(60);

/// The partitions a worker's log line `order consumer assigned partitions` lists.
fn assigned(line: &str) -> Vec<i32> {
    let list = line
        .split("partitions\":\"[")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_else(|| panic!("no partition list in {line}"));
    list.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().parse().expect("a partition number"))
        .collect()
}

/// Waits (blocking) until `worker` logs an assignment of exactly `count` partitions; returns it.
fn wait_for_assignment(worker: &mut Process, count: usize) -> Vec<i32> {
    loop {
        let line = worker.wait_for_line("order consumer assigned partitions", MINUTE);
        let partitions = assigned(&line);
        if partitions.len() == count {
            return partitions;
        }
    }
}

/// Starts `count` worker processes of one consumer group (dynamic membership).
fn workers(settings: &Settings, count: usize) -> Vec<Process> {
    (0..count)
        .map(|_| {
            let mut worker = Process::spawn(settings, "worker");
            tokio::task::block_in_place(|| worker.wait_for_line("order consumer started", MINUTE));
            worker
        })
        .collect()
}

/// Starts an API process; a handle on it for buyers and checks.
fn api(settings: &Settings) -> (Process, Arc<common::App>) {
    let mut process = Process::spawn(settings, "api");
    let base = tokio::task::block_in_place(|| process.wait_listening());
    (process, Arc::new(remote(base, settings.clone())))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_apis_and_two_workers_sell_one_sale_exactly_once() {
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.kafka.partitions = 4;

    let (_first_api, first) = api(&settings);
    let (_second_api, second) = api(&settings);
    let mut group = workers(&settings, 2);
    // Two members, four partitions: two each, together all four.
    let mut partitions: Vec<i32> = tokio::task::block_in_place(|| {
        group
            .iter_mut()
            .flat_map(|worker| wait_for_assignment(worker, 2))
            .collect()
    });
    partitions.sort_unstable();
    assert_eq!(
        partitions,
        vec![0, 1, 2, 3],
        "the group shares the partitions"
    );

    first.create_sale("spread", 300, -60, 3_600).await;
    // The same buyers on both APIs at once: each buyer asks each process for the unit.
    let loads = [&first, &second]
        .map(|app| Stampede::start(app.clone(), "spread", 4, Duration::from_millis(10)));
    for load in &loads {
        load.wait_until("the sale sells out", Duration::from_secs(120), |c| {
            c.sold_out.load(SeqCst) >= 5
        })
        .await;
    }
    let mut buys: Vec<Buy> = Vec::new();
    for load in loads {
        buys.extend(load.finish().await);
    }

    let summary = assert_invariants(&first, "spread", &buys, Limits::default()).await;
    assert_eq!(summary.orders, 300, "sold out: {summary}");
    assert_eq!(summary.succeeded, 300, "{summary}");
    assert_eq!(
        second.listed_remaining("spread").await,
        0,
        "both APIs see the same gate"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_worker_killed_with_sigkill_hands_its_partitions_to_the_survivor() {
    let stack = require_stack!();
    let mut settings = settings(stack).await;
    settings.kafka.partitions = 4;
    // Dynamic membership: the killed member's partitions move once its session expires.
    settings.kafka.session_timeout_ms = 6_000;

    let (_api, app) = api(&settings);
    let mut group = workers(&settings, 2);
    tokio::task::block_in_place(|| {
        for worker in &mut group {
            wait_for_assignment(worker, 2);
        }
    });
    app.create_sale("survive", 300, -60, 3_600).await;
    let load = Stampede::start(app.clone(), "survive", 2, Duration::from_millis(20));
    load.wait_until("50 accepted", MINUTE, |c| c.accepted.load(SeqCst) >= 50)
        .await;

    let mut killed = group.remove(0);
    killed.kill_hard();
    let mut survivor = group.remove(0);
    let taken_over = tokio::task::block_in_place(|| wait_for_assignment(&mut survivor, 4));
    assert_eq!(taken_over, vec![0, 1, 2, 3], "the survivor holds them all");
    load.wait_until("the sale sells out", Duration::from_secs(120), |c| {
        c.sold_out.load(SeqCst) >= 5
    })
    .await;
    let buys = load.finish().await;

    let summary = assert_invariants(&app, "survive", &buys, Limits::default()).await;
    assert_eq!(summary.orders, 300, "sold out: {summary}");
    assert_eq!(summary.succeeded, 300, "{summary}");
}
