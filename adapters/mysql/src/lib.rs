//! MySQL/MariaDB adapters: the order store and the sale catalog, with migrations.
//!
//! [`MySqlStore`] implements the application's [`OrderStore`], [`SaleCatalog`] and [`OrderEvents`] ports on one
//! connection pool, with the same behaviour as the in-memory database. The schema lives in
//! `migrations/` at the workspace root and is applied by [`MySqlStore::migrate`]. Layout:
//! - `settings` and `store`: connecting and migrating.
//! - `order_store`: one transaction per batch; `plan_batch` (application) decides it in memory
//!   between the reads and the writes.
//! - `closing`: a buyer's orders, overdue orders, and closing an unpaid order (cancel, expire)
//!   with a compare-and-set that returns its units in the same transaction.
//! - `payment`: paying an order pending payment, a compare-and-set that stores the payment id
//!   (unique: a payment pays one order).
//! - `outbox`: the order events (`order_events`), one row written per status change inside the
//!   transaction that makes it; read and marked published by the relay ([`OrderEvents`]).
//! - `restock`: adding units to a sale once per restock id.
//! - `catalog`: creating, listing and snapshotting sales; `audit`: a sale's counts in one read;
//!   `sale_orders`: a sale's orders, paged.
//! - `rows`: the shared rows with MySQL's id columns (bytes).
//! - `error`: setup errors, and the dialect (`MySql`) that tells the shared failures which of
//!   this database's errors are transient: the failures become the ports' `Unavailable` or
//!   `Refused`, keeping the driver's error as their source.
//!
//! What does not depend on the dialect lives in `flashsale-sql`, shared with the SQLite
//! adapter: the rows and their conversion into domain values (without ever panicking), the
//! column lists, the placeholders for IN-lists and multi-row inserts and their chunk size, the
//! stock snapshots built from the rows, a restock's decisions, an audit's row, and the failures
//! inside a port call with the port errors they become.
//!
//! Statements are runtime-checked `sqlx::query` with bound values; none needs a database at
//! build time.
//!
//! [`OrderStore`]: flashsale_application::ports::OrderStore
//! [`SaleCatalog`]: flashsale_application::ports::SaleCatalog
//! [`OrderEvents`]: flashsale_application::ports::OrderEvents

mod audit;
mod catalog;
mod closing;
mod error;
mod order_store;
mod outbox;
mod payment;
mod restock;
mod rows;
mod sale_orders;
mod settings;
mod store;
#[cfg(test)]
mod unreachable_tests;

pub use error::MySqlError;
pub use settings::MySqlSettings;
pub use store::MySqlStore;
