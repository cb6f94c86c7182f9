//! Rows of `orders` as read, and their conversion into domain orders.

use flashsale_domain::{
    Order, OrderId, PaymentId, ProductId, Quantity, RequestId, Timestamp, UserId,
};

use crate::status::parse_status;
use crate::{IdColumn, InvalidRow, RowKey};

/// One row of `orders` ([`ORDER_COLUMNS`](crate::ORDER_COLUMNS)); `Id` is how the adapter
/// decodes id columns ([`IdColumn`]).
#[derive(Debug, sqlx::FromRow)]
pub struct OrderRow<Id> {
    /// The order.
    pub order_id: Id,
    /// The purchase request that made it.
    pub request_id: Id,
    /// The buyer.
    pub user_id: Id,
    /// The product.
    pub product_id: Id,
    /// The units ordered.
    pub quantity: u32,
    /// The status ([`status_name`](crate::status_name)).
    pub status: String,
    /// When it was created.
    pub created_at_ms: i64,
    /// When it expires unless paid.
    pub payment_deadline_ms: i64,
    /// The payment that paid it; NULL until paid.
    pub payment_id: Option<Id>,
}

impl<Id: IdColumn> OrderRow<Id> {
    /// The order with its stored status.
    ///
    /// # Errors
    /// A value the domain refuses, or an unknown status.
    pub fn into_order(self) -> Result<Order, InvalidRow> {
        let key = self.order_id.lossy();
        let row = RowKey {
            table: "orders",
            key: &key,
        };
        let order = Order::new(
            row.id(&self.order_id, OrderId::parse)?,
            row.id(&self.request_id, RequestId::parse)?,
            row.id(&self.user_id, UserId::parse)?,
            row.id(&self.product_id, ProductId::parse)?,
            Quantity::new(self.quantity).map_err(row.bad())?,
            Timestamp::from_millis(self.created_at_ms),
            Timestamp::from_millis(self.payment_deadline_ms),
        );
        let status = parse_status(&self.status).map_err(row.bad())?;
        let payment = self
            .payment_id
            .as_ref()
            .map(|id| row.id(id, PaymentId::parse))
            .transpose()?;
        Ok(order.with_status(status).with_payment(payment))
    }
}

#[cfg(test)]
mod tests {
    use flashsale_domain::OrderStatus;

    use super::*;

    fn order_row() -> OrderRow<String> {
        OrderRow {
            order_id: "o1".to_owned(),
            request_id: "r1".to_owned(),
            user_id: "u1".to_owned(),
            product_id: "p1".to_owned(),
            quantity: 1,
            status: "paid".to_owned(),
            created_at_ms: 150,
            payment_deadline_ms: 60_150,
            payment_id: Some("pay_1".to_owned()),
        }
    }

    #[test]
    fn an_order_row_keeps_its_status() {
        let order = order_row().into_order().expect("valid");
        assert_eq!(order.status(), OrderStatus::Paid);
        assert_eq!(order.created_at, Timestamp::from_millis(150));
        assert_eq!(order.payment_deadline, Timestamp::from_millis(60_150));
        assert_eq!(order.payment_id().map(PaymentId::as_str), Some("pay_1"));
    }

    #[test]
    fn an_order_row_with_an_unknown_status_or_zero_quantity_is_refused() {
        let mut row = order_row();
        row.status = "shipped".to_owned();
        let error = row.into_order().expect_err("unknown status");
        assert!(error.problem.contains("shipped"), "{error}");
        let mut row = order_row();
        row.quantity = 0;
        assert!(row.into_order().is_err());
        let mut row = order_row();
        row.payment_id = Some("pay 1".to_owned());
        assert!(row.into_order().is_err(), "a payment id the domain refuses");
    }
}
