//! The production profile: Redis stock gate and results; Kafka order queue and workers;
//! MySQL/MariaDB system of record; the client limiter in process. Wired from settings and
//! started by role; every port but the catalog, the clock and the ids is measured (see
//! `docs/metrics.md`).

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use flashsale_application::{Adapters, ErrorChain, FlashSale, Ports};
use flashsale_http::Readiness;
use flashsale_kafka::{
    check_service_topics, ensure_service_topics, run_order_consumer_reporting, KafkaEventPublisher,
    KafkaOrderQueue, KafkaSettings, Ready,
};
use flashsale_memory::{MemoryRateLimiter, SystemClock, UuidIds};
use flashsale_metrics::Measured;
use flashsale_mysql::{MySqlSettings, MySqlStore};
use flashsale_redis::{
    RedisConnectionKind, RedisIdempotencyStore, RedisLease, RedisPool, RedisResultStore,
    RedisSettings, RedisStockGate,
};

use crate::credentials::refuse_examples;
use crate::embedded::{http_settings, key_times, rate_limits};
use crate::expiry::run_expiry;
use crate::monitoring;
use crate::reconciler::run_reconciler;
use crate::relay::run_relay;
use crate::runner::{launch, split_stop, Launch, Running, StopSignal};
use crate::settings::{RedisConnection, Settings};

/// The production adapters, measured.
pub struct Production;

impl Ports for Production {
    type Gate = Measured<RedisStockGate>;
    type Queue = Measured<KafkaOrderQueue>;
    type Store = Measured<MySqlStore>;
    type Catalog = MySqlStore;
    type Results = Measured<RedisResultStore>;
    type Limiter = Measured<MemoryRateLimiter<SystemClock>>;
    type Clock = SystemClock;
    type Ids = UuidIds;
    type Idempotency = Measured<RedisIdempotencyStore>;
}

/// The Kafka settings from the config file.
pub fn kafka_settings(settings: &Settings) -> KafkaSettings {
    let section = &settings.kafka;
    KafkaSettings {
        bootstrap_servers: section.bootstrap_servers.clone(),
        topic: section.topic.clone(),
        dead_letter_topic: section.dead_letter_topic.clone(),
        order_events_topic: section.order_events_topic.clone(),
        partitions: section.partitions,
        replication_factor: section.replication_factor,
        group_id: section.group_id.clone(),
        group_instance_id: Some(section.group_instance_id.trim().to_owned())
            .filter(|instance| !instance.is_empty()),
        session_timeout: Duration::from_millis(section.session_timeout_ms),
        delivery_timeout: Duration::from_millis(section.delivery_timeout_ms),
        linger: Duration::from_millis(section.linger_ms),
        batch_size: settings.worker.batch_size,
        batch_wait: Duration::from_millis(section.batch_wait_ms),
        retry_backoff: Duration::from_millis(settings.worker.retry_backoff_ms),
        refused_attempts: settings.worker.refused_attempts,
        client_id: section.client_id.clone(),
    }
}

/// The MySQL settings from the config file.
pub fn mysql_settings(settings: &Settings) -> MySqlSettings {
    let section = &settings.mysql;
    MySqlSettings {
        url: section.url.expose().to_owned(),
        max_connections: section.max_connections,
        min_connections: section.min_connections,
        acquire_timeout: Duration::from_millis(section.acquire_timeout_ms),
        idle_timeout: Some(Duration::from_secs(section.idle_timeout_secs)),
    }
}

/// The Redis settings from the config file.
pub fn redis_settings(settings: &Settings) -> RedisSettings {
    let section = &settings.redis;
    RedisSettings {
        url: section.url.expose().to_owned(),
        cluster_nodes: section
            .cluster_nodes
            .expose()
            .split(',')
            .map(str::trim)
            .filter(|node| !node.is_empty())
            .map(str::to_owned)
            .collect(),
        pool_size: section.pool_size,
        connection_timeout: Duration::from_millis(section.connection_timeout_ms),
        connection: match section.connection {
            RedisConnection::Bb8 => RedisConnectionKind::Bb8,
            RedisConnection::Manager => RedisConnectionKind::Manager,
        },
        key_prefix: section.key_prefix.clone(),
        result_ttl: Duration::from_secs(section.result_ttl_secs),
    }
}

