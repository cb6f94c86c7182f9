//! The ports: what the use cases need from the outside world, one trait per need.
//!
//! Every trait is implemented by the in-memory adapter (the embedded default) and by an
//! infrastructure adapter (Redis, Kafka, MySQL). Methods return `Send` futures so the use cases
//! run on any multi-threaded executor; each method's `# Errors` says which variant an adapter
//! must return in which case. Their failure variants carry a [`PortFailure`]: what the adapter
//! was doing, with the error it met as its source.

mod clock;
mod failure;
mod id_generator;
mod idempotency_store;
mod lease;
mod order_batch;
mod order_events;
mod order_queue;
mod order_store;
mod rate_limiter;
mod result_store;
mod sale_catalog;
mod stock_gate;

pub use clock::Clock;
pub use failure::PortFailure;
pub use id_generator::IdGenerator;
pub use idempotency_store::{
    Begun, Finish, IdempotencyError, IdempotencyStore, KeyClaim, KeyOutcome, KeyTimes,
};
pub use lease::{Lease, LeaseError};
pub use order_batch::{plan_batch, BatchPlan, KnownOrders, SaleStock};
pub use order_events::{
    EventId, EventPublishError, EventPublisher, OrderEvent, OrderEvents, OrderEventsError,
};
pub use order_queue::{OrderQueue, QueueBacklog, QueueError};
pub use order_store::{
    Closed, Closing, NewOrder, OrderPage, OrderPosition, OrderStore, OrderStoreError, Paid,
    Persisted, SaleOrdersQuery,
};
pub use rate_limiter::{RateLimitError, RateLimiter};
pub use result_store::{ResultStore, ResultStoreError};
pub use sale_catalog::{
    CatalogError, OrderAudit, Restocked, SaleCatalog, SaleRecord, StockSnapshot,
};
pub use stock_gate::{
    GateLimits, LoadOutcome, ReserveOutcome, StockGate, StockGateError, Withdrawal,
};

/// One concrete adapter per port: what a deployment profile chooses.
pub trait Ports: Send + Sync + 'static {
    /// Atomic stock reservation.
    type Gate: StockGate;
    /// Queue of accepted reservations.
    type Queue: OrderQueue;
    /// System of record for orders.
    type Store: OrderStore;
    /// System of record for sales.
    type Catalog: SaleCatalog;
    /// Purchase results buyers poll.
    type Results: ResultStore;
    /// Per-client rate limiting in this process, before the gate.
    type Limiter: RateLimiter;
    /// The time.
    type Clock: Clock;
    /// Fresh identifiers.
    type Ids: IdGenerator;
    /// What buys under an idempotency key became.
    type Idempotency: IdempotencyStore;
}

/// The adapter instances of one deployment.
pub struct Adapters<P: Ports> {
    /// Atomic stock reservation.
    pub gate: P::Gate,
    /// Queue of accepted reservations.
    pub queue: P::Queue,
    /// System of record for orders.
    pub store: P::Store,
    /// System of record for sales.
    pub catalog: P::Catalog,
    /// Purchase results buyers poll.
    pub results: P::Results,
    /// Request rate limiting.
    pub limiter: P::Limiter,
    /// The time.
    pub clock: P::Clock,
    /// Fresh identifiers.
    pub ids: P::Ids,
    /// What buys under an idempotency key became.
    pub idempotency: P::Idempotency,
}
