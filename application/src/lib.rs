//! The flash sale's use cases and the ports they drive.
//!
//! - [`ports`]: one trait per outside need (stock gate, order queue, order store, sale catalog,
//!   result store, rate limiter, clock, id generator, idempotency store), bundled by [`Ports`],
//!   the lease that lets one process at a time reconcile, and the order-events outbox and
//!   publisher the [`EventRelay`] drives.
//! - [`FlashSale`]: the service; each use case lives in its own module under `use_cases` with its
//!   own error type: place a purchase (with or without an idempotency key), process orders,
//!   query a result, preload stock, create and list sales, reconcile (one process at a time:
//!   [`Reconciliation`]), audit a sale; read, list and cancel a buyer's orders, expire unpaid
//!   ones, confirm a payment (the payment provider's webhook); relay the order events of the
//!   outbox to their publisher ([`EventRelay`], one process at a time).
//! - [`ErrorChain`]: how errors are logged, with every cause.
//!
//! This crate depends on the domain only; adapters depend on it, never the other way round.

mod error_chain;
mod gate_retention;
pub mod ports;
mod service;
mod use_cases;

pub use error_chain::ErrorChain;
pub use gate_retention::GateRetention;
pub use ports::{Adapters, Ports};
pub use service::FlashSale;
pub use use_cases::{
    add_units::AddUnitsError,
    audit_sale::{AuditSaleError, SaleAudit},
    cancel_order::CancelOrderError,
    confirm_payment::{ConfirmPaymentError, PaymentConfirmed},
    create_sale::CreateSaleError,
    exclusive::Exclusive,
    expire_orders::{ExpireOrdersError, ExpiryReport, EXPIRY_LEASE},
    list_sales::{ListSalesError, SaleView},
    move_sale_end::MoveSaleEndError,
    pause_sale::PauseSaleError,
    place_purchase::{Accepted, PlacePurchaseError},
    place_purchase_idempotently::IdempotentPurchaseError,
    preload_stock::{PreloadError, PreloadReport},
    process_orders::{BatchReport, ProcessOrdersError},
    query_result::QueryResultError,
    reconcile::{ReconcileError, ReconcileReport},
    reconciliation::{PassOutcome, Reconciliation, ReconciliationError, RECONCILER_LEASE},
    relay_events::{EventRelay, RelayEventsError, RelayReport, EVENT_RELAY_LEASE},
    republished::Republished,
    sale_orders::{SaleOrdersError, SaleOrdersPage},
};
