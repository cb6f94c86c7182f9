//! Rows of `order_events` (the outbox) as the relay reads them, and their conversion into
//! events.

use flashsale_application::ports::{EventId, OrderEvent};
use flashsale_domain::{OrderId, PaymentId, ProductId, Quantity, RequestId, Timestamp, UserId};

use crate::status::parse_status;
use crate::{IdColumn, InvalidRow, RowKey};

/// One row of `order_events` ([`ORDER_EVENT_COLUMNS`](crate::ORDER_EVENT_COLUMNS)); `Id` is
/// how the adapter decodes id columns ([`IdColumn`]).
#[derive(Debug, sqlx::FromRow)]
pub struct OrderEventRow<Id> {
    /// The event, in the order events were written.
    pub event_id: u64,
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
    /// The order's status after the change ([`status_name`](crate::status_name)).
    pub status: String,
    /// The payment that paid it, if paid.
    pub payment_id: Option<Id>,
    /// When it expires unless paid.
    pub payment_deadline_ms: i64,
    /// When the change happened.
    pub occurred_at_ms: i64,
}

impl<Id: IdColumn> OrderEventRow<Id> {
    /// The event.
    ///
    /// # Errors
    /// A value the domain refuses, or an unknown status.
    pub fn into_event(self) -> Result<OrderEvent, InvalidRow> {
        let key = self.event_id.to_string();
        let row = RowKey {
            table: "order_events",
            key: &key,
        };
        Ok(OrderEvent {
            id: EventId::new(self.event_id),
            order_id: row.id(&self.order_id, OrderId::parse)?,
            request_id: row.id(&self.request_id, RequestId::parse)?,
            user_id: row.id(&self.user_id, UserId::parse)?,
            product_id: row.id(&self.product_id, ProductId::parse)?,
            quantity: Quantity::new(self.quantity).map_err(row.bad())?,
            status: parse_status(&self.status).map_err(row.bad())?,
            payment_id: self
                .payment_id
                .as_ref()
                .map(|id| row.id(id, PaymentId::parse))
                .transpose()?,
            payment_deadline: Timestamp::from_millis(self.payment_deadline_ms),
            occurred_at: Timestamp::from_millis(self.occurred_at_ms),
        })
    }
}
