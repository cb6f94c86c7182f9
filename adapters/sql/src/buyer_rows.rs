//! Rows of `orders` read for their buyers: a sale's buyers for a stock snapshot, and the
//! buyers holding their place in a sale.

use flashsale_domain::{ProductId, Quantity, RequestId, UserId};

use crate::{IdColumn, InvalidRow, RowKey};

/// One buyer of a sale, as snapshots read it from `orders`; `Id` is how the adapter decodes id
/// columns ([`IdColumn`]).
#[derive(Debug, sqlx::FromRow)]
pub struct BuyerRow<Id> {
    /// The product.
    pub product_id: Id,
    /// The buyer.
    pub user_id: Id,
    /// The purchase request that made the order.
    pub request_id: Id,
    /// The units ordered.
    pub quantity: u32,
    /// The order's status ([`status_name`](crate::status_name)).
    pub status: String,
    /// 1 while the order holds its buyer's place in the sale (`active_user_id` set).
    pub holds_place: i64,
}

/// A buyer holding their place in a sale (`orders.active_user_id`).
#[derive(Debug, sqlx::FromRow)]
pub struct PlaceRow<Id> {
    /// The buyer.
    pub user_id: Id,
    /// The product.
    pub product_id: Id,
}

impl<Id: IdColumn> PlaceRow<Id> {
    /// The (buyer, product) pair.
    ///
    /// # Errors
    /// An id the domain refuses.
    pub fn into_pair(self) -> Result<(UserId, ProductId), InvalidRow> {
        let key = self.user_id.lossy();
        let row = RowKey {
            table: "orders",
            key: &key,
        };
        Ok((
            row.id(&self.user_id, UserId::parse)?,
            row.id(&self.product_id, ProductId::parse)?,
        ))
    }
}

impl<Id: IdColumn> BuyerRow<Id> {
    /// Whether the order still holds its units (pending payment or paid), rather than having
    /// given them back (cancelled, expired: its buyer is barred from buying again).
    pub fn is_live(&self) -> bool {
        matches!(self.status.as_str(), "pending_payment" | "paid")
    }

    /// Whether the order, closed, still holds its buyer's place: the buyer may not buy again.
    pub fn bars_its_buyer(&self) -> bool {
        !self.is_live() && self.holds_place != 0
    }

    /// The product, and the buyer as a stock snapshot lists it.
    ///
    /// # Errors
    /// A value the domain refuses.
    pub fn into_buyer(self) -> Result<(ProductId, (UserId, RequestId, Quantity)), InvalidRow> {
        let key = format!("{}/{}", self.user_id.lossy(), self.product_id.lossy());
        let row = RowKey {
            table: "orders",
            key: &key,
        };
        Ok((
            row.id(&self.product_id, ProductId::parse)?,
            (
                row.id(&self.user_id, UserId::parse)?,
                row.id(&self.request_id, RequestId::parse)?,
                Quantity::new(self.quantity).map_err(row.bad())?,
            ),
        ))
    }
}
