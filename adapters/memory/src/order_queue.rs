//! The in-memory order queue: a bounded tokio channel; the worker drains it in batches.
//!
//! A publish returns once the message is queued, or, when the system of record is durable
//! ([`MemoryOrderQueue::acknowledged_when_stored`]), once the worker has stored the batch that
//! holds it: the embedded counterpart of waiting for the broker's acknowledgement, so a `202`
//! means the order survives a crash. Many publishes share one batch's commit (group commit).

use std::time::Duration;

use flashsale_application::ports::{OrderQueue, PortFailure, QueueBacklog, QueueError};
use flashsale_domain::Reservation;
use tokio::sync::{mpsc, oneshot};

/// A queued reservation and, when its publisher waits for it, who to tell once it is stored.
pub(crate) struct Queued {
    pub(crate) reservation: Reservation,
    pub(crate) stored: Option<oneshot::Sender<()>>,
}

/// The publishing end: cheap to clone, shared by every request handler.
#[derive(Clone)]
pub struct MemoryOrderQueue {
    sender: mpsc::Sender<Queued>,
    publish_timeout: Duration,
    /// How long a publish waits for its batch to be stored; `None`: it returns once queued.
    stored_within: Option<Duration>,
}

/// The consuming end, handed to [`crate::run_order_worker`].
pub struct OrderReceiver {
    pub(crate) receiver: mpsc::Receiver<Queued>,
}

/// A queue holding up to `capacity` messages; publishing into a full queue waits up to
/// `publish_timeout`, then fails so the reservation is released rather than left hanging.
pub fn order_queue(
    capacity: usize,
    publish_timeout: Duration,
) -> (MemoryOrderQueue, OrderReceiver) {
    let (sender, receiver) = mpsc::channel(capacity.max(1));
    (
        MemoryOrderQueue {
            sender,
            publish_timeout,
            stored_within: None,
        },
        OrderReceiver { receiver },
    )
}

impl MemoryOrderQueue {
    /// Messages waiting for the worker.
    pub fn depth(&self) -> usize {
        self.sender.max_capacity() - self.sender.capacity()
    }

    /// Publishes return only once the worker stored the message's batch, waiting at most
    /// `within`; past it, or when the worker stops before storing it, the outcome is unknown
    /// (the message is queued and may still be stored).
    pub fn acknowledged_when_stored(mut self, within: Duration) -> Self {
        self.stored_within = Some(within);
        self
    }

    async fn enqueue(&self, queued: Queued) -> Result<(), QueueError> {
        self.sender
            .send_timeout(queued, self.publish_timeout)
            .await
            .map_err(|error| match error {
                mpsc::error::SendTimeoutError::Timeout(_) => {
                    QueueError::Unavailable(PortFailure::new("the order queue stayed full"))
                }
                mpsc::error::SendTimeoutError::Closed(_) => {
                    QueueError::Unavailable(PortFailure::new("the order queue is shut down"))
                }
            })
    }
}

impl OrderQueue for MemoryOrderQueue {
    async fn publish(&self, reservation: &Reservation) -> Result<(), QueueError> {
        let Some(within) = self.stored_within else {
            return self
                .enqueue(Queued {
                    reservation: reservation.clone(),
                    stored: None,
                })
                .await;
        };
        let (stored, acknowledgement) = oneshot::channel();
        self.enqueue(Queued {
            reservation: reservation.clone(),
            stored: Some(stored),
        })
        .await?;
        match tokio::time::timeout(within, acknowledgement).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(QueueError::OutcomeUnknown(PortFailure::new(
                "the order worker stopped before storing the order",
            ))),
            Err(_) => Err(QueueError::OutcomeUnknown(PortFailure::new(format!(
                "the order was not stored within {within:?}"
            )))),
        }
    }

    /// The messages waiting for the worker; nothing is ever dead-lettered in memory (the
    /// messages are reservations, never bytes that fail to decode).
    async fn backlog(&self) -> Result<QueueBacklog, QueueError> {
        Ok(QueueBacklog {
            waiting: Some(self.depth() as u64),
            dead_lettered: Some(0),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use flashsale_domain::{ProductId, Quantity, RequestId, Timestamp, UserId};

    use super::*;

    fn reservation() -> Reservation {
        Reservation {
            request_id: RequestId::parse("r-1").expect("valid"),
            user_id: UserId::parse("alice").expect("valid"),
            product_id: ProductId::parse("phone").expect("valid"),
            quantity: Quantity::ONE,
            reserved_at: Timestamp::from_millis(0),
        }
    }

    fn durable(within: Duration) -> (Arc<MemoryOrderQueue>, OrderReceiver) {
        let (queue, receiver) = order_queue(10, Duration::from_secs(1));
        (Arc::new(queue.acknowledged_when_stored(within)), receiver)
    }

    #[tokio::test]
    async fn a_publish_waits_for_its_batch_to_be_stored() {
        let (queue, mut receiver) = durable(Duration::from_secs(5));
        let publisher = queue.clone();
        let publish = tokio::spawn(async move { publisher.publish(&reservation()).await });
        let queued = receiver.receiver.recv().await.expect("queued");
        tokio::task::yield_now().await;
        assert!(!publish.is_finished(), "answered before it was stored");
        queued.stored.expect("waited for").send(()).expect("sent");
        assert!(publish.await.expect("joins").is_ok());
    }

    #[tokio::test]
    async fn an_order_not_stored_in_time_or_dropped_by_the_worker_is_of_unknown_outcome() {
        let (queue, mut receiver) = durable(Duration::from_millis(20));
        let late = queue.publish(&reservation()).await;
        assert!(
            matches!(late, Err(QueueError::OutcomeUnknown(_))),
            "{late:?}"
        );
        let _late = receiver.receiver.recv().await.expect("still queued");

        let (queue, mut receiver) = durable(Duration::from_secs(5));
        let publisher = queue.clone();
        let publish = tokio::spawn(async move { publisher.publish(&reservation()).await });
        drop(receiver.receiver.recv().await.expect("queued"));
        let dropped = publish.await.expect("joins");
        assert!(
            matches!(dropped, Err(QueueError::OutcomeUnknown(_))),
            "{dropped:?}"
        );
    }

    #[tokio::test]
    async fn without_waiting_for_storage_a_publish_returns_once_queued() {
        let (queue, mut receiver) = order_queue(10, Duration::from_secs(1));
        queue.publish(&reservation()).await.expect("queued");
        let queued = receiver.receiver.recv().await.expect("queued");
        assert!(queued.stored.is_none());
    }
}
