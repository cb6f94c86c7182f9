//! The order queue: carries accepted reservations to the workers that persist them.

use std::future::Future;

use flashsale_domain::Reservation;

/// Why a reservation could not be queued. The caller releases the reservation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    /// The queue refused or did not acknowledge the message in time.
    #[error("the order queue is unavailable: {0}")]
    Unavailable(String),
}

/// Publishes accepted reservations; a worker on the other side drives
/// [`crate::FlashSale::process_orders`] with batches of them, at least once each.
pub trait OrderQueue: Clone + Send + Sync + 'static {
    /// Queues one reservation and returns once the queue has durably accepted it (for Kafka: the
    /// broker acknowledged it). Messages of one product keep their order.
    ///
    /// # Errors
    /// [`QueueError::Unavailable`] when the queue is closed, full past its timeout, or the broker
    /// did not acknowledge in time. The message may still arrive later; the consumer's
    /// idempotence makes that harmless.
    fn publish(
        &self,
        reservation: &Reservation,
    ) -> impl Future<Output = Result<(), QueueError>> + Send;
}
