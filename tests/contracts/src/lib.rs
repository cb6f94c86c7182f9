//! Port contracts, written once and run against every adapter that implements the port: the
//! in-memory adapters in their own tests, the Redis and MySQL adapters in the container suite.
//!
//! Each contract takes a fresh adapter and a `scope` string that makes its product, user and
//! request ids unique, so contracts can share one server.
#![allow(clippy::expect_used, clippy::unwrap_used, missing_docs)] // contracts are tests
#![allow(clippy::cloned_ref_to_slice_refs)] // `&[id.clone()]` reads better in assertions

mod fixtures;
mod gate_limits;
mod idempotency_store;
mod lease;
mod order_closing;
mod order_events;
mod order_payment;
mod order_store;
mod rate_limiter;
mod republish_claim;
mod restock;
mod result_store;
mod retire;
mod sale_controls;
mod sale_orders;
mod stock_gate;

pub use fixtures::Fixtures;
pub use gate_limits::gate_limits_contract;
pub use idempotency_store::idempotency_store_contract;
pub use lease::lease_contract;
pub use order_closing::order_closing_contract;
pub use order_events::order_events_contract;
pub use order_payment::order_payment_contract;
pub use order_store::order_store_contract;
pub use rate_limiter::rate_limiter_contract;
pub use result_store::result_store_contract;
pub use sale_controls::catalog_controls_contract;
pub use sale_orders::sale_orders_contract;
pub use stock_gate::stock_gate_contract;
