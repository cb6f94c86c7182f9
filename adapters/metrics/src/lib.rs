//! Prometheus metrics for flashsale, kept out of the use cases and the other adapters.
//!
//! Layout:
//! - [`names`]: every metric's name, described once for the exporter (see `docs/metrics.md`).
//! - [`Measured`]: a decorator around any port adapter; it delegates each call and records its
//!   latency and outcome (`stock_gate`, `order_queue`, `order_store`, `rate_limiter`,
//!   `result_store` and `idempotency_store` hold one implementation each). It knows the port
//!   traits only, never a concrete adapter.
//! - [`gauges`]: a periodic task polling what no call reports: reservations in flight and stock
//!   remaining per sale.
//! - [`exporter`]: installs the Prometheus recorder once per process and renders `/metrics`.
//!
//! Recording goes through the `metrics` facade: without an installed recorder it does nothing,
//! so tests and tools that never install one pay nothing.

mod error;
pub mod exporter;
pub mod gauges;
mod idempotency_store;
mod measured;
pub mod names;
mod order_queue;
mod order_store;
mod rate_limiter;
mod result_store;
mod stock_gate;

pub use error::MetricsError;
pub use exporter::{install, MetricsHandle};
pub use gauges::spawn_gauges;
pub use measured::Measured;

#[cfg(test)]
mod testing;
