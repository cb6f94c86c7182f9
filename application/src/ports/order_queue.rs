//! The order queue: carries accepted reservations to the workers that persist them.

use std::future::Future;

use flashsale_domain::Reservation;

use super::PortFailure;

/// Why a reservation could not be queued, split by what the caller may conclude.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    /// The message certainly did not reach the queue (refused, never sent): the caller may
    /// release the reservation and tell the buyer nothing was taken.
    #[error("the order queue is unavailable: {0}")]
    Unavailable(#[source] PortFailure),
    /// The message may or may not have reached the queue (sent, then no acknowledgement): the
    /// caller must not tell the buyer nothing was taken, and keeps the reservation in flight
    /// (reconciliation re-publishes it; processing is idempotent).
    #[error("the order queue may hold the order or not: {0}")]
    OutcomeUnknown(#[source] PortFailure),
}

/// How far the queue's consumers are behind, over every product, and what they set aside.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueBacklog {
    /// Orders queued and not yet consumed (for Kafka: the consumer group's lag); `None` when
    /// the queue cannot tell.
    pub waiting: Option<u64>,
    /// Messages set aside as unprocessable (for Kafka: on the dead-letter topic); `None` when
    /// the queue cannot tell.
    pub dead_lettered: Option<u64>,
}

/// Publishes accepted reservations; a worker on the other side drives
/// [`crate::FlashSale::process_orders`] with batches of them, at least once each.
pub trait OrderQueue: Clone + Send + Sync + 'static {
    /// Queues one reservation and returns once the queue has durably accepted it (for Kafka: the
    /// broker acknowledged it). Messages of one product keep their order.
    ///
    /// # Errors
    /// [`QueueError::Unavailable`] when the message certainly was not queued (the queue is
    /// closed, full past its timeout, or the broker refused it or never received it);
    /// [`QueueError::OutcomeUnknown`] when it was sent but not acknowledged (for Kafka:
    /// librdkafka says "possibly persisted", or no delivery report came in time). Such a
    /// message may still arrive later; the consumer's idempotence makes that harmless.
    fn publish(
        &self,
        reservation: &Reservation,
    ) -> impl Future<Output = Result<(), QueueError>> + Send;

    /// How far the consumers are behind and what they set aside, for operators. A queue that
    /// cannot tell answers [`QueueBacklog::default`] (nothing known).
    ///
    /// # Errors
    /// [`QueueError::Unavailable`] when the queue does not answer.
    fn backlog(&self) -> impl Future<Output = Result<QueueBacklog, QueueError>> + Send {
        async { Ok(QueueBacklog::default()) }
    }
}