/// Connects to MySQL and applies the migrations.
///
/// # Errors
/// When the database is unreachable or a migration fails.
pub async fn migrate(settings: &Settings) -> anyhow::Result<MySqlStore> {
    let store = MySqlStore::connect(&mysql_settings(settings))
        .await
        .context("connecting to MySQL")?;
    store.migrate().await.context("applying migrations")?;
    Ok(store)
}

/// The wired production service, and whether its Kafka producer has its producer id yet.
pub struct Built {
    /// The use cases over the production adapters.
    pub service: Arc<FlashSale<Production>>,
    /// Set once the order queue's idempotent producer has its producer id.
    pub producer_ready: Ready,
    /// The leases the reconcilers, expiry passes and event relays of every process share.
    pub lease: RedisLease,
    /// The publisher of the order events the relay reads from the outbox, in processes that run
    /// the worker.
    pub events: Option<KafkaEventPublisher>,
}

/// Connects every adapter: migrations applied, scripts loaded, topics created.
///
/// # Errors
/// When a dependency is unreachable or the settings are invalid.
pub async fn build(settings: &Settings) -> anyhow::Result<Built> {
    refuse_examples(settings)?;
    let store = migrate(settings).await?;
    let redis = RedisPool::connect(&redis_settings(settings))
        .await
        .context("connecting to Redis")?;
    let kafka = kafka_settings(settings);
    ensure_service_topics(&kafka)
        .await
        .context("creating Kafka topics")?;
    match check_service_topics(&kafka).await {
        Ok(shortfalls) => {
            for shortfall in shortfalls {
                tracing::warn!(%shortfall, "a Kafka topic is weaker than configured");
            }
        }
        Err(error) => {
            tracing::warn!(error = %ErrorChain(&error), "cannot check the Kafka topics' durability");
        }
    }
    let queue = KafkaOrderQueue::new(&kafka).context("creating the Kafka producer")?;
    // Only processes that run the worker relay order events.
    let events = settings
        .role
        .runs_worker()
        .then(|| KafkaEventPublisher::new(&kafka))
        .transpose()
        .context("creating the order-events producer")?;
    let producer_ready = queue.ready();
    let limits = rate_limits(&settings.rate_limit)?;
    let adapters = Adapters {
        gate: Measured::new(RedisStockGate::new(
            redis.clone(),
            limits.gate(),
            Duration::from_millis(settings.redis.sold_out_ttl_ms),
        )),
        queue: Measured::new(queue),
        store: Measured::new(store.clone()),
        catalog: store,
        results: Measured::new(RedisResultStore::new(
            redis.clone(),
            Duration::from_secs(settings.redis.result_ttl_secs),
        )),
        limiter: Measured::new(MemoryRateLimiter::new(limits.per_ip, SystemClock)),
        clock: SystemClock,
        ids: UuidIds,
        idempotency: Measured::new(RedisIdempotencyStore::new(
            redis.clone(),
            key_times(&settings.idempotency),
        )),
    };
    Ok(Built {
        service: Arc::new(
            FlashSale::new(adapters)
                .with_payment_window(crate::embedded::payment_window(settings)?)
                .with_gate_retention(crate::embedded::gate_retention(settings)),
        ),
        producer_ready,
        lease: RedisLease::new(redis),
        events,
    })
}

/// `/readyz` stays red until `ready` is set, naming what is not ready yet.
fn require(readiness: &Readiness, name: &'static str, ready: Ready, why: &'static str) {
    readiness.add(name, move || {
        if ready.is_ready() {
            Ok(())
        } else {
            Err(why.to_owned())
        }
    });
}

