//! In-memory adapters: what the embedded profile keeps in its process (the stock gate, the
//! order queue, rate limits, idempotency keys), and, with `embedded.storage = "memory"`, its
//! system of record too.
//!
//! Each port has a thread-safe implementation here, correct under concurrency: the stock gate
//! runs the domain's [`flashsale_domain::Inventory`] rules under a per-product lock, the order
//! queue is a bounded tokio channel drained by a batching worker, and one in-memory database
//! plays the system of record (with the outbox of order events, relayed to a bounded in-memory
//! [`MemoryEventLog`]). [`Embedded`] bundles them all, on the system clock or on any other (e.g.
//! a [`ManualClock`] in tests).

mod buckets;
mod database;
mod event_log;
mod idempotency_store;
mod lease;
mod manual_clock;
mod order_queue;
mod order_worker;
mod outbox;
mod rate_limiter;
mod result_store;
mod stock_gate;
mod system;

pub use database::MemoryDatabase;
pub use event_log::{MemoryEventLog, DEFAULT_EVENT_LOG_CAPACITY};
pub use idempotency_store::MemoryIdempotencyStore;
pub use lease::MemoryLease;
pub use manual_clock::ManualClock;
pub use order_queue::{order_queue, MemoryOrderQueue, OrderReceiver};
pub use order_worker::{run_order_worker, WorkerSettings};
pub use rate_limiter::{MemoryRateLimiter, RateLimits};
pub use result_store::MemoryResultStore;
pub use stock_gate::MemoryStockGate;
pub use system::{SystemClock, UuidIds};

use std::marker::PhantomData;

use flashsale_application::ports::{Clock, KeyTimes};
use flashsale_application::{Adapters, Ports};

/// The embedded profile: every port in memory, the time from `C`.
pub struct Embedded<C = SystemClock>(PhantomData<fn() -> C>);

impl<C: Clock> Ports for Embedded<C> {
    type Gate = MemoryStockGate;
    type Queue = MemoryOrderQueue;
    type Store = MemoryDatabase;
    type Catalog = MemoryDatabase;
    type Results = MemoryResultStore;
    type Limiter = MemoryRateLimiter<C>;
    type Clock = C;
    type Ids = UuidIds;
    type Idempotency = MemoryIdempotencyStore;
}

/// Settings of the embedded adapters.
#[derive(Debug, Clone)]
pub struct EmbeddedSettings {
    /// Rate limits: per client address in the process, per (client, product) and per (buyer,
    /// product) in the gate.
    pub rate_limits: RateLimits,
    /// Messages the order queue holds before publishing waits.
    pub queue_capacity: usize,
    /// How long publishing waits for room in a full queue before failing.
    pub publish_timeout: std::time::Duration,
    /// How long idempotency records live and are held.
    pub idempotency: KeyTimes,
}

/// Builds the embedded adapters on the system clock, and the receiving end of the order queue
/// for the worker.
pub fn embedded(settings: &EmbeddedSettings) -> (Adapters<Embedded>, OrderReceiver) {
    embedded_with_clock(settings, SystemClock)
}

/// [`embedded`] on `clock`: every rule that reads the time (rate limits, sale windows, result
/// timestamps) reads it.
pub fn embedded_with_clock<C: Clock>(
    settings: &EmbeddedSettings,
    clock: C,
) -> (Adapters<Embedded<C>>, OrderReceiver) {
    let database = MemoryDatabase::default();
    let (queue, receiver) = order_queue(settings.queue_capacity, settings.publish_timeout);
    let adapters = Adapters {
        gate: MemoryStockGate::new(settings.rate_limits.gate()),
        queue,
        store: database.clone(),
        catalog: database,
        results: MemoryResultStore::default(),
        limiter: MemoryRateLimiter::new(settings.rate_limits.per_ip, clock.clone()),
        clock,
        ids: UuidIds,
        idempotency: MemoryIdempotencyStore::new(settings.idempotency),
    };
    (adapters, receiver)
}
