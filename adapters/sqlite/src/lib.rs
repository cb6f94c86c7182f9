//! SQLite adapters: the order store, the sale catalog, the order-events outbox and the purchase
//! results in one database file, with migrations: the system of record of a durable
//! single-process profile.
//!
//! [`SqliteStore`] implements the application's [`OrderStore`], [`SaleCatalog`] and
//! [`OrderEvents`] ports with the same behaviour as the MySQL adapter (and the in-memory
//! database), and its [`ResultStore`] with the in-memory result store's; the shared contract
//! suite runs against all of them. The schema lives in `migrations/sqlite/` at the workspace
//! root and is applied by [`SqliteStore::migrate`].
//!
//! Durability: the file is in WAL mode with `synchronous = FULL`, so every commit (a batch of
//! orders, a payment, a close) is fsynced to the WAL before the call returns, and a committed
//! order survives a crash of the process, of the operating system, or a power cut. NORMAL with
//! WAL would fsync only at checkpoints and could lose the last commits to a power cut (never to
//! a process crash); the service promises never to lose an order it accepted, and batching
//! already spreads one fsync over many orders, so FULL it is.
//!
//! Concurrency: SQLite has one writer at a time. Writes go through a pool of one connection and
//! open their transactions with `BEGIN IMMEDIATE`, which takes the write lock before the
//! transaction's first read: where the MySQL adapter locks rows (`SELECT ... FOR UPDATE`), this
//! one has the whole file to itself, so what a transaction read stays true until it commits.
//! The conditional decrements and status compare-and-sets are kept as a second guard. Reads go
//! through a separate pool of `query_only` connections that, in WAL mode, never wait for the
//! writer. Layout:
//! - `settings` and `store`: opening the file, the two pools, and migrating.
//! - `order_store`: one transaction per batch; `plan_batch` (application) decides it in memory
//!   between the reads and the writes.
//! - `closing`: a buyer's orders, overdue orders, and closing an unpaid order (cancel, expire)
//!   with a compare-and-set that returns its units in the same transaction.
//! - `payment`: paying an order pending payment, a compare-and-set that stores the payment id
//!   (unique: a payment pays one order).
//! - `restock`: adding units to a sale once per restock id.
//! - `outbox`: the order events (`order_events`), one row written per status change inside the
//!   transaction that makes it; read and marked published by the relay ([`OrderEvents`]).
//! - `catalog`: creating, listing and snapshotting sales; `audit`: a sale's counts in one read;
//!   `sale_orders`: a sale's orders, paged.
//! - `result_store`: the final purchase records and each buyer's latest one per product
//!   ([`ResultStore`]), one write transaction per batch; `result_plan` decides a batch in
//!   memory, `purchase_row` turns a record into a row and back; `result_purge`: deleting the
//!   records written before a cutoff ([`SqliteStore::purge_results_before`]).
//! - `rows`: the shared rows with SQLite's id columns (text).
//! - `sql`: the database's clock.
//! - `error`: setup errors, and the dialect (`Sqlite`) that tells the shared failures which of
//!   this database's errors are transient: the failures become the ports' `Unavailable` or
//!   `Refused`, keeping the driver's error as their source.
//!
//! What does not depend on the dialect lives in `flashsale-sql`, shared with the MySQL
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
//! [`ResultStore`]: flashsale_application::ports::ResultStore

mod audit;
mod catalog;
mod closing;
mod error;
mod order_store;
mod outbox;
mod payment;
mod purchase_row;
mod restock;
mod result_plan;
mod result_purge;
mod result_store;
mod rows;
mod sale_orders;
mod settings;
mod sql;
mod store;

pub use error::SqliteError;
pub use settings::SqliteSettings;
pub use store::SqliteStore;