/// Starts the production service in the roles the settings ask for.
///
/// # Errors
/// When a dependency is unreachable, the settings are invalid, or the address cannot be bound.
pub async fn start(settings: &Settings) -> anyhow::Result<Running> {
    let metrics = monitoring::install(&settings.metrics)?;
    let Built {
        service,
        producer_ready,
        lease,
        events,
    } = build(settings).await?;
    if settings.role.serves_api() {
        let report = service.preload_stock().await.context("preloading stock")?;
        tracing::info!(?report, "stock preloaded");
        if settings.demo.seed {
            crate::demo::seed(&service, &settings.demo).await?;
        }
    }
    let mut http = http_settings(settings)?;
    monitoring::serve_metrics(&mut http, metrics.as_ref(), &settings.metrics);
    // Purchases wait for the producer id; a worker consumes nothing before its assignment.
    require(
        &http.readiness,
        "Kafka producer",
        producer_ready,
        "it has no idempotence producer id yet",
    );
    let consumer_ready = Ready::new();
    if settings.role.runs_worker() {
        require(
            &http.readiness,
            "Kafka consumer",
            consumer_ready.clone(),
            "it has not joined its group yet",
        );
    }
    // The per-sale gauges once per API process, not again in every worker.
    let gauges = settings
        .role
        .serves_api()
        .then(|| monitoring::start_gauges(&service, &settings.metrics, metrics.as_ref()))
        .flatten();
    let worker_service = service.clone();
    let kafka = kafka_settings(settings);
    let reconciler_settings = settings.reconciler.clone();
    let orders_settings = settings.orders.clone();
    // A publish waits for its delivery report at most this long (the delivery timeout and the
    // publisher's grace): the relay's lease outlasts it.
    let slowest_publish = kafka.delivery_timeout + Duration::from_secs(3);
    launch(Launch {
        service,
        role: settings.role,
        bind: settings.http.bind.clone(),
        http,
        grace: Duration::from_secs(settings.http.shutdown_grace_secs),
        worker: move |stop| async move {
            let (stop_consumer, stop_reconciler) = split_stop(stop);
            // A consumer that ends (it failed) stops the reconciler too, so the worker ends and
            // the runner stops the process instead of serving with nothing consumed.
            let (consumer_ended, on_consumer_end) = tokio::sync::oneshot::channel::<()>();
            let stop_reconciler: StopSignal = Box::pin(async move {
                tokio::select! {
                    () = stop_reconciler => {}
                    _ = on_consumer_end => {}
                }
            });
            let (stop_reconciler, stop_others) = split_stop(stop_reconciler);
            let (stop_expiry, stop_relay) = split_stop(stop_others);
            let relay_events = worker_service.ports().catalog.clone();
            let relay_lease = lease.clone();
            let relay_settings = orders_settings.clone();
            let relay = async move {
                if let Some(events) = events {
                    run_relay(
                        relay_events,
                        events,
                        relay_lease,
                        SystemClock,
                        relay_settings,
                        slowest_publish,
                        stop_relay,
                    )
                    .await;
                }
            };
            let reconciler = run_reconciler(
                worker_service.clone(),
                lease.clone(),
                reconciler_settings,
                stop_reconciler,
            );
            let expiry = run_expiry(worker_service.clone(), lease, orders_settings, stop_expiry);
            let consumer = async move {
                let consumed = run_order_consumer_reporting(
                    worker_service,
                    &kafka,
                    consumer_ready,
                    stop_consumer,
                )
                .await;
                let _ = consumer_ended.send(());
                consumed
            };
            let (consumed, (), (), ()) = tokio::join!(consumer, reconciler, expiry, relay);
            consumed.context("the order consumer failed")
        },
        watched: gauges.into_iter().collect(),
    })
    .await
}
