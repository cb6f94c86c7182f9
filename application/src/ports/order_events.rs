//! Order events: every change of an order's status, written by the order store into an outbox
//! in the same transaction as the change, then relayed to downstream systems by a publisher.
//!
//! [`OrderEvents`] reads and marks the outbox; [`EventPublisher`] hands events to the outside
//! (for Kafka: the order-events topic, keyed by order id).

use std::future::Future;

use flashsale_domain::{
    Order, OrderId, OrderStatus, PaymentId, ProductId, Quantity, RequestId, Timestamp, UserId,
};

use super::PortFailure;

/// The outbox's id of an event: unique, and increasing with the order of the changes of one
/// order (a change is only possible once the one before it committed). Consumers dedupe by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId(u64);

impl EventId {
    /// The event with this outbox id.
    pub fn new(id: u64) -> Self {
        Self(id)
    }

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }
}

/// One change of an order's status, as it was when the change committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEvent {
    /// The outbox's id of the event.
    pub id: EventId,
    /// The order; also the message key, so the events of one order keep their order.
    pub order_id: OrderId,
    /// The purchase request the order was created for.
    pub request_id: RequestId,
    /// The buyer.
    pub user_id: UserId,
    /// The product.
    pub product_id: ProductId,
    /// Units of the order.
    pub quantity: Quantity,
    /// The status the order moved to (`PendingPayment` when it was created).
    pub status: OrderStatus,
    /// The payment that paid it, in a `Paid` event.
    pub payment_id: Option<PaymentId>,
    /// The order's payment deadline.
    pub payment_deadline: Timestamp,
    /// When the change happened (the order's creation, or the pay or close that moved it).
    pub occurred_at: Timestamp,
}

impl OrderEvent {
    /// The event `id` of `order` having reached its current status at `occurred_at`.
    pub fn of(id: EventId, order: &Order, occurred_at: Timestamp) -> Self {
        Self {
            id,
            order_id: order.id.clone(),
            request_id: order.request_id.clone(),
            user_id: order.user_id.clone(),
            product_id: order.product_id.clone(),
            quantity: order.quantity,
            status: order.status(),
            payment_id: order.payment_id().cloned(),
            payment_deadline: order.payment_deadline,
            occurred_at,
        }
    }
}

/// Why the outbox could not be read or marked. Nothing changed; retrying is safe.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderEventsError {
    /// The store did not answer, or could not commit.
    #[error("the order events outbox is unavailable: {0}")]
    Unavailable(#[source] PortFailure),
}

/// The outbox of order events, written by the [`super::OrderStore`]: each status change it
/// commits (an order created by [`super::OrderStore::persist`], paid by
/// [`super::OrderStore::pay`], closed by [`super::OrderStore::close`]) adds exactly one event
/// in the same transaction; a call that changed nothing adds none.
pub trait OrderEvents: Clone + Send + Sync + 'static {
    /// Up to `limit` events not yet marked published, by ascending id.
    ///
    /// # Errors
    /// [`OrderEventsError::Unavailable`] when the store fails.
    fn unpublished(
        &self,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<OrderEvent>, OrderEventsError>> + Send;

    /// Marks these events published at `now`: [`Self::unpublished`] no longer returns them.
    /// Ids already marked or unknown are ignored.
    ///
    /// # Errors
    /// [`OrderEventsError::Unavailable`] when the store fails; none or some of them are marked
    /// then (those not marked are published again: at least once).
    fn mark_published(
        &self,
        ids: &[EventId],
        now: Timestamp,
    ) -> impl Future<Output = Result<(), OrderEventsError>> + Send;
}

/// Why an event was not acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventPublishError {
    /// No acknowledgement came: the event was not written, or may have been (then the next
    /// attempt publishes it again, which at-least-once delivery allows).
    #[error("the order event was not acknowledged: {0}")]
    Unacknowledged(#[source] PortFailure),
}

/// Hands order events to downstream systems.
pub trait EventPublisher: Clone + Send + Sync + 'static {
    /// Publishes `events`, which belong to distinct orders, concurrently where it can, and
    /// answers once each is acknowledged or failed: one result per event, in order.
    ///
    /// # Errors
    /// Per event, [`EventPublishError::Unacknowledged`] when the destination did not
    /// acknowledge it.
    fn publish(
        &self,
        events: &[OrderEvent],
    ) -> impl Future<Output = Vec<Result<(), EventPublishError>>> + Send;
}
