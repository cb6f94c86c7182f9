//! The embedded profile: no external server. The stock gate, the queue and the rate limits
//! live in this process; sales, orders, their events and purchases' final results in a SQLite
//! file (or, with `embedded.storage = "memory"`, in memory too). Measured like production's,
//! wired and started, on the system clock or on the clock a test passes (`start_with_clock`).

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use flashsale_application::ports::{
    Clock, KeyTimes, OrderEvents, OrderStore, ResultStore, SaleCatalog,
};
use flashsale_application::{Adapters, FlashSale, GateRetention, Ports};
use flashsale_domain::{PaymentWindow, RatePolicy};
use flashsale_http::{HttpSettings, Readiness, TokenSecret, WebhookSecret, WebhookSettings};
use flashsale_memory::{
    order_queue, run_order_worker, MemoryDatabase, MemoryEventLog, MemoryIdempotencyStore,
    MemoryLease, MemoryOrderQueue, MemoryRateLimiter, MemoryResultStore, MemoryStockGate,
    OrderReceiver, RateLimits, SystemClock, UuidIds, WorkerSettings,
};
use flashsale_metrics::Measured;
use flashsale_sqlite::{SqliteSettings, SqliteStore};

use crate::expiry::run_expiry;
use crate::monitoring;
use crate::reconciler::run_reconciler;
use crate::relay::run_relay;
use crate::result_purge::run_result_purge;
use crate::runner::{launch, split_stop, Launch, Running};
use crate::settings::{IdempotencySection, RateLimitSection, Role, Settings, Storage};

/// What keeps the embedded profile's sales, orders and order events.
pub trait SystemOfRecord: OrderStore + SaleCatalog + OrderEvents + Clone {}

impl<T: OrderStore + SaleCatalog + OrderEvents + Clone> SystemOfRecord for T {}

/// The embedded adapters, measured as the production ones are: the time from `C`, sales and
/// orders in `S`, purchases' final results in `R`.
pub struct MeasuredEmbedded<C = SystemClock, S = MemoryDatabase, R = MemoryResultStore>(
    PhantomData<Adapted<C, S, R>>,
);

/// What [`MeasuredEmbedded`] is made of, as a marker that is `Send` and `Sync` whatever it is.
type Adapted<C, S, R> = fn() -> (C, S, R);

impl<C: Clock, S: SystemOfRecord, R: ResultStore> Ports for MeasuredEmbedded<C, S, R> {
    type Gate = Measured<MemoryStockGate>;
    type Queue = Measured<MemoryOrderQueue>;
    type Store = Measured<S>;
    type Catalog = S;
    type Results = Measured<R>;
    type Limiter = Measured<MemoryRateLimiter<C>>;
    type Clock = C;
    type Ids = UuidIds;
    type Idempotency = Measured<MemoryIdempotencyStore>;
}

/// The embedded service and the receiving end of its queue.
pub type Built<C, S, R> = (Arc<FlashSale<MeasuredEmbedded<C, S, R>>>, OrderReceiver);

/// The embedded service with everything in memory, and the receiving end of its queue.
///
/// # Errors
/// When a rate-limit setting is invalid.
pub fn build(
    settings: &Settings,
) -> anyhow::Result<Built<SystemClock, MemoryDatabase, MemoryResultStore>> {
    let records = MemoryDatabase::default();
    build_on(
        settings,
        SystemClock,
        records,
        MemoryResultStore::default(),
        None,
    )
}

