//! The order event on the wire: `OrderEventMessage` v1 as JSON, keyed by order id. See
//! `docs/messages.md`.

use flashsale_application::ports::OrderEvent;
use flashsale_domain::OrderStatus;
use serde::{Deserialize, Serialize};

/// The schema version of the order events this build writes.
pub const EVENT_SCHEMA_VERSION: u32 = 1;

/// Version 1 of the order event: one change of an order's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderEventMessage {
    /// Always [`EVENT_SCHEMA_VERSION`] for this type.
    pub schema_version: u32,
    /// The outbox's id of the event: unique; consumers dedupe by it (delivery is at least
    /// once), and it increases along one order's events.
    pub event_id: u64,
    /// The order; also the message key.
    pub order_id: String,
    /// The purchase request the order was created for.
    pub request_id: String,
    /// The buyer.
    pub user_id: String,
    /// The product.
    pub product_id: String,
    /// Units of the order.
    pub quantity: u32,
    /// The status the order moved to: `pending_payment` (created), `paid`, `cancelled`,
    /// `expired`.
    pub status: String,
    /// The payment that paid the order, in a `paid` event; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// The order's payment deadline, in milliseconds since the Unix epoch.
    pub payment_deadline_ms: i64,
    /// When the change happened, in milliseconds since the Unix epoch.
    pub occurred_at_ms: i64,
}

impl OrderEventMessage {
    /// The v1 message of an event.
    pub fn from_event(event: &OrderEvent) -> Self {
        Self {
            schema_version: EVENT_SCHEMA_VERSION,
            event_id: event.id.get(),
            order_id: event.order_id.as_str().to_owned(),
            request_id: event.request_id.as_str().to_owned(),
            user_id: event.user_id.as_str().to_owned(),
            product_id: event.product_id.as_str().to_owned(),
            quantity: event.quantity.get(),
            status: status_name(event.status).to_owned(),
            payment_id: event.payment_id.as_ref().map(|p| p.as_str().to_owned()),
            payment_deadline_ms: event.payment_deadline.as_millis(),
            occurred_at_ms: event.occurred_at.as_millis(),
        }
    }
}

/// The wire name of a status.
pub fn status_name(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::PendingPayment => "pending_payment",
        OrderStatus::Paid => "paid",
        OrderStatus::Cancelled => "cancelled",
        OrderStatus::Expired => "expired",
    }
}

/// The message key of an event: its order id, so one order's events share a partition and
/// keep their order.
pub fn event_key(event: &OrderEvent) -> &str {
    event.order_id.as_str()
}

/// The JSON payload of an event.
///
/// # Errors
/// When serialisation fails (never expected for this plain struct).
pub fn encode_event(event: &OrderEvent) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(&OrderEventMessage::from_event(event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flashsale_application::ports::EventId;
    use flashsale_domain::{
        Order, OrderId, PaymentId, ProductId, Quantity, RequestId, Timestamp, UserId,
    };

    #[test]
    fn a_paid_event_carries_its_payment_and_is_keyed_by_its_order() {
        let mut order = Order::new(
            OrderId::parse("o-1").unwrap(),
            RequestId::parse("phone.r1").unwrap(),
            UserId::parse("alice").unwrap(),
            ProductId::parse("phone").unwrap(),
            Quantity::ONE,
            Timestamp::from_millis(1_000),
            Timestamp::from_millis(61_000),
        );
        order
            .pay(
                PaymentId::parse("pay_1").unwrap(),
                Timestamp::from_millis(2_000),
            )
            .unwrap();
        let event = OrderEvent::of(EventId::new(7), &order, Timestamp::from_millis(2_000));
        let json: serde_json::Value =
            serde_json::from_slice(&encode_event(&event).unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "schemaVersion": 1,
                "eventId": 7,
                "orderId": "o-1",
                "requestId": "phone.r1",
                "userId": "alice",
                "productId": "phone",
                "quantity": 1,
                "status": "paid",
                "paymentId": "pay_1",
                "paymentDeadlineMs": 61_000,
                "occurredAtMs": 2_000,
            })
        );
        assert_eq!(event_key(&event), "o-1");
    }
}
