//! The shared rows (`flashsale_sql`) as MySQL decodes them: id columns as bytes.
//!
//! Their binary collation (`utf8mb4_bin`) makes the server flag id columns BINARY, which sqlx
//! refuses to decode as `String`; the shared conversions check the bytes are UTF-8 before the
//! domain parses them, and never panic on a stored value the domain refuses.

/// How MySQL's id columns are decoded.
type Id = Vec<u8>;

/// One row of `sales`.
pub(crate) type SaleRow = flashsale_sql::SaleRow<Id>;
/// A sales row locked by a batch: its product, remaining stock and payment window.
pub(crate) type SaleStockRow = flashsale_sql::SaleStockRow<Id>;
/// One row of `orders`.
pub(crate) type OrderRow = flashsale_sql::OrderRow<Id>;
/// One row of `order_events`.
pub(crate) type OrderEventRow = flashsale_sql::OrderEventRow<Id>;
/// One buyer of a sale, as snapshots read it from `orders`.
pub(crate) type BuyerRow = flashsale_sql::BuyerRow<Id>;
/// A buyer holding their place in a sale (`orders.active_user_id`).
pub(crate) type PlaceRow = flashsale_sql::PlaceRow<Id>;