/// The embedded service on `clock` with sales and orders in `store` and final results in
/// `results`; a publish returns once queued, or, with `stored_within`, once its order is
/// stored (waiting that long at most).
///
/// # Errors
/// When a rate-limit setting is invalid.
pub fn build_on<C: Clock, S: SystemOfRecord, R: ResultStore>(
    settings: &Settings,
    clock: C,
    store: S,
    results: R,
    stored_within: Option<Duration>,
) -> anyhow::Result<Built<C, S, R>> {
    let limits = rate_limits(&settings.rate_limit)?;
    let (queue, receiver) = order_queue(
        settings.queue.capacity,
        Duration::from_millis(settings.queue.publish_timeout_ms),
    );
    let queue = match stored_within {
        Some(within) => queue.acknowledged_when_stored(within),
        None => queue,
    };
    let adapters: Adapters<MeasuredEmbedded<C, S, R>> = Adapters {
        gate: Measured::new(MemoryStockGate::new(limits.gate())),
        queue: Measured::new(queue),
        store: Measured::new(store.clone()),
        catalog: store,
        results: Measured::new(results),
        limiter: Measured::new(MemoryRateLimiter::new(limits.per_ip, clock.clone())),
        clock,
        ids: UuidIds,
        idempotency: Measured::new(MemoryIdempotencyStore::new(key_times(
            &settings.idempotency,
        ))),
    };
    let service = FlashSale::new(adapters)
        .with_payment_window(payment_window(settings)?)
        .with_gate_retention(gate_retention(settings));
    Ok((Arc::new(service), receiver))
}

/// Opens (creating it when missing) and migrates the embedded profile's database file.
///
/// # Errors
/// When the file cannot be created, opened or migrated.
pub async fn open_file(settings: &Settings) -> anyhow::Result<SqliteStore> {
    let path = &settings.embedded.path;
    let store = SqliteStore::open(&SqliteSettings::new(path.clone()))
        .await
        .with_context(|| format!("opening the database file {}", path.display()))?;
    store
        .migrate()
        .await
        .with_context(|| format!("migrating the database file {}", path.display()))?;
    tracing::info!(path = %path.display(), "system of record: database file");
    Ok(store)
}

/// Starts the embedded service: API and worker in this process, whatever the role says (the
/// in-memory queue cannot cross processes).
///
/// # Errors
/// When the settings are invalid, the database file cannot be opened or the address cannot be
/// bound.
pub async fn start(settings: &Settings) -> anyhow::Result<Running> {
    start_with_clock(settings, SystemClock).await
}

/// [`start`] on `clock`, so tests of rate limits and windows pass time instead of sleeping.
///
/// # Errors
/// As [`start`].
pub async fn start_with_clock<C: Clock>(settings: &Settings, clock: C) -> anyhow::Result<Running> {
    match settings.embedded.storage {
        Storage::Memory => {
            tracing::info!("system of record: this process's memory (nothing survives it)");
            let (records, results) = (MemoryDatabase::default(), MemoryResultStore::default());
            let built = build_on(settings, clock, records, results, None)?;
            run(settings, built, None).await
        }
        Storage::Sqlite => {
            let store = open_file(settings).await?;
            let within = Duration::from_millis(settings.embedded.commit_timeout_ms);
            let built = build_on(settings, clock, store.clone(), store.clone(), Some(within))?;
            run(settings, built, Some(store)).await
        }
    }
}

/// Runs the built service; `file`, when the system of record is one, has its old results
/// purged.
async fn run<C: Clock, S: SystemOfRecord, R: ResultStore>(
    settings: &Settings,
    (service, receiver): Built<C, S, R>,
    file: Option<SqliteStore>,
) -> anyhow::Result<Running> {
    let metrics = monitoring::install(&settings.metrics)?;
    let report = service.preload_stock().await.context("preloading stock")?;
    tracing::info!(?report, "stock preloaded");
    if settings.demo.seed {
        crate::demo::seed(&service, &settings.demo).await?;
    }
    let gauges = monitoring::start_gauges(&service, &settings.metrics, metrics.as_ref());
    let mut http = http_settings(settings)?;
    monitoring::serve_metrics(&mut http, metrics.as_ref(), &settings.metrics);
    let worker_service = service.clone();
    let worker_settings = worker_settings(settings);
    let reconciler_settings = settings.reconciler.clone();
    let orders_settings = settings.orders.clone();
    let lease = MemoryLease::new();
    let results_ttl = Duration::from_secs(settings.redis.result_ttl_secs);
    launch(Launch {
        service,
        role: Role::All,
        bind: settings.http.bind.clone(),
        http,
        grace: Duration::from_secs(settings.http.shutdown_grace_secs),
        worker: move |stop| async move {
            let (stop_worker, stop_others) = split_stop(stop);
            let (stop_reconciler, stop_rest) = split_stop(stop_others);
            let (stop_expiry, stop_rest) = split_stop(stop_rest);
            let (stop_relay, stop_purge) = split_stop(stop_rest);
            let clock = worker_service.ports().clock.clone();
            let purge = async move {
                if let Some(file) = file {
                    run_result_purge(file, clock, results_ttl, stop_purge).await;
                }
            };
            // No broker here: events go to a bounded in-memory log, and to the log output.
            let relay = run_relay(
                worker_service.ports().catalog.clone(),
                MemoryEventLog::default(),
                lease.clone(),
                worker_service.ports().clock.clone(),
                orders_settings.clone(),
                Duration::ZERO,
                stop_relay,
            );
            let reconciler = run_reconciler(
                worker_service.clone(),
                lease.clone(),
                reconciler_settings,
                stop_reconciler,
            );
            let expiry = run_expiry(worker_service.clone(), lease, orders_settings, stop_expiry);
            let worker = run_order_worker(worker_service, receiver, worker_settings, stop_worker);
            tokio::join!(worker, reconciler, expiry, relay, purge);
            Ok(())
        },
        watched: gauges.into_iter().collect(),
    })
    .await
}

