//! The production service (Redis, MariaDB and a three-broker KRaft Kafka cluster) sells a sale
//! out under a stampede while the broker leading the sale's partition is killed with SIGKILL.
//! The topics the service creates are replicated three times with `min.insync.replicas=2`, and
//! its producer sends with `acks=all`: a message is acknowledged only once two brokers hold it,
//! so the two survivors still have every acknowledged order, one of them takes over the
//! partition, and the sale goes on without the dead broker. It ends with the shared invariant
//! check: no oversell, one order per user, every 202 has its order, Redis = MariaDB drained.
//! Its own test binary: it starts a cluster of its own and kills a node of it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::invariants::{assert_invariants, Limits};
use common::ownership::assert_buyers_find_their_orders;
use common::stampede::Stampede;
use common::{settings, start};
use flashsale_test_support::require_stack;
use rdkafka::admin::{AdminClient, AdminOptions, ResourceSpecifier};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::ClientConfig;

const STOCK: i64 = 300;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sale_sells_out_exactly_while_the_broker_leading_its_partition_is_killed() {
    let stack = require_stack!();
    let started = Instant::now();
    let cluster = stack.kafka_cluster().await.expect("a three-broker cluster");
    let mut settings = settings(stack).await;
    settings.kafka.bootstrap_servers = cluster.bootstrap_servers();
    settings.kafka.replication_factor = 3;
    // A quick reconciler, quicker than a publish may take (delivery timeout + 2 s): a publish
    // that fails after the reconciler re-published its reservation must still answer the
    // truth (outcome unknown), under a real leader failover.
    settings.kafka.delivery_timeout_ms = 2_000;
    settings.reconciler.interval_ms = 500;
    settings.reconciler.stale_after_ms = 3_000;
    let (topic, dead_letter_topic, partitions) = (
        settings.kafka.topic.clone(),
        settings.kafka.dead_letter_topic.clone(),
        settings.kafka.partitions,
    );
    let app = Arc::new(start(settings).await);

    // The service created both topics as durable as configured.
    let bootstrap = cluster.bootstrap_servers();
    for name in [&topic, &dead_letter_topic] {
        let (replicas, min_insync) = describe(&bootstrap, name).await;
        let wanted = vec![3; usize::try_from(partitions).unwrap()];
        assert_eq!(replicas, wanted, "{name}: replicas of each partition");
        assert_eq!(min_insync, "2", "{name}: min.insync.replicas");
    }

    app.create_sale("hot", STOCK as u32, -60, 3_600).await;
    let load = Stampede::start(app.clone(), "hot", 4, Duration::from_millis(20));
    let minute = Duration::from_secs(60);
    load.wait_until("60 accepted", minute, |c| c.accepted.load(SeqCst) >= 60)
        .await;

    // All messages of one product go to one partition: the one that holds messages.
    let partition = partition_in_use(&bootstrap, &topic, partitions).await;
    let leader = cluster
        .leader_of(&topic, partition)
        .await
        .expect("a leader");
    cluster.kill(leader).await.expect("the broker is killed");
    let (killed_at, killed) = (load.counts().accepted.load(SeqCst), Instant::now());
    eprintln!(
        "killed broker {leader}, leader of {topic}/{partition}, after {killed_at} accepted, \
         {:.1}s into the test",
        started.elapsed().as_secs_f64()
    );
    // More acceptances than buyers since the kill: not only requests already under way then.
    load.wait_until("acceptances again", minute, |c| {
        c.accepted.load(SeqCst) > killed_at + 4
    })
    .await;
    eprintln!(
        "accepting again {:.1}s after the kill",
        killed.elapsed().as_secs_f64()
    );

    load.wait_until(
        "the sale goes on without the broker and sells out",
        Duration::from_secs(120),
        |c| c.accepted.load(SeqCst) > killed_at && c.sold_out.load(SeqCst) >= 5,
    )
    .await;
    let buys = load.finish().await;
    let new_leader = cluster
        .leader_of(&topic, partition)
        .await
        .expect("a leader");
    assert_ne!(new_leader, leader, "a survivor leads the partition");

    let summary = assert_invariants(&app, "hot", &buys, Limits::default()).await;
    assert_eq!(summary.orders, STOCK, "sold out: {summary}");
    assert_eq!(
        assert_buyers_find_their_orders(&app, "hot").await,
        STOCK as usize
    );
    eprintln!(
        "sold out on two brokers; test took {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Arc::into_inner(app).expect("no other owner").stop().await;
}

/// Replicas of each partition of `topic` (by partition id) and its `min.insync.replicas`, as
/// the brokers describe them.
async fn describe(bootstrap: &str, topic: &str) -> (Vec<usize>, String) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .unwrap();
    let options = AdminOptions::new().request_timeout(Some(Duration::from_secs(10)));
    let configs = admin
        .describe_configs(&[ResourceSpecifier::Topic(topic)], &options)
        .await
        .unwrap();
    let config = configs[0].as_ref().expect("described");
    let min_insync = config
        .get("min.insync.replicas")
        .and_then(|entry| entry.value.clone())
        .expect("min.insync.replicas");
    let metadata = admin
        .inner()
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .unwrap();
    let mut partitions: Vec<_> = metadata.topics()[0]
        .partitions()
        .iter()
        .map(|p| (p.id(), p.replicas().len()))
        .collect();
    partitions.sort_unstable();
    (partitions.into_iter().map(|(_, n)| n).collect(), min_insync)
}

/// The one partition of `topic` that has messages (a single product is on sale).
async fn partition_in_use(bootstrap: &str, topic: &str, partitions: i32) -> i32 {
    let (bootstrap, topic) = (bootstrap.to_owned(), topic.to_owned());
    tokio::task::spawn_blocking(move || {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &bootstrap)
            .create()
            .unwrap();
        let used: Vec<i32> = (0..partitions)
            .filter(|&partition| {
                let (low, high) = consumer
                    .fetch_watermarks(&topic, partition, Duration::from_secs(10))
                    .unwrap();
                high > low
            })
            .collect();
        assert_eq!(used.len(), 1, "one product, one partition: {used:?}");
        used[0]
    })
    .await
    .unwrap()
}
