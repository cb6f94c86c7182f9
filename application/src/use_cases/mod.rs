//! One module per use case, each with its own error type.

pub mod add_units;
pub mod audit_sale;
pub mod buyer_orders;
pub mod cancel_order;
pub mod confirm_payment;
pub mod create_sale;
pub mod exclusive;
pub mod expire_orders;
pub mod list_sales;
pub mod move_sale_end;
pub mod pause_sale;
pub mod place_purchase;
pub mod place_purchase_idempotently;
pub mod preload_stock;
pub mod process_orders;
pub mod query_result;
pub mod queue_backlog;
pub mod reconcile;
pub mod reconciliation;
pub mod reject_orders;
pub mod relay_events;
pub mod republished;
pub mod sale_orders;
