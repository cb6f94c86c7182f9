//! What the SQL adapters (`flashsale-mysql`, `flashsale-sqlite`) share: one home for each rule
//! that depends neither on the SQL dialect nor on a connection. It implements no port and
//! depends on no adapter.
//!
//! Each adapter keeps its statements (the dialects differ: row locks, the clock, integer
//! casts) and runs them; what they read comes back as the rows here, and what they decide from
//! it is decided here. Layout:
//! - `id_column`: how an id column is decoded (bytes on MySQL, text on SQLite), as [`IdColumn`].
//! - `invalid_row`: [`InvalidRow`], a stored value the domain refuses, and [`RowKey`], which
//!   names the row in it.
//! - `status`: the `orders.status` values.
//! - `columns`: the column lists the adapters read and write.
//! - `sale_rows`, `order_row`, `order_event_row`, `buyer_rows`: rows as read, generic over
//!   their id columns, converted into domain values without ever panicking.
//! - `snapshots`: the sales' stock snapshots from their rows and their buyers' rows.
//! - `audit_row`: a sale's audit as read, counts and all.
//! - `restock`: what a restock transaction decides from what it read.
//! - `failure`: [`StoreFailure`], a failure inside one port call, whether retrying may help
//!   (asking the adapter's [`Dialect`]), and the port errors it becomes.
//! - `placeholders`: placeholders for IN-lists and multi-row inserts, and their chunk size.

mod audit_row;
mod buyer_rows;
mod columns;
mod failure;
mod id_column;
mod invalid_row;
mod order_event_row;
mod order_row;
mod placeholders;
mod restock;
mod sale_rows;
mod snapshots;
mod status;

pub use audit_row::AuditRow;
pub use buyer_rows::{BuyerRow, PlaceRow};
pub use columns::{
    EVENT_ORDER_SNAPSHOT, EVENT_WRITTEN_COLUMNS, ORDER_COLUMNS, ORDER_EVENT_COLUMNS, SALE_COLUMNS,
};
pub use failure::{Dialect, StoreFailure};
pub use id_column::IdColumn;
pub use invalid_row::{InvalidRow, RowKey};
pub use order_event_row::OrderEventRow;
pub use order_row::OrderRow;
pub use placeholders::{placeholders, row_placeholders, CHUNK};
pub use restock::{fits_max_stock, RestockRow};
pub use sale_rows::{SaleRow, SaleStockRow};
pub use snapshots::stock_snapshots;
pub use status::status_name;
