//! The shared rows (`flashsale_sql`) as SQLite decodes them: id columns are TEXT, read as
//! `String` and parsed by the domain, never panicking on a stored value it refuses.

/// How SQLite's id columns are decoded.
type Id = String;

/// One row of `sales`.
pub(crate) type SaleRow = flashsale_sql::SaleRow<Id>;
/// A sales row as a batch reads it: its product, remaining stock and payment window.
pub(crate) type SaleStockRow = flashsale_sql::SaleStockRow<Id>;
/// One row of `orders`.
pub(crate) type OrderRow = flashsale_sql::OrderRow<Id>;
/// One row of `order_events`.
pub(crate) type OrderEventRow = flashsale_sql::OrderEventRow<Id>;
/// One buyer of a sale, as snapshots read it from `orders`.
pub(crate) type BuyerRow = flashsale_sql::BuyerRow<Id>;
/// A buyer holding their place in a sale (`orders.active_user_id`).
pub(crate) type PlaceRow = flashsale_sql::PlaceRow<Id>;