/// How long after its end a sale stays in the stock gate (`reconciler.gate_retention_secs`).
pub fn gate_retention(settings: &Settings) -> GateRetention {
    GateRetention::new(Duration::from_secs(settings.reconciler.gate_retention_secs))
}

/// The payment window of sales created without one (`orders.payment_window_secs`).
///
/// # Errors
/// When the setting is outside the domain's bounds.
pub fn payment_window(settings: &Settings) -> anyhow::Result<PaymentWindow> {
    PaymentWindow::from_secs(settings.orders.payment_window_secs)
        .context("orders.payment_window_secs")
}

fn policy(per_second: f64, burst: u32, name: &str) -> anyhow::Result<Option<RatePolicy>> {
    if per_second == 0.0 {
        return Ok(None);
    }
    RatePolicy::new(per_second, burst)
        .map(Some)
        .with_context(|| format!("rate_limit.{name}"))
}

/// The configured token buckets.
///
/// # Errors
/// When a policy is invalid.
pub fn rate_limits(section: &RateLimitSection) -> anyhow::Result<RateLimits> {
    Ok(RateLimits {
        per_ip: policy(section.per_ip_per_second, section.per_ip_burst, "per_ip")?,
        per_ip_product: policy(
            section.per_ip_product_per_second,
            section.per_ip_product_burst,
            "per_ip_product",
        )?,
        per_user: policy(
            section.per_user_per_second,
            section.per_user_burst,
            "per_user",
        )?,
    })
}

/// How long idempotency records live and are held.
pub fn key_times(section: &IdempotencySection) -> KeyTimes {
    KeyTimes {
        ttl: Duration::from_secs(section.ttl_secs),
        lease: Duration::from_secs(section.lease_secs),
    }
}

/// The HTTP adapter's settings.
///
/// # Errors
/// When `payments.webhook_secret` is blank.
pub fn http_settings(settings: &Settings) -> anyhow::Result<HttpSettings> {
    let header = settings.http.client_ip_header.trim();
    let webhook = WebhookSettings {
        secret: WebhookSecret::new(settings.payments.webhook_secret.expose())
            .context("payments.webhook_secret")?,
        tolerance: Duration::from_secs(settings.payments.tolerance_secs),
    };
    Ok(HttpSettings {
        token_secret: TokenSecret::new(settings.auth.token_secret.expose()),
        webhook,
        client_ip_header: (!header.is_empty()).then(|| header.to_ascii_lowercase()),
        body_limit_bytes: settings.http.body_limit_bytes,
        max_in_flight_requests: settings.http.max_in_flight_requests,
        catalog_refresh: Duration::from_millis(settings.http.catalog_refresh_ms.get()),
        readiness: Readiness::new(),
        metrics: None,
    })
}

/// The worker's settings.
pub fn worker_settings(settings: &Settings) -> WorkerSettings {
    WorkerSettings {
        batch_size: settings.worker.batch_size,
        retry_backoff: Duration::from_millis(settings.worker.retry_backoff_ms),
    }
}
